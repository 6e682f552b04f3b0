//! The test harness: the real app on a free port over a fresh database, test RSA keys, and fakes
//! of the outside world (an OpenAI-compatible server, a Clerk JWKS endpoint) on loopback.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use challenger::{App, Config};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use poem::{
    EndpointExt, Route, Server, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    web::{Data, Json},
};
use rsa::{
    RsaPrivateKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
    traits::PublicKeyParts,
};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// An RSA key pair the tests sign tokens with.
pub struct TestKey {
    pub kid: String,
    pub public_pem: String,
    /// PKCS#8, as the development issuer stores its key.
    pub private_pem: String,
    pub encoding: EncodingKey,
    /// The public key as a JWK (`kty`, `kid`, `use`, `alg`, `n`, `e`).
    pub jwk: Value,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("RSA key");
        let public = private.to_public_key();
        let private_pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("PEM")
            .to_string();
        let public_pem = public.to_public_key_pem(LineEnding::LF).expect("PEM");
        let jwk = json!({
            "kty": "RSA",
            "kid": kid,
            "use": "sig",
            "alg": "RS256",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        Self {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("encoding key"),
            private_pem,
            public_pem,
            jwk,
        }
    }

    /// Signs `claims` with RS256 and this key's `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("sign")
    }
}

/// The key the app trusts by default (`CLERK_JWT_KEY`), generated once per test run.
pub fn main_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::generate("ins_test_main"))
}

/// A second key the app does not trust by default.
pub fn other_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::generate("ins_test_other"))
}

/// The development issuer's key in server processes the tests start (see `ServerProcess`).
pub fn dev_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::generate("dev"))
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims of a valid Clerk session token for `user_id`.
pub fn session_claims(user_id: &str) -> Value {
    let now = now();
    json!({
        "iss": "https://clerk.test.example",
        "sub": user_id,
        "sid": "sess_test",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 300,
        "azp": "http://localhost:5173",
        "v": 2,
    })
}

/// A running app and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    env: TestEnv,
    dir: Arc<tempfile::TempDir>,
    /// The PostgreSQL database made for this test, if any: dropped with the last app using it.
    database: Option<Arc<TestDatabase>>,
    /// The app's clock, for "now" in answers, reviews and stats.
    clock: challenger::domain::Clock,
    /// The app's services, for running its periodic sweep on demand.
    state: challenger::api::AppState,
}

/// Environment for a test app; every value goes through the real configuration parser.
#[derive(Clone)]
pub struct TestEnv {
    vars: HashMap<String, String>,
}

impl TestEnv {
    pub fn new() -> Self {
        let vars = [
            ("HOST", "127.0.0.1"),
            ("PORT", "0"),
            ("CLERK_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ("CHALLENGE_GENERATOR", "builtin"),
            ("RUST_LOG", "warn"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .chain([("CLERK_JWT_KEY".to_owned(), main_key().public_pem.clone())])
        .collect();
        Self { vars }
    }

    pub fn set(mut self, name: &str, value: impl Into<String>) -> Self {
        self.vars.insert(name.to_owned(), value.into());
        self
    }

    pub fn unset(mut self, name: &str) -> Self {
        self.vars.remove(name);
        self
    }

    pub async fn spawn(self) -> TestApp {
        TestApp::spawn_with(self).await
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        TestEnv::new().spawn().await
    }

    pub async fn spawn_with(env: TestEnv) -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        Self::spawn_in(env, dir, None, chrono::TimeDelta::zero()).await
    }

    /// Spawns with the app's clock `ahead` of the system clock.
    async fn spawn_in(
        mut env: TestEnv,
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<TestDatabase>>,
        ahead: chrono::TimeDelta,
    ) -> Self {
        let database_url = match env.vars.get("DATABASE_URL") {
            Some(url) => url.clone(),
            None => fresh_database(&dir).await,
        };
        // A database `fresh_database` made, here or in the test, now lives as long as the app.
        let database = database.or_else(|| TestDatabase::claim(&database_url));
        env.vars.insert("DATABASE_URL".into(), database_url.clone());
        // The development issuer keeps its key in the test's own folder.
        let dev_key = dir.path().join("dev-key.pem").display().to_string();
        let vars = env.vars.clone();
        let mut config =
            Config::from_lookup(|name| vars.get(name).cloned()).expect("valid test configuration");
        if let challenger::config::KeySource::Development { key_path } = &mut config.auth.keys {
            *key_path = dev_key;
        }
        challenger::telemetry::init(&config.log_filter, false, None);

        let app = App::build(&config).await.expect("app builds");
        let clock = app.state.clock.clone();
        clock.advance(ahead);
        let state = app.state.clone();
        let listener = App::bind(&config).await.expect("bind");
        let port = listener.local_addr().expect("bound").port();
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            app.serve(&config, listener, async {
                let _ = shutdown_rx.await;
            })
            .await
        });
        Self {
            address: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            database_url,
            shutdown: Some(shutdown),
            server: Some(server),
            env,
            dir,
            database,
            clock,
            state,
        }
    }

    /// Stops this server and starts a new one over the same database and key folder, its clock
    /// where this one's was.
    pub async fn restart(mut self) -> Self {
        let (env, dir, database) = (self.env.clone(), self.dir.clone(), self.database.take());
        self.stop_server().await;
        Self::spawn_in(env, dir, database, self.clock.offset()).await
    }

    /// Moves the app's clock forward: answers, reviews and stats then happen `by` later.
    pub fn advance_clock(&self, by: chrono::TimeDelta) {
        self.clock.advance(by);
    }

    /// Runs one pass of the sweep the server runs periodically.
    pub async fn sweep(&self) {
        challenger::app::sweep(&self.state).await;
    }

    /// The app's "now".
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Stops the server gracefully and waits for it to finish.
    pub async fn stop(mut self) {
        self.stop_server().await;
    }

    async fn stop_server(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A valid session token for `user_id`, signed with the trusted key.
    pub fn token(&self, user_id: &str) -> String {
        main_key().sign(&session_claims(user_id))
    }

    /// `GET path` without a token.
    pub async fn get_anonymous(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn generate(&self, token: &str, difficulty: &str) -> reqwest::Response {
        self.post(
            "/api/generate-challenge",
            token,
            &json!({ "difficulty": difficulty }),
        )
        .await
    }

    /// Sends `payload` to the Clerk webhook, signed with the test secret by the svix library.
    pub async fn send_webhook(&self, svix_id: &str, payload: &Value) -> reqwest::Response {
        let body = serde_json::to_vec(payload).expect("json");
        let timestamp = now();
        let signature = sign_webhook(svix_id, timestamp, &body);
        self.client
            .post(self.url("/api/webhooks/clerk"))
            .header("content-type", "application/json")
            .header("svix-id", svix_id)
            .header("svix-timestamp", timestamp.to_string())
            .header("svix-signature", signature)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// A direct connection to the app's database, for asserting what is (not) stored.
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        Database::connect(&self.database_url).await.expect("db")
    }

    /// Number of rows in `table` (optionally filtered by `user_id`).
    pub async fn count_rows(&self, table: &str, user_id: Option<&str>) -> i64 {
        let db = self.db().await;
        let sql = match user_id {
            Some(user) => format!("SELECT COUNT(*) AS n FROM {table} WHERE user_id = '{user}'"),
            None => format!("SELECT COUNT(*) AS n FROM {table}"),
        };
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

/// `v1,<signature>` for a delivery, made by the svix library itself.
pub fn sign_webhook(svix_id: &str, timestamp: i64, body: &[u8]) -> String {
    svix::webhooks::Webhook::new(WEBHOOK_SECRET)
        .expect("secret")
        .sign(svix_id, timestamp, body)
        .expect("sign")
}

/// A fresh database: a SQLite file in `dir`, or a new PostgreSQL database when
/// `TEST_DATABASE_URL` points at a PostgreSQL server. The PostgreSQL database is dropped when
/// the app that uses it is dropped (or, if no app ever takes it, when a later test finds `dir`
/// gone), whether the test passed or failed.
pub async fn fresh_database(dir: &tempfile::TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => {
            TestDatabase::create(&server, dir.path()).await
        }
        _ => format!("sqlite://{}/challenger.db?mode=rwc", dir.path().display()),
    }
}

/// A PostgreSQL database made for one test, dropped when its last holder lets go. Its name says
/// which machine and process made it (`challenger_test_<host>_<pid>_<random>`), so a later run
/// can tell a killed run's leftovers from the databases of a run still going.
pub struct TestDatabase {
    pub server: String,
    pub name: String,
}

/// Databases made by [`fresh_database`] that no app has taken yet, by URL, with their folder.
type Unclaimed = HashMap<String, (std::path::PathBuf, Arc<TestDatabase>)>;

fn unclaimed() -> &'static Mutex<Unclaimed> {
    static UNCLAIMED: OnceLock<Mutex<Unclaimed>> = OnceLock::new();
    UNCLAIMED.get_or_init(Default::default)
}

impl TestDatabase {
    async fn create(server: &str, dir: &std::path::Path) -> String {
        static LEFTOVERS_REMOVED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
        LEFTOVERS_REMOVED
            .get_or_init(|| remove_leftover_databases(server))
            .await;
        // A test that failed before an app took its database left it here; its folder is gone.
        let abandoned: Vec<_> = unclaimed()
            .lock()
            .expect("unclaimed databases")
            .extract_if(|_, (dir, _)| !dir.exists())
            .collect();
        drop(abandoned);

        let name = format!(
            "{}{}_{}",
            database_prefix(),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        let admin = admin(server).await.expect("connect to TEST_DATABASE_URL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        admin.close().await.expect("close");
        let (base, _) = server
            .rsplit_once('/')
            .expect("a database path in TEST_DATABASE_URL");
        let url = format!("{base}/{name}");
        let database = Arc::new(Self {
            server: server.to_owned(),
            name,
        });
        unclaimed()
            .lock()
            .expect("unclaimed databases")
            .insert(url.clone(), (dir.to_path_buf(), database));
        url
    }

    /// The database made for `url`, for the app that will use it to hold.
    fn claim(url: &str) -> Option<Arc<Self>> {
        let mut unclaimed = unclaimed().lock().expect("unclaimed databases");
        unclaimed.remove(url).map(|(_, database)| database)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop may run inside the test's runtime, which cannot wait on its own futures: the
        // database is dropped from a thread and a runtime of its own.
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(drop_database(&server, &name))
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            // Never panic here: this may run while a failed test unwinds.
            Ok(Err(e)) => eprintln!("could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!("could not drop test database {}", self.name),
        }
    }
}

/// `challenger_test_<host>_`: this machine's prefix (a hash of its host name, as process ids of
/// two machines sharing a server mean nothing to each other).
pub fn database_prefix() -> String {
    use sha2::Digest;
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let hash = sha2::Sha256::digest(host.trim().as_bytes());
    let tag: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("challenger_test_{tag}_")
}

/// A connection to the server's maintenance database, quiet: a slow `DROP DATABASE` on a busy
/// machine is no news.
async fn admin(server: &str) -> Result<sea_orm::DatabaseConnection, sea_orm::DbErr> {
    Database::connect(
        sea_orm::ConnectOptions::new(server)
            .sqlx_logging(false)
            .to_owned(),
    )
    .await
}

async fn drop_database(server: &str, name: &str) -> Result<(), String> {
    let admin = admin(server).await.map_err(|e| e.to_string())?;
    // FORCE: the app under test, or the test itself, may still hold connections.
    let dropped = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
    let _ = admin.close().await;
    dropped.map(|_| ()).map_err(|e| e.to_string())
}

/// Drops the test databases that runs on this machine left behind when they were killed: those
/// whose process is gone. A live run's databases, and other machines', are never touched.
pub async fn remove_leftover_databases(server: &str) {
    // Without /proc, a live process cannot be told from a gone one.
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let Ok(admin) = admin(server).await else {
        return;
    };
    let names = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database",
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|row| row.try_get::<String>("", "datname").ok());
    let prefix = database_prefix();
    let gone = |pid: &str| !std::path::Path::new(&format!("/proc/{pid}")).exists();
    for name in names {
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split('_').next())
        else {
            continue;
        };
        let leftover = !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()) && gone(pid);
        if leftover && let Err(e) = drop_database(server, &name).await {
            eprintln!("could not drop leftover test database {name}: {e}");
        }
    }
    let _ = admin.close().await;
}

/// Runs a poem endpoint on a free loopback port until dropped.
pub struct FakeServer {
    pub address: SocketAddr,
    _shutdown: oneshot::Sender<()>,
}

impl FakeServer {
    pub async fn start(endpoint: impl poem::Endpoint + 'static) -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .expect("bind");
        let address = *acceptor.local_addr()[0].as_socket_addr().expect("tcp");
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(
                    endpoint,
                    async {
                        let _ = shutdown_rx.await;
                    },
                    Some(Duration::from_millis(10)),
                )
                .await;
        });
        Self {
            address,
            _shutdown: shutdown,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }
}

/// What the fake LLM answers to one request.
#[derive(Clone, Debug)]
pub enum LlmReply {
    /// A completion whose message content is this string.
    Content(String),
    /// A bare HTTP status (429, 500…).
    Status(u16),
    /// An error status with this JSON body (a server refusing a `response_format`).
    Error(u16, Value),
    /// Waits this long, then answers with a valid challenge.
    Slow(Duration),
}

/// A valid challenge as an LLM would write it, in the older `title` form.
pub fn llm_challenge(title: &str) -> String {
    json!({
        "title": title,
        "options": ["O(1)", "O(log n)", "O(n)", "O(n log n)"],
        "correct_answer_id": 1,
        "explanation": "Binary search halves the remaining range at every step.",
    })
    .to_string()
}

/// A reply in the requested form: a question about what `code` prints, with its program.
pub fn llm_reply(question: &str, options: [&str; 4], correct: u8, program: Option<&str>) -> Value {
    json!({
        "question": question,
        "code": program,
        "language": program.map(|_| "python"),
        "options": options,
        "correct_answer_id": correct,
        "explanation": "Python evaluates the expression before printing it.",
        "program": program,
    })
}

/// A valid reply none of whose earlier ones it nearly repeats (the id makes it unique).
fn fresh_reply() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    llm_reply(
        &format!("Which value does the lookup of key {id} return?"),
        ["None", "0", "A KeyError", "The key itself"],
        2,
        None,
    )
    .to_string()
}

/// An OpenAI-compatible chat-completions server that answers from a script and records requests.
#[derive(Clone)]
pub struct FakeLlm {
    replies: Arc<Mutex<Vec<LlmReply>>>,
    pub requests: Arc<Mutex<Vec<Value>>>,
    pub calls: Arc<AtomicUsize>,
}

impl FakeLlm {
    /// Replies in order; once the script runs out, every request gets a valid challenge unlike
    /// the ones before.
    pub async fn start(replies: Vec<LlmReply>) -> (Self, FakeServer) {
        let fake = Self {
            replies: Arc::new(Mutex::new(replies.into_iter().rev().collect())),
            requests: Arc::default(),
            calls: Arc::default(),
        };
        let server = FakeServer::start(
            Route::new()
                .at("/v1/chat/completions", poem::post(llm_handler))
                .data(fake.clone()),
        )
        .await;
        (fake, server)
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[handler]
async fn llm_handler(fake: Data<&FakeLlm>, body: Json<Value>) -> poem::Response {
    use poem::IntoResponse;
    fake.calls.fetch_add(1, Ordering::SeqCst);
    fake.requests.lock().expect("lock").push(body.0);
    let reply = fake.replies.lock().expect("lock").pop();
    let content = match reply {
        Some(LlmReply::Status(status)) => {
            return StatusCode::from_u16(status)
                .expect("status")
                .into_response();
        }
        Some(LlmReply::Error(status, body)) => {
            return Json(body)
                .with_status(StatusCode::from_u16(status).expect("status"))
                .into_response();
        }
        Some(LlmReply::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            fresh_reply()
        }
        Some(LlmReply::Content(content)) => content,
        None => fresh_reply(),
    };
    Json(json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }))
    .into_response()
}

/// A Clerk JWKS endpoint whose key set can change (rotation) or fail (outage), counting fetches.
#[derive(Clone)]
pub struct FakeJwks {
    keys: Arc<Mutex<Value>>,
    down: Arc<std::sync::atomic::AtomicBool>,
    pub fetches: Arc<AtomicUsize>,
}

impl FakeJwks {
    pub async fn start(keys: &[&TestKey]) -> (Self, FakeServer) {
        let fake = Self {
            keys: Arc::new(Mutex::new(Value::Null)),
            down: Arc::default(),
            fetches: Arc::default(),
        };
        fake.serve_keys(keys);
        let server = FakeServer::start(
            Route::new()
                .at("/.well-known/jwks.json", poem::get(jwks_handler))
                .data(fake.clone()),
        )
        .await;
        (fake, server)
    }

    pub fn serve_keys(&self, keys: &[&TestKey]) {
        *self.keys.lock().expect("lock") =
            json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() });
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

#[handler]
async fn jwks_handler(fake: Data<&FakeJwks>) -> poem::Response {
    use poem::IntoResponse;
    fake.fetches.fetch_add(1, Ordering::SeqCst);
    if fake.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Json(fake.keys.lock().expect("lock").clone()).into_response()
}

/// Reads a JSON body, failing the test with the raw text if it is not JSON.
pub async fn json_body(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

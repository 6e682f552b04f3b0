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
    /// The app's clock, for "now" in answers, reviews and stats.
    clock: challenger::domain::Clock,
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
        Self::spawn_in(env, Arc::new(tempfile::tempdir().expect("temp dir"))).await
    }

    async fn spawn_in(env: TestEnv, dir: Arc<tempfile::TempDir>) -> Self {
        Self::spawn_at(env, dir, chrono::TimeDelta::zero()).await
    }

    /// Spawns with the app's clock `ahead` of the system clock.
    async fn spawn_at(
        mut env: TestEnv,
        dir: Arc<tempfile::TempDir>,
        ahead: chrono::TimeDelta,
    ) -> Self {
        let database_url = match env.vars.get("DATABASE_URL") {
            Some(url) => url.clone(),
            None => fresh_database(&dir).await,
        };
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
            clock,
        }
    }

    /// Stops this server and starts a new one over the same database and key folder, its clock
    /// where this one's was.
    pub async fn restart(mut self) -> Self {
        let (env, dir) = (self.env.clone(), self.dir.clone());
        self.stop_server().await;
        Self::spawn_at(env, dir, self.clock.offset()).await
    }

    /// Moves the app's clock forward: answers, reviews and stats then happen `by` later.
    pub fn advance_clock(&self, by: chrono::TimeDelta) {
        self.clock.advance(by);
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
/// `TEST_DATABASE_URL` points at a PostgreSQL server.
pub async fn fresh_database(dir: &tempfile::TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => {
            let name = format!("challenger_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&server)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            admin.close().await.expect("close");
            let (base, _) = server
                .rsplit_once('/')
                .expect("a database path in TEST_DATABASE_URL");
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}/challenger.db?mode=rwc", dir.path().display()),
    }
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
    /// Waits this long, then answers with a valid challenge.
    Slow(Duration),
}

/// A valid challenge as an LLM would write it.
pub fn llm_challenge(title: &str) -> String {
    json!({
        "title": title,
        "options": ["O(1)", "O(log n)", "O(n)", "O(n log n)"],
        "correct_answer_id": 1,
        "explanation": "Binary search halves the remaining range at every step.",
    })
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
    /// Replies in order; once the script runs out, every request gets a valid challenge.
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
        Some(LlmReply::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            llm_challenge("What is the time complexity of binary search?")
        }
        Some(LlmReply::Content(content)) => content,
        None => llm_challenge("What is the time complexity of binary search?"),
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

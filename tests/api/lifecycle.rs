//! Process-level behaviour: probes, spec, CORS, unknown routes, restarts, shutdown, the CLI.

use std::{process::Command, time::Duration};

use serde_json::json;

use crate::{
    helpers::{FakeLlm, LlmReply, TestApp, TestEnv, json_body},
    process::ServerProcess,
};

const BIN: &str = env!("CARGO_BIN_EXE_challenger");

#[tokio::test]
async fn health_and_readiness_probes_answer_200() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get_anonymous(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(json_body(response).await["status"], "ok");
    }
}

/// PostgreSQL only: an embedded SQLite file has no outage to simulate (open connections keep
/// working even when the file is deleted); the error mapping itself is unit-tested.
#[tokio::test]
async fn a_database_outage_is_503_on_readiness_and_on_the_api() {
    let app = TestApp::spawn().await;
    let Some((server, name)) = app
        .database_url
        .rsplit_once('/')
        .filter(|_| app.database_url.starts_with("postgres"))
    else {
        return;
    };
    let token = app.token("user_outage");
    assert_eq!(app.get("/api/quota", &token).await.status(), 200);
    let admin = sea_orm::Database::connect(format!("{server}/postgres"))
        .await
        .expect("admin");
    use sea_orm::ConnectionTrait;
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .expect("drop");

    let ready = app.get_anonymous("/readyz").await;
    assert_eq!(ready.status(), 503);
    let alive = app.get_anonymous("/healthz").await;
    assert_eq!(alive.status(), 200, "the process itself is fine");
    let history = app.get("/api/my-history", &token).await;
    assert_eq!(history.status(), 503);
    assert!(
        json_body(history).await["detail"]
            .as_str()
            .expect("detail")
            .contains("database")
    );
}

#[tokio::test]
async fn unknown_routes_are_json_404s() {
    let app = TestApp::spawn().await;
    let response = app.get_anonymous("/api/nope").await;
    assert_eq!(response.status(), 404);
    assert!(json_body(response).await["detail"].is_string());
}

#[tokio::test]
async fn a_wrong_method_is_405_with_an_allow_header() {
    let app = TestApp::spawn().await;
    for (method, path, allowed) in [
        (reqwest::Method::DELETE, "/api/quota", "GET"),
        (reqwest::Method::GET, "/api/generate-challenge", "POST"),
        (reqwest::Method::PUT, "/api/challenges/7/answer", "POST"),
    ] {
        let response = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(response.headers()["allow"], allowed, "{path}");
        assert!(json_body(response).await["detail"].is_string());
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_reuses_a_sane_incoming_one() {
    let app = TestApp::spawn().await;
    let fresh = app.get_anonymous("/healthz").await;
    assert!(!fresh.headers()["x-request-id"].is_empty());
    let reused = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("request");
    assert_eq!(reused.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn the_served_spec_and_the_cli_spec_equal_the_committed_one() {
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json"))
            .expect("committed spec is JSON");
    let cli = Command::new(BIN)
        .arg("openapi")
        .output()
        .expect("run challenger openapi");
    assert!(cli.status.success());
    let printed: serde_json::Value =
        serde_json::from_slice(&cli.stdout).expect("printed spec is JSON");
    assert_eq!(
        printed, committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
    let app = TestApp::spawn().await;
    let served = json_body(app.get_anonymous("/openapi.json").await).await;
    assert_eq!(served, committed);
    let docs = app.get_anonymous("/docs").await;
    assert_eq!(docs.status(), 200);
    let page = docs.text().await.expect("html");
    assert!(page.contains("swagger"));
    assert!(
        page.contains(include_str!("../../openapi/openapi.json").trim_end()),
        "Swagger UI loads the published spec"
    );
}

#[tokio::test]
async fn the_apps_own_origin_is_never_refused_by_cors_but_other_sites_are() {
    let app = TestApp::spawn().await;
    let own = app.address.clone();
    let index = app.get_anonymous("/").await.text().await.expect("html");
    let start = index.find("/assets/").expect("a hashed asset");
    let script = &index[start..start + index[start..].find('"').expect("quote")];
    let with_origin = |origin: &str, path: &str| {
        app.client
            .get(app.url(path))
            .header("origin", origin)
            .send()
    };
    assert_eq!(
        with_origin(&own, script).await.expect("request").status(),
        200
    );
    let generated = app
        .client
        .post(app.url("/api/generate-challenge"))
        .header("origin", &own)
        .bearer_auth(app.token("user_same_origin"))
        .json(&json!({"difficulty": "easy"}))
        .send()
        .await
        .expect("request");
    assert_eq!(generated.status(), 200, "a same-origin POST");
    let foreign = with_origin("https://evil.example", script)
        .await
        .expect("request");
    assert_eq!(foreign.status(), 403);
}

#[tokio::test]
async fn cors_allows_the_configured_frontend_and_no_one_else() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/generate-challenge"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("http://localhost:5173").await.expect("request");
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let allowed_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .expect("ascii")
        .to_lowercase();
    assert!(allowed_headers.contains("authorization") && allowed_headers.contains("content-type"));

    let refused = preflight("https://evil.example").await.expect("request");
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    // Error responses carry CORS headers too, so the browser can read the detail.
    let unauthorized = app
        .client
        .get(app.url("/api/quota"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .expect("request");
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(
        unauthorized.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
}

#[tokio::test]
async fn data_survives_a_restart() {
    let app = TestApp::spawn().await;
    let token = app.token("user_restart");
    let challenge = json_body(app.generate(&token, "easy").await).await;
    let app = app.restart().await;
    let history = json_body(app.get("/api/my-history", &token).await).await;
    assert_eq!(history["challenges"][0], challenge);
    assert_eq!(
        json_body(app.get("/api/quota", &token).await).await["quota_remaining"],
        49
    );
}

#[tokio::test]
async fn a_challenge_answered_before_a_kill_9_is_there_after_the_restart() {
    let server = ServerProcess::start(&[], None);
    let token = server.dev_token("user_killed").await;
    let client = &server.client;
    let challenge: serde_json::Value = client
        .post(server.url("/api/generate-challenge"))
        .bearer_auth(&token)
        .json(&json!({"difficulty": "hard"}))
        .send()
        .await
        .expect("generate")
        .json()
        .await
        .expect("json");
    let id = challenge["id"].as_i64().expect("id");
    let answered = client
        .post(server.url(&format!("/api/challenges/{id}/answer")))
        .bearer_auth(&token)
        .json(&json!({"answer_id": 0}))
        .send()
        .await
        .expect("answer");
    assert_eq!(answered.status(), 200);

    let restarted = ServerProcess::start_in(server.kill_hard(), &[], None);
    let read: serde_json::Value = restarted
        .client
        .get(restarted.url(&format!("/api/challenges/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("read")
        .json()
        .await
        .expect("json");
    assert_eq!(read["title"], challenge["title"]);
    assert_eq!(read["answer"]["selected_answer_id"], 0);
}

#[tokio::test]
async fn a_reservation_left_by_a_dead_process_is_refunded_at_start() {
    // Stale after 8 minutes, swept every 30 s: the sweep at start finds it, not one in between.
    let app = TestEnv::new()
        .set("DAILY_QUOTA", "5")
        .set("OPENAI_TIMEOUT_SECS", "240")
        .spawn()
        .await;
    let token = app.token("user_crash");
    app.get("/api/quota", &token).await;
    // What a process killed mid-generation ten minutes ago leaves behind: a unit taken in the
    // current window, a reservation recorded.
    let db = app.db().await;
    let window_start = chrono::Utc::now() - chrono::TimeDelta::minutes(20);
    let old = chrono::Utc::now() - chrono::TimeDelta::minutes(10);
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let (take, reserve) = match backend {
        sea_orm::DatabaseBackend::Postgres => (
            "UPDATE quotas SET quota_remaining = quota_remaining - 1, last_reset_date = $2 WHERE user_id = $1",
            "INSERT INTO quota_reservations (user_id, created_at) VALUES ($1, $2)",
        ),
        _ => (
            "UPDATE quotas SET quota_remaining = quota_remaining - 1, last_reset_date = ? WHERE user_id = ?",
            "INSERT INTO quota_reservations (user_id, created_at) VALUES (?, ?)",
        ),
    };
    let take_values: [sea_orm::Value; 2] = match backend {
        sea_orm::DatabaseBackend::Postgres => ["user_crash".into(), window_start.into()],
        _ => [window_start.into(), "user_crash".into()],
    };
    db.execute_raw(Statement::from_sql_and_values(backend, take, take_values))
        .await
        .expect("take");
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        reserve,
        ["user_crash".into(), old.into()],
    ))
    .await
    .expect("reserve");
    assert_eq!(
        app.count_rows("quota_reservations", Some("user_crash"))
            .await,
        1
    );

    let app = app.restart().await;
    let mut remaining = serde_json::Value::Null;
    for _ in 0..50 {
        remaining = json_body(app.get("/api/quota", &token).await).await["quota_remaining"].clone();
        if remaining == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(remaining, 5);
    assert_eq!(
        app.count_rows("quota_reservations", Some("user_crash"))
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_an_in_flight_generation_finish() {
    let (_llm, server) = FakeLlm::start(vec![LlmReply::Slow(Duration::from_millis(800))]).await;
    let app = TestEnv::new()
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", server.url("/v1"))
        .spawn()
        .await;
    let request = app
        .client
        .post(app.url("/api/generate-challenge"))
        .bearer_auth(app.token("user_shutdown"))
        .json(&json!({"difficulty": "easy"}))
        .send();
    let in_flight = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(200)).await;
    app.stop().await;
    let response = in_flight.await.expect("task").expect("response");
    assert_eq!(response.status(), 200);
}

#[test]
fn an_invalid_setting_stops_the_server_with_one_line_naming_it() {
    let dir = tempfile::tempdir().expect("dir");
    let output = Command::new(BIN)
        .current_dir(dir.path())
        .env("DAILY_QUOTA", "lots")
        .env("PORT", "0")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DAILY_QUOTA"));
}

#[test]
fn dev_token_prints_a_token_from_the_development_issuer() {
    let dir = tempfile::tempdir().expect("dir");
    let output = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("CLERK_JWT_KEY")
        .env_remove("CLERK_JWKS_URL")
        .args([
            "dev-token",
            "--user",
            "user_cli",
            "--email",
            "cli@example.com",
            "--ttl",
            "60",
        ])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).expect("utf8");
    let claims = token.trim().split('.').nth(1).expect("payload");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
            .expect("base64"),
    )
    .expect("json");
    assert_eq!(claims["sub"], "user_cli");
    assert_eq!(claims["email"], "cli@example.com");
    assert!(dir.path().join(".challenger/dev-key.pem").exists());
}

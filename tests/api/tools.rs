//! The operator's tools (`challenger users export|erase`, `challenger quota grant|reset`) run
//! as commands beside a running server on the same database, and the learner's own export
//! (`GET /api/me/export`).

use std::process::Output;

use serde_json::{Value, json};

use crate::{
    cli::{folder_with_dev_key, one_line_failure, run, stdout},
    helpers::{WEBHOOK_SECRET, fresh_database, json_body, now, sign_webhook},
    process::ServerProcess,
    webhooks::clerk::{event, svix_id, user},
};

const PLANS: &str = "free_user=3,pro=4";

/// A server (the real binary, development issuer, plans) and the database its tools work on.
struct Deployment {
    server: ServerProcess,
    database_url: String,
    /// Where the tools run: a folder of their own, as an operator's shell would be.
    tools_dir: tempfile::TempDir,
}

impl Deployment {
    async fn start() -> Self {
        let dir = folder_with_dev_key();
        let database_url = fresh_database(&dir).await;
        let server = ServerProcess::start_in(
            dir,
            &[
                ("DATABASE_URL", &database_url),
                ("QUOTA_PLANS", PLANS),
                ("DAILY_QUOTA", "2"),
                ("CLERK_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ],
            None,
        );
        Self {
            server,
            database_url,
            tools_dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `challenger args…` with the server's database and quota settings, logging at its most
    /// verbose: the tools must print only their result anyway.
    fn tool(&self, args: &[&str]) -> Output {
        run(
            self.tools_dir.path(),
            args,
            &[
                ("DATABASE_URL", &self.database_url),
                ("QUOTA_PLANS", PLANS),
                ("DAILY_QUOTA", "2"),
                ("RUST_LOG", "trace"),
                ("LOG_FORMAT", "json"),
            ],
        )
    }

    /// The JSON a tool printed, asserting it succeeded with nothing on stderr.
    fn tool_json(&self, args: &[&str]) -> Value {
        let output = self.tool(args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
        serde_json::from_str(&stdout(&output)).expect("only JSON on stdout")
    }

    async fn token(&self, user_id: &str, plan: &str) -> String {
        let response = self
            .server
            .client
            .post(self.server.url("/api/dev/token"))
            .json(&json!({ "user_id": user_id, "plan": plan }))
            .send()
            .await
            .expect("dev token");
        json_body(response).await["token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.server
            .client
            .get(self.server.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.server
            .client
            .post(self.server.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    async fn generate(&self, token: &str) -> Value {
        let response = self
            .post(
                "/api/generate-challenge",
                token,
                json!({"difficulty": "easy", "topic": "python"}),
            )
            .await;
        assert_eq!(response.status(), 200);
        json_body(response).await
    }

    async fn quota(&self, token: &str) -> Value {
        json_body(self.get("/api/quota", token).await).await
    }

    async fn webhook(&self, payload: &Value) {
        let body = serde_json::to_vec(payload).expect("json");
        let id = svix_id();
        let timestamp = now();
        let response = self
            .server
            .client
            .post(self.server.url("/api/webhooks/clerk"))
            .header("content-type", "application/json")
            .header("svix-id", &id)
            .header("svix-timestamp", timestamp.to_string())
            .header("svix-signature", sign_webhook(&id, timestamp, &body))
            .body(body)
            .send()
            .await
            .expect("webhook");
        assert_eq!(response.status(), 200);
    }
}

/// `document` without its `exported_at`, which differs between two exports.
fn without_export_time(mut document: Value) -> Value {
    document
        .as_object_mut()
        .expect("an object")
        .remove("exported_at")
        .expect("exported_at");
    document
}

#[tokio::test]
async fn users_export_prints_every_stored_field_as_the_api_shows_it_and_as_the_learner_downloads_it()
 {
    let deployment = Deployment::start().await;
    let started = chrono::Utc::now();
    let token = deployment.token("user_export", "pro").await;
    let updated_at_ms = chrono::Utc::now().timestamp_millis() - 5_000;
    deployment
        .webhook(&event(
            "user.created",
            user("user_export", "ada@example.com", "ada", updated_at_ms),
        ))
        .await;
    let first = deployment.generate(&token).await;
    let second = deployment.generate(&token).await;
    let answer = deployment
        .post(
            &format!("/api/challenges/{}/answer", first["id"]),
            &token,
            json!({"answer_id": 2}),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let answer = json_body(answer).await;
    let history = json_body(deployment.get("/api/my-history", &token).await).await;
    let quota = deployment.quota(&token).await;

    let exported = deployment.tool_json(&["users", "export", "user_export"]);
    // Every field of each challenge as it was generated, and the answer as it was recorded.
    let mut answered = first.clone();
    answered["answer"] = json!({
        "selected_answer_id": 2,
        "correct": answer["correct"],
        "answered_at": answer["answered_at"],
    });
    // A wrong first answer opens a review item, due at once.
    if answer["correct"] == false {
        answered["reviews"] = json!({
            "count": 0,
            "last_correct": null,
            "next_due_at": answer["answered_at"],
            "retired": false,
        });
    }
    assert_eq!(exported["challenges"], json!([second, answered]));
    assert_eq!(exported["challenges"], history["challenges"]);
    assert_eq!(exported["quota"], quota);
    assert_eq!(
        (
            &quota["plan"],
            &quota["daily_limit"],
            &quota["quota_remaining"]
        ),
        (&json!("pro"), &json!(4), &json!(2))
    );
    let profile = &exported["user"];
    assert_eq!(profile["id"], "user_export");
    assert_eq!(profile["email"], "ada@example.com");
    assert_eq!(profile["username"], "ada");
    assert_eq!(
        (&profile["first_name"], &profile["last_name"]),
        (&json!("Ada"), &json!("Lovelace"))
    );
    let instant = |field: &Value| {
        chrono::DateTime::parse_from_rfc3339(field.as_str().expect("a time")).expect("RFC 3339")
    };
    assert_eq!(
        instant(&profile["updated_at"]).timestamp_millis(),
        updated_at_ms
    );
    let created = instant(&profile["created_at"]);
    assert!(created >= started - chrono::TimeDelta::seconds(1) && created <= chrono::Utc::now());
    let exported_at = instant(&exported["exported_at"]);
    assert!(exported_at >= started && exported_at <= chrono::Utc::now());

    let download = deployment.get("/api/me/export", &token).await;
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        disposition,
        "attachment; filename=\"challenger-export-user_export.json\""
    );
    assert_eq!(download.headers()["cache-control"], "no-store");
    assert_eq!(
        without_export_time(json_body(download).await),
        without_export_time(exported)
    );
}

#[tokio::test]
async fn users_erase_does_what_user_deleted_does_and_the_users_token_is_refused_when_it_returns() {
    let deployment = Deployment::start().await;
    let token = deployment.token("user_erase", "free_user").await;
    deployment.generate(&token).await;
    assert_eq!(deployment.get("/api/quota", &token).await.status(), 200);

    let erased = deployment.tool_json(&["users", "erase", "user_erase"]);
    assert_eq!(erased, json!({"user_id": "user_erase", "erased": true}));
    for path in ["/api/quota", "/api/my-history", "/api/me/export"] {
        let refused = deployment.get(path, &token).await;
        assert_eq!(refused.status(), 401, "{path}");
        assert!(
            json_body(refused).await["detail"]
                .as_str()
                .expect("detail")
                .contains("deleted")
        );
    }
    // Nothing of the user is left, and the id is remembered: a later user.created is ignored.
    deployment
        .webhook(&event(
            "user.created",
            user("user_erase", "back@example.com", "back", now() * 1000),
        ))
        .await;
    let export = deployment.tool(&["users", "export", "user_erase"]);
    assert!(one_line_failure(&export).contains("has been erased"));
    assert!(
        one_line_failure(&deployment.tool(&["users", "erase", "user_erase"])).contains("erased")
    );
    let new_token = deployment.token("user_erase", "pro").await;
    assert_eq!(
        deployment.get("/api/quota", &new_token).await.status(),
        401,
        "a new token of the erased user is refused too"
    );
}

#[tokio::test]
async fn quota_grant_adds_to_what_remains_and_quota_reset_starts_a_full_window_now() {
    let deployment = Deployment::start().await;
    let token = deployment.token("user_topup", "pro").await;
    for _ in 0..4 {
        deployment.generate(&token).await;
    }
    assert_eq!(deployment.quota(&token).await["quota_remaining"], 0);

    let granted = deployment.tool_json(&["quota", "grant", "user_topup", "3"]);
    assert_eq!(granted["quota_remaining"], 3);
    assert_eq!(
        (&granted["plan"], &granted["daily_limit"]),
        (&json!("pro"), &json!(4)),
        "the tools show the plan last applied"
    );
    assert_eq!(deployment.quota(&token).await, granted);
    deployment.generate(&token).await;
    assert_eq!(deployment.quota(&token).await["quota_remaining"], 2);

    let before_reset = chrono::Utc::now();
    let reset = deployment.tool_json(&["quota", "reset", "user_topup"]);
    assert_eq!(reset["quota_remaining"], 4);
    let last_reset =
        chrono::DateTime::parse_from_rfc3339(reset["last_reset_date"].as_str().expect("date"))
            .expect("RFC 3339");
    assert!(last_reset >= before_reset - chrono::TimeDelta::seconds(1));
    assert_eq!(deployment.quota(&token).await, reset);
}

#[tokio::test]
async fn each_tool_refuses_an_unknown_user_id_in_one_line_whatever_rust_log_says() {
    let deployment = Deployment::start().await;
    for args in [
        &["users", "export", "user_nobody"][..],
        &["users", "erase", "user_nobody"],
        &["quota", "grant", "user_nobody", "5"],
        &["quota", "reset", "user_nobody"],
    ] {
        let output = deployment.tool(args);
        let line = one_line_failure(&output);
        assert!(
            line.contains("no user with the id \"user_nobody\""),
            "{args:?}: {line}"
        );
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
    for args in [
        &["quota", "grant", "user_nobody"][..],
        &["quota", "grant", "user_nobody", "many"],
        &["quota", "grant", "user_nobody", "0"],
        &["users", "export"],
        &["users", "forget", "user_nobody"],
    ] {
        one_line_failure(&deployment.tool(args));
    }
    assert_eq!(
        deployment.server.log().matches("user_nobody").count(),
        0,
        "the failed tools changed nothing the server noticed"
    );
}

#[tokio::test]
async fn the_tools_refuse_a_database_whose_schema_is_not_current_and_leave_it_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(&dir).await;
    let output = run(
        dir.path(),
        &["quota", "reset", "user_any"],
        &[("DATABASE_URL", &database_url), ("RUST_LOG", "debug")],
    );
    assert!(one_line_failure(&output).contains("challenger migrate"));
    let db = sea_orm::Database::connect(&database_url)
        .await
        .expect("connect");
    use sea_orm::ConnectionTrait;
    assert!(
        db.execute_unprepared("SELECT 1 FROM seaql_migrations")
            .await
            .is_err(),
        "no migration was applied"
    );
}

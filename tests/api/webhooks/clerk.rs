//! Clerk events as Clerk sends them, Svix deliveries of them, and assertions about their effects.

use helpers::{TestApp, WEBHOOK_SECRET, json_body, sign_webhook};
use reqwest::Response;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers;

/// Milliseconds since the epoch, as in Clerk's `timestamp`, `created_at` and `updated_at`.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A fresh delivery id, shaped like Svix's.
pub fn svix_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// A Clerk user whose primary address is the second of two, updated at `updated_at_ms`.
pub fn user(id: &str, email: &str, username: &str, updated_at_ms: i64) -> Value {
    let address = |address_id: &str, address: &str| {
        json!({
            "id": address_id,
            "object": "email_address",
            "email_address": address,
            "verification": {"status": "verified", "strategy": "email_code", "attempts": 1},
            "linked_to": [],
        })
    };
    json!({
        "id": id,
        "object": "user",
        "email_addresses": [
            address("idn_2secondary", &format!("secondary.{email}")),
            address("idn_2primary", email),
        ],
        "primary_email_address_id": "idn_2primary",
        "phone_numbers": [],
        "username": username,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "image_url": "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
        "external_id": null,
        "public_metadata": {},
        "private_metadata": {},
        "unsafe_metadata": {},
        "password_enabled": true,
        "two_factor_enabled": false,
        "created_at": updated_at_ms - 60_000,
        "updated_at": updated_at_ms,
    })
}

/// The `data` of a `user.deleted` event.
pub fn deleted_user(id: &str) -> Value {
    json!({"id": id, "object": "user", "deleted": true})
}

/// The envelope Clerk wraps every event in.
pub fn event(kind: &str, data: Value) -> Value {
    json!({
        "data": data,
        "object": "event",
        "type": kind,
        "timestamp": now_ms(),
        "instance_id": "ins_2tTestInstance0000000000000",
        "event_attributes": {
            "http_request": {
                "client_ip": "192.0.2.10",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
            },
        },
    })
}

/// Delivers `kind` with `data` under a fresh svix id; asserts a 200 and returns its status.
pub async fn deliver(app: &TestApp, kind: &str, data: Value) -> String {
    let response = app.send_webhook(&svix_id(), &event(kind, data)).await;
    assert_eq!(response.status(), 200, "{kind} is accepted");
    status_of(response).await
}

/// The `status` of a webhook acknowledgement.
pub async fn status_of(response: Response) -> String {
    json_body(response).await["status"]
        .as_str()
        .expect("a status")
        .to_owned()
}

/// A signed delivery whose headers and body a test can spoil one at a time.
pub struct Delivery {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
    pub body: Vec<u8>,
    /// Headers to send as given (`None`: leave out) instead of the signed values.
    overrides: Vec<(&'static str, Option<String>)>,
}

impl Delivery {
    /// `body`, signed now with the test secret under a fresh svix id.
    pub fn new(body: impl Into<Vec<u8>>) -> Self {
        Self::signed_at(body, helpers::now())
    }

    /// `body`, signed with the test secret and this Unix `timestamp`.
    pub fn signed_at(body: impl Into<Vec<u8>>, timestamp: i64) -> Self {
        let body = body.into();
        let id = svix_id();
        Self {
            signature: sign_webhook(&id, timestamp, &body),
            id,
            timestamp,
            body,
            overrides: Vec::new(),
        }
    }

    /// A Clerk event, signed now.
    pub fn of(payload: &Value) -> Self {
        Self::new(serde_json::to_vec(payload).expect("json"))
    }

    /// Leaves `header` out of the request.
    pub fn without(mut self, header: &'static str) -> Self {
        self.overrides.push((header, None));
        self
    }

    /// Sends `header` with `value` instead.
    pub fn with_header(mut self, header: &'static str, value: &str) -> Self {
        self.overrides.push((header, Some(value.to_owned())));
        self
    }

    pub async fn send(&self, app: &TestApp) -> Response {
        let mut request = app
            .client
            .post(app.url("/api/webhooks/clerk"))
            .header("content-type", "application/json");
        for (name, signed) in [
            ("svix-id", self.id.clone()),
            ("svix-timestamp", self.timestamp.to_string()),
            ("svix-signature", self.signature.clone()),
        ] {
            let value = match self.overrides.iter().find(|(header, _)| *header == name) {
                Some((_, value)) => value.clone(),
                None => Some(signed),
            };
            if let Some(value) = value {
                request = request.header(name, value);
            }
        }
        request
            .body(self.body.clone())
            .send()
            .await
            .expect("request")
    }
}

/// A signature over `body` made with a secret other than the app's.
pub fn sign_with_other_secret(id: &str, timestamp: i64, body: &[u8]) -> String {
    assert_ne!(OTHER_SECRET, WEBHOOK_SECRET);
    svix::webhooks::Webhook::new(OTHER_SECRET)
        .expect("secret")
        .sign(id, timestamp, body)
        .expect("sign")
}

const OTHER_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Asserts an error response: `status`, never a 5xx unless asked, and a JSON `{"detail": ...}`.
pub async fn assert_error(response: Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body = json_body(response).await;
    let detail = body["detail"].as_str().expect("a detail sentence");
    assert!(!detail.is_empty());
    detail.to_owned()
}

/// The caller's `quota_remaining` as `GET /api/quota` reports it.
pub async fn quota_remaining(app: &TestApp, user_id: &str) -> i64 {
    let response = app.get("/api/quota", &app.token(user_id)).await;
    assert_eq!(response.status(), 200, "quota of {user_id}");
    json_body(response).await["quota_remaining"]
        .as_i64()
        .expect("a number")
}

/// The stored `(email, username)` of a user, read straight from the users table.
pub async fn stored_profile(
    app: &TestApp,
    user_id: &str,
) -> Option<(Option<String>, Option<String>)> {
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT email, username FROM users WHERE id = '{user_id}'"),
        ))
        .await
        .expect("query")?;
    Some((
        row.try_get("", "email").expect("email"),
        row.try_get("", "username").expect("username"),
    ))
}

/// Rows in `table` whose `column` equals `value`.
pub async fn count_where(app: &TestApp, table: &str, column: &str, value: &str) -> i64 {
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = '{value}'"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

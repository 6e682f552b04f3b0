//! Sends a Clerk-shaped user event, signed the way Svix signs it, to a running server: try the
//! webhook without a Clerk account.
//!
//! `cargo run --example send_webhook -- [--url http://127.0.0.1:8000] [--secret whsec_...] user.created user_123`
//!
//! The secret defaults to `CLERK_WEBHOOK_SECRET`, the one the server checks signatures with.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use serde_json::{Value, json};
use svix::webhooks::Webhook;

#[derive(Parser)]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    url: String,
    /// The endpoint's signing secret.
    #[arg(long, env = "CLERK_WEBHOOK_SECRET", hide_env_values = true)]
    secret: String,
    /// The event to send.
    event: EventType,
    /// The Clerk user id, e.g. user_2abc.
    user_id: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum EventType {
    #[value(name = "user.created")]
    Created,
    #[value(name = "user.updated")]
    Updated,
    #[value(name = "user.deleted")]
    Deleted,
}

impl EventType {
    fn name(self) -> &'static str {
        match self {
            Self::Created => "user.created",
            Self::Updated => "user.updated",
            Self::Deleted => "user.deleted",
        }
    }
}

/// The event as Clerk sends it; `data` is the user, or its tombstone for `user.deleted`.
fn clerk_event(kind: EventType, user_id: &str, now_ms: i64) -> Value {
    let data = match kind {
        EventType::Deleted => json!({"id": user_id, "object": "user", "deleted": true}),
        EventType::Created | EventType::Updated => json!({
            "id": user_id,
            "object": "user",
            "email_addresses": [{
                "id": "idn_example",
                "object": "email_address",
                "email_address": format!("{user_id}@example.com"),
                "verification": {"status": "verified", "strategy": "email_code"},
            }],
            "primary_email_address_id": "idn_example",
            "username": user_id,
            "first_name": "Example",
            "last_name": "User",
            "image_url": "https://img.clerk.com/example",
            "created_at": now_ms,
            "updated_at": now_ms,
        }),
    };
    json!({
        "data": data,
        "object": "event",
        "type": kind.name(),
        "timestamp": now_ms,
        "instance_id": "ins_send_webhook_example",
        "event_attributes": {
            "http_request": {"client_ip": "127.0.0.1", "user_agent": "send_webhook example"},
        },
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let now = chrono::Utc::now();
    let body = serde_json::to_vec(&clerk_event(
        args.event,
        &args.user_id,
        now.timestamp_millis(),
    ))?;
    let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let signature = Webhook::new(&args.secret)?.sign(&id, now.timestamp(), &body)?;

    let url = format!("{}/api/webhooks/clerk", args.url.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("svix-id", &id)
        .header("svix-timestamp", now.timestamp().to_string())
        .header("svix-signature", signature)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    println!("POST {url} ({}, svix-id {id})", args.event.name());
    println!("{status}");
    println!("{}", response.text().await?);
    Ok(if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

//! Clerk's user webhooks, delivered by Svix: verified, applied once, in one transaction each.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use http::{HeaderMap, HeaderValue};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::Value;
use svix::webhooks::{Webhook, WebhookError};

use super::{
    caches::{Committed, UserCaches},
    users::UserService,
};
use crate::{
    domain::{Clock, Error, Profile, WebhookDelivery, storable, valid_user_id},
    store::{self, Db},
    telemetry::metrics,
};

/// What happened to a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Processed,
    Duplicate,
    Ignored,
}

#[derive(Clone)]
pub struct WebhookService {
    db: Db,
    users: UserService,
    caches: UserCaches,
    /// `None` when `CLERK_WEBHOOK_SECRET` is not set.
    verifier: Option<std::sync::Arc<Webhook>>,
    clock: Clock,
    /// How long a processed delivery id is remembered (`WEBHOOK_DEDUP_DAYS`).
    dedup: TimeDelta,
}

/// Delivery ids deleted per statement when old ones are forgotten: each statement stays short.
const FORGET_BATCH: u64 = 1000;

/// The envelope of every Clerk event.
#[derive(Deserialize)]
struct ClerkEvent {
    #[serde(rename = "type")]
    kind: String,
    data: serde_json::Map<String, Value>,
    /// Milliseconds since the epoch.
    timestamp: Option<i64>,
}

enum Event {
    Upsert {
        profile: Profile,
        updated_at: DateTime<Utc>,
    },
    Delete {
        user_id: String,
    },
    Other,
}

impl WebhookService {
    pub fn new(
        db: Db,
        users: UserService,
        caches: UserCaches,
        secret: Option<&str>,
        clock: Clock,
        dedup: Duration,
    ) -> anyhow::Result<Self> {
        let verifier = secret
            .map(Webhook::new)
            .transpose()?
            .map(std::sync::Arc::new);
        Ok(Self {
            db,
            users,
            caches,
            verifier,
            clock,
            dedup: TimeDelta::from_std(dedup)?,
        })
    }

    /// Deletes the processed delivery ids older than the dedup window, a batch at a time, and
    /// says how many. Svix retries a delivery for about 27 hours: an id older than that protects
    /// nothing, and a replay of it is applied again.
    pub async fn forget_old_deliveries(&self) -> Result<u64, Error> {
        let cutoff = self.clock.now() - self.dedup;
        let mut forgotten = 0;
        loop {
            let deleted =
                store::webhook_events::delete_older(&self.db.writer, cutoff, FORGET_BATCH).await?;
            forgotten += deleted;
            if deleted < FORGET_BATCH {
                return Ok(forgotten);
            }
        }
    }

    /// Verifies the signature over the exact body bytes, then applies the event once.
    pub async fn receive(
        &self,
        delivery: &WebhookDelivery,
        body: &[u8],
    ) -> Result<DeliveryOutcome, Error> {
        let (event, result) = match self.verify(delivery, body) {
            Ok(verified) => (event_label(&verified.kind), self.apply(verified).await),
            Err(error) => ("unknown", Err(error)),
        };
        let outcome = match &result {
            Ok(DeliveryOutcome::Processed) => "processed",
            Ok(DeliveryOutcome::Duplicate) => "duplicate",
            Ok(DeliveryOutcome::Ignored) => "ignored",
            Err(Error::BadSignature(_)) => "bad_signature",
            Err(Error::InvalidInput(_)) => "invalid",
            Err(Error::NotConfigured(_)) => "not_configured",
            Err(_) => "error",
        };
        metrics::webhook_delivered(event, outcome);
        result
    }

    /// The delivery's event, once its signature checks out and its payload reads as one.
    fn verify<'a>(
        &self,
        delivery: &'a WebhookDelivery,
        body: &[u8],
    ) -> Result<Verified<'a>, Error> {
        let verifier = self.verifier.as_ref().ok_or(Error::NotConfigured(
            "webhooks are not configured: CLERK_WEBHOOK_SECRET is not set",
        ))?;
        verifier
            .verify(body, &svix_headers(delivery)?)
            .map_err(|error| Error::BadSignature(signature_problem(&error)))?;
        let id = delivery
            .id
            .as_deref()
            .ok_or(Error::BadSignature("missing svix-id header"))?;
        // Svix's ids (`msg_…`) are short and plain; anything else would reach the index of
        // delivery ids, whose entries PostgreSQL limits to about 2.7 kB. Checked once the
        // signature holds: an unsigned request is a 401 whatever its headers.
        if !valid_delivery_id(id) {
            return Err(Error::InvalidInput(
                "the svix-id header must be 1 to 255 characters of A-Z, a-z, 0-9, '_', '.' or '-'"
                    .into(),
            ));
        }
        let event: ClerkEvent = serde_json::from_slice(body)
            .map_err(|e| Error::InvalidInput(format!("the payload is not a Clerk event: {e}")))?;
        let kind = event.kind.clone();
        Ok(Verified {
            id,
            event: parse(event)?,
            kind,
        })
    }

    /// Applies a verified event in one transaction with the claim of its delivery id.
    async fn apply(&self, verified: Verified<'_>) -> Result<DeliveryOutcome, Error> {
        let Verified { id, kind, event } = verified;
        if matches!(event, Event::Other) {
            return Ok(DeliveryOutcome::Ignored);
        }
        let txn = self.db.writer.begin().await?;
        if !store::webhook_events::claim(&txn, id, &kind, self.clock.now()).await? {
            txn.rollback().await?;
            return Ok(DeliveryOutcome::Duplicate);
        }
        match &event {
            Event::Upsert {
                profile,
                updated_at,
            } => self.users.apply_profile(&txn, profile, *updated_at).await?,
            Event::Delete { user_id } => self.users.delete(&txn, user_id).await?,
            Event::Other => {}
        }
        txn.commit().await?;
        if let Event::Delete { user_id } = &event {
            self.caches.after_commit(user_id, Committed::UserDeleted);
        }
        tracing::info!(event = %kind, delivery = %id, "webhook applied");
        Ok(DeliveryOutcome::Processed)
    }
}

/// A delivery whose signature checked out.
struct Verified<'a> {
    /// The `svix-id`.
    id: &'a str,
    /// The event type as Clerk sent it.
    kind: String,
    event: Event,
}

/// A delivery id as Svix makes them, short enough for any index.
fn valid_delivery_id(id: &str) -> bool {
    (1..=255).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The event type from a fixed set (a metrics label).
fn event_label(kind: &str) -> &'static str {
    match kind {
        "user.created" => "user.created",
        "user.updated" => "user.updated",
        "user.deleted" => "user.deleted",
        _ => "other",
    }
}

/// The delivery's headers in the form the svix crate verifies.
fn svix_headers(delivery: &WebhookDelivery) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("svix-id", &delivery.id),
        ("svix-timestamp", &delivery.timestamp),
        ("svix-signature", &delivery.signatures),
    ] {
        if let Some(value) = value {
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::BadSignature("malformed svix headers"))?;
            headers.insert(name, value);
        }
    }
    Ok(headers)
}

fn signature_problem(error: &WebhookError) -> &'static str {
    match error {
        WebhookError::MissingHeader(_) => {
            "missing svix-id, svix-timestamp or svix-signature header"
        }
        WebhookError::InvalidHeader(_) | WebhookError::InvalidTimestamp => "malformed svix headers",
        WebhookError::TimestampTooOldError | WebhookError::FutureTimestampError => {
            "the svix-timestamp is outside the 5-minute tolerance"
        }
        _ => "the webhook signature does not match",
    }
}

fn parse(event: ClerkEvent) -> Result<Event, Error> {
    let ClerkEvent {
        kind,
        data,
        timestamp,
    } = event;
    let user_id = || -> Result<String, Error> {
        match data.get("id").and_then(Value::as_str).map(str::trim) {
            Some(id) if valid_user_id(id) => Ok(id.to_owned()),
            Some(id) if !id.is_empty() => Err(Error::InvalidInput(format!(
                "{kind} event with a malformed user id in data.id"
            ))),
            _ => Err(Error::InvalidInput(format!(
                "{kind} event without a user id in data.id"
            ))),
        }
    };
    match kind.as_str() {
        "user.created" | "user.updated" => {
            let text = |field: &str| storable_text(data.get(field));
            let updated_at = data
                .get("updated_at")
                .and_then(Value::as_i64)
                .or(timestamp)
                .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
                .unwrap_or_else(Utc::now);
            Ok(Event::Upsert {
                profile: Profile {
                    id: user_id()?,
                    email: primary_email(&data),
                    username: text("username"),
                    first_name: text("first_name"),
                    last_name: text("last_name"),
                },
                updated_at,
            })
        }
        "user.deleted" => Ok(Event::Delete {
            user_id: user_id()?,
        }),
        _ => Ok(Event::Other),
    }
}

/// The address whose id is `primary_email_address_id`, else the first one.
fn primary_email(data: &serde_json::Map<String, Value>) -> Option<String> {
    let addresses = data.get("email_addresses")?.as_array()?;
    let primary_id = data.get("primary_email_address_id").and_then(Value::as_str);
    let primary = addresses
        .iter()
        .find(|a| primary_id.is_some() && a.get("id").and_then(Value::as_str) == primary_id)
        .or_else(|| addresses.first())?;
    storable_text(primary.get("email_address"))
}

/// A profile field as text, or absent when it is not text every database can store (a NUL):
/// one bad field must not make Svix retry the whole event.
fn storable_text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|text| storable(text))
        .map(str::to_owned)
}

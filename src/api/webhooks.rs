//! Clerk's webhook endpoint. Authenticated by its Svix signature, not by a bearer token.

use poem::{Request, RequestBody, web::Data};
use poem_openapi::{
    Enum, Object, OpenApi,
    param::Header,
    payload::{Json, ParsePayload, Payload},
    registry::{MetaSchemaRef, Registry},
    types::{Example, Type},
};

use super::{
    AppState, Tag,
    documented::{ApiResult, flags::*},
};
use crate::{domain::WebhookDelivery, service::webhooks::DeliveryOutcome};

/// A Clerk event as Svix delivers it (only the fields the service reads are listed).
#[derive(Debug, Object)]
#[oai(rename = "ClerkWebhookEvent", example)]
pub struct ClerkWebhookEventDoc {
    /// The event type: `user.created`, `user.updated` and `user.deleted` are applied; others are ignored.
    #[oai(rename = "type")]
    pub kind: String,
    /// Always `event`.
    pub object: Option<String>,
    /// When the event happened, in milliseconds since the epoch.
    pub timestamp: Option<i64>,
    /// The Clerk user object (`id`, `email_addresses`, `primary_email_address_id`, `username`,
    /// `first_name`, `last_name`, `updated_at`), or `{id, deleted: true}` for `user.deleted`.
    pub data: std::collections::BTreeMap<String, serde_json::Value>,
}

impl Example for ClerkWebhookEventDoc {
    fn example() -> Self {
        let user = serde_json::json!({
            "id": "user_2abc",
            "object": "user",
            "email_addresses": [{
                "id": "idn_1",
                "email_address": "ada@example.com",
                "verification": {"status": "verified"},
            }],
            "primary_email_address_id": "idn_1",
            "username": "ada",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "created_at": 1_764_000_000_000_i64,
            "updated_at": 1_764_000_000_000_i64,
        });
        Self {
            kind: "user.created".into(),
            object: Some("event".into()),
            timestamp: Some(1_764_000_000_000),
            data: serde_json::from_value(user).unwrap_or_default(),
        }
    }
}

/// The raw JSON body: the signature covers these exact bytes, so they are kept as received.
pub struct SignedJson(Vec<u8>);

impl Payload for SignedJson {
    const CONTENT_TYPE: &'static str = "application/json";

    // Svix signs bytes, not media types: any content type is accepted and the signature decides.
    fn check_content_type(_content_type: &str) -> bool {
        true
    }

    fn schema_ref() -> MetaSchemaRef {
        ClerkWebhookEventDoc::schema_ref()
    }

    fn register(registry: &mut Registry) {
        ClerkWebhookEventDoc::register(registry);
    }
}

impl ParsePayload for SignedJson {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(
            <Vec<u8> as poem::FromRequest>::from_request(request, body).await?,
        ))
    }
}

poem_openapi::impl_apirequest_for_payload!(SignedJson,);

/// What happened to the delivery.
#[derive(Debug, Enum)]
#[oai(rename_all = "lowercase")]
pub enum WebhookStatus {
    /// The event was applied.
    Processed,
    /// This `svix-id` was applied before; nothing changed.
    Duplicate,
    /// The event type is not one the service acts on.
    Ignored,
}

/// The delivery was accepted.
#[derive(Debug, Object)]
#[oai(example)]
pub struct WebhookAck {
    /// Whether the event was applied now, before (a redelivery), or not at all (another type).
    pub status: WebhookStatus,
}

impl Example for WebhookAck {
    fn example() -> Self {
        Self {
            status: WebhookStatus::Processed,
        }
    }
}

#[derive(Default)]
pub struct WebhooksApi;

#[OpenApi(tag = "Tag::Webhooks")]
impl WebhooksApi {
    /// Receive a Clerk webhook
    ///
    /// Register this URL in Clerk's dashboard (Webhooks) for `user.created`, `user.updated` and
    /// `user.deleted`. The body must carry a valid Svix signature made with `CLERK_WEBHOOK_SECRET`
    /// (timestamps older than 5 minutes are refused). Each `svix-id` is applied once.
    #[oai(
        path = "/api/webhooks/clerk",
        method = "post",
        operation_id = "receiveClerkWebhook"
    )]
    async fn receive_clerk_webhook(
        &self,
        state: Data<&AppState>,
        /// Unique delivery id; redeliveries repeat it.
        #[oai(name = "svix-id")]
        svix_id: Header<Option<String>>,
        /// Unix time (seconds) the delivery was signed.
        #[oai(name = "svix-timestamp")]
        svix_timestamp: Header<Option<String>>,
        /// Space-separated `v1,<base64 HMAC-SHA256>` signatures.
        #[oai(name = "svix-signature")]
        svix_signature: Header<Option<String>>,
        body: SignedJson,
    ) -> ApiResult<Json<WebhookAck>, { BAD_REQUEST | BODY | SIGNATURE }> {
        let delivery = WebhookDelivery {
            id: svix_id.0,
            timestamp: svix_timestamp.0,
            signatures: svix_signature.0,
        };
        let status = match state.webhooks.receive(&delivery, &body.0).await? {
            DeliveryOutcome::Processed => WebhookStatus::Processed,
            DeliveryOutcome::Duplicate => WebhookStatus::Duplicate,
            DeliveryOutcome::Ignored => WebhookStatus::Ignored,
        };
        Ok(Json(WebhookAck { status }))
    }
}

//! How each operation's error responses appear in the OpenAPI spec: the shared [`ErrorBody`]
//! schema and, per operation, the statuses it can answer with.

use poem_openapi::{
    ApiResponse, Object,
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
};

use crate::domain::Error;

/// The body of every error response.
#[derive(Debug, Object)]
#[oai(example)]
pub struct ErrorBody {
    /// A human-readable sentence saying what went wrong.
    pub detail: String,
}

impl poem_openapi::types::Example for ErrorBody {
    fn example() -> Self {
        Self {
            detail: "token has expired".into(),
        }
    }
}

/// Error statuses an operation documents in the OpenAPI spec, as bit flags.
pub mod flags {
    pub const BAD_REQUEST: u16 = 1 << 0;
    pub const UNAUTHORIZED: u16 = 1 << 1;
    pub const NOT_FOUND: u16 = 1 << 2;
    pub const QUOTA: u16 = 1 << 3;
    pub const GENERATOR: u16 = 1 << 4;
    /// 413 and 415, for operations that take a JSON body.
    pub const BODY: u16 = 1 << 5;
    /// 401 for a webhook whose Svix signature does not check out.
    pub const SIGNATURE: u16 = 1 << 6;
    /// 409 for a request that does not fit the current state of what it names.
    pub const CONFLICT: u16 = 1 << 7;
}

/// A [`domain::Error`](Error) returned by an operation that documents the statuses in `STATUSES`.
pub struct Documented<const STATUSES: u16>(pub Error);

pub type ApiResult<T, const STATUSES: u16> = Result<T, Documented<STATUSES>>;

impl<const STATUSES: u16> From<Error> for Documented<STATUSES> {
    fn from(error: Error) -> Self {
        Self(error)
    }
}

impl<const STATUSES: u16> From<Documented<STATUSES>> for poem::Error {
    fn from(error: Documented<STATUSES>) -> Self {
        error.0.into()
    }
}

impl<const STATUSES: u16> ApiResponse for Documented<STATUSES> {
    fn meta() -> MetaResponses {
        use flags::*;
        let table: [(u16, u16, &'static str, Option<ResponseHeader>); 12] = [
            (
                BAD_REQUEST,
                400,
                "The request is invalid: a parameter or body field failed validation.",
                None,
            ),
            (
                UNAUTHORIZED,
                401,
                "The session token is missing or invalid; `detail` says why.",
                Some(ResponseHeader::WwwAuthenticate),
            ),
            (
                SIGNATURE,
                401,
                "The Svix signature or its headers are missing, malformed, outside the 5-minute \
                 tolerance or wrong.",
                None,
            ),
            (
                NOT_FOUND,
                404,
                "No such resource belongs to the caller.",
                None,
            ),
            (
                CONFLICT,
                409,
                "The request does not fit the current state of the resource; `detail` says why.",
                None,
            ),
            (BODY, 413, "The request body is larger than 1 MiB.", None),
            (
                BODY,
                415,
                "The request body is not `application/json`.",
                None,
            ),
            (
                QUOTA,
                429,
                "The daily quota is used up; `Retry-After` says when it refills.",
                Some(ResponseHeader::RetryAfter),
            ),
            (0, 500, "Unexpected server error.", None),
            (
                GENERATOR,
                502,
                "The challenge generator failed; no quota was spent.",
                None,
            ),
            (
                0,
                503,
                "Not available right now: the database is unreachable (`Retry-After` says when \
                 to try again), or (webhook) no signing secret is configured.",
                Some(ResponseHeader::RetryAfterOutage),
            ),
            (
                GENERATOR,
                504,
                "The challenge generator timed out; no quota was spent.",
                None,
            ),
        ];
        let responses = table
            .into_iter()
            .filter(|(flag, ..)| *flag == 0 || STATUSES & flag != 0)
            .map(|(_, status, description, header)| MetaResponse {
                description,
                status: Some(status),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/json; charset=utf-8",
                    schema: ErrorBody::schema_ref(),
                }],
                headers: header.into_iter().map(ResponseHeader::meta).collect(),
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

/// A header an error response carries.
#[derive(Clone, Copy)]
enum ResponseHeader {
    RetryAfter,
    RetryAfterOutage,
    WwwAuthenticate,
}

impl ResponseHeader {
    fn meta(self) -> MetaHeader {
        let (name, description, required, schema) = match self {
            Self::RetryAfter => (
                "retry-after",
                "Seconds until the quota refills.",
                true,
                u64::schema_ref(),
            ),
            Self::RetryAfterOutage => (
                "retry-after",
                "Seconds to wait before retrying, when the database is unavailable.",
                false,
                u64::schema_ref(),
            ),
            Self::WwwAuthenticate => (
                "www-authenticate",
                "`Bearer`, with `error=\"invalid_token\"` when a token was sent but refused.",
                true,
                String::schema_ref(),
            ),
        };
        MetaHeader {
            name: name.to_owned(),
            description: Some(description.to_owned()),
            required,
            deprecated: false,
            schema,
        }
    }
}

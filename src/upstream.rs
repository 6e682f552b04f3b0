//! Reading the answers of the servers the service depends on (the LLM, the JWKS endpoint), so
//! that a broken or hostile one cannot make the process buffer an unbounded body.

use anyhow::anyhow;
use bytes::{Bytes, BytesMut};

/// The largest upstream body read; a completion or a key set is a few KiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the upstream body is larger than 1 MiB")]
    TooLarge,
    #[error("the upstream body could not be read")]
    Unreadable(#[source] anyhow::Error),
}

/// The body of `response`, refused as soon as it is known to exceed [`MAX_BODY_BYTES`]: from
/// its declared length, or while it streams (chunked, or longer than declared). Memory held is
/// at most the cap plus one chunk.
pub async fn read_capped(mut response: reqwest::Response) -> Result<Bytes, BodyError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BODY_BYTES as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| BodyError::Unreadable(anyhow!(e.without_url())))?
    {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

//! Networkless verification of Clerk session tokens: the verifier, the JWKS cache, and the
//! development issuer. No HTTP framework here: the API's security scheme calls the verifier.

mod dev_issuer;
mod jwks;
mod verifier;

pub use dev_issuer::DevIssuer;
pub use jwks::JwksCache;
pub use verifier::{Keys, TokenError, TokenVerifier, VerifiedToken};

//! Networkless verification of Clerk session tokens, with the same rules as Clerk's backend SDKs.

use std::{sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind};
use moka::{Expiry, sync::Cache};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::jwks::JwksCache;
use crate::{
    config::AuthConfig,
    domain::{Profile, storable, valid_user_id},
};

/// Clerk marks session tokens (as opposed to machine tokens) with this header `cat`.
const SESSION_TOKEN_CATEGORY: &str = "cl_B7d4PD111AAA";
/// Bounds the memory of the verified-token cache (an entry is well under 1 KiB).
const MAX_CACHED_TOKENS: u64 = 20_000;

/// Why a token was refused. The messages go to clients, so they never include the token.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the bearer token is not a well-formed JWT")]
    Malformed,
    #[error("unsupported token algorithm {0:?}: only RS256 is accepted")]
    UnsupportedAlgorithm(String),
    #[error("not a session token")]
    NotSessionToken,
    #[error("the token header has no key id (kid)")]
    MissingKeyId,
    #[error("the token is signed by an unknown key")]
    UnknownKey,
    #[error("the token signature is invalid")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (nbf is in the future)")]
    NotYetValid,
    #[error("the token was issued in the future (iat)")]
    IssuedInFuture,
    #[error("the token issuer is not trusted")]
    WrongIssuer,
    #[error("the token has no authorized party (azp)")]
    MissingAuthorizedParty,
    #[error("the token's authorized party (azp) is not allowed")]
    UnauthorizedParty,
    #[error("the token has no subject (sub)")]
    MissingSubject,
    #[error("the token subject (sub) is malformed")]
    MalformedSubject,
    #[error("the token has no {0:?} claim")]
    MissingClaim(String),
    #[error("the token claim {0:?} is malformed")]
    MalformedClaim(String),
    #[error(
        "the session is pending: the user has not finished signing in (a required step, such as \
         choosing an organization, remains)"
    )]
    Pending,
}

impl TokenError {
    /// A short name for the refusal, from a fixed set (a metrics label).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Self::NotSessionToken => "not_session_token",
            Self::MissingKeyId => "missing_key_id",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::IssuedInFuture => "issued_in_future",
            Self::WrongIssuer => "wrong_issuer",
            Self::MissingAuthorizedParty => "missing_authorized_party",
            Self::UnauthorizedParty => "unauthorized_party",
            Self::MissingSubject => "missing_subject",
            Self::MalformedSubject => "malformed_subject",
            Self::MissingClaim(_) => "missing_claim",
            Self::MalformedClaim(_) => "malformed_claim",
            Self::Pending => "pending",
        }
    }
}

/// The verified identity carried by a token.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    pub profile: Profile,
    /// The Clerk Billing plan's slug, from `pla` (`u:<slug>` or `o:<slug>`).
    pub plan: Option<String>,
    /// `exp`, in seconds since the epoch.
    pub expires_at: u64,
}

/// Where verification keys come from.
pub enum Keys {
    /// One fixed key: Clerk's PEM, or the development issuer's.
    Static(DecodingKey),
    Jwks(Arc<JwksCache>),
}

pub struct TokenVerifier {
    keys: Keys,
    validation: Validation,
    authorized_parties: Vec<String>,
    skew_secs: u64,
    accept_pending: bool,
    /// Verified tokens by SHA-256, until they expire: repeated requests skip the RSA check.
    verified: Cache<[u8; 32], Arc<VerifiedToken>>,
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<Value>,
    exp: Option<Value>,
    iat: Option<Value>,
    azp: Option<Value>,
    email: Option<Value>,
    username: Option<Value>,
    name: Option<Value>,
    first_name: Option<Value>,
    last_name: Option<Value>,
    /// Session status (v2): `pending` while a required step remains.
    sts: Option<Value>,
    /// Clerk Billing plan (v2).
    pla: Option<Value>,
}

#[derive(Deserialize)]
struct RawHeader {
    alg: Option<Value>,
    typ: Option<Value>,
    cat: Option<Value>,
}

impl TokenVerifier {
    pub fn new(keys: Keys, config: &AuthConfig) -> Self {
        let skew_secs = config.clock_skew.as_secs();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = skew_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        // Clerk session tokens carry no audience unless a custom template adds one.
        validation.validate_aud = false;
        // `sub` is checked by hand, to tell a missing subject from a malformed one.
        let mut required = vec!["exp"];
        if let Some(issuer) = &config.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        Self {
            keys,
            validation,
            authorized_parties: config.authorized_parties.clone(),
            skew_secs,
            accept_pending: config.accept_pending,
            verified: Cache::builder()
                .max_capacity(MAX_CACHED_TOKENS)
                .expire_after(UntilTokenExpiry { skew_secs })
                .build(),
        }
    }

    pub async fn verify(&self, token: &str) -> Result<Arc<VerifiedToken>, TokenError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(verified) = self.verified.get(&digest) {
            if verified.expires_at.saturating_add(self.skew_secs) >= now_secs() {
                return Ok(verified);
            }
            self.verified.invalidate(&digest);
            return Err(TokenError::Expired);
        }
        let verified = Arc::new(self.verify_uncached(token).await?);
        self.verified.insert(digest, verified.clone());
        Ok(verified)
    }

    async fn verify_uncached(&self, token: &str) -> Result<VerifiedToken, TokenError> {
        let header = check_header(token)?;
        let key = match &self.keys {
            Keys::Static(key) => Arc::new(key.clone()),
            Keys::Jwks(jwks) => {
                let kid = header.kid.as_deref().ok_or(TokenError::MissingKeyId)?;
                jwks.key(kid).await.ok_or(TokenError::UnknownKey)?
            }
        };
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &self.validation)
            .map_err(|e| map_jwt_error(e.into_kind()))?
            .claims;
        self.check_claims(claims)
    }

    fn check_claims(&self, claims: Claims) -> Result<VerifiedToken, TokenError> {
        let now = now_secs();
        let expires_at = claims
            .exp
            .as_ref()
            .and_then(Value::as_u64)
            .ok_or_else(|| TokenError::MalformedClaim("exp".into()))?;
        if let Some(iat) = &claims.iat {
            let iat = iat
                .as_u64()
                .ok_or_else(|| TokenError::MalformedClaim("iat".into()))?;
            if iat > now.saturating_add(self.skew_secs) {
                return Err(TokenError::IssuedInFuture);
            }
        }
        if !self.authorized_parties.is_empty() {
            let azp = match &claims.azp {
                None | Some(Value::Null) => return Err(TokenError::MissingAuthorizedParty),
                Some(azp) => azp
                    .as_str()
                    .ok_or_else(|| TokenError::MalformedClaim("azp".into()))?,
            };
            if !self
                .authorized_parties
                .iter()
                .any(|party| party == azp.trim_end_matches('/'))
            {
                return Err(TokenError::UnauthorizedParty);
            }
        }
        let sub = match &claims.sub {
            Some(Value::String(sub)) if valid_user_id(sub) => sub.clone(),
            Some(Value::String(sub)) if !sub.trim().is_empty() => {
                return Err(TokenError::MalformedSubject);
            }
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(TokenError::MissingSubject);
            }
            Some(_) => return Err(TokenError::MalformedClaim("sub".into())),
        };
        // Machine-to-machine tokens have `mch_` subjects; only people use this API.
        if sub.starts_with("mch_") {
            return Err(TokenError::NotSessionToken);
        }
        let plan = self.check_session(&claims)?;
        // Profile claims are stored: one that cannot be refuses the token rather than the write.
        let text = |claim: &str, value: &Option<Value>| match value.as_ref().and_then(Value::as_str)
        {
            Some(text) if !storable(text) => Err(TokenError::MalformedClaim(claim.into())),
            text => Ok(text
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)),
        };
        Ok(VerifiedToken {
            profile: Profile {
                id: sub,
                email: text("email", &claims.email)?,
                username: text("username", &claims.username)?.or(text("name", &claims.name)?),
                first_name: text("first_name", &claims.first_name)?,
                last_name: text("last_name", &claims.last_name)?,
            },
            plan,
            expires_at,
        })
    }

    /// The session-token v2 claims: a pending session is refused (as Clerk's SDKs treat it as
    /// signed out) unless accepted by configuration; the plan is returned.
    fn check_session(&self, claims: &Claims) -> Result<Option<String>, TokenError> {
        if !self.accept_pending && claims.sts.as_ref().and_then(Value::as_str) == Some("pending") {
            return Err(TokenError::Pending);
        }
        plan_slug(claims.pla.as_ref())
    }
}

/// The longest plan slug kept (Clerk's are a few words); it is stored with the quota.
const MAX_PLAN_CHARS: usize = 128;

/// The slug of a `pla` claim, `u:<slug>` (the user's plan) or `o:<slug>` (their organization's).
/// A value without either scope names no plan Clerk issues, so it counts as none.
fn plan_slug(pla: Option<&Value>) -> Result<Option<String>, TokenError> {
    let pla = match pla {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(pla)) => pla,
        Some(_) => return Err(TokenError::MalformedClaim("pla".into())),
    };
    let Some(slug) = pla.strip_prefix("u:").or_else(|| pla.strip_prefix("o:")) else {
        return Ok(None);
    };
    let slug = slug.trim();
    if slug.is_empty() {
        return Ok(None);
    }
    if !storable(slug) || slug.chars().count() > MAX_PLAN_CHARS {
        return Err(TokenError::MalformedClaim("pla".into()));
    }
    Ok(Some(slug.to_owned()))
}

/// Checks the header before any key is looked up: RS256 only, a JWT, a session token.
fn check_header(token: &str) -> Result<jsonwebtoken::Header, TokenError> {
    let encoded = token.split('.').next().ok_or(TokenError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed)?;
    let raw: RawHeader = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
    match raw.alg.as_ref().and_then(Value::as_str) {
        Some("RS256") => {}
        Some(other) => {
            return Err(TokenError::UnsupportedAlgorithm(
                other.chars().take(16).collect(),
            ));
        }
        None => return Err(TokenError::Malformed),
    }
    if let Some(typ) = &raw.typ
        && !typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT"))
    {
        return Err(TokenError::NotSessionToken);
    }
    if let Some(cat) = &raw.cat
        && cat.as_str() != Some(SESSION_TOKEN_CATEGORY)
    {
        return Err(TokenError::NotSessionToken);
    }
    if token.split('.').count() != 3 {
        return Err(TokenError::Malformed);
    }
    jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)
}

fn map_jwt_error(kind: ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAlgorithm => {
            TokenError::UnsupportedAlgorithm("RS256 with a non-RSA key".into())
        }
        ErrorKind::MissingRequiredClaim(claim) => TokenError::MissingClaim(claim),
        ErrorKind::InvalidClaimFormat(claim) => TokenError::MalformedClaim(claim),
        _ => TokenError::Malformed,
    }
}

fn now_secs() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// Evicts a cached token once it has expired (with the clock skew), whatever the cache size.
struct UntilTokenExpiry {
    skew_secs: u64,
}

impl Expiry<[u8; 32], Arc<VerifiedToken>> for UntilTokenExpiry {
    fn expire_after_create(
        &self,
        _key: &[u8; 32],
        value: &Arc<VerifiedToken>,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        // `exp` comes from the token, so it may be anything up to u64::MAX.
        Some(Duration::from_secs(
            value
                .expires_at
                .saturating_add(self.skew_secs)
                .saturating_sub(now_secs()),
        ))
    }
}

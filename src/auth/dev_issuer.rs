//! The development issuer: a local RSA key pair that signs tokens when no Clerk key is configured
//! and the server listens on a loopback address (or `DEV_ISSUER=on`), so the app works offline on
//! a laptop.

use std::{path::Path, time::Duration};

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rsa::{
    RsaPrivateKey,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding},
};
use serde_json::json;

use crate::domain::Profile;

pub const DEV_ISSUER: &str = "challenger-dev";

pub struct DevIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    authorized_party: Option<String>,
}

impl DevIssuer {
    /// Loads the key pair at `path`, creating it (once) if it does not exist.
    pub fn load_or_create(
        path: &Path,
        issuer: Option<&str>,
        authorized_party: Option<&str>,
    ) -> anyhow::Result<Self> {
        let private_key = if path.exists() {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            RsaPrivateKey::from_pkcs8_pem(&pem)
                .with_context(|| format!("{} is not an RSA private key", path.display()))?
        } else {
            create_key(path)?
        };
        let private_pem = private_key.to_pkcs8_pem(LineEnding::LF)?;
        let public_pem = private_key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)?;
        Ok(Self {
            encoding: EncodingKey::from_rsa_pem(private_pem.as_bytes())?,
            decoding: DecodingKey::from_rsa_pem(public_pem.as_bytes())?,
            issuer: issuer.unwrap_or(DEV_ISSUER).to_owned(),
            authorized_party: authorized_party.map(str::to_owned),
        })
    }

    pub fn decoding_key(&self) -> DecodingKey {
        self.decoding.clone()
    }

    /// Signs a session token shaped like Clerk's for `profile`, valid for `ttl`, with the user
    /// plan `plan` (`pla: "u:<plan>"`) if given.
    pub fn mint(
        &self,
        profile: &Profile,
        plan: Option<&str>,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        let mut claims = json!({
            "iss": self.issuer,
            "sub": profile.id,
            "sid": "sess_development",
            "iat": now,
            "nbf": now,
            "exp": now + ttl.as_secs(),
            "v": 2,
        });
        for (claim, value) in [
            ("azp", &self.authorized_party),
            ("email", &profile.email),
            ("username", &profile.username),
        ] {
            if let Some(value) = value {
                claims[claim] = json!(value);
            }
        }
        if let Some(plan) = plan {
            claims["pla"] = json!(format!("u:{plan}"));
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("development".into());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }
}

fn create_key(path: &Path) -> anyhow::Result<RsaPrivateKey> {
    tracing::info!(path = %path.display(), "creating the development signing key");
    let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
    let pem = key.to_pkcs8_pem(LineEnding::LF)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    write_private(path, pem.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    // create_new: two processes starting at once must not overwrite each other's key.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

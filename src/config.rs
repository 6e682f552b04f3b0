//! Configuration from the environment (and `.env`), validated once at start.

use std::time::Duration;

use jsonwebtoken::DecodingKey;
use reqwest::Url;

/// Everything the service needs to know about its environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub http: HttpTimeouts,
    pub database_url: String,
    pub auth: AuthConfig,
    /// `CLERK_PUBLISHABLE_KEY`: the Clerk instance the embedded web app signs in with.
    pub clerk_publishable_key: Option<PublishableKey>,
    pub webhook_secret: Option<Secret>,
    pub cors_allowed_origins: Vec<String>,
    pub daily_quota: u32,
    pub generator: GeneratorConfig,
    /// How long one generation attempt may take (`OPENAI_TIMEOUT_SECS`).
    pub generation_timeout: Duration,
    pub log_filter: String,
    pub log_json: bool,
    /// `METRICS_TOKEN`: when set, `GET /metrics` requires it as a bearer token.
    pub metrics_token: Option<Secret>,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: where request traces go (OTLP over HTTP), if anywhere.
    pub otlp_endpoint: Option<Url>,
}

/// How long the server waits on a client (`HTTP_*_TIMEOUT_SECS`).
#[derive(Clone, Copy, Debug)]
pub struct HttpTimeouts {
    /// For a request head to be complete, from its first byte (or the accept).
    pub header: Duration,
    /// For a kept-alive connection with nothing in flight to start a new request.
    pub idle: Duration,
    /// For a request body to arrive in full.
    pub body: Duration,
}

/// How session tokens are verified.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub keys: KeySource,
    pub authorized_parties: Vec<String>,
    pub issuer: Option<String>,
    pub clock_skew: Duration,
}

/// Where the public keys that sign session tokens come from.
#[derive(Clone, Debug)]
pub enum KeySource {
    /// Clerk's PEM public key (`CLERK_JWT_KEY`): no network at all.
    Pem(String),
    /// Clerk's JWKS endpoint (`CLERK_JWKS_URL`), fetched and cached.
    Jwks(Url),
    /// No Clerk key configured: a local key pair at this path signs and verifies tokens.
    Development { key_path: String },
}

#[derive(Clone, Debug)]
pub enum GeneratorConfig {
    Builtin,
    OpenAi {
        base_url: Url,
        api_key: Option<Secret>,
        model: String,
    },
}

/// A Clerk publishable key (`pk_live_…`/`pk_test_…`), checked to decode to a Frontend API host.
/// It is public by design: the web app hands it to Clerk's browser script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishableKey {
    key: String,
    frontend_api: String,
}

impl PublishableKey {
    /// Checks the key as Clerk's own SDKs parse it: a `pk_live_`/`pk_test_` prefix, then base64
    /// (padding optional) of `<frontend-api-host>$`. The host must be a plain DNS name, since it
    /// ends up in a URL and in the Content-Security-Policy.
    pub fn parse(key: &str) -> Result<Self, &'static str> {
        let body = key
            .strip_prefix("pk_live_")
            .or_else(|| key.strip_prefix("pk_test_"))
            .ok_or("expected a Clerk publishable key starting with pk_live_ or pk_test_")?;
        let decoded = base64::Engine::decode(&KEY_BASE64, body)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or("the part after pk_live_/pk_test_ is not base64; copy the key again from the Clerk dashboard")?;
        let host = decoded
            .strip_suffix('$')
            .filter(|host| is_dns_name(host))
            .ok_or("the key does not decode to a Clerk Frontend API host; copy it again from the Clerk dashboard")?;
        Ok(Self {
            frontend_api: host.to_ascii_lowercase(),
            key: key.to_owned(),
        })
    }

    /// The key itself, as the web app passes it to Clerk.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// Where Clerk's browser script and Frontend API live (`https://clerk.example.com`): the
    /// origin a Content-Security-Policy must admit for the app to sign in.
    pub fn frontend_api_origin(&self) -> String {
        format!("https://{}", self.frontend_api)
    }
}

/// Standard base64, with or without padding (Clerk's own keys come both ways).
const KEY_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// A host name of at least two labels of letters, digits and inner hyphens.
fn is_dns_name(host: &str) -> bool {
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.len() <= 253 && host.contains('.') && host.split('.').all(label)
}

/// A value that must never reach a log line.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A configuration value that cannot be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

pub const DEV_KEY_PATH: &str = ".challenger/dev-key.pem";
/// Clerk's own SDKs use 5 s; minutes of leeway would keep expired tokens alive.
const MAX_CLOCK_SKEW_SECS: u64 = 300;

impl Config {
    /// Reads the process environment (after `.env`, which the caller loads).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, one section at a time; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let (host, port) = listen_address(&env)?;
        let http = HttpTimeouts {
            header: env.seconds("HTTP_HEADER_TIMEOUT_SECS", 10)?,
            idle: env.seconds("HTTP_IDLE_TIMEOUT_SECS", 60)?,
            body: env.seconds("HTTP_BODY_TIMEOUT_SECS", 30)?,
        };
        let (generator, generation_timeout) = generator(&env)?;
        let (log_filter, log_json) = logging(&env)?;
        Ok(Self {
            host,
            port,
            http,
            database_url: database_url(&env)?,
            auth: auth(&env)?,
            clerk_publishable_key: publishable_key(&env)?,
            webhook_secret: webhook_secret(&env)?,
            cors_allowed_origins: list(Some(
                env.get("CORS_ALLOWED_ORIGINS")
                    .unwrap_or_else(|| "http://localhost:5173".into()),
            )),
            daily_quota: env.parse_or("DAILY_QUOTA", 50)?,
            generator,
            generation_timeout,
            log_filter,
            log_json,
            metrics_token: env.get("METRICS_TOKEN").map(Secret),
            otlp_endpoint: env
                .get("OTEL_EXPORTER_OTLP_ENDPOINT")
                .map(|url| parse_http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &url))
                .transpose()?,
        })
    }
}

/// The environment, trimmed, with empty values counting as unset.
struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn parse_or<T: std::str::FromStr>(
        &self,
        variable: &'static str,
        default: T,
    ) -> Result<T, ConfigError> {
        match self.get(variable) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    variable,
                    &format!("{v:?} is not a valid non-negative integer"),
                )
            }),
        }
    }

    /// A timeout in whole seconds, at least one.
    fn seconds(&self, variable: &'static str, default: u64) -> Result<Duration, ConfigError> {
        match self.parse_or(variable, default)? {
            0 => Err(invalid(variable, "must be at least 1 second")),
            secs => Ok(Duration::from_secs(secs)),
        }
    }
}

/// `HOST` and `PORT`.
fn listen_address(env: &Env) -> Result<(String, u16), ConfigError> {
    let host = env.get("HOST").unwrap_or_else(|| "127.0.0.1".into());
    let valid_name = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    if host.parse::<std::net::IpAddr>().is_err() && !valid_name {
        return Err(invalid("HOST", "expected an IP address or a host name"));
    }
    Ok((host, env.parse_or("PORT", 8000)?))
}

fn database_url(env: &Env) -> Result<String, ConfigError> {
    let url = env
        .get("DATABASE_URL")
        .unwrap_or_else(|| "sqlite://challenger.db?mode=rwc".into());
    if !(url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://"))
    {
        return Err(invalid(
            "DATABASE_URL",
            "expected a sqlite:// or postgres:// URL",
        ));
    }
    Ok(url)
}

/// The `CLERK_*` settings for session tokens.
fn auth(env: &Env) -> Result<AuthConfig, ConfigError> {
    let skew_secs: u64 = env.parse_or("CLERK_CLOCK_SKEW_SECS", 5)?;
    if skew_secs > MAX_CLOCK_SKEW_SECS {
        return Err(invalid(
            "CLERK_CLOCK_SKEW_SECS",
            "must be at most 300 seconds",
        ));
    }
    let keys = match (env.get("CLERK_JWT_KEY"), env.get("CLERK_JWKS_URL")) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "CLERK_JWKS_URL",
                "set either CLERK_JWT_KEY or CLERK_JWKS_URL, not both",
            ));
        }
        (Some(pem), None) => {
            // Dashboards and .env files often carry the PEM on one line with literal `\n`.
            let pem = pem.replace("\\n", "\n");
            if pem.contains("PRIVATE KEY") {
                return Err(invalid(
                    "CLERK_JWT_KEY",
                    "this is a private key; use Clerk's JWT *public* key and keep the private one secret",
                ));
            }
            DecodingKey::from_rsa_pem(pem.as_bytes())
                .map_err(|_| invalid("CLERK_JWT_KEY", "not an RSA public key in PEM format"))?;
            KeySource::Pem(pem)
        }
        (None, Some(url)) => KeySource::Jwks(parse_http_url("CLERK_JWKS_URL", &url)?),
        (None, None) => KeySource::Development {
            key_path: DEV_KEY_PATH.into(),
        },
    };
    Ok(AuthConfig {
        keys,
        authorized_parties: list(env.get("CLERK_AUTHORIZED_PARTIES")),
        issuer: env.get("CLERK_ISSUER"),
        clock_skew: Duration::from_secs(skew_secs),
    })
}

/// `CLERK_PUBLISHABLE_KEY`, which only makes sense with a Clerk key to verify the sessions it
/// signs in: without one the app would sign in with Clerk and every request would be refused.
fn publishable_key(env: &Env) -> Result<Option<PublishableKey>, ConfigError> {
    let Some(key) = env.get("CLERK_PUBLISHABLE_KEY") else {
        return Ok(None);
    };
    let key =
        PublishableKey::parse(&key).map_err(|reason| invalid("CLERK_PUBLISHABLE_KEY", reason))?;
    if env.get("CLERK_JWT_KEY").is_none() && env.get("CLERK_JWKS_URL").is_none() {
        return Err(invalid(
            "CLERK_PUBLISHABLE_KEY",
            "set CLERK_JWT_KEY or CLERK_JWKS_URL too, so the server can verify the sessions Clerk signs in",
        ));
    }
    Ok(Some(key))
}

fn webhook_secret(env: &Env) -> Result<Option<Secret>, ConfigError> {
    let Some(secret) = env.get("CLERK_WEBHOOK_SECRET") else {
        return Ok(None);
    };
    svix::webhooks::Webhook::new(&secret).map_err(|_| {
        invalid(
            "CLERK_WEBHOOK_SECRET",
            "not a valid signing secret (expected whsec_…)",
        )
    })?;
    Ok(Some(Secret(secret)))
}

/// `CHALLENGE_GENERATOR`, the `OPENAI_*` settings, and how long one attempt may take.
fn generator(env: &Env) -> Result<(GeneratorConfig, Duration), ConfigError> {
    let timeout = env.seconds("OPENAI_TIMEOUT_SECS", 30)?;
    let api_key = env.get("OPENAI_API_KEY").map(Secret);
    let generator = match env.get("CHALLENGE_GENERATOR").as_deref() {
        Some("builtin") => GeneratorConfig::Builtin,
        None if api_key.is_none() => GeneratorConfig::Builtin,
        Some("openai") | None => GeneratorConfig::OpenAi {
            base_url: parse_http_url(
                "OPENAI_BASE_URL",
                &env.get("OPENAI_BASE_URL")
                    .unwrap_or_else(|| "https://api.openai.com/v1".into()),
            )?,
            api_key,
            model: env
                .get("OPENAI_MODEL")
                .unwrap_or_else(|| "gpt-4o-mini".into()),
        },
        Some(other) => {
            return Err(invalid(
                "CHALLENGE_GENERATOR",
                &format!("unknown generator {other:?}; expected \"builtin\" or \"openai\""),
            ));
        }
    };
    Ok((generator, timeout))
}

/// `RUST_LOG` and `LOG_FORMAT`.
fn logging(env: &Env) -> Result<(String, bool), ConfigError> {
    let json = match env.get("LOG_FORMAT").as_deref() {
        None | Some("text") => false,
        Some("json") => true,
        Some(_) => return Err(invalid("LOG_FORMAT", "expected \"text\" or \"json\"")),
    };
    Ok((env.get("RUST_LOG").unwrap_or_else(|| "info".into()), json))
}

fn invalid(variable: &'static str, reason: &str) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.to_owned(),
    }
}

fn parse_http_url(variable: &'static str, value: &str) -> Result<Url, ConfigError> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(invalid(variable, "expected an http(s) URL")),
    }
}

fn list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|item| item.trim().trim_end_matches('/').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_ones() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.port, 8000);
        assert_eq!(config.database_url, "sqlite://challenger.db?mode=rwc");
        assert_eq!(config.daily_quota, 50);
        assert!(matches!(config.generator, GeneratorConfig::Builtin));
        assert!(matches!(config.auth.keys, KeySource::Development { .. }));
        assert_eq!(config.cors_allowed_origins, vec!["http://localhost:5173"]);
        assert_eq!(config.http.header, Duration::from_secs(10));
        assert_eq!(config.http.idle, Duration::from_secs(60));
        assert_eq!(config.http.body, Duration::from_secs(30));
    }

    /// `pk_test_` + base64 of `host$`, as the Clerk dashboard shows it (padding stripped).
    fn publishable(prefix: &str, decoded: &str) -> String {
        let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, decoded);
        format!("{prefix}{}", body.trim_end_matches('='))
    }

    /// A real RSA public key, on one line with literal `\n` as a `.env` file carries it.
    const PEM: &str = "-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu3iAamvWYDM0ByBzpMJ7\\nMsguTQtQcBXVHqw4c9PrW0kPKa9f0c9bkrQY547IzleN2GnG7P/hDo6lOmVKJ9EP\\nu7Ph6a+jO4HkwHe7rjRfaKEZWf7RZiWe0sVDrICsV6M9B8yrfnht9liPkyCZSqzi\\nfHg3xI33fDnTfsEfGAHWuYgtGu5heGk8PcqlGKw9ps9I6NS7jkeKyanzAgmT4vzk\\nwHXorgOgJMpAYAn5lTmpGr+hFUrbIjYGcHiUdMm+wHkvA17SNBkxV0MUcV2MHOpd\\nwjtrOxA+8wgVpCMz4MtEFK5arodgGtC1G3n+scNsERDTZFwH72jB1HI2KmEjbJfj\\n4wIDAQAB\\n-----END PUBLIC KEY-----";

    #[test]
    fn a_publishable_key_names_its_frontend_api() {
        for (prefix, host) in [
            ("pk_test_", "clerk.challenger.test"),
            ("pk_live_", "clerk.example.com"),
            ("pk_test_", "happy-otter-42.clerk.accounts.dev"),
        ] {
            let key = publishable(prefix, &format!("{host}$"));
            let config = config(&[("CLERK_PUBLISHABLE_KEY", &key), ("CLERK_JWT_KEY", PEM)])
                .expect("a valid key");
            let parsed = config.clerk_publishable_key.expect("kept");
            assert_eq!(parsed.as_str(), key);
            assert_eq!(parsed.frontend_api_origin(), format!("https://{host}"));
        }
        // Padded base64 is accepted too.
        let padded = format!(
            "pk_test_{}",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "clerk.ab.dev$")
        );
        assert!(padded.ends_with('='));
        assert_eq!(
            PublishableKey::parse(&padded).map(|k| k.frontend_api_origin()),
            Ok("https://clerk.ab.dev".to_owned())
        );
        // Unset: the app uses the development issuer or says what to configure.
        assert!(config(&[]).expect("valid").clerk_publishable_key.is_none());
    }

    #[test]
    fn a_malformed_publishable_key_stops_the_server_naming_the_variable() {
        for key in [
            "sk_test_abc".to_owned(),
            "pk_prod_Y2xlcmsuZXhhbXBsZS5jb20k".to_owned(),
            "pk_test_".to_owned(),
            "pk_test_!!!notbase64".to_owned(),
            publishable("pk_test_", "clerk.example.com"),
            publishable("pk_test_", "localhost$"),
            publishable("pk_test_", "clerk.example.com$$"),
            publishable("pk_test_", "clerk.example.com/path$"),
            publishable("pk_test_", "clerk.example.com; script-src *$"),
            publishable("pk_test_", "-bad.example.com$"),
        ] {
            let error =
                config(&[("CLERK_PUBLISHABLE_KEY", &key), ("CLERK_JWT_KEY", PEM)]).expect_err(&key);
            assert_eq!(error.variable, "CLERK_PUBLISHABLE_KEY", "{key}");
            assert_eq!(error.to_string().lines().count(), 1);
        }
    }

    #[test]
    fn a_publishable_key_needs_a_clerk_key_to_verify_its_sessions() {
        let key = publishable("pk_test_", "clerk.example.com$");
        let error = config(&[("CLERK_PUBLISHABLE_KEY", &key)]).expect_err("no Clerk key");
        assert_eq!(error.variable, "CLERK_PUBLISHABLE_KEY");
        assert!(error.reason.contains("CLERK_JWT_KEY or CLERK_JWKS_URL"));
        let jwks = config(&[
            ("CLERK_PUBLISHABLE_KEY", &key),
            (
                "CLERK_JWKS_URL",
                "https://clerk.example.com/.well-known/jwks.json",
            ),
        ]);
        assert!(jwks.expect("valid").clerk_publishable_key.is_some());
    }

    #[test]
    fn an_api_key_selects_the_openai_generator() {
        let config = config(&[("OPENAI_API_KEY", "sk-test")]).expect("valid");
        assert!(matches!(config.generator, GeneratorConfig::OpenAi { .. }));
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (variable, value) in [
            ("DAILY_QUOTA", "lots"),
            ("PORT", "-1"),
            ("CHALLENGE_GENERATOR", "magic"),
            (
                "CLERK_JWT_KEY",
                "-----BEGIN PUBLIC KEY-----\\nnope\\n-----END PUBLIC KEY-----",
            ),
            ("CLERK_JWKS_URL", "not a url"),
            ("OPENAI_BASE_URL", "ftp://example.com"),
            ("CLERK_WEBHOOK_SECRET", "whsec_!!!"),
            ("DATABASE_URL", "mysql://localhost/x"),
            ("LOG_FORMAT", "xml"),
            ("HOST", "not a host!"),
            ("CLERK_CLOCK_SKEW_SECS", "3600"),
            ("HTTP_HEADER_TIMEOUT_SECS", "0"),
            ("HTTP_IDLE_TIMEOUT_SECS", "soon"),
            ("HTTP_BODY_TIMEOUT_SECS", "-5"),
            ("OPENAI_TIMEOUT_SECS", "0"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"),
            (
                "CLERK_JWT_KEY",
                "-----BEGIN PRIVATE KEY-----\\nnope\\n-----END PRIVATE KEY-----",
            ),
        ] {
            let mut vars = vec![(variable, value)];
            if variable == "OPENAI_BASE_URL" {
                vars.push(("CHALLENGE_GENERATOR", "openai"));
            }
            let error = config(&vars).expect_err(variable);
            assert_eq!(error.variable, variable);
            assert!(
                !error.to_string().contains("nope"),
                "the message must not echo the key"
            );
        }
    }
}

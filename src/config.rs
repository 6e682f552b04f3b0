//! Configuration from the environment (and `.env`), validated once at start.

use std::time::Duration;

use jsonwebtoken::DecodingKey;
use reqwest::Url;

/// Everything the service needs to know about its environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub database_url: String,
    pub auth: AuthConfig,
    pub webhook_secret: Option<Secret>,
    pub cors_allowed_origins: Vec<String>,
    pub daily_quota: u32,
    pub generator: GeneratorConfig,
    /// How long one generation attempt may take (`OPENAI_TIMEOUT_SECS`).
    pub generation_timeout: Duration,
    pub log_filter: String,
    pub log_json: bool,
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

    /// Reads configuration through `lookup`; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let port = parse_or("PORT", get("PORT"), 8000)?;
        let daily_quota = parse_or("DAILY_QUOTA", get("DAILY_QUOTA"), 50)?;
        let timeout_secs: u64 = parse_or("OPENAI_TIMEOUT_SECS", get("OPENAI_TIMEOUT_SECS"), 30)?;
        if timeout_secs == 0 {
            return Err(invalid("OPENAI_TIMEOUT_SECS", "must be at least 1 second"));
        }
        let skew_secs: u64 = parse_or("CLERK_CLOCK_SKEW_SECS", get("CLERK_CLOCK_SKEW_SECS"), 5)?;
        if skew_secs > MAX_CLOCK_SKEW_SECS {
            return Err(invalid(
                "CLERK_CLOCK_SKEW_SECS",
                "must be at most 300 seconds",
            ));
        }

        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "sqlite://challenger.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "DATABASE_URL",
                "expected a sqlite:// or postgres:// URL",
            ));
        }

        let keys = match (get("CLERK_JWT_KEY"), get("CLERK_JWKS_URL")) {
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

        let webhook_secret = match get("CLERK_WEBHOOK_SECRET") {
            Some(secret) => {
                svix::webhooks::Webhook::new(&secret).map_err(|_| {
                    invalid(
                        "CLERK_WEBHOOK_SECRET",
                        "not a valid signing secret (expected whsec_…)",
                    )
                })?;
                Some(Secret(secret))
            }
            None => None,
        };

        let api_key = get("OPENAI_API_KEY").map(Secret);
        let generator = match get("CHALLENGE_GENERATOR").as_deref() {
            Some("builtin") => GeneratorConfig::Builtin,
            None if api_key.is_none() => GeneratorConfig::Builtin,
            Some("openai") | None => GeneratorConfig::OpenAi {
                base_url: parse_http_url(
                    "OPENAI_BASE_URL",
                    &get("OPENAI_BASE_URL").unwrap_or_else(|| "https://api.openai.com/v1".into()),
                )?,
                api_key,
                model: get("OPENAI_MODEL").unwrap_or_else(|| "gpt-4o-mini".into()),
            },
            Some(other) => {
                return Err(invalid(
                    "CHALLENGE_GENERATOR",
                    &format!("unknown generator {other:?}; expected \"builtin\" or \"openai\""),
                ));
            }
        };

        let log_json = match get("LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(_) => return Err(invalid("LOG_FORMAT", "expected \"text\" or \"json\"")),
        };

        let host = get("HOST").unwrap_or_else(|| "127.0.0.1".into());
        let valid_name = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
        if host.parse::<std::net::IpAddr>().is_err() && !valid_name {
            return Err(invalid("HOST", "expected an IP address or a host name"));
        }

        Ok(Self {
            host,
            port,
            database_url,
            auth: AuthConfig {
                keys,
                authorized_parties: list(get("CLERK_AUTHORIZED_PARTIES")),
                issuer: get("CLERK_ISSUER"),
                clock_skew: Duration::from_secs(skew_secs),
            },
            webhook_secret,
            cors_allowed_origins: list(Some(
                get("CORS_ALLOWED_ORIGINS").unwrap_or_else(|| "http://localhost:5173".into()),
            )),
            daily_quota,
            generator,
            generation_timeout: Duration::from_secs(timeout_secs),
            log_filter: get("RUST_LOG").unwrap_or_else(|| "info".into()),
            log_json,
        })
    }
}

fn invalid(variable: &'static str, reason: &str) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.to_owned(),
    }
}

fn parse_or<T: std::str::FromStr>(
    variable: &'static str,
    value: Option<String>,
    default: T,
) -> Result<T, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            invalid(
                variable,
                &format!("{v:?} is not a valid non-negative integer"),
            )
        }),
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

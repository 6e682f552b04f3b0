//! Configuration from the environment (and `.env`), validated once at start.

use std::{collections::BTreeMap, time::Duration};

use jsonwebtoken::DecodingKey;
use reqwest::Url;

/// Everything the service needs to know about its environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub http: HttpLimits,
    pub database_url: String,
    pub auth: AuthConfig,
    /// `CLERK_PUBLISHABLE_KEY`: the Clerk instance the embedded web app signs in with.
    pub clerk_publishable_key: Option<PublishableKey>,
    pub webhook_secret: Option<Secret>,
    pub cors_allowed_origins: Vec<String>,
    pub daily_quota: u32,
    /// `QUOTA_PLANS`: the daily limit of each Clerk Billing plan, by slug.
    pub quota_plans: BTreeMap<String, u32>,
    pub generator: GeneratorConfig,
    /// How long one generation attempt may take (`OPENAI_TIMEOUT_SECS`).
    pub generation_timeout: Duration,
    pub log_filter: String,
    pub log_json: bool,
    /// `METRICS_TOKEN`: when set, `GET /metrics` requires it as a bearer token.
    pub metrics_token: Option<Secret>,
    /// `WEBHOOK_DEDUP_DAYS`: how long a processed delivery id is kept to recognise a replay.
    pub webhook_dedup: Duration,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: where request traces go (OTLP over HTTP), if anywhere.
    pub otlp_endpoint: Option<Url>,
}

/// How long the server waits on a client (`HTTP_*_TIMEOUT_SECS`), and how much request body it
/// holds in memory (`MAX_BUFFERED_BODY_MIB`).
#[derive(Clone, Copy, Debug)]
pub struct HttpLimits {
    /// For a request head to be complete, from its first byte (or the accept).
    pub header: Duration,
    /// For a kept-alive connection with nothing in flight to start a new request.
    pub idle: Duration,
    /// For a request body to arrive in full (and for its share of the body memory).
    pub body: Duration,
    /// For a stalled response write to make progress again.
    pub write: Duration,
    /// Request bodies held in memory at once, across all connections, in bytes.
    pub body_memory: usize,
}

/// How session tokens are verified.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub keys: KeySource,
    pub authorized_parties: Vec<String>,
    pub issuer: Option<String>,
    pub clock_skew: Duration,
    /// `CLERK_ACCEPT_PENDING`: accept sessions that still have a required step to finish.
    pub accept_pending: bool,
}

/// Where the public keys that sign session tokens come from.
#[derive(Clone, Debug)]
pub enum KeySource {
    /// Clerk's PEM public key (`CLERK_JWT_KEY`): no network at all.
    Pem(String),
    /// Clerk's JWKS endpoint (`CLERK_JWKS_URL`), fetched and cached.
    Jwks(Url),
    /// No Clerk key configured, on a loopback address (or `DEV_ISSUER=on`): a local key pair at
    /// this path signs and verifies tokens.
    Development { key_path: String },
}

#[derive(Clone, Debug)]
pub enum GeneratorConfig {
    Builtin,
    OpenAi(Box<OpenAiConfig>),
}

/// The `OPENAI_*` and `CODE_RUNNER_*` settings.
#[derive(Clone, Debug)]
pub struct OpenAiConfig {
    pub base_url: Url,
    pub api_key: Option<Secret>,
    pub model: String,
    pub response_format: ResponseFormat,
    /// `max_tokens` of every request.
    pub max_tokens: u32,
    /// `OPENAI_FALLBACK=builtin`: a bank question when the LLM path fails.
    pub fallback_to_builtin: bool,
    /// A model that answers each challenge not checked by execution, with the key hidden.
    pub verify_model: Option<String>,
    pub code_runner: Option<CodeRunnerConfig>,
}

/// How the reply's format is asked for (`OPENAI_RESPONSE_FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFormat {
    /// The strictest form the server takes, found by trying them in turn.
    Auto,
    /// `{"type": "json_schema", "json_schema": {…, "strict": true}}` (OpenAI, vLLM).
    JsonSchema,
    /// `{"type": "json_object", "schema": …}` (llama.cpp's server).
    JsonObjectSchema,
    /// `{"type": "json_object"}`: JSON, shape not enforced.
    JsonObject,
}

/// A Piston-compatible code execution engine (`CODE_RUNNER_URL`).
#[derive(Clone, Debug)]
pub struct CodeRunnerConfig {
    pub url: Url,
    /// Per request (`CODE_RUNNER_TIMEOUT_SECS`).
    pub timeout: Duration,
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
/// A plan's daily limit is at most this: quota arithmetic stays far from the column's range.
const MAX_PLAN_LIMIT: u32 = 1_000_000;

impl Config {
    /// Reads the process environment (after `.env`, which the caller loads).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, one section at a time; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let (host, port) = listen_address(&env)?;
        let auth = auth(&env, &host)?;
        let http = HttpLimits {
            header: env.seconds("HTTP_HEADER_TIMEOUT_SECS", 10)?,
            idle: env.seconds("HTTP_IDLE_TIMEOUT_SECS", 60)?,
            body: env.seconds("HTTP_BODY_TIMEOUT_SECS", 30)?,
            write: env.seconds("HTTP_WRITE_TIMEOUT_SECS", 30)?,
            body_memory: body_memory(&env)?,
        };
        let (generator, generation_timeout) = generator(&env)?;
        let (log_filter, log_json) = logging(&env)?;
        Ok(Self {
            host,
            port,
            http,
            database_url: database_url(&env)?,
            auth,
            clerk_publishable_key: publishable_key(&env)?,
            webhook_secret: webhook_secret(&env)?,
            cors_allowed_origins: list(Some(
                env.get("CORS_ALLOWED_ORIGINS")
                    .unwrap_or_else(|| "http://localhost:5173".into()),
            )),
            daily_quota: env.parse_or("DAILY_QUOTA", 50)?,
            quota_plans: quota_plans(&env)?,
            generator,
            generation_timeout,
            log_filter,
            log_json,
            metrics_token: env.get("METRICS_TOKEN").map(Secret),
            webhook_dedup: webhook_dedup(&env)?,
            otlp_endpoint: env
                .get("OTEL_EXPORTER_OTLP_ENDPOINT")
                .map(|url| parse_http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &url))
                .transpose()?,
        })
    }
}

impl Config {
    /// The longest a generation can take: two attempts, each an LLM call and its checks (a code
    /// run, a second model's answer). A reservation older than this belongs to a dead process.
    pub fn longest_generation(&self) -> Duration {
        let checks = match &self.generator {
            GeneratorConfig::OpenAi(openai) => {
                openai
                    .code_runner
                    .as_ref()
                    .map_or(Duration::ZERO, |r| r.timeout)
                    + openai
                        .verify_model
                        .as_ref()
                        .map_or(Duration::ZERO, |_| self.generation_timeout)
            }
            GeneratorConfig::Builtin => Duration::ZERO,
        };
        (self.generation_timeout + checks) * 2
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

    /// `true` or `false` (also `1`/`0`, `yes`/`no`, any case).
    fn flag(&self, variable: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self
            .get(variable)
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(_) => Err(invalid(variable, "expected \"true\" or \"false\"")),
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

/// `MAX_BUFFERED_BODY_MIB`: at least one largest body must fit.
fn body_memory(env: &Env) -> Result<usize, ConfigError> {
    const MAX_MIB: usize = 1 << 20;
    match env.parse_or("MAX_BUFFERED_BODY_MIB", 64usize)? {
        0 => Err(invalid("MAX_BUFFERED_BODY_MIB", "must be at least 1 (MiB)")),
        mib if mib > MAX_MIB => Err(invalid("MAX_BUFFERED_BODY_MIB", "must be at most 1048576")),
        mib => Ok(mib << 20),
    }
}

/// `WEBHOOK_DEDUP_DAYS`: Svix retries a delivery for about 27 hours, so fewer than 2 days could
/// forget an id that is still being retried.
fn webhook_dedup(env: &Env) -> Result<Duration, ConfigError> {
    match env.parse_or("WEBHOOK_DEDUP_DAYS", 7u64)? {
        days @ 2..=3650 => Ok(Duration::from_secs(days * 24 * 60 * 60)),
        _ => Err(invalid(
            "WEBHOOK_DEDUP_DAYS",
            "must be between 2 and 3650 days",
        )),
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

/// The `CLERK_*` settings for session tokens, and whether the development issuer may run.
fn auth(env: &Env, host: &str) -> Result<AuthConfig, ConfigError> {
    let skew_secs: u64 = env.parse_or("CLERK_CLOCK_SKEW_SECS", 5)?;
    if skew_secs > MAX_CLOCK_SKEW_SECS {
        return Err(invalid(
            "CLERK_CLOCK_SKEW_SECS",
            "must be at most 300 seconds",
        ));
    }
    // Read first: an invalid value stops the start even when a Clerk key makes it moot.
    let dev_issuer = dev_issuer_mode(env)?;
    let keys = match (env.get("CLERK_JWT_KEY"), env.get("CLERK_JWKS_URL")) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "CLERK_JWKS_URL",
                "set either CLERK_JWT_KEY or CLERK_JWKS_URL, not both",
            ));
        }
        (Some(pem), None) => clerk_pem(&pem)?,
        (None, Some(url)) => KeySource::Jwks(parse_http_url("CLERK_JWKS_URL", &url)?),
        (None, None) => development_keys(dev_issuer, host)?,
    };
    Ok(AuthConfig {
        keys,
        authorized_parties: list(env.get("CLERK_AUTHORIZED_PARTIES")),
        issuer: env.get("CLERK_ISSUER"),
        clock_skew: Duration::from_secs(skew_secs),
        accept_pending: env.flag("CLERK_ACCEPT_PENDING", false)?,
    })
}

fn clerk_pem(pem: &str) -> Result<KeySource, ConfigError> {
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
    Ok(KeySource::Pem(pem))
}

/// `DEV_ISSUER`: when the development issuer may run without a Clerk key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DevIssuerMode {
    /// Only on a loopback `HOST`.
    Auto,
    /// On any address, as the operator says explicitly.
    On,
    Off,
}

fn dev_issuer_mode(env: &Env) -> Result<DevIssuerMode, ConfigError> {
    match env
        .get("DEV_ISSUER")
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("auto") => Ok(DevIssuerMode::Auto),
        Some("on") => Ok(DevIssuerMode::On),
        Some("off") => Ok(DevIssuerMode::Off),
        Some(_) => Err(invalid(
            "DEV_ISSUER",
            "expected \"auto\", \"on\" or \"off\"",
        )),
    }
}

/// No Clerk key: the development issuer, unless that would trust a self-minted key on an address
/// others can reach. One missing variable must never turn a public server into one that signs
/// a valid token for any user id.
fn development_keys(mode: DevIssuerMode, host: &str) -> Result<KeySource, ConfigError> {
    const KEYS: &str = "CLERK_JWT_KEY or CLERK_JWKS_URL";
    match mode {
        DevIssuerMode::On => {}
        DevIssuerMode::Auto if is_loopback(host) => {}
        DevIssuerMode::Auto => {
            return Err(invalid(
                KEYS,
                &format!(
                    "a Clerk key is required on the non-loopback HOST {host}: set CLERK_JWT_KEY or \
                     CLERK_JWKS_URL (or DEV_ISSUER=on to trust the local development issuer there)"
                ),
            ));
        }
        DevIssuerMode::Off => {
            return Err(invalid(
                KEYS,
                "DEV_ISSUER=off needs a Clerk key: set CLERK_JWT_KEY or CLERK_JWKS_URL",
            ));
        }
    }
    Ok(KeySource::Development {
        key_path: DEV_KEY_PATH.into(),
    })
}

/// Whether `host` only accepts connections from this machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `QUOTA_PLANS`: `slug=limit,…`, the slugs as Clerk writes them after the `u:`/`o:` scope.
fn quota_plans(env: &Env) -> Result<BTreeMap<String, u32>, ConfigError> {
    const VARIABLE: &str = "QUOTA_PLANS";
    let mut plans = BTreeMap::new();
    let Some(value) = env.get(VARIABLE) else {
        return Ok(plans);
    };
    for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((slug, limit)) = entry.split_once('=') else {
            return Err(invalid(
                VARIABLE,
                &format!("{entry:?} is not slug=limit (for example free_user=5,pro=100)"),
            ));
        };
        let slug = slug.trim();
        if slug.contains(':') {
            return Err(invalid(
                VARIABLE,
                &format!("write the plan {slug:?} without its u:/o: scope"),
            ));
        }
        if slug.is_empty()
            || !slug
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        {
            return Err(invalid(
                VARIABLE,
                &format!("{slug:?} is not a plan slug (letters, digits, _ and -)"),
            ));
        }
        let limit = limit
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|limit| *limit <= MAX_PLAN_LIMIT)
            .ok_or_else(|| {
                invalid(
                    VARIABLE,
                    &format!("the limit of {slug:?} must be an integer from 0 to {MAX_PLAN_LIMIT}"),
                )
            })?;
        if plans.insert(slug.to_owned(), limit).is_some() {
            return Err(invalid(
                VARIABLE,
                &format!("the plan {slug:?} is listed twice"),
            ));
        }
    }
    Ok(plans)
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
        Some("openai") | None => GeneratorConfig::OpenAi(Box::new(openai(env, api_key)?)),
        Some(other) => {
            return Err(invalid(
                "CHALLENGE_GENERATOR",
                &format!("unknown generator {other:?}; expected \"builtin\" or \"openai\""),
            ));
        }
    };
    Ok((generator, timeout))
}

fn openai(env: &Env, api_key: Option<Secret>) -> Result<OpenAiConfig, ConfigError> {
    let response_format = match env.get("OPENAI_RESPONSE_FORMAT").as_deref() {
        None | Some("auto") => ResponseFormat::Auto,
        Some("json_schema") => ResponseFormat::JsonSchema,
        Some("json_object_schema") => ResponseFormat::JsonObjectSchema,
        Some("json_object") => ResponseFormat::JsonObject,
        Some(_) => {
            return Err(invalid(
                "OPENAI_RESPONSE_FORMAT",
                "expected auto, json_schema, json_object_schema or json_object",
            ));
        }
    };
    let fallback_to_builtin = match env.get("OPENAI_FALLBACK").as_deref() {
        None | Some("none") => false,
        Some("builtin") => true,
        Some(_) => return Err(invalid("OPENAI_FALLBACK", "expected none or builtin")),
    };
    let max_tokens = match env.parse_or("OPENAI_MAX_TOKENS", 1000)? {
        0 => return Err(invalid("OPENAI_MAX_TOKENS", "must be at least 1")),
        tokens => tokens,
    };
    let code_runner = env
        .get("CODE_RUNNER_URL")
        .map(|url| -> Result<CodeRunnerConfig, ConfigError> {
            Ok(CodeRunnerConfig {
                url: parse_http_url("CODE_RUNNER_URL", &url)?,
                timeout: env.seconds("CODE_RUNNER_TIMEOUT_SECS", 10)?,
            })
        })
        .transpose()?;
    Ok(OpenAiConfig {
        base_url: parse_http_url(
            "OPENAI_BASE_URL",
            &env.get("OPENAI_BASE_URL")
                .unwrap_or_else(|| "https://api.openai.com/v1".into()),
        )?,
        api_key,
        model: env
            .get("OPENAI_MODEL")
            .unwrap_or_else(|| "gpt-4o-mini".into()),
        response_format,
        max_tokens,
        fallback_to_builtin,
        verify_model: env.get("OPENAI_VERIFY_MODEL"),
        code_runner,
    })
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
        assert_eq!(config.http.write, Duration::from_secs(30));
        assert_eq!(config.http.body_memory, 64 * 1024 * 1024);
        assert_eq!(config.webhook_dedup, Duration::from_secs(7 * 24 * 60 * 60));
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
        let GeneratorConfig::OpenAi(openai) = config.generator else {
            panic!("expected the openai generator");
        };
        assert_eq!(openai.response_format, ResponseFormat::Auto);
        assert_eq!(openai.max_tokens, 1000);
        assert!(!openai.fallback_to_builtin);
        assert!(openai.verify_model.is_none() && openai.code_runner.is_none());
    }

    #[test]
    fn the_checks_of_generated_challenges_are_configured_together() {
        let config = config(&[
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_RESPONSE_FORMAT", "json_object_schema"),
            ("OPENAI_MAX_TOKENS", "600"),
            ("OPENAI_FALLBACK", "builtin"),
            ("OPENAI_VERIFY_MODEL", "checker"),
            ("CODE_RUNNER_URL", "http://127.0.0.1:2000"),
            ("CODE_RUNNER_TIMEOUT_SECS", "4"),
        ])
        .expect("valid");
        let GeneratorConfig::OpenAi(openai) = config.generator else {
            panic!("expected the openai generator");
        };
        assert_eq!(openai.response_format, ResponseFormat::JsonObjectSchema);
        assert_eq!(openai.max_tokens, 600);
        assert!(openai.fallback_to_builtin);
        assert_eq!(openai.verify_model.as_deref(), Some("checker"));
        let runner = openai.code_runner.expect("a runner");
        assert_eq!(runner.url.as_str(), "http://127.0.0.1:2000/");
        assert_eq!(runner.timeout, Duration::from_secs(4));
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
            ("HTTP_WRITE_TIMEOUT_SECS", "0"),
            ("MAX_BUFFERED_BODY_MIB", "0"),
            ("WEBHOOK_DEDUP_DAYS", "1"),
            ("OPENAI_TIMEOUT_SECS", "0"),
            ("OPENAI_RESPONSE_FORMAT", "xml"),
            ("OPENAI_MAX_TOKENS", "0"),
            ("OPENAI_FALLBACK", "yes"),
            ("CODE_RUNNER_URL", "piston:2000"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"),
            (
                "CLERK_JWT_KEY",
                "-----BEGIN PRIVATE KEY-----\\nnope\\n-----END PRIVATE KEY-----",
            ),
            ("DEV_ISSUER", "yes"),
            ("CLERK_ACCEPT_PENDING", "maybe"),
            ("QUOTA_PLANS", "pro"),
            ("QUOTA_PLANS", "pro=lots"),
            ("QUOTA_PLANS", "u:pro=100"),
            ("QUOTA_PLANS", "=5"),
            ("QUOTA_PLANS", "pro=5,pro=6"),
            ("QUOTA_PLANS", "pro=-1"),
            ("QUOTA_PLANS", "pro=1000001"),
        ] {
            let mut vars = vec![(variable, value)];
            if variable.starts_with("OPENAI_") || variable.starts_with("CODE_RUNNER_") {
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

    #[test]
    fn quota_plans_map_slugs_to_limits() {
        let plans = config(&[("QUOTA_PLANS", " free_user=5, pro=100 ,team-org=0,")])
            .expect("valid")
            .quota_plans;
        let plans: Vec<(&str, u32)> = plans
            .iter()
            .map(|(slug, limit)| (slug.as_str(), *limit))
            .collect();
        assert_eq!(plans, [("free_user", 5), ("pro", 100), ("team-org", 0)]);
        assert!(config(&[]).expect("valid").quota_plans.is_empty());
    }

    #[test]
    fn the_development_issuer_runs_without_a_key_only_on_a_loopback_host_unless_told() {
        for host in ["127.0.0.1", "::1", "localhost", "LOCALHOST", "127.0.0.2"] {
            let keys = config(&[("HOST", host)]).expect(host).auth.keys;
            assert!(matches!(keys, KeySource::Development { .. }), "{host}");
        }
        for host in ["0.0.0.0", "::", "192.168.1.10", "example.com"] {
            let error = config(&[("HOST", host)]).expect_err(host);
            let message = error.to_string();
            assert!(!message.contains('\n'), "one line: {message}");
            for named in ["CLERK_JWT_KEY", "CLERK_JWKS_URL", "DEV_ISSUER=on", host] {
                assert!(message.contains(named), "{message} names {named}");
            }
            let keys = config(&[("HOST", host), ("DEV_ISSUER", "on")])
                .expect(host)
                .auth
                .keys;
            assert!(matches!(keys, KeySource::Development { .. }), "{host}");
        }
        let error = config(&[("DEV_ISSUER", "off")]).expect_err("off needs a key");
        assert!(error.to_string().contains("CLERK_JWT_KEY"), "{error}");
        let keys = config(&[
            ("DEV_ISSUER", "off"),
            ("HOST", "0.0.0.0"),
            (
                "CLERK_JWKS_URL",
                "https://clerk.example.com/.well-known/jwks.json",
            ),
        ])
        .expect("a key needs no development issuer")
        .auth
        .keys;
        assert!(matches!(keys, KeySource::Jwks(_)));
    }

    #[test]
    fn pending_sessions_are_refused_unless_accepted() {
        assert!(!config(&[]).expect("valid").auth.accept_pending);
        for (value, accepted) in [
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("false", false),
        ] {
            let auth = config(&[("CLERK_ACCEPT_PENDING", value)])
                .expect(value)
                .auth;
            assert_eq!(auth.accept_pending, accepted, "{value}");
        }
    }
}

//! Clerk's JWKS, fetched at start, cached, refreshed periodically and on unknown key ids.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use anyhow::Context;
use jsonwebtoken::{
    DecodingKey,
    jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse},
};
use reqwest::Url;
use serde::Deserialize;

use crate::{telemetry::metrics, upstream::read_capped};

/// An unknown `kid` may trigger a refetch at most this often, so a flood of forged tokens
/// cannot hammer the JWKS endpoint.
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(5);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const PERIODIC_REFRESH: Duration = Duration::from_secs(10 * 60);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

pub struct JwksCache {
    url: Url,
    http: reqwest::Client,
    keys: RwLock<HashMap<String, Arc<DecodingKey>>>,
    /// When the last refetch for an unknown `kid` started; the mutex also makes it single-flight.
    last_refetch: tokio::sync::Mutex<Option<Instant>>,
}

#[derive(Deserialize)]
struct KeySet {
    keys: Vec<serde_json::Value>,
}

impl JwksCache {
    pub fn new(url: Url) -> anyhow::Result<Self> {
        Ok(Self {
            url,
            http: reqwest::Client::builder().timeout(FETCH_TIMEOUT).build()?,
            keys: RwLock::default(),
            last_refetch: tokio::sync::Mutex::default(),
        })
    }

    /// The RSA key with id `kid`, refetching the set once if it is unknown (rate limited).
    pub async fn key(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        let mut last_refetch = self.last_refetch.lock().await;
        // Another request may have refetched while this one waited.
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        if last_refetch.is_some_and(|at| at.elapsed() < MIN_REFETCH_INTERVAL) {
            return None;
        }
        *last_refetch = Some(Instant::now());
        if let Err(error) = self.refresh().await {
            tracing::warn!(
                error = format!("{error:#}"),
                "JWKS refetch failed; keeping the cached keys"
            );
        }
        self.cached(kid)
    }

    fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(kid)
            .cloned()
    }

    /// Fetches the key set and replaces the cache; on failure the cached keys stay in use.
    pub async fn refresh(&self) -> anyhow::Result<usize> {
        let fetched = self.fetch().await;
        let cached = self.keys.read().unwrap_or_else(|e| e.into_inner()).len();
        metrics::jwks_fetched(
            if fetched.is_ok() {
                "success"
            } else {
                "failure"
            },
            cached,
        );
        fetched
    }

    async fn fetch(&self) -> anyhow::Result<usize> {
        let response = self
            .http
            .get(self.url.clone())
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| anyhow::anyhow!(e.without_url()).context("JWKS request failed"))?;
        let body = read_capped(response).await.context("JWKS body")?;
        let set: KeySet = serde_json::from_slice(&body).context("JWKS body is not a key set")?;
        let keys: HashMap<String, Arc<DecodingKey>> =
            set.keys.iter().filter_map(rsa_signing_key).collect();
        if keys.is_empty() {
            anyhow::bail!("JWKS holds no RSA signing key");
        }
        let count = keys.len();
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
        Ok(count)
    }

    /// Keeps the cache filled: retries a failed first fetch with backoff, then refreshes periodically.
    pub fn spawn_refresher(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut retry_delay = Duration::from_secs(1);
            loop {
                // Hold the refetch lock so a request with an unknown kid waits for this fetch
                // instead of starting a second one (and spending its refetch allowance).
                let fetched = {
                    let _single_flight = self.last_refetch.lock().await;
                    self.refresh().await
                };
                match fetched {
                    Ok(count) => {
                        tracing::info!(keys = count, "JWKS loaded");
                        retry_delay = Duration::from_secs(1);
                        tokio::time::sleep(PERIODIC_REFRESH).await;
                    }
                    Err(error) => {
                        tracing::warn!(
                            error = format!("{error:#}"),
                            retry_in_secs = retry_delay.as_secs(),
                            "JWKS fetch failed"
                        );
                        tokio::time::sleep(retry_delay).await;
                        retry_delay = (retry_delay * 2).min(MAX_RETRY_DELAY);
                    }
                }
            }
        })
    }
}

/// A usable verification key: RSA, for signatures, RS256 or unspecified, with a `kid`.
fn rsa_signing_key(value: &serde_json::Value) -> Option<(String, Arc<DecodingKey>)> {
    // Parse keys one by one so one exotic key cannot make the whole set unreadable.
    let jwk: Jwk = serde_json::from_value(value.clone()).ok()?;
    let kid = jwk.common.key_id.clone()?;
    if matches!(&jwk.common.public_key_use, Some(usage) if *usage != PublicKeyUse::Signature) {
        return None;
    }
    if matches!(jwk.common.key_algorithm, Some(alg) if alg != KeyAlgorithm::RS256) {
        return None;
    }
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return None;
    };
    let key = DecodingKey::from_rsa_components(&rsa.n, &rsa.e).ok()?;
    Some((kid, Arc::new(key)))
}

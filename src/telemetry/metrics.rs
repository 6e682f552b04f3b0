//! What operators graph and alert on, in the Prometheus text format, through the `metrics`
//! facade. Every label value comes from a fixed set: never a user id, a token or a raw path.

use std::{sync::OnceLock, time::Duration};

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

const HTTP_REQUESTS: &str = "http_requests_total";
const HTTP_REQUEST_DURATION: &str = "http_request_duration_seconds";
const GENERATIONS: &str = "challenge_generations_total";
const GENERATION_DURATION: &str = "challenge_generation_duration_seconds";
const REJECTIONS: &str = "challenge_rejections_total";
const CODE_RUNS: &str = "code_runs_total";
const QUOTA_REFUSALS: &str = "quota_refusals_total";
const TOKEN_REFUSALS: &str = "token_refusals_total";
const JWKS_FETCHES: &str = "jwks_fetches_total";
const JWKS_KEYS: &str = "jwks_cached_keys";
const WEBHOOK_DELIVERIES: &str = "webhook_deliveries_total";
const DB_CONNECTIONS: &str = "db_pool_connections";
const BUILD_INFO: &str = "challenger_build_info";

/// Seconds, from a fast cache hit to an LLM near its timeout.
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];

/// Seconds a generation may take: two LLM attempts and their checks, each up to a timeout, so
/// the buckets reach well past twice the longest usual timeout.
const GENERATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0,
    120.0, 180.0, 300.0, 600.0, 1200.0,
];

/// How often recorded histogram samples are folded into their buckets between scrapes, so
/// memory does not grow with traffic when nobody scrapes.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The process's recorder, installed on first use (one per process: tests build many apps).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(DURATION_BUCKETS)
            .expect("the bucket list is not empty")
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full(GENERATION_DURATION.into()),
                GENERATION_BUCKETS,
            )
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
        }
        describe();
        gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
        handle
    })
}

/// Folds histogram samples into buckets every few seconds; call once per process.
pub fn spawn_upkeep() {
    let handle = handle();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(UPKEEP_INTERVAL);
        loop {
            interval.tick().await;
            handle.run_upkeep();
        }
    });
}

/// The exposition, for `GET /metrics`.
pub fn render() -> String {
    handle().render()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests by method, route template and status."
    );
    describe_histogram!(
        HTTP_REQUEST_DURATION,
        Unit::Seconds,
        "HTTP request latency by method, route template and status."
    );
    describe_counter!(
        GENERATIONS,
        "Challenge generations by generator and outcome (success, failed, timed_out; \
         fallback for a bank question served after the LLM failed)."
    );
    describe_histogram!(
        GENERATION_DURATION,
        Unit::Seconds,
        "Time spent in the generator (the upstream LLM call, or the bank) by generator and outcome."
    );
    describe_counter!(
        REJECTIONS,
        "Generated challenges refused before a learner saw them, by generator and reason \
         (invalid, schema_refused, duplicate, key_mismatch, no_option_matches, \
         position_reference, second_opinion_disagrees)."
    );
    describe_counter!(
        CODE_RUNS,
        "Programs of generated challenges sent to the code runner, by outcome (confirmed, \
         key_mismatch, no_option_matches, unavailable)."
    );
    describe_counter!(
        QUOTA_REFUSALS,
        "Generations refused because the daily quota is spent."
    );
    describe_counter!(TOKEN_REFUSALS, "Session tokens refused, by reason.");
    describe_counter!(JWKS_FETCHES, "JWKS fetches by outcome (success, failure).");
    describe_gauge!(JWKS_KEYS, "RSA signing keys in the JWKS cache.");
    describe_counter!(
        WEBHOOK_DELIVERIES,
        "Clerk webhook deliveries by event type and outcome."
    );
    describe_gauge!(
        DB_CONNECTIONS,
        "Database pool connections by pool (reader, writer) and state (in_use, idle)."
    );
    describe_gauge!(BUILD_INFO, "Always 1; the version is a label.");
}

pub fn request(method: &'static str, route: &'static str, status: u16, elapsed: Duration) {
    let labels = [
        ("method", method),
        ("route", route),
        ("status", status_label(status)),
    ];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_REQUEST_DURATION, &labels).record(elapsed);
}

pub fn generation(generator: &'static str, outcome: &'static str, elapsed: Duration) {
    let labels = [("generator", generator), ("outcome", outcome)];
    counter!(GENERATIONS, &labels).increment(1);
    histogram!(GENERATION_DURATION, &labels).record(elapsed);
}

pub fn rejection(generator: &'static str, reason: &'static str) {
    counter!(REJECTIONS, "generator" => generator, "reason" => reason).increment(1);
}

pub fn code_run(outcome: &'static str) {
    counter!(CODE_RUNS, "outcome" => outcome).increment(1);
}

pub fn quota_refused() {
    counter!(QUOTA_REFUSALS).increment(1);
}

pub fn token_refused(reason: &'static str) {
    counter!(TOKEN_REFUSALS, "reason" => reason).increment(1);
}

pub fn jwks_fetched(outcome: &'static str, cached_keys: usize) {
    counter!(JWKS_FETCHES, "outcome" => outcome).increment(1);
    gauge!(JWKS_KEYS).set(cached_keys as f64);
}

pub fn webhook_delivered(event: &'static str, outcome: &'static str) {
    counter!(WEBHOOK_DELIVERIES, "event" => event, "outcome" => outcome).increment(1);
}

pub fn pool(pool: &'static str, in_use: u32, idle: u32) {
    gauge!(DB_CONNECTIONS, "pool" => pool, "state" => "in_use").set(f64::from(in_use));
    gauge!(DB_CONNECTIONS, "pool" => pool, "state" => "idle").set(f64::from(idle));
}

/// A status code as a label without allocating: the codes the service answers with, else the
/// class.
fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        204 => "204",
        304 => "304",
        400 => "400",
        401 => "401",
        404 => "404",
        405 => "405",
        408 => "408",
        413 => "413",
        415 => "415",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => match status / 100 {
            1 => "1xx",
            2 => "2xx",
            3 => "3xx",
            4 => "4xx",
            _ => "5xx",
        },
    }
}

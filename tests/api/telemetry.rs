//! What operators see: the Prometheus exposition after a scripted mix of requests, parsed with
//! a Prometheus text parser, and the request traces exported to an OTLP/HTTP receiver.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use openmetrics_parser::{PrometheusValue, prometheus::parse_prometheus};
use opentelemetry_proto::tonic::{
    collector::trace::v1::ExportTraceServiceRequest, trace::v1::Span,
};
use poem::{EndpointExt, Route, handler, http::StatusCode, web::Data};
use prost::Message;
use serde_json::{Value as Json, json};

use crate::{
    helpers::{FakeJwks, FakeServer, WEBHOOK_SECRET, main_key, now, session_claims, sign_webhook},
    process::ServerProcess,
    webhooks::clerk::{event, svix_id, user},
};

const METRICS_TOKEN: &str = "scrape-9c1d27e0";

async fn scrape(server: &ServerProcess, token: Option<&str>) -> reqwest::Response {
    let request = server.client.get(server.url("/metrics"));
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
    .expect("scrape")
}

/// One parsed sample: its metric family, labels and value (a histogram's is its count).
pub struct Sample {
    metric: String,
    labels: Vec<(String, String)>,
    value: f64,
}

/// The exposition parsed by a Prometheus text-format parser.
pub fn parse(text: &str) -> Vec<Sample> {
    let exposition = parse_prometheus(text).expect("a valid Prometheus exposition");
    let mut samples = Vec::new();
    for (metric, family) in &exposition.families {
        for sample in family.iter_samples() {
            let labels = sample.get_labelset().expect("labels");
            samples.push(Sample {
                metric: metric.clone(),
                labels: labels
                    .iter()
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect(),
                value: match &sample.value {
                    PrometheusValue::Counter(counter) => counter.value.as_f64(),
                    PrometheusValue::Gauge(number) | PrometheusValue::Unknown(number) => {
                        number.as_f64()
                    }
                    PrometheusValue::Histogram(histogram) => {
                        histogram.count.unwrap_or_default() as f64
                    }
                    PrometheusValue::Summary(_) => f64::NAN,
                },
            });
        }
    }
    samples
}

pub async fn samples(server: &ServerProcess, token: Option<&str>) -> Vec<Sample> {
    let response = scrape(server, token).await;
    assert_eq!(response.status(), 200);
    parse(&response.text().await.expect("exposition"))
}

/// The value of the sample `metric` whose labels include all of `labels`.
pub fn value(samples: &[Sample], metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|sample| {
            sample.metric == metric
                && labels
                    .iter()
                    .all(|(name, value)| sample.labels.iter().any(|(n, v)| n == name && v == value))
        })
        .map(|sample| sample.value)
}

async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.expect("request")
}

#[tokio::test]
async fn metrics_count_each_kind_of_request_by_route_template_and_never_label_an_id() {
    let server = ServerProcess::start(
        &[
            ("DAILY_QUOTA", "1"),
            ("METRICS_TOKEN", METRICS_TOKEN),
            ("CLERK_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
        None,
    );
    let user_id = "user_metrics_probe_7f3a";
    let token = server.dev_token(user_id).await;
    let client = &server.client;
    let generated: Json = send(
        client
            .post(server.url("/api/generate-challenge"))
            .bearer_auth(&token)
            .json(&json!({"difficulty": "easy"})),
    )
    .await
    .json()
    .await
    .expect("challenge");
    let id = generated["id"].as_i64().expect("id");
    let spent = send(
        client
            .post(server.url("/api/generate-challenge"))
            .bearer_auth(&token)
            .json(&json!({"difficulty": "easy"})),
    )
    .await;
    assert_eq!(spent.status(), 429);
    for _ in 0..2 {
        let read = send(
            client
                .get(server.url(&format!("/api/challenges/{id}")))
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(read.status(), 200);
    }
    let missing = send(
        client
            .get(server.url("/api/challenges/987654"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(missing.status(), 404);
    let garbage = "not-a-jwt-8d2b";
    assert_eq!(
        send(client.get(server.url("/api/quota")).bearer_auth(garbage))
            .await
            .status(),
        401
    );
    assert_eq!(
        send(client.get(server.url("/api/quota"))).await.status(),
        401
    );
    assert_eq!(
        send(client.get(server.url("/raw-path-5e1c")))
            .await
            .status(),
        404
    );
    assert_eq!(send(client.get(server.url("/"))).await.status(), 200);

    let delivery = svix_id();
    let body = serde_json::to_vec(&event(
        "user.created",
        user("user_hooked_c4", "c4@example.com", "c4", 1),
    ))
    .expect("json");
    let timestamp = now();
    let signed = |signature: String| {
        client
            .post(server.url("/api/webhooks/clerk"))
            .header("content-type", "application/json")
            .header("svix-id", &delivery)
            .header("svix-timestamp", timestamp.to_string())
            .header("svix-signature", signature)
            .body(body.clone())
    };
    let signature = sign_webhook(&delivery, timestamp, &body);
    assert_eq!(send(signed(signature.clone())).await.status(), 200);
    assert_eq!(send(signed(signature)).await.status(), 200);
    assert_eq!(send(signed("v1,AAAA".into())).await.status(), 401);

    assert_eq!(
        scrape(&server, None).await.status(),
        401,
        "the token is required"
    );
    assert_eq!(scrape(&server, Some("wrong")).await.status(), 401);
    let samples = samples(&server, Some(METRICS_TOKEN)).await;

    let requests = |method, route, status| {
        value(
            &samples,
            "http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("GET", "/api/challenges/{id}", "200"), Some(2.0));
    assert_eq!(requests("GET", "/api/challenges/{id}", "404"), Some(1.0));
    assert_eq!(
        requests("POST", "/api/generate-challenge", "200"),
        Some(1.0)
    );
    assert_eq!(
        requests("POST", "/api/generate-challenge", "429"),
        Some(1.0)
    );
    assert_eq!(requests("GET", "/api/quota", "401"), Some(2.0));
    assert_eq!(requests("GET", "unmatched", "404"), Some(1.0));
    assert_eq!(requests("GET", "web_app", "200"), Some(1.0));
    assert_eq!(
        value(
            &samples,
            "http_request_duration_seconds",
            &[("route", "/api/challenges/{id}"), ("status", "200")]
        ),
        Some(2.0),
        "the latency histogram counts the same requests"
    );
    assert_eq!(
        value(
            &samples,
            "challenge_generations_total",
            &[("generator", "builtin"), ("outcome", "success")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &samples,
            "challenge_generation_duration_seconds",
            &[("generator", "builtin")]
        ),
        Some(1.0)
    );
    assert_eq!(value(&samples, "quota_refusals_total", &[]), Some(1.0));
    assert_eq!(
        value(&samples, "token_refusals_total", &[("reason", "malformed")]),
        Some(1.0)
    );
    assert_eq!(
        value(&samples, "token_refusals_total", &[("reason", "missing")]),
        Some(1.0)
    );
    let deliveries = |outcome| {
        value(
            &samples,
            "webhook_deliveries_total",
            &[("event", "user.created"), ("outcome", outcome)],
        )
    };
    assert_eq!(deliveries("processed"), Some(1.0));
    assert_eq!(deliveries("duplicate"), Some(1.0));
    assert_eq!(
        value(
            &samples,
            "webhook_deliveries_total",
            &[("event", "unknown"), ("outcome", "bad_signature")]
        ),
        Some(1.0)
    );
    assert!(
        value(
            &samples,
            "db_pool_connections",
            &[("pool", "writer"), ("state", "idle")]
        )
        .is_some()
    );
    assert_eq!(
        value(
            &samples,
            "challenger_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );

    let leaks = [
        user_id,
        "user_hooked_c4",
        garbage,
        &token,
        METRICS_TOKEN,
        "raw-path-5e1c",
        "987654",
        &format!("/api/challenges/{id}"),
    ];
    for sample in &samples {
        for (_, label) in &sample.labels {
            assert!(
                !leaks.iter().any(|leak| label.contains(leak)),
                "{} has the label value {label:?}",
                sample.metric
            );
        }
    }
}

#[tokio::test]
async fn metrics_count_jwks_fetches_and_cached_keys_and_are_open_without_a_token() {
    let (jwks, endpoint) = FakeJwks::start(&[main_key()]).await;
    let url = endpoint.url("/.well-known/jwks.json");
    let server = ServerProcess::start(&[("CLERK_JWKS_URL", &url)], None);
    let token = main_key().sign(&session_claims("user_jwks_metrics"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while send(
        server
            .client
            .get(server.url("/api/quota"))
            .bearer_auth(&token),
    )
    .await
    .status()
        != 200
    {
        assert!(Instant::now() < deadline, "{}", server.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    jwks.set_down(true);
    let mut other = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    other.kid = Some("ins_unknown".into());
    let unknown = jsonwebtoken::encode(&other, &session_claims("user_x"), &main_key().encoding)
        .expect("token");
    assert_eq!(
        send(
            server
                .client
                .get(server.url("/api/quota"))
                .bearer_auth(&unknown)
        )
        .await
        .status(),
        401
    );
    let samples = samples(&server, None).await;
    assert!(value(&samples, "jwks_fetches_total", &[("outcome", "success")]).unwrap_or(0.0) >= 1.0);
    assert_eq!(
        value(&samples, "jwks_fetches_total", &[("outcome", "failure")]),
        Some(1.0)
    );
    assert_eq!(value(&samples, "jwks_cached_keys", &[]), Some(1.0));
    assert_eq!(
        value(
            &samples,
            "token_refusals_total",
            &[("reason", "unknown_key")]
        ),
        Some(1.0)
    );
}

/// An OTLP/HTTP trace receiver: keeps every span it is sent.
#[derive(Clone, Default)]
struct Receiver {
    spans: Arc<Mutex<Vec<Span>>>,
}

#[handler]
fn receive_traces(receiver: Data<&Receiver>, body: bytes::Bytes) -> StatusCode {
    let Ok(export) = ExportTraceServiceRequest::decode(body) else {
        eprintln!("undecodable OTLP body");
        return StatusCode::BAD_REQUEST;
    };
    let mut spans = receiver.spans.lock().expect("spans");
    for resource in export.resource_spans {
        for scope in resource.scope_spans {
            spans.extend(scope.spans);
        }
    }
    StatusCode::OK
}

#[tokio::test]
async fn request_spans_with_the_generation_and_database_work_as_children_reach_an_otlp_receiver() {
    let receiver = Receiver::default();
    let collector = FakeServer::start(
        Route::new()
            .at("/v1/traces", poem::post(receive_traces))
            .data(receiver.clone()),
    )
    .await;
    let endpoint = collector.url("");
    let server = ServerProcess::start(
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
        None,
    );
    let token = server.dev_token("user_traced").await;
    let response = send(
        server
            .client
            .post(server.url("/api/generate-challenge"))
            .bearer_auth(&token)
            .json(&json!({"difficulty": "medium"})),
    )
    .await;
    assert_eq!(response.status(), 200);

    let find = |name: &str| -> Option<Span> {
        receiver
            .spans
            .lock()
            .expect("spans")
            .iter()
            .find(|span| span.name == name)
            .cloned()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let request = loop {
        if let Some(span) = find("POST /api/generate-challenge")
            && find("generator").is_some()
        {
            break span;
        }
        assert!(
            Instant::now() < deadline,
            "no request span among {:?}",
            receiver
                .spans
                .lock()
                .expect("spans")
                .iter()
                .map(|span| span.name.clone())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let generation = find("generate challenge").expect("the generation span");
    assert_eq!(
        generation.parent_span_id, request.span_id,
        "survives its tokio::spawn"
    );
    assert_eq!(generation.trace_id, request.trace_id);
    let generator = find("generator").expect("the generator span");
    assert_eq!(generator.parent_span_id, generation.span_id);

    let spans = receiver.spans.lock().expect("spans").clone();
    let database: Vec<&Span> = spans
        .iter()
        .filter(|span| span.trace_id == request.trace_id && span.name.starts_with("sea_orm"))
        .collect();
    assert!(!database.is_empty(), "database work is traced");
    let ids_in_request: Vec<&Vec<u8>> = [&request, &generation]
        .into_iter()
        .map(|s| &s.span_id)
        .collect();
    assert!(
        database
            .iter()
            .any(|span| span.parent_span_id == generation.span_id),
        "the insert runs inside the generation"
    );
    assert!(
        database
            .iter()
            .all(|span| ids_in_request.contains(&&span.parent_span_id)),
        "every database span hangs off the request or its generation"
    );
}

//! Telemetry: logs (`tracing` to stderr as text or JSON lines, filtered by `RUST_LOG`), request
//! traces exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and the Prometheus
//! metrics.

pub mod metrics;

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use reqwest::Url;
use tracing_subscriber::{EnvFilter, Layer, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Whether spans are exported: only then is anything spent on naming them for traces.
static EXPORTING: AtomicBool = AtomicBool::new(false);

pub fn exporting_traces() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// What must outlive the process's work: the trace pipeline, flushed by [`Telemetry::shutdown`].
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

/// Installs the process's subscriber. A second call (tests start many apps) keeps the first.
pub fn init(filter: &str, json: bool, otlp_endpoint: Option<&Url>) -> Telemetry {
    let directives = |extra: Option<&str>| {
        let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
        match extra.and_then(|directive| directive.parse().ok()) {
            Some(directive) => filter.add_directive(directive),
            None => filter,
        }
    };
    // SeaORM's per-statement spans are for traces; logs would only carry them as noise.
    let quiet_database = Some("sea_orm::database=warn");
    let logs = if json {
        fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .with_filter(directives(quiet_database))
            .boxed()
    } else {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(directives(quiet_database))
            .boxed()
    };
    let provider = otlp_endpoint.and_then(|endpoint| match tracer_provider(endpoint) {
        Ok(provider) => Some(provider),
        Err(error) => {
            eprintln!("OTEL_EXPORTER_OTLP_ENDPOINT: traces are off: {error:#}");
            None
        }
    });
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("challenger"))
            .with_filter(directives(None))
    });
    let installed = tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .try_init()
        .is_ok();
    EXPORTING.store(installed && provider.is_some(), Ordering::Relaxed);
    Telemetry { provider }
}

/// A batch exporter to `{endpoint}/v1/traces`. Its blocking HTTP client runs on the batch
/// processor's own thread, so it is built off the async runtime.
fn tracer_provider(endpoint: &Url) -> anyhow::Result<SdkTracerProvider> {
    let traces = format!("{}/v1/traces", endpoint.as_str().trim_end_matches('/'));
    let exporter = std::thread::spawn(move || {
        SpanExporter::builder()
            .with_http()
            .with_endpoint(traces)
            .build()
    })
    .join()
    .map_err(|_| anyhow::anyhow!("building the exporter panicked"))??;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name("challenger").build())
        .build())
}

impl Telemetry {
    /// Exports the spans still buffered; call once the server has stopped.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            // The exporter's blocking client must not be dropped on the async runtime.
            let flushed = std::thread::spawn(move || provider.shutdown()).join();
            if !matches!(flushed, Ok(Ok(()))) {
                eprintln!("some trace spans could not be exported at shutdown");
            }
        }
    }
}

//! Logging: `tracing` to stderr as text or JSON lines, filtered by `RUST_LOG`.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // `try_init`: a second initialisation (tests) keeps the first subscriber.
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

//! A bare poem JSON handler on its own: the reference `scripts/bench.sh` measures in the same
//! run, so each route's figure reads as a share of what poem itself does on this machine.
//!
//! `cargo run --release --example bare_poem -- --port 9200`

use clap::Parser;
use poem::{Route, Server, get, handler, listener::TcpListener, web::Json};
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 9200)]
    port: u16,
}

#[handler]
fn status() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    Server::new(TcpListener::bind(("127.0.0.1", args.port)))
        .run(Route::new().at("/", get(status)))
        .await
}

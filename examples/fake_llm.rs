//! An OpenAI-compatible chat-completions server that answers every request with a valid
//! challenge after a fixed delay: the "LLM" of the generation benchmarks. Each question carries
//! a fresh id, so none nearly repeats a learner's recent ones.
//!
//! `cargo run --release --example fake_llm -- --port 9100 --delay-ms 100`

use std::time::Duration;

use clap::Parser;
use poem::{EndpointExt, Route, Server, handler, listener::TcpListener, web::Data, web::Json};
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 9100)]
    port: u16,
    /// How long each completion takes.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
}

#[handler]
async fn complete(delay: Data<&Duration>) -> Json<Value> {
    tokio::time::sleep(*delay.0).await;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let challenge = json!({
        "question": format!("What is the worst-case time complexity of binary search over table {id}?"),
        "code": null,
        "language": null,
        "program": null,
        "options": ["O(1)", "O(log n)", "O(n)", "O(n log n)"],
        "correct_answer_id": 1,
        "explanation": "Each comparison halves the remaining range, so at most log2(n) + 1 steps are needed.",
    });
    Json(json!({
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": challenge.to_string()}, "finish_reason": "stop"}],
    }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let app = Route::new()
        .at("/v1/chat/completions", poem::post(complete))
        .data(Duration::from_millis(args.delay_ms));
    Server::new(TcpListener::bind(("127.0.0.1", args.port)))
        .run(app)
        .await
}

//! An OpenAI-compatible chat-completions server that answers every request with a valid
//! challenge after a fixed delay: the "LLM" of the generation benchmarks. Each question carries
//! a fresh id, so none nearly repeats a learner's recent ones.
//!
//! `cargo run --release --example fake_llm -- --port 9100 --delay-ms 100`
//!
//! With `--turns`, it misbehaves in turns, as a real upstream does (the chaos run,
//! `scripts/chaos.sh`): a cycle of phases, each `MODE:SECONDS`, repeated for as long as it runs.
//!
//! `cargo run --release --example fake_llm -- --port 9100 --turns ok:6,slow:4,fail:3,big:2,hang:3`
//!
//! | mode | each request during the phase |
//! |---|---|
//! | `ok` | a valid challenge after `--delay-ms` |
//! | `slow` | a valid challenge after `--slow-ms` (meant to be under the server's timeout) |
//! | `fail` | `500` with an error body after `--delay-ms` (the server retries once, then `502`) |
//! | `big` | a valid-looking reply over 1 MiB (`--big-bytes`), which the server must refuse to read whole |
//! | `hang` | nothing for `--hang-ms` (meant to be over the server's timeout: `504`), then a challenge |

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use clap::Parser;
use poem::{
    EndpointExt, IntoResponse, Response, Route, Server, handler, http::StatusCode,
    listener::TcpListener, web::Data, web::Json,
};
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 9100)]
    port: u16,
    /// How long each completion takes (in the `ok` and `fail` phases with `--turns`).
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Phases to cycle through, `MODE:SECONDS,…` (modes `ok`, `slow`, `fail`, `big`, `hang`);
    /// without it, every request is `ok`.
    #[arg(long, value_parser = parse_turns)]
    turns: Option<Turns>,
    /// How long a completion takes in a `slow` phase.
    #[arg(long, default_value_t = 1500)]
    slow_ms: u64,
    /// How long a request waits in a `hang` phase before it is answered.
    #[arg(long, default_value_t = 10_000)]
    hang_ms: u64,
    /// The size of a reply in a `big` phase.
    #[arg(long, default_value_t = 2 << 20)]
    big_bytes: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Ok,
    Slow,
    Fail,
    Big,
    Hang,
}

#[derive(Clone, Debug)]
struct Turns(Vec<(Mode, Duration)>);

fn parse_turns(text: &str) -> Result<Turns, String> {
    let phases = text
        .split(',')
        .map(|phase| {
            let (mode, secs) = phase
                .split_once(':')
                .ok_or_else(|| format!("{phase:?}: expected MODE:SECONDS"))?;
            let mode = match mode.trim() {
                "ok" => Mode::Ok,
                "slow" => Mode::Slow,
                "fail" => Mode::Fail,
                "big" => Mode::Big,
                "hang" => Mode::Hang,
                other => return Err(format!("unknown mode {other:?}")),
            };
            let secs: f64 = secs
                .trim()
                .parse()
                .map_err(|_| format!("{phase:?}: bad seconds"))?;
            if secs <= 0.0 || !secs.is_finite() {
                return Err(format!("{phase:?}: seconds must be positive"));
            }
            Ok((mode, Duration::from_secs_f64(secs)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Turns(phases))
}

struct State {
    args: Args,
    started: Instant,
    /// The reply of a `big` phase, made once: sending it costs the server no more than a copy.
    big: Bytes,
}

impl State {
    /// The mode of the phase running now.
    fn mode(&self) -> Mode {
        let Some(Turns(phases)) = &self.args.turns else {
            return Mode::Ok;
        };
        let cycle: Duration = phases.iter().map(|(_, d)| *d).sum();
        let mut at = Duration::from_nanos(
            (self.started.elapsed().as_nanos() % cycle.as_nanos().max(1)) as u64,
        );
        for (mode, length) in phases {
            if at < *length {
                return *mode;
            }
            at -= *length;
        }
        Mode::Ok
    }
}

fn completion(content: String) -> Value {
    json!({
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    })
}

fn challenge() -> Value {
    let id = uuid::Uuid::new_v4().simple().to_string();
    json!({
        "question": format!("What is the worst-case time complexity of binary search over table {id}?"),
        "code": null,
        "language": null,
        "program": null,
        "options": ["O(1)", "O(log n)", "O(n)", "O(n log n)"],
        "correct_answer_id": 1,
        "explanation": "Each comparison halves the remaining range, so at most log2(n) + 1 steps are needed.",
    })
}

#[handler]
async fn complete(state: Data<&Arc<State>>) -> Response {
    let args = &state.0.args;
    let mode = state.0.mode();
    let delay = match mode {
        Mode::Slow => args.slow_ms,
        Mode::Hang => args.hang_ms,
        Mode::Ok | Mode::Fail | Mode::Big => args.delay_ms,
    };
    tokio::time::sleep(Duration::from_millis(delay)).await;
    match mode {
        Mode::Fail => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": {"message": "the model is overloaded", "type": "server_error"}})),
        )
            .into_response(),
        Mode::Big => Response::builder()
            .content_type("application/json")
            .body(state.0.big.clone()),
        Mode::Ok | Mode::Slow | Mode::Hang => {
            Json(completion(challenge().to_string())).into_response()
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let port = args.port;
    // A reply whose content is a valid challenge padded past the server's 1 MiB cap.
    let mut padded = challenge();
    padded["explanation"] = Value::String("x".repeat(args.big_bytes));
    let big = Bytes::from(completion(padded.to_string()).to_string());
    let state = Arc::new(State {
        args,
        started: Instant::now(),
        big,
    });
    let app = Route::new()
        .at("/v1/chat/completions", poem::post(complete))
        .data(state);
    Server::new(TcpListener::bind(("127.0.0.1", port)))
        .run(app)
        .await
}

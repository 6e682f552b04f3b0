#!/usr/bin/env bash
# Benchmarks the release build with wrk (64 connections): the server on core 0, wrk on core 1.
# Reports requests/s and latency for quota, a 20-item history page, and generation with the
# built-in bank, an instant LLM and a 100 ms LLM; and the server's resident memory.
# Needs wrk (apt-get install wrk). Usage: scripts/bench.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/challenger-target}"
DURATION="${1:-10}"
cargo build --release --locked -q --bin challenger --example fake_llm
BIN="$CARGO_TARGET_DIR/release/challenger"
FAKE_LLM="$CARGO_TARGET_DIR/release/examples/fake_llm"
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server NAME [VAR=VALUE...]: a fresh server in its own folder, pinned to core 0.
start_server() {
  local name="$1"; shift
  mkdir -p "$WORK/$name"
  PORT="$(free_port)"
  (cd "$WORK/$name" && env PORT="$PORT" DAILY_QUOTA=1000000000 RUST_LOG=warn "$@" \
      taskset -c 0 "$BIN" >"$WORK/$name.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do curl -sf "localhost:$PORT/readyz" >/dev/null && break; sleep 0.05; done
  URL="http://127.0.0.1:$PORT"
  TOKEN="$(curl -sf -X POST "$URL/api/dev/token" -H 'content-type: application/json' \
      -d '{"user_id": "user_bench", "ttl_secs": 3600}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  export TOKEN
}

stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$(pgrep -n -x challenger)/status"; }

run() { # run LABEL SCRIPT PATH
  echo "== $1"
  taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency -s "scripts/bench/$2" "$URL$3" |
    grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
  echo "   server RSS: $(rss_mib) MiB"
}

start_server builtin
for _ in $(seq 20); do curl -sf -X POST "$URL/api/generate-challenge" -H "Authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' -d '{"difficulty": "easy"}' >/dev/null; done
run "GET /api/quota" get.lua /api/quota
run "GET /api/my-history (20 items)" get.lua "/api/my-history?limit=20"
run "POST /api/generate-challenge (built-in bank)" generate.lua /api/generate-challenge
stop_server

for delay in 0 100; do
  LLM_PORT="$(free_port)"
  taskset -c 1 "$FAKE_LLM" --port "$LLM_PORT" --delay-ms "$delay" & PIDS+=("$!")
  sleep 0.3
  start_server "llm$delay" CHALLENGE_GENERATOR=openai OPENAI_BASE_URL="http://127.0.0.1:$LLM_PORT/v1"
  run "POST /api/generate-challenge (LLM taking ${delay} ms)" generate.lua /api/generate-challenge
  stop_server
done

mkdir -p "$WORK/start"
echo "== time to ready on SQLite (fresh folder, key already there)"
cp -r "$WORK/builtin/.challenger" "$WORK/start/"
PORT="$(free_port)"
START=$(date +%s%N)
(cd "$WORK/start" && PORT="$PORT" RUST_LOG=warn "$BIN" >/dev/null 2>&1) & SERVER_PID=$!; PIDS+=("$SERVER_PID")
until curl -sf "localhost:$PORT/readyz" >/dev/null; do sleep 0.005; done
echo "   $(( ($(date +%s%N) - START) / 1000000 )) ms"
stop_server

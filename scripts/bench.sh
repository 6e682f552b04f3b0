#!/usr/bin/env bash
# Benchmarks the release build with wrk (64 connections): the server pinned to core 0, wrk to
# core 1. Every figure is printed beside a bare poem JSON handler measured in the same run, so
# it reads as a share of what the machine gives poem itself (absolute figures drift on a shared
# machine). Reports:
#   - quota, a 20-item history page, stats, 10 due reviews, a repeated answer and generation
#     with the built-in bank, for a learner with 20 challenges and one with 10,000 (each all
#     answered, half of them wrong: review items due), side by side;
#   - generation through an LLM answering at once and one taking 100 ms;
#   - a mixed run of 1,000 learners on SQLite and on PostgreSQL (not gated);
#   - each server's peak resident memory, and the time to ready.
# Needs wrk and taskset (apt-get install wrk util-linux) and python3; PostgreSQL is used when
# BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) answers.
# Usage: scripts/bench.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
DURATION="${1:-10}"
BENCH_PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked -q --bin challenger --example fake_llm --example bare_poem
BIN="$CARGO_TARGET_DIR/release/challenger"
EXAMPLES="$CARGO_TARGET_DIR/release/examples"
WORK="$(mktemp -d)"
PIDS=()
PEAK_KIB=0
GATED=1
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk_rps LUA PATH [VAR=VALUE...]: requests/s of one run; the full wrk summary goes to the log.
wrk_rps() {
  local script="$1" path="$2"; shift 2
  env "$@" taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency -s "scripts/bench/$script" \
    "$URL$path" >"$WORK/wrk.txt"
  if grep -q 'Non-2xx' "$WORK/wrk.txt"; then
    echo "   !! non-2xx answers on $path: $(grep 'Non-2xx' "$WORK/wrk.txt")" >&2
  fi
  awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk.txt"
}

p99() { awk '$1 == "99%" {print $2}' "$WORK/wrk.txt"; }

# start_server NAME [VAR=VALUE...]: a fresh server in its own folder, pinned to core 0.
start_server() {
  local name="$1"; shift
  mkdir -p "$WORK/$name"
  PORT="$(free_port)"
  # exec: the subshell becomes the server, so $! is the server's own pid.
  (cd "$WORK/$name" && exec env PORT="$PORT" DAILY_QUOTA=1000000000 RUST_LOG=warn "$@" \
      taskset -c 0 "$BIN" >"$WORK/$name.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  URL="http://127.0.0.1:$PORT"
  for _ in $(seq 200); do curl -sf "$URL/readyz" >/dev/null && break; sleep 0.05; done
}

# stop_server: records the server's peak resident memory, then stops it.
stop_server() {
  local hwm
  hwm="$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
  echo "   peak resident memory: $((hwm / 1024)) MiB"
  if (( GATED && hwm > PEAK_KIB )); then PEAK_KIB=$hwm; fi
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
}

ratio() { python3 -c "print(f'{100 * $1 / $2:.1f} %')"; }

echo "== bare poem JSON handler (the reference)"
BARE_PORT="$(free_port)"
taskset -c 0 "$EXAMPLES/bare_poem" --port "$BARE_PORT" & BARE_PID=$!; PIDS+=("$BARE_PID")
sleep 0.3
URL="http://127.0.0.1:$BARE_PORT"
BARE="$(wrk_rps plain.lua /)"
echo "   $BARE requests/s, p99 $(p99)"
kill "$BARE_PID"

echo "== built-in bank: a learner with 20 challenges and one with 10,000 (half of them wrong)"
start_server builtin
scripts/bench/seed.py "$URL" user_light 1 20 all >"$WORK/light.txt"
scripts/bench/seed.py "$URL" user_heavy 1 10000 all >"$WORK/heavy.txt"
read -r _ LIGHT_TOKEN LIGHT_ANSWERED _ <"$WORK/light.txt"
read -r _ HEAVY_TOKEN HEAVY_ANSWERED _ <"$WORK/heavy.txt"
printf '   %-34s %9s %9s %8s %9s %s\n' route "20" "10,000" "10k/20" "vs bare" "p99 (10k)"
declare -A RESULT
for route in quota history stats review answer generate; do
  case "$route" in
    quota) script=get.lua; path=/api/quota ;;
    history) script=get.lua; path="/api/my-history?limit=20" ;;
    stats) script=get.lua; path=/api/stats ;;
    # Ten items: all the light learner has due, so both pages carry the same rows.
    review) script=get.lua; path="/api/review?limit=10" ;;
    answer) script=answer.lua; path=/ ;;
    generate) script=generate.lua; path=/api/generate-challenge ;;
  esac
  light="$(wrk_rps "$script" "$path" TOKEN="$LIGHT_TOKEN" ANSWER_ID="$LIGHT_ANSWERED")"
  heavy="$(wrk_rps "$script" "$path" TOKEN="$HEAVY_TOKEN" ANSWER_ID="$HEAVY_ANSWERED")"
  RESULT[$route]="$light"
  printf '   %-34s %9s %9s %8s %9s %s\n' "$route" "$light" "$heavy" "$(ratio "$heavy" "$light")" \
    "$(ratio "$light" "$BARE")" "$(p99)"
done
stop_server

for delay in 0 100; do
  echo "== generation through an LLM taking $delay ms"
  LLM_PORT="$(free_port)"
  taskset -c 1 "$EXAMPLES/fake_llm" --port "$LLM_PORT" --delay-ms "$delay" & LLM_PID=$!; PIDS+=("$LLM_PID")
  sleep 0.3
  start_server "llm$delay" CHALLENGE_GENERATOR=openai OPENAI_BASE_URL="http://127.0.0.1:$LLM_PORT/v1"
  scripts/bench/seed.py "$URL" user_llm 1 0 >"$WORK/llm.txt"
  read -r _ TOKEN _ <"$WORK/llm.txt"
  rps="$(wrk_rps generate.lua /api/generate-challenge TOKEN="$TOKEN")"
  echo "   $rps generations/s ($(ratio "$rps" "$BARE") of bare; bound 64 / delay), p99 $(p99)"
  [[ "$delay" == 100 ]] && echo "   $(ratio "$rps" 640) of the 640/s concurrency bound"
  stop_server
  kill "$LLM_PID"
done

mixed() { # mixed NAME [VAR=VALUE...]: 1,000 learners, 5 challenges each, then a mixed load.
  local name="$1"; shift
  echo "== 1,000 learners, mixed reads, generations and answers ($name, not gated)"
  start_server "mixed-$name" "$@"
  scripts/bench/seed.py "$URL" "user_$name" 1000 4 >"$WORK/mixed-$name.txt"
  local rps; rps="$(wrk_rps mixed.lua / USERS_FILE="$WORK/mixed-$name.txt")"
  echo "   $rps requests/s ($(ratio "$rps" "$BARE") of bare), p99 $(p99)"
  stop_server
}
# The mixed runs are reported, not gated (their memory neither).
GATED=0
mixed sqlite
if psql "$BENCH_PG_URL" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  psql "$BENCH_PG_URL" -qc 'DROP DATABASE IF EXISTS challenger_bench WITH (FORCE)' -c 'CREATE DATABASE challenger_bench' >/dev/null
  mixed postgresql DATABASE_URL="${BENCH_PG_URL%/*}/challenger_bench"
  psql "$BENCH_PG_URL" -qc 'DROP DATABASE IF EXISTS challenger_bench WITH (FORCE)' >/dev/null
else
  echo "== PostgreSQL skipped: $BENCH_PG_URL does not answer"
fi

echo "== time to ready on SQLite (fresh folder, key already there)"
mkdir -p "$WORK/start"
cp -r "$WORK/builtin/.challenger" "$WORK/start/"
PORT="$(free_port)"
START=$(date +%s%N)
(cd "$WORK/start" && PORT="$PORT" RUST_LOG=warn exec "$BIN" >/dev/null 2>&1) & SERVER_PID=$!; PIDS+=("$SERVER_PID")
until curl -sf "localhost:$PORT/readyz" >/dev/null; do sleep 0.002; done
READY_MS=$(( ($(date +%s%N) - START) / 1000000 ))
echo "   $READY_MS ms"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

echo
echo "== targets (shares of the bare handler's $BARE requests/s)"
check() { python3 -c "import sys; print(('met    ' if $2 else 'MISSED ') + sys.argv[1])" "$1"; }
check "quota >= 40 %: $(ratio "${RESULT[quota]}" "$BARE")" "${RESULT[quota]} >= 0.40 * $BARE"
check "history (20 items) >= 10 %: $(ratio "${RESULT[history]}" "$BARE")" "${RESULT[history]} >= 0.10 * $BARE"
check "generation, built-in bank >= 2 %: $(ratio "${RESULT[generate]}" "$BARE")" "${RESULT[generate]} >= 0.02 * $BARE"
check "peak resident memory <= 32 MiB (gated runs): $((PEAK_KIB / 1024)) MiB" "$PEAK_KIB <= 32 * 1024"
check "ready <= 100 ms: $READY_MS ms" "$READY_MS <= 100"

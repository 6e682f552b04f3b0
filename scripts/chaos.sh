#!/usr/bin/env bash
# All faults at once: two server processes on one PostgreSQL, a fake LLM that is slow, failing
# and oversized in turns, 200 learners generating, answering and reading across both processes,
# slow and idle clients, a `kill -9` of one process every 20 s (restarted at once) and a
# PostgreSQL fast restart every 45 s. At the end, after the reservation sweep, it checks that
# every challenge and answer a client got 200 for is in the learner's history, that no learner
# got more than the quota and no unit is lost, and that no response was 500; it prints the peak
# memory of each process and the counts by status. Exits non-zero when a check fails.
#
# PostgreSQL is a throwaway cluster of its own (initdb and pg_ctl of the machine's PostgreSQL,
# in a temporary folder, on a free port; as the `postgres` user when run as root): the shared
# server is never touched. The load, the faults and the checks are scripts/chaos/driver.py
# (Python's standard library only).
#
# Usage: scripts/chaos.sh [SECONDS]   (default 60)
# Environment (all optional):
#   CHALLENGER_BIN   the server (default ${CARGO_TARGET_DIR:-./target}/release/challenger; not built here)
#   FAKE_LLM_BIN     the fake LLM (default: the release example, built if missing or stale)
#   CHAOS_QUOTA      DAILY_QUOTA of the run (default max(5, SECONDS / 6): most learners reach it)
#   CHAOS_LEARNERS   learners (default 200)
#   CHAOS_SEED       random seed of the load
#   CHAOS_KILL_EVERY, CHAOS_PG_RESTART_EVERY   seconds between the faults (default 20 and 45)
#   CHAOS_KEEP=1     keep the run's folder (server logs, events.jsonl) even when it passes
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_TO_RUN="${1:-60}"
[[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ && "$SECONDS_TO_RUN" -ge 20 ]] ||
  { echo "usage: scripts/chaos.sh [SECONDS >= 20]" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
log() { printf '[chaos.sh] %s\n' "$*" >&2; }

BIN="${CHALLENGER_BIN:-$CARGO_TARGET_DIR/release/challenger}"
[[ -x "$BIN" ]] || { log "server binary not found: $BIN (cargo build --release, or set CHALLENGER_BIN)"; exit 2; }
if [[ -n "${FAKE_LLM_BIN:-}" ]]; then
  LLM_BIN="$FAKE_LLM_BIN"
else
  log "cargo build --release --example fake_llm"
  cargo build --release --locked --quiet --example fake_llm
  LLM_BIN="$CARGO_TARGET_DIR/release/examples/fake_llm"
fi
[[ -x "$LLM_BIN" ]] || { log "fake LLM not found: $LLM_BIN"; exit 2; }

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r d; do
  [[ -x "$d/initdb" ]] && echo "$d"; done | tail -n1)"
[[ -n "$PG_BIN" ]] || { log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"; exit 2; }
# PostgreSQL refuses to run as root: as root, the cluster belongs to `postgres` (or `nobody`).
AS=()
if [[ "$(id -u)" == 0 ]]; then
  PG_USER=postgres
  id "$PG_USER" >/dev/null 2>&1 || PG_USER=nobody
  AS=(runuser -u "$PG_USER" --)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/challenger-chaos.XXXXXX")"
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/challenger-chaos-pg.XXXXXX")"
[[ ${#AS[@]} -eq 0 ]] || chown "$PG_USER" "$PG_DIR"
PG_PORT="$(free_port)"
PG_CTL=("${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgresql.log" -w
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1")
LLM_PID=""
STATUS=2
cleanup() {
  set +e # every step runs, whatever the one before gave
  [[ -f "$PG_DIR/data/postmaster.pid" ]] && "${PG_CTL[@]}" stop -m immediate >/dev/null 2>&1
  rm -rf "$PG_DIR"
  if [[ -n "$LLM_PID" ]]; then kill "$LLM_PID" 2>/dev/null; wait "$LLM_PID" 2>/dev/null; fi
  if [[ "$STATUS" == 0 && "${CHAOS_KEEP:-0}" != 1 ]]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT

log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') cluster on port $PG_PORT (in $PG_DIR)"
"${AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
  { cat "$PG_DIR/initdb.log" >&2; exit 2; }
"${PG_CTL[@]}" start >/dev/null
PG_RESTART="$(printf '%q ' "${PG_CTL[@]}") restart -m fast"

# The fake LLM: 100 ms answers, then slow (under OPENAI_TIMEOUT_SECS), failing (500), too big
# (2 MiB, over the 1 MiB cap) and hanging (past the timeout), in turns.
LLM_PORT="$(free_port)"
LLM_TURNS="ok:6,slow:4,fail:3,ok:4,big:2,hang:3"
"$LLM_BIN" --port "$LLM_PORT" --delay-ms 100 --slow-ms 1500 --hang-ms 3000 --turns "$LLM_TURNS" \
  >"$WORK/fake-llm.log" 2>&1 &
LLM_PID=$!

set +e
python3 "$ROOT/scripts/chaos/driver.py" \
  --seconds "$SECONDS_TO_RUN" \
  --bin "$BIN" \
  --workdir "$WORK" \
  --database-url "postgres://postgres@127.0.0.1:$PG_PORT/postgres" \
  --llm-url "http://127.0.0.1:$LLM_PORT/v1" \
  --llm-turns "$LLM_TURNS" \
  --pg-restart "$PG_RESTART" \
  --psql "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres" \
  --ports "$(free_port)" "$(free_port)" \
  --learners "${CHAOS_LEARNERS:-200}" \
  --quota "${CHAOS_QUOTA:-$(( SECONDS_TO_RUN / 6 > 5 ? SECONDS_TO_RUN / 6 : 5 ))}" \
  --openai-timeout 2 \
  --kill-every "${CHAOS_KILL_EVERY:-20}" \
  --pg-restart-every "${CHAOS_PG_RESTART_EVERY:-45}" \
  ${CHAOS_SEED:+--seed "$CHAOS_SEED"}
STATUS=$?
set -e
exit "$STATUS"

#!/usr/bin/env bash
# Property-based API testing of challenger with Schemathesis.
#
# Starts the release server in a throw-away directory on a free port (development token issuer,
# builtin generator, SQLite, a quota large enough never to run out), mints a development token,
# and runs `schemathesis run` against the live /openapi.json with the token. Exits non-zero on
# any failure; the server is always stopped and the temporary directory removed.
#
# Environment (all optional):
#   CHALLENGER_BIN         server binary (default: $CARGO_TARGET_DIR or the repository's target/,
#                          then release/challenger; built with `cargo build --release` first
#                          unless CHALLENGER_BIN is set or SKIP_BUILD=1)
#   ST_MAX_EXAMPLES        max test cases per operation and phase (default 200)
#   ST_WORKERS             concurrent workers (default 1: with 2, schemathesis 4.32.5 sometimes
#                          dies on a KeyError in a hypothesis cache that is not thread-safe)
#   ST_SEED                random seed, for reproducing a run
#   ST_REPORT_DIR          write a JUnit report there
# Extra arguments are passed to `schemathesis run` (e.g. --include-operation-id getQuota).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/challenger-schemathesis"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[schemathesis.sh] %s\n' "$*" >&2; }

# --- schemathesis (pinned, in a reusable venv) -----------------------------------------------
if [[ ! -x "$VENV/bin/schemathesis" ]] ||
  [[ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != *" $SCHEMATHESIS_VERSION" ]]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi
log "$("$VENV/bin/schemathesis" --version)"

# --- server binary ----------------------------------------------------------------------------
if [[ -n "${CHALLENGER_BIN:-}" ]]; then
  BIN="$CHALLENGER_BIN"
else
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
  BIN="$CARGO_TARGET_DIR/release/challenger"
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "cargo build --release (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && cargo build --release --quiet)
  fi
fi
[[ -x "$BIN" ]] || { log "server binary not found: $BIN"; exit 2; }

# --- start the server -------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/challenger-schemathesis.XXXXXX")"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -s "$WORK/server.log" ]]; then
    log "server log (last 40 lines):"
    tail -n 40 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"

# A clean environment: no Clerk key (so the development issuer is on), no LLM.
(
  cd "$WORK"
  exec env -i PATH="$PATH" HOME="$WORK" \
    HOST=127.0.0.1 PORT="$PORT" \
    DATABASE_URL="sqlite://$WORK/challenger.db?mode=rwc" \
    DAILY_QUOTA=1000000 CHALLENGE_GENERATOR=builtin \
    CLERK_WEBHOOK_SECRET="whsec_$(printf 'schemathesis-not-a-secret' | base64)" \
    RUST_LOG="${RUST_LOG:-warn}" \
    "$BIN" serve
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for i in $(seq 1 150); do
  if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "server exited before it was ready"; exit 2; fi
  [[ $i -eq 150 ]] && { log "server not ready after 15 s"; exit 2; }
  sleep 0.1
done
log "server ready at $BASE (pid $SERVER_PID)"

TOKEN="$(curl -fsS -X POST "$BASE/api/dev/token" -H 'Content-Type: application/json' \
  -d '{"user_id": "user_schemathesis", "ttl_secs": 3600}' |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

# --- run --------------------------------------------------------------------------------------
args=(
  run "$BASE/openapi.json"
  --header "Authorization: Bearer $TOKEN"
  --checks all
  --max-examples "${ST_MAX_EXAMPLES:-200}"
  --workers "${ST_WORKERS:-1}"
  --request-timeout 10
  --generation-database none
  --no-color
)
[[ -n "${ST_SEED:-}" ]] && args+=(--seed "$ST_SEED")
[[ -n "${ST_REPORT_DIR:-}" ]] && args+=(--report junit --report-dir "$ST_REPORT_DIR")

log "schemathesis ${args[*]/Bearer */Bearer <token>} $*"
cd "$WORK"
set +e
"$VENV/bin/schemathesis" "${args[@]}" "$@"
rc=$?
set -e
log "schemathesis exit code $rc"
exit "$rc"

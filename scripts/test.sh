#!/usr/bin/env bash
# The whole test suite: formatting and lints, the Rust tests on SQLite (and on PostgreSQL when
# TEST_DATABASE_URL is set), the built-in bank's programs, the TypeScript SDK against the release
# server, the spec through two independent readers, the web frontend (with browser tests in
# Debian's chromium), and schemathesis.
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's own default, ./target, unless the caller chose another: the release binary that
# `cargo run --release` built is the one the suite tests, not a second build elsewhere.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests on SQLite"
env -u TEST_DATABASE_URL cargo test --workspace --locked

if [[ "${TEST_DATABASE_URL:-}" == postgres* ]]; then
  step "Rust tests on PostgreSQL"
  # Each test creates its own database; drop the ones earlier runs left behind.
  if command -v psql >/dev/null; then
    psql "$TEST_DATABASE_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'challenger_test_%'" |
      while read -r db; do psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
  fi
  cargo test --workspace --locked --test '*'
else
  step "PostgreSQL skipped: set TEST_DATABASE_URL=postgres://… to run every database test on it too"
fi

step "built-in bank: structure, and every program run against its marked answer"
scripts/bank/check.sh

step "release build"
cargo build --release --locked
export CHALLENGER_BIN="$CARGO_TARGET_DIR/release/challenger"

step "TypeScript SDK"
(cd clients/typescript && npm ci --no-audit --no-fund && npm run check:generated && npm test)

step "OpenAPI spec: Redocly lint and openapi-python-client"
scripts/spec-check.sh

step "web frontend: lint, committed build, unit tests, browser tests against the release binary"
(cd clients/web && npm ci --no-audit --no-fund && npm run lint && npm run check:built && npm test &&
  E2E_SCREENSHOTS="$PWD/test-output/screenshots" npm run e2e)

step "schemathesis"
scripts/schemathesis.sh

#!/usr/bin/env bash
# The committed spec against two independent readers: Redocly's recommended lint rules (no
# errors) and openapi-python-client, which must generate every operation and every schema with
# no warning. Run after `npm ci` in clients/typescript (Redocly is one of its dev dependencies).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC="$ROOT/openapi/openapi.json"
PYTHON_CLIENT_VERSION=0.29.1
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/challenger-openapi-python-client"

log() { printf '[spec-check.sh] %s\n' "$*" >&2; }

log "redocly lint (recommended rules)"
(cd "$ROOT/clients/typescript" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  npm run --silent lint:spec)

if [[ "$("$VENV/bin/openapi-python-client" --version 2>/dev/null)" != *" $PYTHON_CLIENT_VERSION" ]]; then
  log "installing openapi-python-client $PYTHON_CLIENT_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "openapi-python-client==$PYTHON_CLIENT_VERSION"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/challenger-spec-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
printf 'post_hooks: []\nproject_name_override: client\npackage_name_override: client\n' >"$WORK/config.yml"
log "openapi-python-client generate"
(cd "$WORK" && "$VENV/bin/openapi-python-client" generate --path "$SPEC" \
  --config config.yml --meta none >output.txt 2>&1) || { cat "$WORK/output.txt"; exit 1; }
if grep -qiE 'warning|error|unable' "$WORK/output.txt"; then
  cat "$WORK/output.txt"
  log "openapi-python-client reported problems with the spec"
  exit 1
fi

# Every operation and every schema must have come out as a module.
python3 - "$SPEC" "$WORK/client" <<'PY'
import json, pathlib, re, sys

spec = json.loads(pathlib.Path(sys.argv[1]).read_text())
out = pathlib.Path(sys.argv[2])
snake = lambda name: re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
generated = {p.stem for p in out.rglob("*.py")}
operations = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
schemas = list(spec["components"]["schemas"])
missing = [name for name in operations + schemas if snake(name) not in generated]
if missing:
    sys.exit(f"openapi-python-client dropped: {', '.join(missing)}")
print(f"[spec-check.sh] openapi-python-client generated all {len(operations)} operations "
      f"and {len(schemas)} schemas", file=sys.stderr)
PY

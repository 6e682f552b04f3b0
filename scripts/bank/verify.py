#!/usr/bin/env python3
"""Checks the built-in question bank: src/generator/bank/{easy,medium,hard}.json.

Run it through scripts/bank/check.sh, which installs the pinned TypeScript and Go
toolchains into a cache first, and g++, ruby and php from Debian when they are missing.
Python 3.11 standard library only.

The schema of one question
--------------------------
Fields read by the server (src/generator/builtin.rs):
  key                kebab-case, unique, prefixed by its language (py-, js-, ts-, rust-,
                     go-, java-, c-, cpp-, ruby-, php-, sql-, bash-, general-); never
                     renamed or reused: users' seen questions are stored by key. Every
                     key ever published is listed in original-keys.txt; one removed from
                     the bank stays listed as `key  # retired: why`, and only those may
                     (and must) be absent
  tags               [language or "general", topic words...]; the first tag is the language
  title              the question; code, if any, follows a blank line
  language           the language the code is written in: the language the program runs
                     in (RUNTIME_LANGUAGE), else the first tag when it is a language, else
                     null
  code               the title after its first blank line, or null when it has none
  options            exactly 4, distinct (ASCII case-insensitively)
  correct_answer_id  0-3
  explanation        why the right option is right and each tempting wrong one is wrong;
                     every wrong option is a real mistake, so an explanation never calls
                     one baseless ("no basis", "made up"...: BASELESS)

Fields read only by this checker (the server ignores them):
  concept            kebab-case name of the one idea tested, e.g. "integer-division";
                     no two questions share a language (first tag) and a concept
  runtime            python | node | typescript | c | cpp | rust | java | bash | sqlite |
                     go | ruby | php
  program            the full runnable source: the code the title shows plus only what it
                     needs to run (a main, imports, a table setup)
  outputs            optional: what each option claims running the program does, parallel
                     to options. A claim is one of
                       "text"                      it exits 0 and prints text
                       {"compile_error": "text"}   it fails to compile; the compiler's
                                                   output contains text
                       {"compile_error": "text",    ... and the compiler reports errors on
                        "lines": [3, 4]}            exactly these lines of the program
                       {"runtime_error": "text"}   it compiles but exits non-zero (or dies
                       {"runtime_error": "text",    from a signal); stderr+stdout contains
                        "stdout": "before",         text, stdout is "before" if given, and
                        "exit": 3}                  the exit status is 3 if given
                       {"line_count": 3}           it exits 0 and prints 3 non-blank lines
                                                   (e.g. "how many rows does this return?")
                       null                        nothing a run can show (undefined
                                                   behaviour, "it hangs", a reason...)
                     Without outputs, every option's own text is its claim (a stdout claim).
                     Stdout is compared with whitespace runs collapsed to one space; error
                     texts are matched case-insensitively.
  flags              optional: compiler flags replacing the runtime's defaults (see RUNTIMES)
  runs               optional: [{"flags": [...]}, ...] to build and run the program several
                     ways (e.g. a debug and a release build); each claim is then a list
                     with one claim per run
  files              optional: {"name": "content"} extra files beside the program (go.mod...)
  file               optional: the program's file name (default per runtime)
  unverifiable       for a question that shows code but has no program: why it cannot be run
                     (undefined behaviour, a hypothetical...). It is verified by reasoning.

The mechanical link. A question with a program passes only if the claims that match what
the program really does are exactly the claim at correct_answer_id: a wrong
correct_answer_id, a wrong literal option, or a second option that also comes true all
fail. When the correct option's claim is not its own text, the claim's words (letters and
digits) must appear in order in the option's text, so the option cannot say something
else. The code block of the title (after its first blank line, without a final
"(...)" note) must appear in the program: each of its blank-line-separated chunks line by
line and in order (indentation aside); a title without a block must have an inline
`code` span that appears in the program.

A question about a type ("what type is R?") is verified by tsc: its program asserts the
marked type, and rejects each other option, with an exact equality type
(`const ok: Equal<R, "s" | "n"> = true;`, or `// @ts-expect-error` before a line that
must not compile), so it compiles, and prints the marked option, only if the answer is
right.

Questions without a program are "verified by reasoning" and counted as such.

Exit status: 0 when every check passes (programs whose toolchain is missing are skipped
and counted), 1 otherwise, listing each failing key with what was expected and seen.

Usage: verify.py [--jobs N] [--only KEY_PREFIX...] [--no-run] [-v] [--bank DIR]
Environment: BANK_TSC (tsc), BANK_GO (go), BANK_CACHE (GOCACHE etc., default
${XDG_CACHE_HOME:-~/.cache}/challenger-bank).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "src" / "generator" / "bank"
DIFFICULTIES = ("easy", "medium", "hard")
ORIGINAL_KEYS = Path(__file__).resolve().parent / "original-keys.txt"

LANGUAGES = {
    "python": "py",
    "javascript": "js",
    "typescript": "ts",
    "rust": "rust",
    "go": "go",
    "java": "java",
    "c": "c",
    "cpp": "cpp",
    "ruby": "ruby",
    "php": "php",
    "sql": "sql",
    "bash": "bash",
    "general": "general",
}
RUNTIMES = (
    "python", "node", "typescript", "c", "cpp", "rust", "java", "bash", "sqlite", "go", "ruby", "php",
)
# The `language` a question's program gives it (SPEC.md's language names).
RUNTIME_LANGUAGE = {
    "python": "python", "node": "javascript", "typescript": "typescript", "c": "c",
    "rust": "rust", "java": "java", "bash": "bash", "sqlite": "sql", "go": "go", "cpp": "cpp",
    "ruby": "ruby", "php": "php",
}
DEFAULT_FLAGS = {
    "c": ["-std=c17", "-O0"],
    "cpp": ["-std=c++17", "-O0"],
    # No php.ini, so the result does not depend on the machine's; notices go to stderr.
    "php": ["-n", "-d", "display_errors=stderr", "-d", "error_reporting=-1"],
    "rust": ["--edition", "2021"],
    "typescript": ["--strict", "--target", "es2022", "--module", "commonjs"],
}
DEFAULT_FILE = {
    "python": "prog.py",
    "node": "prog.js",
    "typescript": "prog.ts",
    "c": "prog.c",
    "cpp": "prog.cpp",
    "ruby": "prog.rb",
    "php": "prog.php",
    "rust": "prog.rs",
    "java": "Main.java",
    "bash": "prog.sh",
    "sqlite": "prog.sql",
    "go": "main.go",
}
GO_MOD = "module bank\n\ngo 1.22\n"

MIN_PER_DIFFICULTY = 130
MIN_PER_LANGUAGE = 25
MIN_TOTAL = 400
MAX_TAG_SHARE = 0.08  # a topic tag on more than 8% of the bank is a catch-all
MAX_TITLE, MAX_OPTION, MAX_EXPLANATION = 1000, 300, 3000
COMPILE_TIMEOUT, RUN_TIMEOUT = 180, 15

# An explanation dismissing a distractor instead of answering it: every option is a mistake
# someone really makes, and the explanation says which.
BASELESS = re.compile(r"\b(no basis|no rule|random guess|made up|baseless)\b", re.I)
# An option named by its position: options are shuffled before they are shown (SPEC.md).
POSITION_REFERENCES = (
    re.compile(r"\b(?i:option|answer|choice)s?\s*(\([A-D]\)|[A-D]\b)"),
    re.compile(r"\b(?i:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?i:option|answer|choice)s?\b"),
)
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
WORD = re.compile(r"[A-Za-z0-9_]+")
INLINE_CODE = re.compile(r"`([^`]+)`")

CACHE = Path(
    os.environ.get("BANK_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "challenger-bank"
)


# ---------------------------------------------------------------- toolchains


def find_tools() -> dict[str, list[str] | None]:
    """The command that starts each runtime, or None when its toolchain is missing."""

    def which(*names: str) -> str | None:
        for name in names:
            if name and (os.path.isfile(name) and os.access(name, os.X_OK)):
                return name
            found = shutil.which(name) if name else None
            if found:
                return found
        return None

    tsc = which(
        os.environ.get("BANK_TSC", ""),
        str(CACHE / "npm" / "node_modules" / ".bin" / "tsc"),
    )
    go = which(os.environ.get("BANK_GO", ""), str(CACHE / "venv" / "bin" / "go"), "go")
    node = which("node")
    java = which("java") if which("javac") else None
    return {
        "python": [p] if (p := which("python3")) else None,
        "node": [node] if node else None,
        "typescript": [tsc, node] if tsc and node else None,
        "c": [g] if (g := which("gcc")) else None,
        "cpp": [g] if (g := which("g++")) else None,
        "rust": [r] if (r := which("rustc")) else None,
        "java": [java] if java else None,
        "bash": [b] if (b := which("bash")) else None,
        "sqlite": [s] if (s := which("sqlite3")) else None,
        "go": [go] if go else None,
        "ruby": [r] if (r := which("ruby")) else None,
        "php": [p] if (p := which("php")) else None,
    }


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOFLAGS="-mod=mod",
        GO111MODULE="on",
        GOCACHE=str(CACHE / "gocache"),
        GOPATH=str(CACHE / "gopath"),
        GOTELEMETRY="off",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        NO_COLOR="1",
        LC_ALL="C.UTF-8",
        TZ="UTC",
    )
    env.pop("NODE_OPTIONS", None)
    for name in ("PYTHONSTARTUP", "RUBYOPT", "RUBYLIB", "PHPRC", "PHP_INI_SCAN_DIR"):
        env.pop(name, None)
    return env


def run(cmd: list[str], cwd: Path, timeout: float, stdin: str | None = None) -> dict:
    """Runs cmd in its own process group; a timeout kills the whole group."""
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=tool_env(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(stdin.encode() if stdin is not None else None, timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        timed_out = True
    return {
        "code": proc.returncode,
        "stdout": out.decode("utf-8", "replace"),
        "stderr": err.decode("utf-8", "replace"),
        "timed_out": timed_out,
    }


def execute(q: dict, tools: dict, flags: list[str] | None) -> dict:
    """Builds and runs q's program once. Returns {"phase": "compile"|"run"|"timeout", ...}."""
    runtime = q["runtime"]
    cmd = tools[runtime]
    with tempfile.TemporaryDirectory(prefix="bank-") as tmp:
        src = Path(tmp) / "src"
        work = Path(tmp) / "work"  # the program's current directory, empty
        src.mkdir()
        work.mkdir()
        name = q.get("file", DEFAULT_FILE[runtime])
        (src / name).write_text(q["program"], encoding="utf-8")
        files = dict(q.get("files", {}))
        if runtime == "go":
            files.setdefault("go.mod", GO_MOD)
        for fname, content in files.items():
            (src / fname).write_text(content, encoding="utf-8")
        flags = DEFAULT_FLAGS.get(runtime, []) if flags is None else flags
        stdin = q.get("stdin")

        def compiled(result: dict) -> dict | None:
            if result["timed_out"]:
                return {"phase": "timeout", **result}
            if result["code"] != 0:
                return {"phase": "compile", **result}
            return None

        prog = src / "prog"
        if runtime in ("python", "node", "bash", "ruby", "php"):
            argv = cmd + flags + [str(src / name)]
        elif runtime == "sqlite":
            argv = cmd + ["-bail", "-batch"] + flags + [":memory:"]
            stdin = q["program"]
        elif runtime == "java":
            argv = cmd + flags + [str(src / name)]
        elif runtime in ("c", "cpp"):
            built = run(cmd + flags + [name, "-o", "prog", "-lm"], src, COMPILE_TIMEOUT)
            if (failed := compiled(built)) is not None:
                return failed
            argv = [str(prog)]
        elif runtime == "rust":
            built = run(cmd + flags + [name, "-o", "prog"], src, COMPILE_TIMEOUT)
            if (failed := compiled(built)) is not None:
                return failed
            argv = [str(prog)]
        elif runtime == "go":
            built = run([cmd[0], "build"] + flags + ["-o", "prog", "."], src, COMPILE_TIMEOUT)
            if (failed := compiled(built)) is not None:
                return failed
            argv = [str(prog)]
        elif runtime == "typescript":
            tsc, node = cmd
            built = run(
                [tsc] + flags + ["--pretty", "false", "--outDir", "out", name],
                src,
                COMPILE_TIMEOUT,
            )
            if (failed := compiled(built)) is not None:
                return failed
            argv = [node, str(src / "out" / (Path(name).stem + ".js"))]
        else:  # pragma: no cover - guarded by the structural checks
            raise ValueError(runtime)

        result = run(argv, work, RUN_TIMEOUT, stdin)
        if result["timed_out"]:
            return {"phase": "timeout", **result}
        if runtime == "java" and result["code"] != 0 and "error: compilation failed" in result["stderr"]:
            return {"phase": "compile", **result}
        return {"phase": "run", **result}


# ---------------------------------------------------------------- claims


def normalize(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def in_order(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


def claim_matches(claim, result: dict) -> bool:
    if claim is None:
        return False
    if isinstance(claim, str):
        return result["phase"] == "run" and result["code"] == 0 and normalize(
            result["stdout"]
        ) == normalize(claim)
    if "line_count" in claim:
        lines = [line for line in result["stdout"].split("\n") if line.strip()]
        return result["phase"] == "run" and result["code"] == 0 and len(lines) == claim["line_count"]
    if "compile_error" in claim:
        text = result["stdout"] + result["stderr"]
        if result["phase"] != "compile" or claim["compile_error"].lower() not in text.lower():
            return False
        return "lines" not in claim or error_lines(result["runtime"], text) == sorted(claim["lines"])
    if "runtime_error" in claim:
        if result["phase"] != "run" or result["code"] == 0:
            return False
        text = (result["stdout"] + result["stderr"]).lower()
        if claim["runtime_error"].lower() not in text:
            return False
        if "exit" in claim and result["code"] != claim["exit"]:
            return False
        return "stdout" not in claim or normalize(result["stdout"]) == normalize(claim["stdout"])
    return False


ERROR_LINE = {
    "typescript": re.compile(r"^prog\.ts\((\d+),\d+\): error", re.M),
    "c": re.compile(r"prog\.c:(\d+):\d+: error:", re.M),
    "cpp": re.compile(r"prog\.cpp:(\d+):\d+: error:", re.M),
    "java": re.compile(r"Main\.java:(\d+): error:", re.M),
    "go": re.compile(r"main\.go:(\d+):\d+: ", re.M),
    "rust": re.compile(r"^error(?:\[E\d+\])?: .*\n\s*--> prog\.rs:(\d+):\d+", re.M),
}


def error_lines(runtime: str, text: str) -> list[int]:
    """The distinct program lines the compiler reports errors on, ascending."""
    pattern = ERROR_LINE.get(runtime)
    return sorted({int(n) for n in pattern.findall(text)}) if pattern else []


def claim_text(claim) -> str:
    if isinstance(claim, str):
        return claim
    if isinstance(claim, dict):
        if "line_count" in claim:
            return str(claim["line_count"])
        return " ".join(
            claim.get(k, "") for k in ("stdout", "compile_error", "runtime_error")
        )
    return ""


def claims(q: dict) -> list:
    return q["outputs"] if "outputs" in q else list(q["options"])


def valid_claim(claim) -> bool:
    if claim is None or isinstance(claim, str):
        return True
    if not isinstance(claim, dict):
        return False
    if "line_count" in claim:
        return set(claim) == {"line_count"} and type(claim["line_count"]) is int
    kinds = [k for k in ("compile_error", "runtime_error") if k in claim]
    if len(kinds) != 1 or not isinstance(claim[kinds[0]], str):
        return False
    if kinds[0] == "compile_error":
        lines = claim.get("lines", [])
        if not (isinstance(lines, list) and all(type(n) is int and n > 0 for n in lines)):
            return False
        return set(claim) <= {"compile_error", "lines"}
    if "exit" in claim and not (type(claim["exit"]) is int and claim["exit"] != 0):
        return False
    rest = {k: v for k, v in claim.items() if k != "exit"}
    return set(rest) <= {"runtime_error", "stdout"} and all(isinstance(v, str) for v in rest.values())


def describe(result: dict) -> str:
    if result["phase"] == "compile":
        return "compile error: " + tail(result["stdout"] + result["stderr"])
    if result["phase"] == "timeout":
        return "timed out"
    if result["code"] != 0:
        return (
            f"exit {result['code']}: stdout {normalize(result['stdout'])!r}, "
            f"stderr {tail(result['stderr'])}"
        )
    return f"stdout {normalize(result['stdout'])!r}"


def tail(text: str, limit: int = 400) -> str:
    text = normalize(text)
    return repr(text if len(text) <= limit else "..." + text[-limit:])


def describe_claim(claim) -> str:
    if isinstance(claim, list):
        return " / ".join(describe_claim(c) for c in claim)
    if isinstance(claim, str):
        return f"stdout {normalize(claim)!r}"
    return json.dumps(claim)


# ---------------------------------------------------------------- structure


def title_code(title: str) -> tuple[list[list[str]], list[str]]:
    """(chunks of the code block after the first blank line, inline `code` spans).

    A chunk is a run of lines between blank lines, stripped of indentation; a final
    "(...)" note line is not code."""
    if "\n\n" not in title:
        return [], INLINE_CODE.findall(title)
    block = title.split("\n\n", 1)[1]
    lines = [line for line in block.split("\n") if not line.startswith("```")]
    while lines and (not lines[-1].strip() or re.fullmatch(r"\(.*\)", lines[-1].strip())):
        lines.pop()
    chunks, chunk = [], []
    for line in lines + [""]:
        if line.strip():
            chunk.append(line.strip())
        elif chunk:
            chunks.append(chunk)
            chunk = []
    return chunks, []


def structural_errors(bank: dict[str, list[dict]]) -> list[str]:
    errors: list[str] = []
    seen_keys: dict[str, str] = {}
    seen_titles: dict[str, str] = {}
    seen_concepts: dict[tuple[str, str], str] = {}
    tag_use: Counter[str] = Counter()
    per_language: Counter[str] = Counter()

    def err(key: str, message: str) -> None:
        errors.append(f"{key}: {message}")

    for difficulty, questions in bank.items():
        languages = set()
        for i, q in enumerate(questions):
            key = q.get("key") if isinstance(q.get("key"), str) else f"{difficulty}[{i}]"
            allowed = {
                "key", "tags", "title", "language", "code", "options", "correct_answer_id", "explanation",
                "concept", "runtime", "program", "outputs", "flags", "runs", "files",
                "file", "unverifiable",
            }
            if unknown := set(q) - allowed:
                err(key, f"unknown fields {sorted(unknown)}")
            if not KEBAB.match(key):
                err(key, "key is not kebab-case")
            if key in seen_keys:
                err(key, f"duplicate key (also in {seen_keys[key]})")
            seen_keys[key] = difficulty

            tags = q.get("tags")
            if not (isinstance(tags, list) and len(tags) >= 2 and all(isinstance(t, str) for t in tags)):
                err(key, "tags must be a list of at least two strings (language, topic)")
                tags = ["?"]
            language = tags[0]
            if language not in LANGUAGES:
                err(key, f"first tag {language!r} is not a language or general")
            elif not key.startswith(LANGUAGES[language] + "-"):
                err(key, f"key prefix does not match first tag {language!r}")
            for tag in tags:
                if not KEBAB.match(tag):
                    err(key, f"tag {tag!r} is not kebab-case")
            if len(set(tags)) != len(tags):
                err(key, "duplicate tags")
            for tag in tags[1:]:
                tag_use[tag] += 1
                if tag in LANGUAGES:
                    err(key, f"tag {tag!r} is a language but not the first tag")
            per_language[language] += 1
            languages.add(key.split("-")[0])

            title = q.get("title")
            if not isinstance(title, str) or not title.strip():
                err(key, "blank title")
                title = ""
            elif len(title.strip()) > MAX_TITLE:
                err(key, f"title longer than {MAX_TITLE} characters")
            if q.get("language", "missing") != expected_language(q, language):
                err(key, f"language must be {expected_language(q, language)!r}")
            block = title.split("\n\n", 1)[1] if "\n\n" in title else None
            if q.get("code", "missing") != block:
                err(key, "code must be the title after its first blank line, or null")
            if title.strip() in seen_titles:
                err(key, f"duplicate title (also {seen_titles[title.strip()]})")
            seen_titles[title.strip()] = key

            options = q.get("options")
            if not (isinstance(options, list) and len(options) == 4 and all(isinstance(o, str) for o in options)):
                err(key, "options must be a list of exactly 4 strings")
                options = ["", "", "", ""]
            folded = [o.strip().lower() for o in options]
            if len(set(folded)) != 4:
                err(key, "options are not distinct (case-insensitively)")
            for o in options:
                if not o.strip():
                    err(key, "blank option")
                elif len(o.strip()) > MAX_OPTION:
                    err(key, f"option longer than {MAX_OPTION} characters")
            answer = q.get("correct_answer_id")
            if type(answer) is not int or not 0 <= answer <= 3:
                err(key, "correct_answer_id must be an integer 0-3")
            explanation = q.get("explanation")
            if not isinstance(explanation, str) or not explanation.strip():
                err(key, "blank explanation")
            elif len(explanation.strip()) > MAX_EXPLANATION:
                err(key, f"explanation longer than {MAX_EXPLANATION} characters")
            for field in ("title", "explanation"):
                text = q.get(field) if isinstance(q.get(field), str) else ""
                for pattern in POSITION_REFERENCES:
                    if match := pattern.search(text):
                        err(key, f"{field} names an option by its position ({match.group(0)!r})")
            if isinstance(explanation, str) and (match := BASELESS.search(explanation)):
                err(key, f"explanation dismisses an option as baseless ({match.group(0)!r}): say what mistake it is")

            concept = q.get("concept")
            if not isinstance(concept, str) or not KEBAB.match(concept):
                err(key, "concept missing or not kebab-case")
            else:
                other = seen_concepts.get((language, concept))
                if other:
                    err(key, f"concept {concept!r} already used in {language} by {other}")
                seen_concepts[(language, concept)] = key

            if "program" in q or "runtime" in q:
                errors.extend(program_errors(key, q))
            elif "outputs" in q or "flags" in q or "runs" in q or "files" in q:
                err(key, "outputs/flags/runs/files without a program")
            elif "\n\n" in title and not (isinstance(q.get("unverifiable"), str) and q["unverifiable"].strip()):
                err(key, "shows a block but has neither a program nor an 'unverifiable' reason")

        if len(questions) < MIN_PER_DIFFICULTY:
            errors.append(f"{difficulty}: {len(questions)} questions, fewer than {MIN_PER_DIFFICULTY}")
        if len(languages) < 4:
            errors.append(f"{difficulty}: covers fewer than 4 languages")

    total = sum(len(qs) for qs in bank.values())
    if total < MIN_TOTAL:
        errors.append(f"bank: {total} questions, fewer than {MIN_TOTAL}")
    for language in LANGUAGES:
        if per_language[language] < MIN_PER_LANGUAGE:
            errors.append(
                f"bank: {per_language[language]} {language} questions, fewer than {MIN_PER_LANGUAGE}"
            )
    for tag, count in tag_use.items():
        if count > MAX_TAG_SHARE * total:
            errors.append(f"bank: tag {tag!r} is on {count} of {total} questions (a catch-all)")

    listed, retired, problems = published_keys(ORIGINAL_KEYS.read_text(encoding="utf-8"))
    errors.extend(f"original-keys.txt: {p}" for p in problems)
    if missing := [k for k in listed if k not in retired and k not in seen_keys]:
        errors.append(f"bank: published keys missing (retire them in original-keys.txt instead): {', '.join(missing)}")
    if back := [k for k in retired if k in seen_keys]:
        errors.append(f"bank: retired keys are back in the bank (a key is never reused): {', '.join(back)}")
    return errors


def published_keys(text: str) -> tuple[list[str], dict[str, str], list[str]]:
    """(every listed key, {retired key: reason}, problems) from original-keys.txt.

    One key a line; `# ...` comments; a removed key is `key  # retired: why`."""
    listed: list[str] = []
    retired: dict[str, str] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        key, _, comment = (part.strip() for part in line.partition("#"))
        if not key:
            continue
        if not KEBAB.match(key):
            problems.append(f"line {number}: {key!r} is not kebab-case")
        if key in listed:
            problems.append(f"line {number}: {key} is listed twice")
        listed.append(key)
        if comment.startswith("retired"):
            reason = comment.removeprefix("retired").lstrip(":").strip()
            if not reason:
                problems.append(f"line {number}: {key} is retired without a reason")
            retired[key] = reason
    return listed, retired, problems


def expected_language(q: dict, first_tag: str) -> str | None:
    if q.get("runtime") in RUNTIME_LANGUAGE:
        return RUNTIME_LANGUAGE[q["runtime"]]
    return first_tag if first_tag in LANGUAGES and first_tag != "general" else None


def program_errors(key: str, q: dict) -> list[str]:
    errors = []

    def err(message: str) -> None:
        errors.append(f"{key}: {message}")

    if q.get("runtime") not in RUNTIMES:
        err(f"runtime must be one of {', '.join(RUNTIMES)}")
        return errors
    if not isinstance(q.get("program"), str) or not q["program"].strip():
        err("a runtime without a program")
        return errors
    runs = q.get("runs")
    if runs is not None and not (
        isinstance(runs, list)
        and len(runs) >= 2
        and all(isinstance(r, dict) and set(r) <= {"flags"} and isinstance(r.get("flags"), list) for r in runs)
    ):
        err("runs must be a list of at least two {\"flags\": [...]}")
        runs = None
    if "flags" in q and not (isinstance(q["flags"], list) and all(isinstance(f, str) for f in q["flags"])):
        err("flags must be a list of strings")
    if "files" in q and not (
        isinstance(q["files"], dict) and all(isinstance(v, str) for v in q["files"].values())
    ):
        err("files must map names to contents")
    if "outputs" in q:
        outputs = q["outputs"]
        if not (isinstance(outputs, list) and len(outputs) == 4):
            err("outputs must have exactly 4 claims, one per option")
            return errors
        for claim in outputs:
            parts = claim if runs is not None else [claim]
            if runs is not None and claim is not None and not (
                isinstance(claim, list) and len(claim) == len(runs)
            ):
                err("with runs, each claim is a list with one claim per run (or null)")
                continue
            if claim is not None and not all(valid_claim(p) for p in parts):
                err(f"invalid claim {claim!r}")
        answer = q.get("correct_answer_id")
        if type(answer) is int and 0 <= answer <= 3:
            right = outputs[answer]
            if right is None:
                err("the correct option's claim is null")
            else:
                parts = right if runs is not None else [right]
                option = q["options"][answer]
                if normalize(option) != normalize(" ".join(claim_text(p) for p in parts)):
                    needed = words(" ".join(claim_text(p) for p in parts))
                    if not in_order(needed, words(option)):
                        err(
                            f"the correct option {option!r} does not say what its claim "
                            f"{describe_claim(right)} says"
                        )
    elif runs is not None:
        err("runs need outputs (one claim per run for each option)")

    chunks, spans = title_code(q.get("title", ""))
    program_lines = [line.strip() for line in q["program"].split("\n")]
    if chunks:
        for lines in chunks:
            if not in_order(lines, program_lines):
                missing = next(
                    (line for line in lines if line not in program_lines), "(order differs)"
                )
                err(f"the title's code is not in the program, e.g. {missing!r}")
    elif not any(span in q["program"] for span in spans):
        err("the title shows no code that is in the program")
    return errors


# ---------------------------------------------------------------- execution


def verify_program(q: dict, tools: dict) -> str | None:
    """None when the program's behaviour picks exactly the marked option, else why not."""
    runs = q.get("runs")
    flag_sets = [r["flags"] for r in runs] if runs else [q.get("flags")]
    results = [{**execute(q, tools, flags), "runtime": q["runtime"]} for flags in flag_sets]
    option_claims = claims(q)

    def matches(claim) -> bool:
        if claim is None:
            return False
        parts = claim if runs else [claim]
        return all(claim_matches(c, r) for c, r in zip(parts, results))

    matching = [i for i, claim in enumerate(option_claims) if matches(claim)]
    answer = q["correct_answer_id"]
    if matching == [answer]:
        return None
    seen = " / ".join(describe(r) for r in results)
    expected = describe_claim(option_claims[answer])
    if not matching:
        return f"expected option {answer} ({expected}), but the program gave {seen}"
    return (
        f"expected only option {answer} ({expected}) to come true, but options "
        f"{matching} match what the program gave: {seen}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("BANK_JOBS", "2")))
    parser.add_argument("--only", nargs="*", default=None, help="key prefixes to run")
    parser.add_argument("--no-run", action="store_true", help="structural checks only")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--bank", type=Path, default=BANK, help="folder of the bank files")
    args = parser.parse_args()

    started = time.monotonic()
    bank = {}
    for difficulty in DIFFICULTIES:
        with open(args.bank / f"{difficulty}.json", encoding="utf-8") as f:
            bank[difficulty] = json.load(f)
    questions = [q for qs in bank.values() for q in qs]

    failures = structural_errors(bank)
    for line in failures:
        print(f"FAIL {line}")

    tools = find_tools()
    programs = [
        q for q in questions
        if isinstance(q.get("program"), str) and q.get("runtime") in RUNTIMES
        and isinstance(q.get("correct_answer_id"), int) and len(q.get("options", [])) == 4
    ]
    if args.only is not None:
        programs = [q for q in programs if any(q["key"].startswith(p) for p in args.only)]
    runnable = [q for q in programs if tools[q["runtime"]] is not None]
    skipped = [q for q in programs if tools[q["runtime"]] is None]
    missing = sorted({q["runtime"] for q in skipped})

    executed = 0
    if not args.no_run:
        # Slow toolchains first, so the pool stays busy to the end.
        weight = {"go": 0, "java": 1, "typescript": 2, "rust": 3, "c": 4}
        runnable.sort(key=lambda q: weight.get(q["runtime"], 9))
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(verify_program, q, tools): q for q in runnable}
            for future in concurrent.futures.as_completed(futures):
                q = futures[future]
                try:
                    problem = future.result()
                except Exception as e:  # a broken toolchain is a failure, not a skip
                    problem = f"could not run: {e!r}"
                executed += 1
                if problem:
                    failures.append(f"{q['key']}: {problem}")
                    print(f"FAIL {q['key']} [{q['runtime']}]: {problem}", flush=True)
                elif args.verbose:
                    print(f"ok   {q['key']} [{q['runtime']}]", flush=True)
    else:
        skipped = programs

    reasoning = len(questions) - len([q for q in questions if "program" in q])
    print(
        f"bank: {len(questions)} questions; {executed} verified by execution, "
        f"{reasoning} by reasoning, {len(skipped)} skipped "
        f"(missing toolchain: {', '.join(missing) if missing else 'none'})"
    )
    counts = ", ".join(f"{d} {len(bank[d])}" for d in DIFFICULTIES)
    languages = Counter(q["tags"][0] for q in questions)
    print(f"bank: {counts}; " + ", ".join(f"{k} {v}" for k, v in sorted(languages.items())))
    if failures:
        print(f"bank: {len(failures)} failed (in {time.monotonic() - started:.0f}s)")
        return 1
    print(f"bank: all checks passed in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

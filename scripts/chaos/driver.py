#!/usr/bin/env python3
"""The load, the faults and the checks of scripts/chaos.sh (which starts PostgreSQL and the fake
LLM, then runs this).

Runs two challenger processes on one PostgreSQL, 200 learners spread across both (generating,
answering, reading their history, their quota and single challenges), slow and idle clients,
a `kill -9` of one process every 20 s (alternating, restarted at once) and a PostgreSQL fast
restart every 45 s. When the time is up it waits for the reservation sweep, then checks:

  (a) every challenge a client got 200 for is in that learner's history, with the answer the
      client got 200 for;
  (b) no learner has more challenges than the quota, the quota each learner sees equals the
      limit minus the challenges stored (no unit lost, none granted twice), and nothing was
      stored for a request answered 429, 502 or 504;
  (c) no response was 500, nor any status a learner should never see;
  (d) the peak memory (VmHWM) of each server process;
plus the counts by route and status. Exits 1 when a check fails, 2 when the run itself broke.

Python's standard library only: asyncio and a small HTTP/1.1 client over raw streams, so the
slow clients can drip bytes exactly as they mean to.
"""

import argparse
import asyncio
import collections
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time

DIFFICULTIES = ("easy", "medium", "hard")
# What a learner may be answered, by route: anything else is a failure (check c).
# 502/504 are the fake LLM failing (by design); 503 a database restart; 429 the quota.
EXPECTED = {
    "token": {200, 503},
    "generate": {200, 429, 502, 503, 504},
    "answer": {200, 503},
    "history": {200, 503},
    "quota": {200, 503},
    "challenge": {200, 503},
}
# A request that fails without a status (connection refused or reset by a killed process) or
# takes longer than this.
REQUEST_TIMEOUT = 30.0
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log(message):
    print(f"[chaos] {message}", file=sys.stderr, flush=True)


class Broken(Exception):
    """The run itself could not go on (a fault could not be injected, a server never came up)."""


# --- a small HTTP/1.1 client ----------------------------------------------------------------


class Connection:
    """One HTTP/1.1 connection; kept alive between requests unless the server closes it."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    def close(self):
        self.writer.close()

    async def request(self, method, path, token=None, body=None):
        """Sends one request; returns (status, parsed JSON or None, keep-alive?)."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Accept: application/json"]
        if token:
            head.append(f"Authorization: Bearer {token}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        await self.writer.drain()
        status, headers = await read_head(self.reader)
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                data += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
            data = data[:-2]
        else:
            data = await self.reader.read()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return status, parsed, headers.get("connection", "").lower() != "close"


async def read_head(reader):
    """The status and the headers (lower-cased names) of a response."""
    status = int((await reader.readuntil(b"\r\n")).split(b" ", 2)[1])
    headers = {}
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


class Stats:
    """Counts by route and status, and a line per request in events.jsonl for reading later."""

    def __init__(self, events_path, start):
        self.counts = collections.defaultdict(collections.Counter)
        self.latency = collections.defaultdict(list)
        self.events = open(events_path, "w")
        self.start = start

    def record(self, route, port, status, seconds):
        self.counts[route][status] += 1
        if status == 200:
            self.latency[route].append(seconds)
        t = round(time.monotonic() - self.start, 3)
        self.events.write(json.dumps({"t": t, "route": route, "port": port, "status": status,
                                      "ms": round(seconds * 1000)}) + "\n")


class Client:
    """A learner's kept-alive connections, at most one idle per server; a request finding none
    idle (the first, or one of several at once) opens its own."""

    def __init__(self, stats):
        self.stats = stats
        self.idle = {}

    async def call(self, route, port, method, path, token=None, body=None):
        """Returns (status, JSON); the status is "conn_error" or "timeout" when none came."""
        started = time.monotonic()
        try:
            status, parsed = await asyncio.wait_for(
                self._call(port, method, path, token, body), REQUEST_TIMEOUT)
        except asyncio.TimeoutError:
            status, parsed = "timeout", None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                IndexError):
            status, parsed = "conn_error", None
        self.stats.record(route, port, status, time.monotonic() - started)
        return status, parsed

    async def _call(self, port, method, path, token, body):
        connection = self.idle.pop(port, None)
        reused = connection is not None
        if connection is None:
            connection = await Connection.open(port)
        try:
            try:
                status, parsed, keep = await connection.request(method, path, token, body)
            except (OSError, asyncio.IncompleteReadError):
                # A kept-alive connection the server closed while it was idle: once more on a
                # new one, for a read only (a POST may have reached the server).
                if not reused or method != "GET":
                    raise
                connection.close()
                connection = await Connection.open(port)
                status, parsed, keep = await connection.request(method, path, token, body)
        except BaseException:
            connection.close()
            raise
        if keep and port not in self.idle:
            self.idle[port] = connection
        else:
            connection.close()
        return status, parsed

    def close(self):
        for connection in self.idle.values():
            connection.close()
        self.idle.clear()


# --- servers and faults -----------------------------------------------------------------------


def die_with_parent():
    """In a server's child process: the kernel kills it if the driver dies (PR_SET_PDEATHSIG),
    so a killed run leaves no server behind."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def vm_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Server:
    """One server slot: a port, a log, and the process currently serving it."""

    def __init__(self, name, port, args, env):
        self.name, self.port, self.args, self.env = name, port, args, env
        self.process = None
        self.peaks_kib = {}  # pid -> VmHWM of each process that ran in this slot
        self.kills = 0
        self.unexpected_exits = []
        self.ready_ms = []  # from each restart to /readyz answering 200
        self.start_failures = 0  # processes that exited before they were ready
        self.restarting = False
        self.log = open(os.path.join(args.workdir, f"server-{name}.log"), "ab")

    def start(self):
        self.log.write(f"--- start at {time.strftime('%H:%M:%S')}\n".encode())
        self.log.flush()
        self.process = subprocess.Popen([self.args.bin], cwd=self.args.workdir, env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        preexec_fn=die_with_parent)
        self.started = time.monotonic()

    def record_peak(self):
        """Keeps the peak memory of the running process (once: the last reading counts)."""
        peak = vm_hwm_kib(self.process.pid)
        if peak is not None:
            self.peaks_kib[self.process.pid] = peak

    def kill9(self):
        self.record_peak()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self):
        if self.process and self.process.poll() is None:
            self.record_peak()
            self.process.terminate()
            try:
                self.process.wait(25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    async def ready(self, timeout):
        """Waits until /readyz answers 200; returns the milliseconds since the process started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return None
            try:
                connection = await Connection.open(self.port)
                try:
                    status, _, _ = await asyncio.wait_for(
                        connection.request("GET", "/readyz"), 2)
                finally:
                    connection.close()
                if status == 200:
                    return round((time.monotonic() - self.started) * 1000)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
                pass
            await asyncio.sleep(0.02)
        return None

    async def bring_up(self):
        """Starts the process until one is ready; returns the milliseconds from the first start.
        A process that exits before it is ready (it could not reach the database while
        PostgreSQL restarts) is started again a second later, as systemd's Restart= would."""
        first = time.monotonic()
        while True:
            self.start()
            if await self.ready(60) is not None:
                return round((time.monotonic() - first) * 1000)
            if self.process.poll() is None:
                raise Broken(f"server {self.name} not ready 60 s after its start")
            self.start_failures += 1
            log(f"server {self.name} exited with {self.process.returncode} before it was "
                "ready; starting it again")
            await asyncio.sleep(1)

    async def restart_and_time(self):
        self.restarting = True
        try:
            self.kill9()
            self.ready_ms.append(await self.bring_up())
        finally:
            self.restarting = False

    async def watch(self):
        """Restarts the process if it dies on its own (a crash: reported as a failure)."""
        while True:
            await asyncio.sleep(0.5)
            if not self.restarting and self.process.poll() is not None:
                self.unexpected_exits.append(self.process.returncode)
                log(f"server {self.name} exited on its own with {self.process.returncode}; "
                    "restarting it")
                self.restarting = True
                try:
                    await self.bring_up()
                finally:
                    self.restarting = False


class Faults:
    """kill -9 of one server every KILL_EVERY seconds (alternating), a PostgreSQL fast restart
    every PG_RESTART_EVERY seconds."""

    def __init__(self, args, servers):
        self.args, self.servers = args, servers
        self.pg_restart_seconds = []

    async def run(self, start, deadline):
        kill_at = start + self.args.kill_every
        pg_at = start + self.args.pg_restart_every
        turn = 0
        while min(kill_at, pg_at) < deadline:
            at = min(kill_at, pg_at)
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            t = round(time.monotonic() - start, 1)
            if at == kill_at:
                server = self.servers[turn % len(self.servers)]
                turn += 1
                kill_at += self.args.kill_every
                log(f"t={t}s kill -9 server {server.name} (pid {server.process.pid})")
                # The restart's readiness is timed in the background: the next fault is due on
                # schedule whatever happens.
                asyncio.ensure_future(server.restart_and_time()).add_done_callback(_raise_later)
            else:
                pg_at += self.args.pg_restart_every
                log(f"t={t}s PostgreSQL fast restart")
                began = time.monotonic()
                done = await asyncio.to_thread(
                    subprocess.run, self.args.pg_restart, shell=True, capture_output=True,
                    text=True)
                if done.returncode != 0:
                    raise Broken(f"PostgreSQL restart failed: {done.stderr.strip()}")
                self.pg_restart_seconds.append(time.monotonic() - began)


BROKEN = []


def _raise_later(future):
    if not future.cancelled() and future.exception():
        BROKEN.append(future.exception())


# --- the learners -----------------------------------------------------------------------------


class Learner:
    def __init__(self, index, run_id, ports, stats):
        self.user_id = f"chaos_{run_id}_{index:03d}"
        self.ports = ports
        self.client = Client(stats)
        self.token = None
        self.challenges = {}  # id -> the answer id this learner always gives it
        self.answered = {}  # id -> selected_answer_id of a 200 answer
        self.generated_200 = 0
        self.generate_unknown = 0  # no status, or 503: the challenge may or may not be stored
        self.saw_429 = False
        self.problems = []

    def port(self):
        return random.choice(self.ports)

    async def get_token(self, ttl):
        for _ in range(50):
            status, body = await self.client.call(
                "token", self.port(), "POST", "/api/dev/token",
                body={"user_id": self.user_id, "ttl_secs": ttl})
            if status == 200:
                self.token = body["token"]
                return
            await asyncio.sleep(0.2)
        raise Broken(f"no development token for {self.user_id}")

    async def call(self, route, method, path, body=None):
        return await self.client.call(route, self.port(), method, path, self.token, body)

    async def generate(self):
        status, body = await self.call("generate", "POST", "/api/generate-challenge",
                                       {"difficulty": random.choice(DIFFICULTIES)})
        if status == 200:
            self.generated_200 += 1
            # Each challenge always gets the same answer from this learner, so a repeat (after
            # a lost response) must be answered with the one recorded.
            self.challenges[body["id"]] = random.randrange(4)
        elif status == 429:
            self.saw_429 = True
        elif status not in (502, 504):
            self.generate_unknown += 1

    async def answer(self):
        unanswered = [c for c in self.challenges if c not in self.answered]
        # Mostly a new answer; sometimes a repeat, which must return the recorded one.
        pool = unanswered if unanswered and random.random() < 0.85 else list(self.challenges)
        if not pool:
            return await self.generate()
        challenge = random.choice(pool)
        choice = self.challenges[challenge]
        status, body = await self.call("answer", "POST", f"/api/challenges/{challenge}/answer",
                                       {"answer_id": choice})
        if status == 200:
            if body["selected_answer_id"] != choice:
                self.problems.append(f"challenge {challenge}: answered {choice}, the server "
                                     f"recorded {body['selected_answer_id']}")
            self.answered[challenge] = body["selected_answer_id"]

    async def read_one(self):
        if not self.challenges:
            return await self.call("quota", "GET", "/api/quota")
        challenge = random.choice(list(self.challenges))
        await self.call("challenge", "GET", f"/api/challenges/{challenge}")

    async def run(self, deadline):
        while time.monotonic() < deadline:
            await asyncio.sleep(random.uniform(0.2, 1.0))
            roll = random.random()
            if roll < 0.18:
                await self.generate()
            elif roll < 0.21:
                # A burst: several generations at once, on both servers, racing for the quota.
                await asyncio.gather(*(self.generate() for _ in range(3)))
            elif roll < 0.50:
                await self.answer()
            elif roll < 0.70:
                await self.call("history", "GET", "/api/my-history?limit=20")
            elif roll < 0.85:
                await self.call("quota", "GET", "/api/quota")
            else:
                await self.read_one()

    async def final_state(self):
        """The learner's whole history and quota, as the servers show them now."""
        history, before = [], None
        while True:
            path = "/api/my-history?limit=100" + (f"&before={before}" if before else "")
            status, page = await self.call("final", "GET", path)
            if status != 200:
                return None
            history += page["challenges"]
            before = page["next_before"]
            if before is None:
                break
        status, quota = await self.call("final", "GET", "/api/quota")
        if status != 200:
            return None
        return history, quota


# --- slow and idle clients ---------------------------------------------------------------------


class SlowClients:
    """Clients that hold connections open: each kind loops, one connection after another, and
    records how long the server let each live (a kill closes them early, which is fine)."""

    def __init__(self, args, ports, token):
        self.args, self.ports, self.token = args, ports, token
        self.lifetimes = collections.defaultdict(list)
        self.outcomes = collections.defaultdict(collections.Counter)
        # How long each kind may live: its timeout, plus slack for a loaded machine.
        self.bounds = {
            "drip_head": args.header_timeout + 10,
            "drip_body": args.body_timeout + 10,
            "idle_new": args.header_timeout + 10,
            "idle_kept": args.idle_timeout + 10,
        }

    async def one(self, kind, deadline):
        port = random.choice(self.ports)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        opened = time.monotonic()
        outcome = "closed"
        try:
            if kind == "drip_head":
                writer.write(b"GET /api/quota HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            elif kind == "drip_body":
                writer.write(("POST /api/generate-challenge HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              f"Authorization: Bearer {self.token}\r\n"
                              "Content-Type: application/json\r\nContent-Length: 64\r\n\r\n"
                              ).encode())
            elif kind == "idle_kept":
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                await writer.drain()
                _, headers = await read_head(reader)
                await reader.readexactly(int(headers.get("content-length", 0)))
                opened = time.monotonic()
            await writer.drain()
            while time.monotonic() < deadline:
                try:
                    data = await asyncio.wait_for(reader.read(4096), 1.0)
                except asyncio.TimeoutError:
                    if kind == "drip_head":
                        writer.write(b"X-Drip: a\r\n")
                    elif kind == "drip_body":
                        writer.write(b" ")
                    await writer.drain()
                    continue
                if not data:
                    break
                if data.startswith(b"HTTP/1.1 "):
                    outcome = f"status {data[9:12].decode()}"
                elif kind != "idle_kept":
                    outcome = "data"
            else:
                return  # the run ended first: not counted
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            outcome = "reset"
        finally:
            writer.close()
        self.lifetimes[kind].append(time.monotonic() - opened)
        self.outcomes[kind][outcome] += 1

    async def run(self, deadline):
        async def loop(kind):
            while time.monotonic() < deadline:
                await self.one(kind, deadline)
                await asyncio.sleep(0.1)

        await asyncio.gather(*(loop(kind) for kind in self.bounds
                               for _ in range(self.args.slow_clients)))


# --- the run ----------------------------------------------------------------------------------


def psql(args, sql):
    if not args.psql:
        return None
    done = subprocess.run(f"{args.psql} -Atqc \"{sql}\"", shell=True, capture_output=True,
                          text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def swept_reservations(args):
    """How many reservations the sweep refunded, by the servers' own logs."""
    total = 0
    for name in "ab":
        with open(os.path.join(args.workdir, f"server-{name}.log"), errors="replace") as log_file:
            for line in log_file:
                if "refunded quota reservations" in line:
                    match = re.search(r"count\D*(\d+)", ANSI.sub("", line))
                    total += int(match.group(1)) if match else 0
    return total


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


async def main(args):
    random.seed(args.seed)
    run_id = f"{int(time.time()) % 100000:05d}"
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TZ") if name in os.environ}
    env.update({
        "HOST": "127.0.0.1",
        "DATABASE_URL": args.database_url,
        "CHALLENGE_GENERATOR": "openai",
        "OPENAI_BASE_URL": args.llm_url,
        "OPENAI_RESPONSE_FORMAT": "json_schema",
        "OPENAI_TIMEOUT_SECS": str(args.openai_timeout),
        "DAILY_QUOTA": str(args.quota),
        "HTTP_HEADER_TIMEOUT_SECS": str(args.header_timeout),
        "HTTP_BODY_TIMEOUT_SECS": str(args.body_timeout),
        "HTTP_IDLE_TIMEOUT_SECS": str(args.idle_timeout),
        "CORS_ALLOWED_ORIGINS": "http://localhost:5173",
        "RUST_LOG": "warn",
    })
    servers = [Server(name, port, args, dict(env, PORT=str(port)))
               for name, port in zip("ab", args.ports)]
    try:
        return await run(args, run_id, servers)
    finally:
        for server in servers:
            server.stop()


async def run(args, run_id, servers):
    ports = [server.port for server in servers]
    # One after the other: the first creates the development key both then trust.
    for server in servers:
        await server.bring_up()
    watchers = [asyncio.ensure_future(server.watch()) for server in servers]
    for watcher in watchers:
        watcher.add_done_callback(_raise_later)

    start = time.monotonic()
    stats = Stats(os.path.join(args.workdir, "events.jsonl"), start)
    learners = [Learner(i, run_id, ports, stats) for i in range(args.learners)]
    ttl = args.seconds + 3600
    await asyncio.gather(*(learner.get_token(ttl) for learner in learners))
    slow_token = learners[0].token
    log(f"{len(learners)} learners have tokens; load and faults for {args.seconds} s")

    start = time.monotonic()
    stats.start = start
    deadline = start + args.seconds
    faults = Faults(args, servers)
    slow = SlowClients(args, ports, slow_token)
    fault_task = asyncio.ensure_future(faults.run(start, deadline))
    slow_task = asyncio.ensure_future(slow.run(deadline))
    load = asyncio.gather(*(learner.run(deadline) for learner in learners))
    while not load.done():
        await asyncio.wait([load, fault_task], timeout=1, return_when=asyncio.FIRST_COMPLETED)
        if fault_task.done() and fault_task.exception():
            raise fault_task.exception()
        if BROKEN:
            raise BROKEN[0]
    await fault_task
    await slow_task
    elapsed = time.monotonic() - start
    log(f"load over after {elapsed:.0f} s; waiting for both servers and the reservation sweep")

    for server in servers:
        # A process that died on its own is being started again by its watcher.
        up_by = time.monotonic() + 120
        while (server.restarting or server.process.poll() is not None
               or await server.ready(5) is None):
            if time.monotonic() > up_by:
                raise Broken(f"server {server.name} is not ready after the run")
            await asyncio.sleep(0.2)
    # A reservation left by a killed process is refunded once older than 2 × OPENAI_TIMEOUT_SECS,
    # by a sweep every OPENAI_TIMEOUT_SECS; quotas are cached for a second.
    sweep_wait = 3 * args.openai_timeout + 2
    await asyncio.sleep(sweep_wait)

    # The final state, read until it settles (a straggler's sweep may still be due on a loaded
    # machine); each read alternates the servers.
    settle_deadline = time.monotonic() + 30
    while True:
        results = await asyncio.gather(*(learner.final_state() for learner in learners))
        failures, figures = check(args, learners, results)
        if not failures or time.monotonic() > settle_deadline:
            break
        await asyncio.sleep(2)
    settled_after = round(time.monotonic() - settle_deadline + 30 + sweep_wait)
    reservations_left = psql(args, "SELECT count(*) FROM quota_reservations")
    for watcher in watchers:
        watcher.cancel()

    for server in servers:
        server.record_peak()
    for learner in learners:
        learner.client.close()
    stats.events.close()
    report(args, servers, faults, stats, slow, learners, failures, figures, elapsed,
           settled_after, reservations_left)
    return 1 if failures else 0


def check(args, learners, results):
    failures = []
    figures = collections.Counter()
    for learner, result in zip(learners, results):
        who = learner.user_id
        if result is None:
            failures.append(f"{who}: history or quota could not be read after the run")
            continue
        history, quota = result
        stored = {c["id"]: c for c in history}
        figures["stored"] += len(stored)
        figures["answers"] += len(learner.answered)
        figures["max_stored"] = max(figures["max_stored"], len(stored))
        figures["at_limit"] += len(stored) == args.quota
        # (a) what the client got 200 for is stored, with its answer.
        for challenge in learner.challenges:
            if challenge not in stored:
                failures.append(f"(a) {who}: challenge {challenge} (200) is not in the history")
        for challenge, selected in learner.answered.items():
            answer = stored.get(challenge, {}).get("answer")
            if challenge in stored and (answer is None or
                                        answer["selected_answer_id"] != selected):
                failures.append(f"(a) {who}: challenge {challenge}: answer {selected} (200), "
                                f"history shows {answer}")
        failures += [f"(a) {who}: {problem}" for problem in learner.problems]
        # (b) the quota: never exceeded, nothing lost, nothing stored for a refusal.
        if len(stored) > args.quota or learner.generated_200 > args.quota:
            failures.append(f"(b) {who}: {len(stored)} challenges stored, "
                            f"{learner.generated_200} answered 200, quota {args.quota}")
        if quota["quota_remaining"] != args.quota - len(stored):
            failures.append(f"(b) {who}: quota_remaining {quota['quota_remaining']}, but "
                            f"{len(stored)} of {args.quota} challenges are stored")
        unseen = len(stored) - len(learner.challenges)
        figures["stored_unseen"] += unseen
        if unseen > learner.generate_unknown:
            failures.append(f"(b) {who}: {unseen} challenges stored without a 200, but only "
                            f"{learner.generate_unknown} generations went unanswered or 503")
    return failures, figures


def report(args, servers, faults, stats, slow, learners, failures, figures, elapsed,
           settled_after, reservations_left):
    out = []
    p = out.append
    p("")
    p(f"== chaos run: {elapsed:.0f} s, 2 server processes on one PostgreSQL, {len(learners)} "
      f"learners, DAILY_QUOTA={args.quota}, OPENAI_TIMEOUT_SECS={args.openai_timeout}")
    kills = sum(server.kills for server in servers)
    ready = [ms for server in servers for ms in server.ready_ms]
    start_failures = sum(server.start_failures for server in servers)
    p(f"faults: {kills} kill -9 (back to ready in "
      f"{'median ' + str(round(statistics.median(ready))) + ' ms, max ' + str(max(ready)) + ' ms' if ready else '-'}), "
      f"{len(faults.pg_restart_seconds)} PostgreSQL fast restarts "
      f"({', '.join(f'{s:.1f} s' for s in faults.pg_restart_seconds) or '-'}); "
      f"fake LLM turns {args.llm_turns}"
      + (f"; {start_failures} starts failed during a database restart (started again)"
         if start_failures else ""))
    p("requests by route and status:")
    total = 0
    for route in ("token", "generate", "answer", "history", "quota", "challenge", "final"):
        counts = stats.counts.get(route)
        if not counts:
            continue
        total += sum(counts.values())
        ordered = sorted(counts.items(), key=lambda kv: (isinstance(kv[0], str), str(kv[0])))
        lat = stats.latency.get(route)
        p90 = f"   p50/p99 of 200s {1000 * statistics.median(lat):.0f}/" \
              f"{1000 * sorted(lat)[int(0.99 * (len(lat) - 1))]:.0f} ms" if lat else ""
        p(f"  {route:<10} " + "  ".join(f"{s}: {n}" for s, n in ordered) + p90)
    p(f"  {total} requests, {total / elapsed:.0f}/s")
    p("slow and idle clients (connections; how long the server let them live):")
    slow_failures = []
    for kind, bound in slow.bounds.items():
        lives = slow.lifetimes.get(kind, [])
        if not lives:
            p(f"  {kind:<10} none finished")
            continue
        outcomes = ", ".join(f"{o} {n}" for o, n in slow.outcomes[kind].most_common())
        p(f"  {kind:<10} {len(lives)}: {outcomes}; median {statistics.median(lives):.1f} s, "
          f"max {max(lives):.1f} s (bound {bound} s)")
        if max(lives) > bound:
            slow_failures.append(f"{kind}: a connection lived {max(lives):.0f} s (bound {bound} s)")
    failures += slow_failures

    status_500 = sum(counts[500] for counts in stats.counts.values())
    unexpected = collections.Counter()
    for route, counts in stats.counts.items():
        for status, n in counts.items():
            if isinstance(status, int) and route in EXPECTED and status not in EXPECTED[route]:
                unexpected[f"{route} {status}"] += n
    if unexpected:
        failures.append(f"(c) unexpected statuses: {dict(unexpected)}")
    for server in servers:
        if server.unexpected_exits:
            failures.append(f"server {server.name} exited on its own: {server.unexpected_exits}")

    p("checks:")
    got = sum(len(learner.challenges) for learner in learners)
    answered = figures["answers"]
    a_fail = [f for f in failures if f.startswith("(a)")]
    b_fail = [f for f in failures if f.startswith("(b)")]
    p(f"  {'FAILED' if a_fail else 'ok    '} (a) {got} challenges answered 200 are in their "
      f"learner's history; {answered} answers answered 200 are recorded as sent")
    p(f"  {'FAILED' if b_fail else 'ok    '} (b) no learner over the quota (at most "
      f"{figures['max_stored']} of {args.quota} stored; {figures['at_limit']} learners used it "
      f"all, {sum(l.saw_429 for l in learners)} got 429); quota_remaining = limit - stored for "
      f"every learner, settled {settled_after} s after the load "
      f"({swept_reservations(args)} abandoned reservations refunded by the sweep, "
      f"{reservations_left if reservations_left is not None else '?'} left); "
      f"{figures['stored_unseen']} challenges stored whose response the client never got, all "
      f"after a lost connection or a 503")
    p(f"  {'FAILED' if status_500 or unexpected else 'ok    '} (c) {status_500} responses 500; "
      f"{sum(unexpected.values())} other unexpected statuses")
    if slow_failures:
        p(f"  FAILED slow clients: {'; '.join(slow_failures)}")
    peaks = ", ".join(
        f"server {s.name}: {len(s.peaks_kib)} processes, peak VmHWM max "
        f"{mib(max(s.peaks_kib.values()))} (each: "
        f"{' '.join(str(round(k / 1024)) for k in s.peaks_kib.values())} MiB)"
        for s in servers if s.peaks_kib)
    p(f"         (d) {peaks}")
    if failures:
        p(f"{len(failures)} failures, the first ones:")
        for failure in failures[:20]:
            p(f"  {failure}")
    p(f"FAILED: see {args.workdir} (server-*.log, events.jsonl)" if failures else "PASSED")
    print("\n".join(out), flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--llm-url", required=True)
    parser.add_argument("--llm-turns", default="")
    parser.add_argument("--pg-restart", required=True, help="shell command: a fast restart")
    parser.add_argument("--psql", default="", help="shell command: psql on the database")
    parser.add_argument("--ports", type=int, nargs=2, required=True)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--quota", type=int, default=5)
    parser.add_argument("--openai-timeout", type=int, default=2)
    parser.add_argument("--header-timeout", type=int, default=5)
    parser.add_argument("--body-timeout", type=int, default=5)
    parser.add_argument("--idle-timeout", type=int, default=10)
    parser.add_argument("--kill-every", type=float, default=20)
    parser.add_argument("--pg-restart-every", type=float, default=45)
    parser.add_argument("--slow-clients", type=int, default=5, help="of each kind")
    parser.add_argument("--seed", type=int, default=None)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    try:
        code = asyncio.run(main(arguments))
    except Broken as error:
        log(f"the run broke: {error}")
        code = 2
    sys.exit(code)

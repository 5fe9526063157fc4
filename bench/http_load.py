"""A small load harness for the portal's pages, shared by the bench scripts.

It gives a bench what measuring pages honestly needs and nothing more: a scratch PostgreSQL
database with the demo data (dropped afterwards, also on failure or Ctrl+C), the portal served by
gunicorn as in production (``bench.settings``: the project's settings plus a bare view), signed-in
clients, N concurrent clients hitting a scenario for a fixed time after a warm-up, percentiles
and a printed table. Only the standard library and the project's own dependencies are used, and
only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
POSTGRES_URL = f"postgres://postgres@{HOST}:5432"
FRAMEWORK_FILE = "frameworks/definitions/nhs-digital-maturity-2026.yaml"
BENCH_SETTINGS = "bench.settings"
BARE_PATH = "/bench/bare/"
# Asked for by a client, answered by bench/urls.py's middleware.
COUNT_QUERIES_HEADER = "X-Bench-Count-Queries"
QUERIES_HEADER = "X-Bench-Queries"
# Variables the parent shell may carry that would change what is measured.
_UNSET = ("CELERY_BROKER_URL", "DATABASE_CONN_MAX_AGE", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG")
_RESULT_MARK = "BENCH-RESULT "


class BenchError(Exception):
    """The bench could not run (as opposed to a page being slow or failing under load)."""


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


# --- database and Django commands ----------------------------------------------------------------


@contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl+C, so every ``finally`` (gunicorn, the database) still runs."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    # Also when started in the background, where the shell has SIGINT ignored.
    previous_interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_interrupt)


def _admin_execute(statement: Any) -> None:
    import psycopg2  # the project's own driver; imported late so --help needs nothing

    try:
        connection = psycopg2.connect(host=HOST, port=5432, user="postgres", dbname="postgres")
        try:
            connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()
    except psycopg2.Error as error:
        raise BenchError(f"PostgreSQL at {HOST}:5432: {error}".strip()) from error


@contextmanager
def scratch_database(prefix: str, *, keep: bool = False) -> Iterator[str]:
    """A new, empty database named with a timestamp; yields its URL and drops it afterwards."""
    from psycopg2 import sql

    name = f"{prefix}_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"
    _admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"created database {name}")
    try:
        yield f"{POSTGRES_URL}/{name}"
    finally:
        if keep:
            say(f"kept database {name} (--keep-db)")
        else:
            # FORCE ends connections a killed worker may have left behind.
            _admin_execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            say(f"dropped database {name}")


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment every command and the server run with: the project's defaults otherwise.

    No broker (tasks run in-process) and the project's own connection lifetime, whatever the
    calling shell has set.
    """
    env = {name: value for name, value in os.environ.items() if name not in _UNSET}
    env.update(DATABASE_URL=database_url, DJANGO_ENV="development", **extra)
    return env


def manage(env: dict[str, str], *arguments: str) -> str:
    """Run ``manage.py`` and return its output; a failure stops the bench with its message."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise BenchError(f"manage.py {' '.join(arguments)} failed:\n{tail}")
    return done.stdout


def load_demo_data(env: dict[str, str]) -> None:
    """What ``make demo-data`` does: schema, organisations, published framework, demo answers."""
    for arguments in (
        ("migrate", "--noinput"),
        ("load_organisations",),
        ("load_framework", FRAMEWORK_FILE, "--publish"),
        ("seed_demo",),
    ):
        started = time.perf_counter()
        manage(env, *arguments)
        say(f"manage.py {arguments[0]} ({time.perf_counter() - started:.0f} s)")


def call_in_django(env: dict[str, str], module: str, function: str, **keywords: Any) -> Any:
    """Call ``module.function(**keywords)`` inside ``manage.py shell``; returns its JSON result.

    Bench setup lives in the bench's own module as ordinary, linted code, yet runs against the
    project's models and services with the same environment as the server.
    """
    code = (
        "import importlib, json\n"
        f"result = getattr(importlib.import_module({module!r}), {function!r})"
        f"(**json.loads({json.dumps(keywords)!r}))\n"
        f"print({_RESULT_MARK!r} + json.dumps(result))\n"
    )
    output = manage(env, "shell", "--no-imports", "-c", code)
    for line in reversed(output.splitlines()):
        if line.startswith(_RESULT_MARK):
            return json.loads(line.removeprefix(_RESULT_MARK))
    raise BenchError(f"{module}.{function} printed no result:\n{output[-2000:]}")


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    pid: int  # gunicorn's master; its workers are its children
    host: str
    port: int
    workers: int
    log: Path


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int = 2, ready_within: float = 60
) -> Iterator[Server]:
    """The portal under gunicorn's sync workers with the bench settings, stopped afterwards.

    DEBUG is off (as in production: DEBUG keeps every query in memory and renders differently)
    and the server is ready once /health/ answers 200.
    """
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
        "DJANGO_DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "maturity_portal.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--chdir={ROOT}",
    ]
    with log.open("w") as output:
        # Its own session: Ctrl+C reaches only the bench, which then stops gunicorn in order.
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            cwd=ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    say(f"gunicorn pid {process.pid} on {HOST}:{port} ({workers} sync workers), log {log}")
    try:
        _wait_until_ready(process, port, log, ready_within)
        yield Server(pid=process.pid, host=HOST, port=port, workers=workers, log=log)
    finally:
        _stop(process)
        errors = _server_errors(log)
        if errors:
            say(f"gunicorn stopped; its log has {errors} error line(s), kept at {log}")
        else:
            say("gunicorn stopped")
            log.unlink()


def _server_errors(log: Path) -> int:
    """Lines of the server log that report a failure (Django logs 5xx with a traceback)."""
    markers = ("ERROR", "Traceback", "Internal Server Error", "[CRITICAL]")
    lines = log.read_text(errors="replace").splitlines()
    return sum(any(marker in line for marker in markers) for line in lines)


def _log_tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_ready(process: subprocess.Popen, port: int, log: Path, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{_log_tail(log)}")
        with suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/health/")
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200:
                return
            raise BenchError(f"/health/ answered {response.status}: {body[:500]!r}")
        time.sleep(0.2)
    raise BenchError(f"gunicorn not ready after {within:.0f} s:\n{_log_tail(log)}")


def _stop(process: subprocess.Popen) -> None:
    """Graceful stop (the master waits for its workers), then the whole group if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Workers outlive a killed master only briefly; make sure none is left in our group.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


# --- clients -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get(QUERIES_HEADER.lower())
        return int(value) if value is not None else None


class Client:
    """One browser: its own connection and cookies. Not shared between threads.

    Redirects are not followed: a page that answers 302 (to sign-in, say) is not that page.
    """

    def __init__(self, server: Server, name: str = "") -> None:
        self.server = server
        self.name = name
        self.cookies: dict[str, str] = {}
        self.count_queries = False
        self._connection = http.client.HTTPConnection(server.host, server.port, timeout=60)

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, form: dict[str, str], *, headers: dict[str, str] | None = None
    ) -> Response:
        return self.request("POST", path, form=form, headers=headers)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """One request, timed from sending to the last byte read (connecting included)."""
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.count_queries:
            sent[COUNT_QUERIES_HEADER] = "1"
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self._connection.request(method, path, body=body, headers=sent)
            response = self._connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()  # the next request opens a fresh connection
            raise
        seconds = time.perf_counter() - started
        if response.will_close:
            self._connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Response(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=data.decode("utf-8", errors="replace"),
            seconds=seconds,
        )

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def close(self) -> None:
        self._connection.close()


@dataclass
class Form:
    """A form found in a page: where it posts and its fields as a browser would submit them."""

    action: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio name -> values


class _FormParser(HTMLParser):
    """Inputs and textareas, enough for the portal's forms (they have no selects to post)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(action=attributes.get("action", "")))
            return
        if not self.forms or "name" not in attributes:
            return
        form, name = self.forms[-1], attributes["name"]
        if tag == "textarea":
            self._textarea = name
            form.fields[name] = ""
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind == "radio":
                form.choices.setdefault(name, []).append(attributes.get("value", "on"))
            if kind in {"radio", "checkbox"} and "checked" not in attributes:
                return
            if kind not in {"submit", "button", "file"}:
                form.fields[name] = attributes.get("value", "on")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that may open a textarea's content.
            fields = self.forms[-1].fields
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def sign_in(client: Client, username: str, password: str) -> None:
    """Sign in once, as a person would: read the form's CSRF token, post, expect a redirect.

    Exactly one attempt per user, so sign-in throttling never sees a failure from the bench.
    """
    page = client.get("/sign-in/")
    form = next((f for f in forms_in(page.body) if "csrfmiddlewaretoken" in f.fields), None)
    if page.status != 200 or form is None:
        raise BenchError(f"/sign-in/ answered {page.status} without a sign-in form")
    posted = client.post(
        "/sign-in/",
        {
            "csrfmiddlewaretoken": form.fields["csrfmiddlewaretoken"],
            "username": username,
            "password": password,
        },
    )
    location = posted.headers.get("location", "")
    if posted.status != 302 or "sessionid" not in client.cookies or "sign-in" in location:
        raise BenchError(f"{username} could not sign in: {posted.status} {location!r}")


def signed_in_clients(server: Server, users: Sequence[tuple[str, str]]) -> list[Client]:
    """One client per (username, password), signed in concurrently (password hashing is slow)."""
    clients = [Client(server, username) for username, _ in users]
    errors: list[BaseException] = []

    def one(client: Client, password: str) -> None:
        try:
            sign_in(client, client.name, password)
        except BaseException as error:  # noqa: BLE001 - re-raised below, in the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=one, args=(client, password))
        for client, (_, password) in zip(clients, users, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise BenchError(f"sign-in failed: {errors[0]}") from errors[0]
    return clients


# --- load ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One request as a scenario judged it: how long it took and whether it did its job."""

    seconds: float
    ok: bool
    problem: str = ""  # why not ok, grouped in the report
    queries: int | None = None

    @classmethod
    def of(cls, response: Response, *, ok: bool | None = None, problem: str = "") -> Sample:
        """``ok`` defaults to "answered 200"; anything else is reported by its status."""
        ok = response.status == 200 if ok is None else ok
        if not ok and not problem:
            problem = f"HTTP {response.status}"
        return cls(response.seconds, ok, problem, response.queries)


# A scenario makes one request for a client (its index says whose data to use) and judges it.
Scenario = Callable[[Client, int], Sample]


def get_each(path_of: Callable[[int], str], headers: dict[str, str] | None = None) -> Scenario:
    """The common scenario: GET a path (per client) and expect 200."""

    def scenario(client: Client, index: int) -> Sample:
        return Sample.of(client.get(path_of(index), headers=headers))

    return scenario


@dataclass(frozen=True)
class CpuShares:
    """Shares of the whole machine's CPU (all cores) during the measured window.

    Client and server share this machine, and so may anything else running on it: these say
    how much of the machine the load generator, the server, and everything together took.
    """

    generator: float
    server: float
    machine: float


@dataclass
class LoadResult:
    name: str
    clients: int
    window: float  # seconds measured, after the warm-up
    latencies: list[float]  # seconds, requests that did their job
    errors: Counter[str]
    cpu: CpuShares
    queries: int | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.error_count

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.window

    def percentile_ms(self, percent: float) -> float | None:
        value = percentile(self.latencies, percent)
        return None if value is None else value * 1000


def percentile(values: Sequence[float], percent: float) -> float | None:
    """Nearest rank: a value that was actually observed, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * percent / 100)) - 1]


def run_load(
    name: str,
    clients: Sequence[Client],
    scenario: Scenario,
    *,
    seconds: float,
    warmup: float,
) -> LoadResult:
    """Every client runs the scenario back to back, each in its own thread (a closed loop).

    A request is recorded when it completes inside the measured window, which starts after the
    warm-up: completions per second is the throughput the server sustained, however long each
    request takes. Latency includes the time a request queues for a free worker (there are more
    clients than workers), as a person's would.
    """
    latencies: list[list[float]] = [[] for _ in clients]
    errors: list[Counter[str]] = [Counter() for _ in clients]
    broken: list[BaseException] = []
    stop = threading.Event()
    window_start = time.perf_counter() + warmup
    window_end = window_start + seconds

    def loop(index: int) -> None:
        try:
            run(index)
        except BaseException as error:  # noqa: BLE001 - a bench bug: re-raised in the main thread
            broken.append(error)
            stop.set()

    def run(index: int) -> None:
        client = clients[index]
        while time.perf_counter() < window_end and not stop.is_set():
            began = time.perf_counter()
            try:
                sample = scenario(client, index)
            except (OSError, http.client.HTTPException) as error:
                sample = Sample(time.perf_counter() - began, False, type(error).__name__)
            if not window_start <= time.perf_counter() <= window_end:
                continue
            if sample.ok:
                latencies[index].append(sample.seconds)
            else:
                errors[index][sample.problem] += 1

    server_pid = clients[0].server.pid
    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    try:
        stop.wait(max(0.0, window_start - time.perf_counter()))
        before = _cpu_snapshot(server_pid)
        stop.wait(max(0.0, window_end - time.perf_counter()))
        after = _cpu_snapshot(server_pid)
        for thread in threads:
            thread.join()
    finally:
        stop.set()  # on Ctrl+C too, so no thread keeps calling a server being stopped
    if broken:
        raise BenchError(f"{name}: {broken[0]!r}") from broken[0]
    return LoadResult(
        name=name,
        clients=len(clients),
        window=seconds,
        latencies=[value for per_client in latencies for value in per_client],
        errors=sum(errors, Counter()),
        cpu=_cpu_shares(before, after),
    )


@dataclass(frozen=True)
class _CpuSnapshot:
    at: float
    generator: float
    server: float
    machine: float


def _cpu_snapshot(server_pid: int) -> _CpuSnapshot:
    """CPU seconds so far: this process, gunicorn's master and workers, all of the machine."""
    times = os.times()
    tick = os.sysconf("SC_CLK_TCK")
    server = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            # Fields after the command name (which may hold spaces): state, ppid, … utime, stime.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) == server_pid or int(fields[1]) == server_pid:
                server += (int(fields[11]) + int(fields[12])) / tick
    # First line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks.
    cpu = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    busy = (sum(cpu) - cpu[3] - cpu[4]) / tick
    return _CpuSnapshot(time.perf_counter(), times.user + times.system, server, busy)


def machine_busy(seconds: float = 2.0) -> float:
    """The machine's busy share while the bench does nothing: other work that skews figures."""
    before = _cpu_snapshot(os.getpid())
    time.sleep(seconds)
    return _cpu_shares(before, _cpu_snapshot(os.getpid())).machine


def _cpu_shares(before: _CpuSnapshot, after: _CpuSnapshot) -> CpuShares:
    capacity = (after.at - before.at) * (os.cpu_count() or 1)
    return CpuShares(
        generator=(after.generator - before.generator) / capacity,
        server=(after.server - before.server) / capacity,
        machine=(after.machine - before.machine) / capacity,
    )


def count_queries(client: Client, scenario: Scenario, index: int = 0) -> int | None:
    """The scenario's SQL query count, from one request made outside the measured window."""
    client.count_queries = True
    try:
        return scenario(client, index).queries
    finally:
        client.count_queries = False


def measure_scenarios(
    scenarios: Sequence[tuple[str, Sequence[Client], Scenario]], *, seconds: float, warmup: float
) -> list[LoadResult]:
    """Each (name, clients, scenario) in turn: its query count, then its load."""
    results = []
    for name, clients, scenario in scenarios:
        queries = count_queries(clients[0], scenario)
        say(f"measuring {name}: {warmup:g} s warm-up, {seconds:g} s measured")
        result = run_load(name, list(clients), scenario, seconds=seconds, warmup=warmup)
        result.queries = queries
        results.append(result)
    return results


# --- report --------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def print_table(results: Sequence[LoadResult], *, baseline: LoadResult | None = None) -> None:
    """One row per scenario; ``% bare`` is throughput against the baseline of the same run."""
    header = (
        f"{'scenario':<24}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'% bare':>7}{'queries':>8}{'CPU: gen':>9}{'server':>7}{'all':>5}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        share = (
            f"{100 * result.throughput / baseline.throughput:.1f}"
            if baseline is not None and result is not baseline and baseline.throughput
            else ""
        )
        queries = "" if result.queries is None else str(result.queries)
        print(
            f"{result.name:<24}{result.requests:>9}{result.error_count:>7}"
            f"{result.throughput:>8.1f}{_ms(result.percentile_ms(50)):>9}"
            f"{_ms(result.percentile_ms(95)):>9}{_ms(result.percentile_ms(99)):>9}"
            f"{share:>7}{queries:>8}{100 * result.cpu.generator:>8.0f}%"
            f"{100 * result.cpu.server:>6.0f}%{100 * result.cpu.machine:>4.0f}%"
        )
    print(
        "queries: SQL queries of one request, counted outside the window. CPU: share of the "
        f"whole machine ({os.cpu_count()} cores) in the window taken by the load generator, by "
        "gunicorn, and by everything (PostgreSQL and any other process included)."
    )
    for result in results:
        for problem, count in result.errors.most_common():
            print(f"  {result.name}: {count} × {problem}")
        if len(result.latencies) < 100:
            print(
                f"  {result.name}: only {len(result.latencies)} successful requests in the "
                "window; its percentiles are rough (a longer --seconds gives more)"
            )


@dataclass(frozen=True)
class Check:
    target: str
    figure: str
    met: bool


def target_checks(
    bare: LoadResult,
    pages: Sequence[LoadResult],
    reads: Sequence[LoadResult],
    *,
    p95_ms: float,
    throughput_percent: float,
) -> list[Check]:
    """Each page against the latency target (no errors either), each read against the share of
    the bare view's throughput measured in the same run."""
    found = []
    for result in pages:
        p95 = result.percentile_ms(95)
        errors = f", {result.error_count} errors" if result.error_count else ""
        found.append(
            Check(
                f"{result.name}: p95 ≤ {p95_ms:g} ms, no errors",
                f"{'—' if p95 is None else f'{p95:.1f} ms'}{errors}",
                p95 is not None and p95 <= p95_ms and not result.error_count,
            )
        )
    for result in reads:
        share = 100 * result.throughput / bare.throughput if bare.throughput else 0.0
        found.append(
            Check(
                f"{result.name}: throughput ≥ {throughput_percent:g}% of bare",
                f"{share:.1f}%",
                share >= throughput_percent,
            )
        )
    return found


def print_checks(checks: Sequence[Check]) -> None:
    width = max((len(check.target) for check in checks), default=0)
    for check in checks:
        print(f"{check.target:<{width}}  {check.figure:>12}  {'PASS' if check.met else 'MISS'}")

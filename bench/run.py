"""The benchmark suite: Wayfarer under gunicorn on a seeded data set, driven by wrk, with its floor.

Run: `make bench` (200,000 plans), `make bench BENCH=smoke` (tiny data, 2 s per endpoint), or
`.venv/bin/python bench/run.py --scale 1000000`; `--help` lists the options.

1. A dedicated database (`wayfarer_bench`; `wayfarer_bench_smoke` in smoke mode) on the
   configured server: DATABASE_URL's if set, else the embedded PostgreSQL. Created when missing,
   migrated, then seeded with `seed_demo` (idempotent per seed, so a re-run adds nothing).
2. Fixtures picked from the seeded data: a traveller with about 20 plans (their dashboard and an
   API token), a plan with exactly 10 activities and one with 50 (created for that traveller
   once, through the services), a staff user for the admin; signed-in sessions for both.
3. A test-client pass over every endpoint against the same database: status 200 and the SQL
   queries per request on every connection (auth, session and the throttle's upsert included).
4. gunicorn as the Procfile runs it (sync workers, 2 x cores + 1) with config.settings.bench, on
   127.0.0.1 only; wrk drives one endpoint at a time (a 1 s warm-up, then the measured run) at
   concurrency 16. The floors (/_bench/plain, /_bench/pk, /_bench/ratelimit) run in the same pass,
   and two references: a signed-in page with nothing but base.html (/_bench/base-page) and the
   admin changelist cut to one row, what website and admin pages cost before their content.
   Endpoints with a latency budget get a short second pass at one connection ("p95 idle"): at
   concurrency 16 on two cores most of a request's latency is its wait in the queue.
5. The table (requests/s, p50/p95/p99, queries, ratios to the floors, budgets) is printed and
   written to bench/results/ as JSON and Markdown, then compared with bench/baseline.json:
   exit status 1 when an endpoint's throughput relative to the floors fell by more than 20%,
   or when any request failed under load.

gunicorn is stopped on every exit path (errors, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import io
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import report, wrk  # noqa: E402

RESULTS_DIR = BASE_DIR / "bench" / "results"
BASELINE = BASE_DIR / "bench" / "baseline.json"
SEED = 1
PLANS_PER_TRAVELLER = 20
BENCH_TITLE_PREFIX = "Benchmark: "
STAFF_USERNAME = "bench-staff"
TOKEN_NAME = "wayfarer-bench"  # noqa: S105 - the token's label, not a secret


class BenchError(Exception):
    """The run cannot go on; the message says why in one line."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    path: str  # may hold {placeholders} filled from the fixtures
    auth: str | None = None  # "token", "session" or "staff"
    floor: bool = False
    budget: report.Budget | None = None


ENDPOINTS = [
    Endpoint("plain", "floor: plain view, no database", "/_bench/plain", floor=True),
    Endpoint("pk", "floor: one SELECT by primary key", "/_bench/pk?id={any_plan}", floor=True),
    Endpoint("ratelimit", "floor: rate-limit upsert only", "/_bench/ratelimit", floor=True),
    Endpoint(
        "api_plan_list",
        "API plan list (page 20, token, throttle)",
        "/api/v1/plans/?page_size=20",
        auth="token",
        budget=report.Budget(min_rps=500, max_p99_ms=40, max_queries=4),
    ),
    Endpoint(
        "api_plan_detail",
        "API plan detail, the plan only",
        "/api/v1/plans/{plan_10}/",
        auth="token",
    ),
    Endpoint(
        "api_plan_activities",
        "API plan detail with its 10 activities",
        "/api/v1/plans/{plan_10}/?include=activities",
        auth="token",
        budget=report.Budget(min_rps=900, max_queries=5),
    ),
    Endpoint(
        "api_plan_search",
        "API plan_data_contains search",
        '/api/v1/plans/?plan_data_contains={{"preferences":{{"travel_style":"food"}}}}',
        auth="token",
        budget=report.Budget(min_rps=300, max_sql_p95_ms=5),
    ),
    Endpoint("api_public", "API public gallery", "/api/v1/public/plans/", auth="token"),
    # What any signed-in page costs before its content: the plan page's budget is set beside it.
    Endpoint(
        "web_base_page",
        "reference: signed-in page, base.html only",
        "/_bench/base-page",
        auth="session",
    ),
    Endpoint("web_dashboard", "website dashboard (signed in)", "/plans/", auth="session"),
    Endpoint(
        "web_plan",
        "website plan page, 50 activities",
        "/plans/{plan_50}/",
        auth="session",
        budget=report.Budget(max_p95_ms=30),
    ),
    Endpoint("web_gallery", "website public gallery", "/explore/"),
    # The same changelist cut to one row: its chrome (filters, dates, actions, navigation).
    Endpoint(
        "admin_one_row",
        "reference: admin plan changelist, 1 row",
        "/{admin}plans/plan/?id__exact={plan_50}",
        auth="staff",
    ),
    Endpoint(
        "admin_plans",
        "admin plan changelist (50 rows)",
        "/{admin}plans/plan/",
        auth="staff",
        budget=report.Budget(max_p95_ms=100, max_queries=8),
    ),
    # Staff searching a big table: a city about 1 plan in 100 has (at a million plans).
    Endpoint(
        "admin_search",
        "admin plan search (one word, 50 rows)",
        "/{admin}plans/plan/?q=lisbon",
        auth="staff",
        budget=report.Budget(max_p95_ms=100, max_queries=8),
    ),
]


# --- the database ------------------------------------------------------------------------------


def prepare_database(name: str) -> tuple[str, object | None]:
    """The bench database's URL (created when missing) and the embedded server, if one runs.

    The server object must stay referenced while the run lasts: pgserver stops the server when
    the last process holding it exits.
    """
    import psycopg
    from psycopg import errors

    configured = os.environ.get("DATABASE_URL", "")
    server = None
    if configured:
        admin_url = configured
        parts = urlsplit(configured)
        url = urlunsplit(parts._replace(path="/" + name))
    else:
        from config.embedded_db import embedded_data_dir

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

        data_dir = embedded_data_dir(os.environ.get("EMBEDDED_POSTGRES_DIR", ""), BASE_DIR)
        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
        admin_url = server.get_uri()
        url = f"postgres://postgres@/{name}?host={data_dir}"
    if admin_url.startswith("postgres://"):
        admin_url = "postgresql://" + admin_url.removeprefix("postgres://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{name}"')
    return url, server


def configure_environment(database_url: str) -> dict[str, str]:
    """The environment Django (here and in gunicorn) starts with: production settings + bench."""
    values = {
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
    }
    os.environ.update(values)
    return dict(os.environ)


# --- data and fixtures -------------------------------------------------------------------------


def seed(plans: int, *, quiet: bool) -> None:
    from django.core.management import call_command

    users = max(plans // PLANS_PER_TRAVELLER, 1)
    started = time.monotonic()
    call_command(
        "seed_demo",
        users=users,
        plans=plans,
        activities_per_plan=5,
        seed=SEED,
        quiet=quiet,
        stdout=io.StringIO() if quiet else sys.stdout,
    )
    say(
        f"data: seed {SEED}, {plans:,} plans, {users:,} travellers "
        f"({time.monotonic() - started:.1f}s)"
    )


def _bench_plan(owner, title: str, activities: int):
    """A plan of `owner` with exactly `activities` activities, made once through the services."""
    from activities.models import PlanActivity
    from activities.services import activity_create
    from plans.models import Plan
    from plans.services import plan_create

    plan = Plan.objects.filter(user=owner, title=title).first()
    if plan and PlanActivity.objects.filter(plan=plan).count() == activities:
        return plan
    if plan:
        plan.delete()
    start = dt.date.today() + dt.timedelta(days=30)
    days = 5
    plan = plan_create(
        owner=owner,
        title=title,
        destination="Lisbon, Portugal",
        description="Fixture of the benchmark suite (bench/run.py).",
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
    )
    kinds = ["attraction", "restaurant", "activity", "transport", "other"]
    for n in range(activities):
        activity_create(
            plan=plan,
            data={
                "title": f"Stop {n + 1}",
                "activity_type": kinds[n % len(kinds)],
                "location_name": f"Place {n + 1}",
                "latitude": f"{38.70 + n * 0.001:.6f}",
                "longitude": f"{-9.14 - n * 0.001:.6f}",
                "scheduled_date": start + dt.timedelta(days=n % days),
                "start_time": dt.time(8 + (n // days) % 12),
                "duration_minutes": 60,
                "estimated_cost": f"{10 + n}.00",
            },
        )
    return plan


def prepare_fixtures() -> dict[str, str]:
    """Ids, a token and session cookies for the endpoints (idempotent for a given data set)."""
    from django.conf import settings
    from django.db.models import Count, F, Q
    from django.db.models.functions import Abs
    from django.test import Client

    from accounts.models import ApiToken, User
    from accounts.services import token_create
    from activities import seeding
    from plans.models import Plan

    traveller_id = (
        Plan.objects.filter(user__username__startswith=seeding.seed_username_prefix(SEED))
        .values("user")
        .annotate(n=Count("id", filter=~Q(title__startswith=BENCH_TITLE_PREFIX)))
        .order_by(Abs(F("n") - PLANS_PER_TRAVELLER), "user")
        .values_list("user", flat=True)
        .first()
    )
    if traveller_id is None:
        raise BenchError("the seeded data set has no plans; did seed_demo run?")
    traveller = User.objects.get(pk=traveller_id)
    plan_10 = _bench_plan(traveller, f"{BENCH_TITLE_PREFIX}10 activities", 10)
    plan_50 = _bench_plan(traveller, f"{BENCH_TITLE_PREFIX}50 activities", 50)

    ApiToken.objects.filter(user=traveller, name=TOKEN_NAME).delete()
    _, token = token_create(user=traveller, name=TOKEN_NAME, scope="read")

    staff, _ = User.objects.update_or_create(
        username=STAFF_USERNAME,
        defaults={
            "email": "bench-staff@bench.invalid",
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
        },
    )
    cookie = settings.SESSION_COOKIE_NAME

    def session_for(user) -> str:
        client = Client()
        client.force_login(user)
        return f"{cookie}={client.cookies[cookie].value}"

    return {
        "traveller": traveller.username,
        "traveller_plans": str(Plan.objects.filter(user=traveller).count()),
        "any_plan": str(Plan.objects.order_by("pk").values_list("pk", flat=True)[:1].get()),
        "plan_10": str(plan_10.pk),
        "plan_50": str(plan_50.pk),
        "admin": settings.ADMIN_URL,
        "token": token,
        "session": session_for(traveller),
        "staff_session": session_for(staff),
    }


def headers_for(endpoint: Endpoint, fixtures: dict[str, str]) -> dict[str, str]:
    if endpoint.auth == "token":
        return {"Authorization": f"Bearer {fixtures['token']}"}
    if endpoint.auth == "session":
        return {"Cookie": fixtures["session"]}
    if endpoint.auth == "staff":
        return {"Cookie": fixtures["staff_session"]}
    return {}


def available(endpoints: list[Endpoint], fixtures: dict[str, str]) -> tuple[list, list]:
    """Endpoints whose URL resolves on this branch, and the names of those that do not (yet)."""
    from django.contrib import admin
    from django.urls import Resolver404, resolve

    from plans.models import Plan

    present, absent = [], []
    for endpoint in endpoints:
        path = endpoint.path.format(**fixtures).split("?", 1)[0]
        try:
            resolve(path)
        except Resolver404:
            absent.append(endpoint)
            continue
        # The admin resolves every path under it (its catch-all view); ask it instead.
        if endpoint.auth == "staff" and not admin.site.is_registered(Plan):
            absent.append(endpoint)
            continue
        present.append(endpoint)
    return present, absent


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
SQL_REPEATS = 20


@dataclass(frozen=True)
class QueryProfile:
    """One warm request's SQL: how many queries, and what its reads cost inside PostgreSQL."""

    queries: int
    transaction_statements: int
    sql_p95_ms: float  # p95 over SQL_REPEATS runs of the reads' planning + execution time
    indexes: tuple[str, ...]  # every index the reads' plans use


def _plan_indexes(node: dict) -> set[str]:
    found = {node["Index Name"]} if "Index Name" in node else set()
    for child in node.get("Plans", []):
        found |= _plan_indexes(child)
    return found


def explain_reads(statements: list[str]) -> tuple[float, tuple[str, ...]]:
    """EXPLAIN ANALYZE each SELECT again (writes are left alone: ANALYZE would run them)."""
    from django.db import connection

    reads = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    totals, indexes = [], set()
    with connection.cursor() as cursor:
        for _ in range(SQL_REPEATS):
            total = 0.0
            for sql in reads:
                # Django's log holds the statement as sent: parameters already bound.
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                [result] = cursor.fetchone()[0]
                total += result["Planning Time"] + result["Execution Time"]
                indexes |= _plan_indexes(result["Plan"])
            totals.append(total)
    totals.sort()
    return totals[min(len(totals) - 1, int(len(totals) * 0.95))], tuple(sorted(indexes))


def profile_sql(endpoint: Endpoint, url: str, headers: dict[str, str]) -> QueryProfile:
    """The SQL of one warm request through the test client, on every connection.

    Every connection is counted (the throttle's upsert runs on its own). BEGIN, COMMIT and
    savepoints are counted apart: they are round trips, but not the queries a budget means.
    """
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", headers=headers)
    first = client.get(url)  # warms per-process caches and the once-a-minute session touch
    if first.status_code != 200:
        raise BenchError(
            f"{endpoint.label}: GET {url} answered {first.status_code}: "
            f"{first.content[:300].decode(errors='replace')}"
        )
    with contextlib.ExitStack() as stack:
        captures = [stack.enter_context(CaptureQueriesContext(connections[a])) for a in connections]
        response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"{endpoint.label}: second GET {url} answered {response.status_code}")
    statements = [query["sql"] for capture in captures for query in capture.captured_queries]
    control = sum(1 for sql in statements if sql.strip().upper().startswith(TRANSACTION_CONTROL))
    sql_p95_ms, indexes = explain_reads(statements)
    return QueryProfile(len(statements) - control, control, sql_p95_ms, indexes)


# --- the server --------------------------------------------------------------------------------


def get(port: int, path: str, headers: dict[str, str], timeout: float = 15) -> tuple[int, bytes]:
    """One GET to the site on 127.0.0.1, redirects not followed: its status and body.

    Raises OSError when the site does not answer.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={**headers, "Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gunicorn:
    port: int
    workers: int
    env: dict[str, str]
    log: Path
    cwd: Path = BASE_DIR  # the checkout it serves (bench/ab.py runs two)
    output: Path | None = None  # where the site's own log (stdout) goes; discarded when None
    process: subprocess.Popen | None = field(default=None, init=False)

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--error-logfile",
            str(self.log),
        ]
        with contextlib.ExitStack() as files:
            stdout = (
                files.enter_context(self.output.open("w"))
                if self.output is not None
                else subprocess.DEVNULL
            )
            self.process = subprocess.Popen(  # noqa: S603 - our own arguments
                command,
                cwd=self.cwd,
                env=self.env,
                stdout=stdout,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so stop() reaches every worker
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            with contextlib.suppress(OSError):
                url = f"http://127.0.0.1:{self.port}/healthz"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def drain(url: str, headers: dict[str, str], timeout: float = 60) -> None:
    """Wait until the warm-up's leftovers are served: wrk leaves up to -c requests queued in the
    listen backlog, and on a slow page they would eat into the measured run. One request sent
    after them comes back once they are done."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        response.read()


# --- the run -----------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Wayfarer's benchmark suite (see the module docstring and README)."
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data, 2 s per endpoint")
    parser.add_argument("--scale", type=int, help="plans to seed (default 200,000; smoke 400)")
    parser.add_argument("--duration", type=int, help="seconds per endpoint (default 10; smoke 2)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help=(
            "measure every endpoint this many times in turn and keep each one's median round "
            "by requests/s (the slower middle one for an even count)"
        ),
    )
    parser.add_argument(
        "--idle-duration",
        type=int,
        help="seconds of a one-connection pass for endpoints with a latency budget "
        "(default 3; smoke 2)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="endpoints to run (floors too)")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument(
        "--update-baseline", action="store_true", help="write this run's figures as the baseline"
    )
    parser.add_argument(
        "--no-install", action="store_true", help="never apt-get install wrk; fail instead"
    )
    args = parser.parse_args(argv)
    args.scale = args.scale or (400 if args.smoke else 200_000)
    args.duration = args.duration or (2 if args.smoke else 10)
    args.idle_duration = args.idle_duration or (2 if args.smoke else 3)
    args.warmup = 1
    numbers = (args.scale, args.duration, args.connections, args.workers, args.rounds)
    if min(numbers) < 1:
        parser.error(
            "--scale, --duration, --connections, --workers and --rounds must be at least 1"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    servers: list[Gunicorn] = []

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return run(args, servers)
    except (BenchError, wrk.WrkError) as error:
        print(f"bench: FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr, flush=True)
        return 130
    finally:
        for server in servers:
            server.stop()
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace, servers: list[Gunicorn]) -> int:
    """The whole run; every gunicorn it starts goes into `servers`, which main() stops."""
    wrk_path = wrk.ensure_wrk(install=not args.no_install)
    mode = "smoke" if args.smoke else "full"
    database = "wayfarer_bench_smoke" if args.smoke else "wayfarer_bench"
    url, _server = prepare_database(database)
    env = configure_environment(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    say(f"bench: {mode} run, database {database}, {args.workers} gunicorn workers")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    seed(args.scale, quiet=args.smoke)
    fixtures = prepare_fixtures()
    say(
        f"fixtures: traveller {fixtures['traveller']} ({fixtures['traveller_plans']} plans), "
        f"plan {fixtures['plan_10']} (10 activities), plan {fixtures['plan_50']} (50 activities)"
    )

    chosen = [e for e in ENDPOINTS if e.floor or not args.only or e.name in args.only]
    endpoints, absent = available(chosen, fixtures)
    for endpoint in absent:
        say(f"skipped (no such URL on this branch yet): {endpoint.label}")
    profiles = {}
    for endpoint in endpoints:
        path = endpoint.path.format(**fixtures)
        profile = profiles[endpoint.name] = profile_sql(
            endpoint, path, headers_for(endpoint, fixtures)
        )
        say(
            f"  {endpoint.label}: {profile.queries} queries, SQL p95 {profile.sql_p95_ms:.2f} ms, "
            f"indexes: {', '.join(profile.indexes) or 'none'}"
        )
    connections.close_all()

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    gunicorn = Gunicorn(
        port=free_port(), workers=args.workers, env=env, log=RESULTS_DIR / "gunicorn.log"
    )
    servers.append(gunicorn)
    gunicorn.start()
    say(
        f"gunicorn on 127.0.0.1:{gunicorn.port}; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s per endpoint"
    )

    rows: list[report.Row] = []
    with tempfile.TemporaryDirectory(prefix="wayfarer-bench-") as scripts:
        script_of: dict[str, Path] = {}
        target_of: dict[str, str] = {}
        for endpoint in endpoints:
            script = script_of[endpoint.name] = Path(scripts) / f"{endpoint.name}.lua"
            script.write_text(wrk.lua_script(headers_for(endpoint, fixtures)))
            path = endpoint.path.format(**fixtures)
            target_of[endpoint.name] = f"http://127.0.0.1:{gunicorn.port}{path}"
        # Each round measures every endpoint once, so that a machine slowing down for a
        # minute slows one round of each, not all rounds of one; an endpoint's median round
        # is its figure.
        results: dict[str, list] = {endpoint.name: [] for endpoint in endpoints}
        for round_number in range(1, args.rounds + 1):
            if args.rounds > 1:
                say(f"round {round_number} of {args.rounds}")
            for endpoint in endpoints:
                target = target_of[endpoint.name]
                options = {
                    "script": script_of[endpoint.name],
                    "connections": args.connections,
                    "threads": args.threads,
                }
                wrk.run(wrk_path, target, duration_s=args.warmup, **options)
                drain(target, headers_for(endpoint, fixtures))
                result = wrk.run(wrk_path, target, duration_s=args.duration, **options)
                results[endpoint.name].append(result)
                say(
                    f"  {endpoint.label}: {result.requests_per_second:,.0f} req/s, "
                    f"p95 {result.p95_ms:.2f} ms"
                )
        for endpoint in endpoints:
            # The median round by requests/s (the slower middle one for an even count).
            rounds = sorted(results[endpoint.name], key=lambda r: r.requests_per_second)
            result = rounds[(len(rounds) - 1) // 2]
            target = target_of[endpoint.name]
            idle = None
            if endpoint.budget and (endpoint.budget.max_p95_ms or endpoint.budget.max_p99_ms):
                # What one traveller feels on an idle server, beside the loaded figures: once
                # the loaded run's queued requests are served, or they would be measured here.
                drain(target, headers_for(endpoint, fixtures))
                single = {"script": script_of[endpoint.name], "connections": 1, "threads": 1}
                idle = wrk.run(wrk_path, target, duration_s=args.idle_duration, **single)
            profile = profiles[endpoint.name]
            row = report.Row(
                name=endpoint.name,
                label=endpoint.label,
                path=endpoint.path,
                floor=endpoint.floor,
                rps=result.requests_per_second,
                p50_ms=result.p50_ms,
                p90_ms=result.p90_ms,
                p95_ms=result.p95_ms,
                p99_ms=result.p99_ms,
                queries=profile.queries,
                transaction_statements=profile.transaction_statements,
                sql_p95_ms=profile.sql_p95_ms,
                indexes=profile.indexes,
                requests=result.requests,
                # Any round's failures count, and so does a round that completed nothing.
                errors=sum(r.failed + (not r.requests) for r in rounds)
                + (idle.failed if idle else 0),
                idle_p95_ms=idle.p95_ms if idle and idle.requests else None,
            )
            if endpoint.budget:
                row.budget = endpoint.budget.check(row)
            rows.append(row)
    gunicorn.stop()

    report.add_ratios(rows)
    meta = {
        "mode": mode,
        "scale": args.scale,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "connections": args.connections,
        "threads": args.threads,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "fixtures": {
            k: fixtures[k] for k in ("traveller", "traveller_plans", "plan_10", "plan_50")
        },
        "skipped": [e.name for e in absent],
    }
    table = report.text_table(rows)
    say("")
    say(table)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    data = report.as_json(rows, meta)
    markdown = (
        f"# Wayfarer benchmark, {mode}, {args.scale:,} plans\n\n{report.markdown_table(rows)}\n"
    )
    for name in (f"{stamp}-{mode}", f"latest-{mode}"):
        (RESULTS_DIR / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
        (RESULTS_DIR / f"{name}.md").write_text(markdown)
    say(f"\nresults: {RESULTS_DIR / f'{stamp}-{mode}'}.{{json,md}}")

    status = 0
    for row in rows:
        if row.errors or not row.requests:
            say(
                f"ERRORS under load: {row.label}: {row.errors} failed (errors or timeouts), "
                f"{row.requests} completed"
            )
            status = 1
    missed = [row.label for row in rows if row.budget_met is False]
    if missed:
        say("budgets missed: " + "; ".join(missed))

    if args.update_baseline:
        args.baseline.write_text(json.dumps(report.baseline_from(rows, meta), indent=2) + "\n")
        say(f"baseline updated: {args.baseline}")
        return status
    return status or compare_with_baseline(rows, args)


def compare_with_baseline(rows: list[report.Row], args: argparse.Namespace) -> int:
    if not args.baseline.is_file():
        say(f"no baseline at {args.baseline}; run with --update-baseline to record one")
        return 0
    baseline = json.loads(args.baseline.read_text())
    recorded = baseline.get("meta", {})
    if recorded.get("mode") != ("smoke" if args.smoke else "full"):
        say(f"baseline is a {recorded.get('mode')} run; not compared with this one")
        return 0
    if recorded.get("scale") != args.scale:
        # Another data size changes what each endpoint reads: not a like-for-like comparison.
        say(
            f"baseline is at {recorded.get('scale', 0):,} plans, this run at {args.scale:,}: "
            "not compared"
        )
        return 0
    comparisons = report.compare(rows, baseline)
    say(
        f"\ncompared with {args.baseline.name} ({recorded.get('scale', 0):,} plans, "
        f"{recorded.get('when', '?')}): throughput relative to the floors"
    )
    for c in comparisons:
        flag = "REGRESSION" if c.regressed else "ok"
        say(f"  {c.label}: {c.baseline:.3f} -> {c.current:.3f} ({c.change:+.0%}) {flag}")
    regressed = [c for c in comparisons if c.regressed]
    if regressed:
        say(
            "\n!!! REGRESSION: "
            + ", ".join(f"{c.label} {c.change:+.0%}" for c in regressed)
            + f" (more than {report.REGRESSION_TOLERANCE:.0%} below the baseline) !!!"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

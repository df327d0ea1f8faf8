"""Database failover under light load: does the site keep answering when the database drops
every connection?

Run (the smoke database is migrated and seeded on first use, as `make bench BENCH=smoke` does):

    .venv/bin/python bench/failover.py                  # this working tree
    .venv/bin/python bench/failover.py --base 559f6a5   # another commit, from a temporary worktree

The site runs under gunicorn as `make bench` runs it (config.settings.bench: production settings,
persistent connections, the rate limiter on its own connection), on 127.0.0.1 only, on the smoke
database `wayfarer_bench_smoke`. A few client threads send a bounded number of requests at a
bounded rate for a bounded time, in turn: a throttled API list (Bearer token), a signed-in plan
page and the `/readyz` probe (no cookie, as a load balancer sends it). Three times, evenly spaced,
every connection to the database is ended with `pg_terminate_backend`, as a restart or a failover
ends them.

Printed: requests, failures (status or error, with the site's logged exceptions), and for each
kill how long the site took to recover (from the kill to the first success of a request started
after the kill and after its last failure). A failure is expected only for a request in flight at
the instant of a kill (its time overlaps the kill's); the exit status is 1 if any other failed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import run  # noqa: E402
from bench.ab import signed_in, worktree  # noqa: E402

DATABASE = "wayfarer_bench_smoke"
SMOKE_SCALE = 400  # plans, as bench/run.py --smoke seeds them
# The last line of a logged traceback: "django.db.utils.OperationalError: ..."
EXCEPTION_LINE = re.compile(r"^\w+(?:\.\w+)*(?:Error|Exception): .*$", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    """One request: what was asked, when (seconds since the load began), and what came back."""

    name: str
    started: float
    ended: float
    status: int | None  # None when no response came back
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class Kill:
    """One kill: from the terminate signals to the last ended connection being gone."""

    started: float
    ended: float
    terminated: int  # connections ended


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="serve this commit (from a temporary worktree) instead")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load (max 120)")
    parser.add_argument("--rate", type=float, default=40, help="requests per second, all clients")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--workers", type=int, default=run.parse_args([]).workers)
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be 1 to 120 s")
    if args.rate <= 0 or min(args.clients, args.kills, args.max_requests, args.workers) < 1:
        parser.error("--rate, --clients, --kills, --max-requests and --workers must be positive")
    return args


def prepare() -> dict[str, str]:
    """The smoke database migrated and seeded (idempotent), and the bench's fixtures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    run.seed(SMOKE_SCALE, quiet=True)
    fixtures = run.prepare_fixtures()
    connections.close_all()
    return fixtures


def api_hits_counted(traveller: str) -> int:
    """What the rate limiter has counted for the traveller's API requests, in every window."""
    from django.db import connections
    from django.db.models import Sum

    from accounts.models import User
    from ratelimit.models import RateLimit

    user = User.objects.get(username=traveller)
    counted = RateLimit.objects.filter(
        scope="api", identifier_type="user", identifier=str(user.pk)
    ).aggregate(total=Sum("request_count"))["total"]
    connections.close_all()  # not one of the site's connections when the kills come
    return counted or 0


def requests_for(fixtures: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, headers) of the requests each client sends in turn."""
    return [
        (
            "api",
            "/api/v1/plans/?page_size=20",
            {"Authorization": f"Bearer {fixtures['token']}"},
        ),
        ("page", f"/plans/{fixtures['plan_10']}/", {"Cookie": fixtures["session"]}),
        ("readyz", "/readyz", {}),
    ]


def send(port: int, path: str, headers: dict[str, str]) -> tuple[int | None, str]:
    """The status (None when the site did not answer) and what to show of the answer."""
    try:
        status, body = run.get(port, path, headers)
    except OSError as error:
        return None, f"{type(error).__name__}: {error}"
    return status, body[:80].decode(errors="replace") if path == "/readyz" else ""


def terminate_connections(admin_url: str) -> int:
    """End every connection to the bench database at once, and return when all are gone."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as operator:
        pids = [
            pid
            for pid, terminated in operator.execute(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [DATABASE],
            )
            if terminated
        ]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            alive = operator.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]
            ).fetchone()[0]
            if not alive:
                break
            time.sleep(0.002)
    return len(pids)


def drive(args, port: int, requests, admin_url: str) -> tuple[list[Outcome], list[Kill]]:
    """Bounded load from `args.clients` threads; `args.kills` kills evenly spaced in it."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    begin = time.monotonic()
    deadline = begin + args.duration
    budget = iter(range(args.max_requests))
    interval = args.clients / args.rate  # each client's pace

    def client(offset: int) -> None:
        due = begin + offset * interval / args.clients
        turn = offset
        while True:
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            if time.monotonic() >= deadline:
                return
            with lock:
                if next(budget, None) is None:
                    return
            name, path, headers = requests[turn % len(requests)]
            started = time.monotonic() - begin
            status, detail = send(port, path, headers)
            outcome = Outcome(name, started, time.monotonic() - begin, status, detail)
            with lock:
                outcomes.append(outcome)
            turn += 1
            due += interval

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    kills = []
    try:
        for number in range(1, args.kills + 1):
            at = begin + args.duration * number / (args.kills + 1)
            time.sleep(max(0.0, at - time.monotonic()))
            started = time.monotonic() - begin
            terminated = terminate_connections(admin_url)
            kills.append(Kill(started, time.monotonic() - begin, terminated))
    finally:
        for thread in threads:
            thread.join()
    outcomes.sort(key=lambda o: o.started)
    return outcomes, kills


def in_flight(outcome: Outcome, kill: Kill) -> bool:
    return outcome.started <= kill.ended and outcome.ended >= kill.started


def describe(outcome: Outcome) -> str:
    shown = f"{outcome.status}" if outcome.status is not None else "no response"
    return f"{outcome.name} {shown}{' ' + outcome.error if outcome.error else ''}"


def report(
    label: str, outcomes: list[Outcome], kills: list[Kill], site_log: Path, counted: int
) -> int:
    """Print the figures; 1 when a request failed outside a kill or a hit was lost or doubled."""
    failures = [o for o in outcomes if not o.ok]
    unexpected = [o for o in failures if not any(in_flight(o, kill) for kill in kills)]
    print(f"\n{label}")
    print(
        f"requests: {len(outcomes)}  failures: {len(failures)}  "
        f"failures not in flight at a kill: {len(unexpected)}"
    )
    # Each API request answered was counted once; one that failed may or may not have been.
    answered = sum(o.ok for o in outcomes if o.name == "api")
    failed = sum(not o.ok for o in outcomes if o.name == "api")
    exact = answered <= counted <= answered + failed
    print(
        f"rate-limit hits counted: {counted} for {answered} API requests answered and "
        f"{failed} failed ({'exact' if exact else 'NOT exact'})"
    )
    for text, count in collections.Counter(describe(o) for o in failures).most_common():
        print(f"  {count:3d} x {text}")
    errors = collections.Counter(EXCEPTION_LINE.findall(site_log.read_text()))
    for text, count in errors.most_common(5):
        print(f"  site log: {count} x {text[:140]}")
    ends = [kill.started for kill in kills[1:]] + [float("inf")]
    for number, (kill, until) in enumerate(zip(kills, ends, strict=True), start=1):
        mine = [o for o in failures if kill.started <= o.ended < until]
        settled = max([kill.ended, *(o.ended for o in mine)])
        back = [o.ended for o in outcomes if o.ok and o.started >= settled]
        recovered = f"{(min(back) - kill.started) * 1000:.0f} ms" if back else "not recovered"
        print(
            f"kill {number} at {kill.started:.1f} s: {kill.terminated} connections ended; "
            f"{len(mine)} failed; recovered in {recovered}"
        )
    return 1 if unexpected or not exact else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url, _server = run.prepare_database(DATABASE)
    env = run.configure_environment(url)
    fixtures = prepare()
    admin_url = url.replace("postgres://", "postgresql://", 1)
    run.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    label = args.base or "this tree"
    with contextlib.ExitStack() as stack:
        checkout = stack.enter_context(worktree(args.base)) if args.base else BASE_DIR
        # The session must be one the served checkout recognises (bench.ab.signed_in).
        requests = requests_for(signed_in(checkout, env, fixtures))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=checkout,
            env=env,
            check=True,
        )
        side = "base" if args.base else "tree"
        site_log = run.RESULTS_DIR / f"failover-{side}-site.log"
        error_log = run.RESULTS_DIR / f"failover-{side}-gunicorn.log"
        gunicorn = run.Gunicorn(run.free_port(), args.workers, env, error_log, checkout, site_log)
        stack.callback(gunicorn.stop)
        gunicorn.start()
        for _, path, headers in requests:  # every worker need not be warm; the site must be
            status, detail = send(gunicorn.port, path, headers)
            if status != 200:
                raise run.BenchError(f"GET {path} answered {status} {detail} before any kill")
        print(
            f"failover: {label} on 127.0.0.1:{gunicorn.port}, {args.workers} workers, "
            f"{args.clients} clients at {args.rate:g} req/s for {args.duration:g} s, "
            f"{args.kills} kills; the site's log: {site_log}",
            flush=True,
        )
        before = api_hits_counted(fixtures["traveller"])
        outcomes, kills = drive(args, gunicorn.port, requests, admin_url)
        counted = api_hits_counted(fixtures["traveller"]) - before
        return report(f"{label}:", outcomes, kills, site_log, counted)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except run.BenchError as error:
        print(f"failover: FAILED: {error}", file=sys.stderr)
        sys.exit(2)

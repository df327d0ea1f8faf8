"""In-process timing of one page on the bench data set: where a slow page spends its time.

Run after `make bench` has seeded `wayfarer_bench` (the same database, settings and fixtures):

    .venv/bin/python bench/page_profile.py                  # plan page, 50 activities
    .venv/bin/python bench/page_profile.py --page admin     # admin plan changelist
    .venv/bin/python bench/page_profile.py --page api-list  # API plan list (token, throttle)
    .venv/bin/python bench/page_profile.py --page api-detail  # a plan and its 10 activities
    .venv/bin/python bench/page_profile.py --profile        # plus the top cProfile entries
    .venv/bin/python bench/page_profile.py --page admin --query q=lisbon   # a staff search

It sends `--requests` GETs through Django's test client in this process (no server, no
network) and prints the median and p95 wall time, the response size and the SQL queries, so a
change to a template or a query can be judged before a full bench run. Figures are indicative:
they include the test client's own overhead and vary with the machine's load.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--page", choices=["plan", "admin", "api-list", "api-detail"], default="plan"
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print the top cProfile entries")
    parser.add_argument("--sql", action="store_true", help="print each query of one request")
    parser.add_argument("--query", default="", help="a query string for the page, e.g. q=lisbon")
    args = parser.parse_args(argv)

    url, _server = run.prepare_database("wayfarer_bench")
    run.configure_environment(url)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from plans.models import Plan

    plan = (
        Plan.objects.filter(title=f"{run.BENCH_TITLE_PREFIX}50 activities")
        .select_related("user")
        .first()
    )
    staff = User.objects.filter(username=run.STAFF_USERNAME).first()
    if plan is None or staff is None:
        print("no bench data set: run `make bench` once first", file=sys.stderr)
        return 2
    client = Client(HTTP_HOST="127.0.0.1")
    if args.page == "plan":
        client.force_login(plan.user)
        path = plan.get_absolute_url()
    elif args.page == "admin":
        client.force_login(staff)
        path = f"/{settings.ADMIN_URL}plans/plan/"
    else:  # the bench's own token (re-issued here), for the bench traveller
        fixtures = run.prepare_fixtures()
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {fixtures['token']}")
        path = "/api/v1/plans/"
        if args.page == "api-detail":
            path = f"/api/v1/plans/{fixtures['plan_10']}/?include=activities"

    if args.query:
        path = f"{path}{'&' if '?' in path else '?'}{args.query}"
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    with contextlib.ExitStack() as stack:
        captures = [stack.enter_context(CaptureQueriesContext(connections[a])) for a in connections]
        response = client.get(path)
    queries = [query for capture in captures for query in capture.captured_queries]
    timings = []
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.requests):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        client.get(path)
        if profiler:
            profiler.disable()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(
        f"{args.page} page {path}: median {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms over {args.requests} requests; {len(response.content):,} bytes, "
        f"{len(queries)} queries"
    )
    if args.sql:
        for query in queries:
            print(f"-- {query['time']} s\n{query['sql']}\n")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())

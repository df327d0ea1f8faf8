"""Interleaved A/B under load: did a change make endpoints faster, on a machine too noisy to say
from two bench runs?

Run after `make bench` has seeded `wayfarer_bench`:

    .venv/bin/python bench/ab.py BASE                          # API, plan page, dashboard, gallery
    .venv/bin/python bench/ab.py BASE --only api_plan_list --pairs 8 --duration 5

BASE (a commit, branch or tag) is checked out into a temporary git worktree: that is "A"; this
working tree is "B" (or, with `--tree REF`, another commit: one step of a series). Each runs
under gunicorn as `make bench` runs the site (its settings, workers, database and fixtures), on
its own port, and for every endpoint wrk drives A and B in
turn, `--pairs` times, alternating which goes first. Identical runs here differ by up to 15%
from one minute to the next; within a pair both sides share the minute, so the median of the
pairs' B/A throughput says what the change did. BASE must run on the database as this tree
migrated it (an older commit, usually). No budgets, no baseline: `make bench` does those.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import run, wrk  # noqa: E402


@dataclass(frozen=True)
class Comparison:
    """One endpoint's pairs: B's throughput over A's in each, and the median of those."""

    a_rps: list[float]
    b_rps: list[float]
    a_p95_ms: list[float]
    b_p95_ms: list[float]

    @property
    def ratios(self) -> list[float]:
        return [b / a for a, b in zip(self.a_rps, self.b_rps, strict=True)]

    @property
    def median_ratio(self) -> float:
        return statistics.median(self.ratios)


def order(pair: int) -> tuple[str, str]:
    """Which side runs first in each pair: A then B, then B then A, and so on."""
    return ("A", "B") if pair % 2 == 0 else ("B", "A")


# Run in a checkout: session cookies for the bench traveller and staff user, signed in by that
# checkout's own code. A session names the backend that signed it in, and a checkout whose
# AUTHENTICATION_BACKENDS lacks it treats the session as anonymous (a redirect, not the page).
_SIGN_IN = """
import json, sys
sys.path.insert(0, ".")
import django
django.setup()
from django.conf import settings
from django.test import Client
from accounts.models import User
def cookie(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
print(json.dumps({"session": cookie(sys.argv[1]), "staff_session": cookie(sys.argv[2])}))
"""


def signed_in(directory: Path, env: dict[str, str], fixtures: dict[str, str]) -> dict[str, str]:
    """`fixtures` with session cookies made by the checkout in `directory`."""
    result = subprocess.run(  # noqa: S603 - our own code and arguments
        [sys.executable, "-c", _SIGN_IN, fixtures["traveller"], run.STAFF_USERNAME],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {**fixtures, **json.loads(result.stdout.strip().splitlines()[-1])}


@contextlib.contextmanager
def worktree(ref: str):
    """`ref` checked out (detached) in a temporary worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="wayfarer-ab-") as parent:
        path = Path(parent) / "base"
        git = ["git", "-C", str(BASE_DIR)]
        subprocess.run([*git, "worktree", "add", "--detach", "-q", str(path), ref], check=True)  # noqa: S603
        try:
            yield path
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(path)], check=False)  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit, branch or tag to compare this tree with")
    parser.add_argument(
        "--tree", help="serve this commit as B (from another temporary worktree), not this tree"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        # The pages the issues set A/B floors for; the admin list is judged by its idle p95.
        default=[
            "api_plan_list",
            "api_plan_detail",
            "api_plan_activities",
            "api_plan_search",
            "web_plan",
            "web_dashboard",
            "web_gallery",
        ],
        metavar="NAME",
    )
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--workers", type=int, default=run.parse_args([]).workers)
    args = parser.parse_args(argv)
    endpoints = {endpoint.name: endpoint for endpoint in run.ENDPOINTS}
    unknown = set(args.only) - set(endpoints)
    if unknown:
        parser.error(f"no such endpoint: {', '.join(sorted(unknown))}")

    url, _server = run.prepare_database("wayfarer_bench")
    env = run.configure_environment(url)
    import django

    django.setup()
    fixtures = run.prepare_fixtures()
    wrk_path = wrk.ensure_wrk()
    servers: dict[str, run.Gunicorn] = {}
    tree = worktree(args.tree) if args.tree else contextlib.nullcontext(BASE_DIR)
    with worktree(args.base) as base, tree as b_dir, tempfile.TemporaryDirectory() as scripts:
        try:
            sides = {}
            for side, directory in (("A", base), ("B", b_dir)):
                sides[side] = signed_in(directory, env, fixtures)
                subprocess.run(
                    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                    cwd=directory,
                    env=env,
                    check=True,
                )
                log = run.RESULTS_DIR / f"ab-{side}.log"
                servers[side] = run.Gunicorn(run.free_port(), args.workers, env, log, directory)
                servers[side].start()
            for name in args.only:
                endpoint = endpoints[name]
                path = endpoint.path.format(**fixtures)
                options, statuses = {}, {}
                for side in ("A", "B"):
                    headers = run.headers_for(endpoint, sides[side])
                    script = Path(scripts) / f"{name}-{side}.lua"
                    script.write_text(wrk.lua_script(headers))
                    options[side] = {"script": script, "connections": 16, "threads": 2}
                    # Both sides must answer alike (a redirect is not followed) to be compared.
                    statuses[side] = run.get(servers[side].port, path, headers)[0]
                results = {"A": [], "B": []}
                if statuses["A"] != statuses["B"]:
                    print(
                        f"{endpoint.label}: not compared, A answers {statuses['A']} and B "
                        f"{statuses['B']}",
                        flush=True,
                    )
                    continue
                for side in ("A", "B"):  # warm both: templates, prepared SQL, caches
                    wrk.run(
                        wrk_path,
                        f"http://127.0.0.1:{servers[side].port}{path}",
                        duration_s=1,
                        **options[side],
                    )
                for pair in range(args.pairs):
                    for side in order(pair):
                        target = f"http://127.0.0.1:{servers[side].port}{path}"
                        results[side].append(
                            wrk.run(wrk_path, target, duration_s=args.duration, **options[side])
                        )
                comparison = Comparison(
                    a_rps=[r.requests_per_second for r in results["A"]],
                    b_rps=[r.requests_per_second for r in results["B"]],
                    a_p95_ms=[r.p95_ms for r in results["A"]],
                    b_p95_ms=[r.p95_ms for r in results["B"]],
                )
                print(f"{endpoint.label} ({args.base} = A, {args.tree or 'this tree'} = B)")
                print(f"  A req/s {[round(x) for x in comparison.a_rps]}")
                print(f"  B req/s {[round(x) for x in comparison.b_rps]}")
                print(
                    f"  B/A throughput: median {comparison.median_ratio:.3f} "
                    f"(pairs {[round(x, 3) for x in comparison.ratios]}); median p95 "
                    f"A {statistics.median(comparison.a_p95_ms):.1f} ms, "
                    f"B {statistics.median(comparison.b_p95_ms):.1f} ms",
                    flush=True,
                )
        finally:
            for server in servers.values():
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

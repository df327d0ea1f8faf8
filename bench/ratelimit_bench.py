"""What the database throttle costs an API list endpoint.

Run: `.venv/bin/python bench/ratelimit_bench.py [--rounds 10] [--requests 200]`

A realistic DRF list (a page of 20 plans with their owner, ~10 fields) is served in-process
through Django's WSGI handler (middleware, sessions, ATOMIC_REQUESTS, per-request connection
health checks) with the throttle on and off, in interleaved pairs so drift affects both alike.
The throttle runs as deployed: one upsert, awaited, on its own autocommit connection
(`RATELIMIT_DATABASE_ALIAS`), health-checked at each request's first use like `default`.
Everything happens in a dedicated database (`wayfarer_bench_ratelimit`), created and dropped here
(not `make bench`'s `wayfarer_bench`).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every query in memory

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.pagination import PageNumberPagination  # noqa: E402

from accounts.models import User  # noqa: E402
from plans.models import Plan  # noqa: E402
from ratelimit import store  # noqa: E402
from ratelimit.rates import Rate  # noqa: E402
from ratelimit.throttling import ApiThrottle  # noqa: E402


class PlanSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "destination",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "status",
            "is_public",
            "owner",
            "updated_at",
        ]


class Page20(PageNumberPagination):
    page_size = 20


class PlanListThrottled(generics.ListAPIView):
    serializer_class = PlanSerializer
    pagination_class = Page20
    throttle_classes = [ApiThrottle]

    def get_queryset(self):
        return (
            Plan.objects.accessible_to(self.request.user)
            .select_related("user")
            .order_by("-updated_at", "-id")
        )


class PlanListUnthrottled(PlanListThrottled):
    throttle_classes = []


urlpatterns = [
    path("on/", PlanListThrottled.as_view()),
    path("off/", PlanListUnthrottled.as_view()),
]


def seed() -> User:
    owner = User.objects.create_user(username="bench", email="bench@example.com")
    Plan.objects.bulk_create(
        Plan(
            user=owner,
            title=f"Trip {n}",
            destination="Lisbon",
            description="A long weekend of tiles, trams and pastries.",
            currency="EUR",
        )
        for n in range(200)
    )
    return owner


def wsgi_caller(session_cookie: str):
    """Call Django's WSGI handler as gunicorn would: request_started/finished signals included,
    so per-request connection health checks and ATOMIC_REQUESTS behave as in production."""
    handler = WSGIHandler()

    def call(url: str) -> float:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": session_cookie,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses = []
        start = time.perf_counter()
        result = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        try:
            body = b"".join(result)
        finally:
            result.close()  # sends request_finished, as a WSGI server does
        elapsed = time.perf_counter() - start
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{url} answered {statuses[0]}: {body[:200]!r}")
        return elapsed

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200, help="per variant per round")
    args = parser.parse_args()

    connections["default"].settings_dict["TEST"]["NAME"] = "wayfarer_bench_ratelimit"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(
            ROOT_URLCONF=__name__,
            ALLOWED_HOSTS=["testserver"],
            RATELIMIT_RATES={
                **settings.RATELIMIT_RATES,
                "api": {"ip": "1/day", "user": "1000000000/day"},
            },
        ):
            owner = seed()
            client = Client()
            client.force_login(owner)
            assert len(client.get("/on/").json()["results"]) == 20
            cookie_name = settings.SESSION_COOKIE_NAME
            call = wsgi_caller(f"{cookie_name}={client.cookies[cookie_name].value}")
            for _ in range(50):  # warm up both paths and connections
                call("/on/")
                call("/off/")

            on: list[float] = []
            off: list[float] = []
            check: list[float] = []
            allow_request = ApiThrottle.allow_request

            def timed(method, into):
                def call(*args):
                    start = time.perf_counter()
                    try:
                        return method(*args)
                    finally:
                        into.append(time.perf_counter() - start)

                return call

            ApiThrottle.allow_request = timed(allow_request, check)
            try:
                for round_ in range(args.rounds):
                    # Pairs in alternating order: load from other processes on a shared
                    # machine falls on both variants alike.
                    for n in range(args.requests):
                        pair = ("/on/", "/off/") if (round_ + n) % 2 else ("/off/", "/on/")
                        for url in pair:
                            (on if url == "/on/" else off).append(call(url))
            finally:
                ApiThrottle.allow_request = allow_request

            alias = settings.RATELIMIT_DATABASE_ALIAS
            upserts = []
            for n in range(2000):
                start = time.perf_counter()
                store.hit(
                    scope="bench", identifier_type="ip", identifier=str(n % 50), rate=Rate(10, 60)
                )
                upserts.append(time.perf_counter() - start)
        connections.close_all()
    finally:
        teardown_databases(old_config, verbosity=0)

    load = os.getloadavg()
    rps_on, rps_off = len(on) / sum(on), len(off) / sum(off)
    median_on, median_off = statistics.median(on) * 1000, statistics.median(off) * 1000
    overhead_ms = median_on - median_off
    paired_ms = statistics.median(a - b for a, b in zip(on, off, strict=True)) * 1000
    check_ms = statistics.median(check) * 1000
    print(f"API list of 20 plans, {args.rounds} rounds x {args.requests} interleaved pairs")
    print(f"throttle off: {rps_off:8.1f} req/s   median {median_off:.3f} ms")
    print(f"throttle on:  {rps_on:8.1f} req/s   median {median_on:.3f} ms")
    slower = (1 - rps_on / rps_off) * 100
    print(f"throughput ratio on/off: {rps_on / rps_off:.3f} ({slower:.1f}% slower)")
    print(
        f"median overhead per request: {overhead_ms:.3f} ms "
        f"({overhead_ms / median_off * 100:.1f}% of the unthrottled median)"
    )
    print(f"median of paired differences (on - off): {paired_ms:.3f} ms")
    print(f"time in the throttle (health check and upsert) per request: median {check_ms:.3f} ms")
    upsert_ms = statistics.median(upserts) * 1000
    print(f"one upsert on the '{alias}' connection alone: median {upsert_ms:.3f} ms")
    print("load average during the run (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*load))
    # The paired median is the least noisy estimate of the per-request cost.
    ok = paired_ms < 0.5 and slower < 10
    print("target (<10% and <0.5 ms at the median):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()

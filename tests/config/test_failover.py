"""A database failover costs no request: every connection the server drops between requests
is replaced by the next one, and the rate limiter still counts each hit once.

Requests go through Django's WSGI handler as gunicorn calls it, so `request_started` and
`request_finished` run Django's connection checks, on connections kept between requests as in
production (CONN_MAX_AGE; the test settings close them after each request) and with the rate
limiter on its own connection (the `ratelimit` alias). Between requests the server ends every
connection to the database with `pg_terminate_backend`, as an operator, a restart or a failover
does.
"""

from __future__ import annotations

from http import HTTPStatus
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import Client

from ratelimit.models import RateLimit
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])

API_QUOTA = 100


@pytest.fixture
def kept_connections(settings, monkeypatch):
    """Both aliases kept between requests, as production keeps them."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "api": {"ip": f"{API_QUOTA}/day", "user": f"{API_QUOTA}/day"},
    }
    aliases = ("default", "ratelimit")
    for alias in aliases:
        connection = connections[alias]
        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
        connection.close()  # reopened with these settings at its next use
    yield aliases
    for alias in aliases:
        connections[alias].close()


def _get(handler: WSGIHandler, path: str, cookie: str = "") -> tuple[int, dict[str, str]]:
    """One GET as a WSGI server makes it, closing the response (`request_finished`) after."""
    environ: dict = {}
    setup_testing_defaults(environ)
    environ["PATH_INFO"] = path
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    started = []
    result = handler(environ, lambda status, headers, exc_info=None: started.append(status))
    try:
        b"".join(result)
    finally:
        result.close()
    return int(started[0].split()[0]), dict(result.items())


def _terminate_every_connection() -> set[int]:
    """End every other backend of this database on the server, waiting until each is gone."""
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)  # Django's own; a plain psycopg connection here
    with psycopg.connect(**params, autocommit=True) as operator:
        rows = operator.execute(
            "SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    assert all(terminated for _, terminated in rows)
    return {pid for pid, _ in rows}


def _backend_pid(alias: str) -> int:
    return connections[alias].connection.info.backend_pid


@pytest.mark.parametrize("first", ["readyz", "web page", "api"])
def test_the_first_requests_after_every_connection_was_dropped_succeed(
    kept_connections, user, first
):
    """Whichever comes first: /readyz answers 200 on its first probe, the plan page and a
    throttled API read answer 200, and each API read is counted once."""
    plan = PlanFactory(user=user)
    paths = {"readyz": "/readyz", "web page": f"/plans/{plan.pk}/", "api": "/api/v1/plans/"}
    client = Client()
    client.force_login(user)
    cookie_name = django_settings.SESSION_COOKIE_NAME
    signed_in = f"{cookie_name}={client.cookies[cookie_name].value}"
    # A load balancer probes without cookies; the traveller is signed in.
    cookies = {"readyz": "", "web page": signed_in, "api": signed_in}
    handler = WSGIHandler()
    for name, path in paths.items():
        assert _get(handler, path, cookies[name])[0] == HTTPStatus.OK
    kept = {_backend_pid(alias) for alias in kept_connections}

    assert kept <= _terminate_every_connection()

    order = [first, *(name for name in paths if name != first)]
    responses = {name: _get(handler, paths[name], cookies[name]) for name in order}
    assert {name: status for name, (status, _) in responses.items()} == dict.fromkeys(
        paths, HTTPStatus.OK
    )
    assert responses["api"][1]["RateLimit-Remaining"] == str(API_QUOTA - 2)
    assert RateLimit.objects.get(identifier=str(user.pk)).request_count == 2
    assert not kept & {_backend_pid(alias) for alias in kept_connections}

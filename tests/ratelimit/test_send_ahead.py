"""Reads send their hit ahead on the counters' own connection and decide before touching data.

These run as deployed (`RATELIMIT_DATABASE_ALIAS = "ratelimit"`, its own autocommit connection),
so they commit and need transactional tests.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
import time_machine
from django.core.signals import got_request_exception, request_finished
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient, APIRequestFactory

from ratelimit import store
from ratelimit.models import RateLimit
from ratelimit.rates import Rate
from tests.factories import PlanFactory
from tests.ratelimit import urls as test_urls

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"]),
    pytest.mark.urls("tests.ratelimit.urls"),
]

NOON = "2030-03-10T12:00:00Z"
REFUSAL = {"detail": "Too many requests. Try again in 43200 seconds.", "retry_after": 43200}


@pytest.fixture
def api(rates, settings):
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    rates(api={"ip": "2/day", "user": "3/day"}, share={"ip": "2/hour"})
    return APIClient()


@pytest.fixture(autouse=True)
def _nothing_left_behind():
    """After every request: no check installed on any connection, no hit left unread."""
    yield
    assert [c.alias for c in connections.all() if c.execute_wrappers] == []
    assert not store.has_hit_in_flight(connections["ratelimit"])


def _view_queries(api, url: str, method: str = "get"):
    """The response, and the statements that ran on the request's own connection (without the
    transaction control of ATOMIC_REQUESTS). Only statements that went through are recorded:
    Django's query log also lists one stopped before it reached the database."""
    ran: list[str] = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        ran.append(sql)
        return result

    with connections["default"].execute_wrapper(record):
        response = getattr(api, method)(url)
    return response, ran


def _assert_refused(response):
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Type"] == "application/json"
    assert response.json() == REFUSAL
    assert response["Retry-After"] == "43200"
    assert (response["RateLimit-Limit"], response["RateLimit-Remaining"]) == ("2", "0")


def test_reads_are_counted_by_one_statement_on_the_counters_connection(api):
    with CaptureQueriesContext(connections["ratelimit"]) as counters:
        response, view_sql = _view_queries(api, "/test-api/count/")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"users": 0}
    assert [q["sql"].split()[:3] for q in counters.captured_queries] == [
        ["INSERT", "INTO", "rate_limits"]
    ]
    assert len(view_sql) == 1
    assert "COUNT(*)" in view_sql[0]
    assert RateLimit.objects.get().request_count == 1


def test_the_view_starts_before_the_count_is_read(api):
    assert api.get("/test-api/in-flight/").json() == {"in_flight": True}
    assert RateLimit.objects.get().request_count == 1


@time_machine.travel(NOON, tick=False)
def test_an_allowed_read_carries_the_headers_of_its_count(api):
    first = api.get("/test-api/count/")
    second = api.get("/test-api/ping/")  # no query in the view: decided after it
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("2", "1")
    assert (second["RateLimit-Limit"], second["RateLimit-Remaining"]) == ("2", "0")
    assert first["RateLimit-Reset"] == str(12 * 3600)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "url",
    [
        "/test-api/count/",  # decided before the view's query
        "/test-api/forgiving/",  # the view catches the refusal and queries again
        "/test-api/ping/",  # no query: decided when the view returns
        "/test-api/missing/",  # a 404, decided when the view returns
        "/test-api/lazy/",  # the query would run while the response is rendered
        "/test-api/rethrowing/",  # the view turns the refusal into an error of its own
    ],
)
def test_a_refused_read_runs_none_of_the_views_sql_and_gets_the_429(api, url):
    first, second = api.get(url), api.get(url)
    assert first.status_code == second.status_code != HTTPStatus.TOO_MANY_REQUESTS
    refused, view_sql = _view_queries(api, url)
    _assert_refused(refused)
    assert view_sql == []
    assert RateLimit.objects.get().request_count == 3


@time_machine.travel(NOON, tick=False)
def test_options_on_a_plan_is_refused_like_any_read(api, user):
    """DRF's metadata catches API errors around `get_object()`; the refusal must not vanish."""
    plan = PlanFactory(user=user)
    api.force_authenticate(user)
    assert [api.get("/test-api/ping/").status_code for _ in range(3)] == [HTTPStatus.OK] * 3
    refused = api.options(f"/api/v1/plans/{plan.pk}/")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"] == "43200"


@time_machine.travel(NOON, tick=False)
def test_head_is_refused_like_get(api):
    api.get("/test-api/count/")
    api.get("/test-api/count/")
    refused = api.head("/test-api/count/")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"] == "43200"


@time_machine.travel(NOON, tick=False)
def test_a_wrapped_view_inside_another_leaves_the_deciding_to_the_outer_one(api):
    """Each counts its hit; a refusal of the outer read is not undone by the inner view."""
    assert api.get("/test-api/nested/").json() == {"inner": 200, "users": 0}
    refused, view_sql = _view_queries(api, "/test-api/nested/")
    _assert_refused(refused)
    assert view_sql == []
    assert RateLimit.objects.get().request_count == 3


def test_views_called_directly_wait_for_their_count(api):
    """Outside `send_hits_ahead` (a request factory, a task) nothing is left to decide later."""
    view = test_urls.InFlightApi.as_view()
    responses = [view(APIRequestFactory().get("/x/")) for _ in range(3)]
    assert [r.status_code for r in responses] == [HTTPStatus.OK] * 2 + [429]
    assert responses[0].data == {"in_flight": False}
    assert RateLimit.objects.get().request_count == 3


def test_an_internal_sub_request_waits_and_leaves_nothing_behind(api):
    assert api.get("/test-api/sub-request/").json() == {"inner": 200, "count": 0}
    assert RateLimit.objects.get().request_count == 2


@time_machine.travel(NOON, tick=False)
def test_a_refused_read_ends_the_request_once(api):
    api.get("/test-api/ping/")
    api.get("/test-api/ping/")
    finished = []

    def count(**kwargs):
        finished.append(kwargs)

    request_finished.connect(count)
    try:
        _assert_refused(api.get("/test-api/ping/"))
    finally:
        request_finished.disconnect(count)
    assert len(finished) == 1


@pytest.mark.parametrize("url", ["/test-api/count/", "/test-api/ping/"])
def test_a_count_that_cannot_be_read_fails_the_read_once(api, monkeypatch, url):
    """Raised before the view's query (count) or when it returns (ping): one 500, reported
    once, and the request ends once."""

    def unreadable(pending):
        raise OperationalError("the counters' database is gone")

    monkeypatch.setattr(store, "_read_count", unreadable)
    api.raise_request_exception = False
    reported, finished = [], []

    def report(**kwargs):
        reported.append(kwargs)

    def finish(**kwargs):
        finished.append(kwargs)

    got_request_exception.connect(report)
    request_finished.connect(finish)
    try:
        failed = api.get(url)
    finally:
        got_request_exception.disconnect(report)
        request_finished.disconnect(finish)
    assert failed.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert (len(reported), len(finished)) == (1, 1)
    monkeypatch.undo()  # the next hit starts on a fresh connection
    assert api.get("/test-api/count/").status_code == HTTPStatus.OK


def test_the_real_api_sends_reads_ahead_and_waits_for_writes(api, user, monkeypatch):
    sent = []
    send_hit = store.send_hit

    def spy(**hit):
        sent.append(hit["scope"])
        return send_hit(**hit)

    monkeypatch.setattr(store, "send_hit", spy)
    api.force_authenticate(user)
    assert api.get("/api/v1/plans/").status_code == HTTPStatus.OK
    assert api.post("/api/v1/plans/", {"title": "Lisbon"}, format="json").status_code == 201
    assert sent == ["api"]
    assert RateLimit.objects.get().request_count == 2


def test_a_view_opening_its_own_execute_wrapper_keeps_both_in_order(api):
    response = api.get("/test-api/wrapped-ping/")
    assert response.status_code == HTTPStatus.OK
    assert response["RateLimit-Remaining"] == "1"


@time_machine.travel(NOON, tick=False)
def test_writes_wait_for_their_count_so_a_refused_one_does_nothing(api):
    test_urls.SIDE_EFFECTS.clear()
    assert [api.post("/test-api/count/").status_code for _ in range(2)] == [201, 201]
    refused = api.post("/test-api/count/")
    _assert_refused(refused)
    assert test_urls.SIDE_EFFECTS == ["posted", "posted"]


def test_a_read_refused_by_the_api_quota_does_not_spend_the_share_quota(api):
    codes = [api.get(f"/test-api/share/t{n}/").status_code for n in range(3)]
    assert codes == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    counts = dict(RateLimit.objects.values_list("scope", "request_count"))
    assert counts == {"api": 3, "share": 2}


def test_signed_in_reads_are_counted_per_user(api, user):
    api.force_authenticate(user)
    codes = [api.get("/test-api/count/").status_code for _ in range(4)]
    assert codes == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    row = RateLimit.objects.get()
    assert (row.identifier_type, row.identifier, row.request_count) == ("user", str(user.pk), 4)


DAILY_3 = Rate(3, 86400)


def _send():
    return store.send_hit(scope="api", identifier_type="ip", identifier="203.0.113.7", rate=DAILY_3)


def test_a_hit_nobody_read_is_read_before_the_next_one(settings):
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    _send()  # a view called without the middleware leaves it in flight
    assert _send().decision().remaining == 1
    assert (
        store.hit(
            scope="api", identifier_type="ip", identifier="203.0.113.7", rate=Rate(3, 86400)
        ).remaining
        == 0
    )
    assert RateLimit.objects.get().request_count == 3


def test_a_dead_connection_is_reopened_to_send_the_hit(settings):
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    assert _send().decision().remaining == 2
    connections["ratelimit"].connection.close()  # what a database restart does to it
    assert _send().decision().remaining == 1
    assert RateLimit.objects.get().request_count == 2


@pytest.mark.parametrize("close", ["psycopg", "django"])
def test_a_hit_in_flight_when_its_connection_is_closed_is_counted_once(settings, close):
    """The whole statement was sent, so the server ran it: its count is read, not made again."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    pending = _send()
    if close == "psycopg":
        connections["ratelimit"].connection.close()
    else:
        connections["ratelimit"].close()  # as at the end of a request, CONN_MAX_AGE passed
    assert (pending.decision().allowed, pending.decision().remaining) == (True, 2)
    assert RateLimit.objects.get().request_count == 1


def test_a_hit_still_running_when_its_connection_closed_is_read_once_it_is_done(settings):
    """The closed connection's server process finishes the hit it was sent (here: once a lock
    it waits on is released); the count is read after that, so it holds this hit, once."""
    import threading

    import psycopg

    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    assert _send().decision().remaining == 2
    params = connections["default"].get_connection_params()
    with psycopg.connect(**params, autocommit=False) as locker:
        locker.execute("SELECT request_count FROM rate_limits FOR UPDATE")
        pending = _send()  # waits on the row lock in its server process
        connections["ratelimit"].connection.close()
        threading.Timer(0.3, locker.commit).start()
        decision = pending.decision()
    assert (decision.allowed, decision.remaining) == (True, 1)
    assert RateLimit.objects.get().request_count == 2


def test_a_hit_nobody_read_is_not_counted_again_after_its_connection_closed(settings):
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    _send()
    connections["ratelimit"].close()
    assert _send().decision().remaining == 1
    assert RateLimit.objects.get().request_count == 2


@time_machine.travel("2030-03-10T23:59:59.123456-05:00", tick=False)
def test_a_hit_sent_ahead_stores_the_same_window_and_time_as_a_waited_one(settings):
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    store.send_hit(scope="api", identifier_type="ip", identifier="a", rate=DAILY_3).decision()
    store.hit(scope="api", identifier_type="ip", identifier="b", rate=DAILY_3)
    sent, waited = (RateLimit.objects.get(identifier=name) for name in "ab")
    assert (sent.window_start, sent.reset_date, sent.last_request) == (
        waited.window_start,
        waited.reset_date,
        waited.last_request,
    )
    assert sent.reset_date.isoformat() == "2030-03-11"  # 04:59 UTC on the 11th

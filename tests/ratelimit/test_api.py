"""The API throttle: default on every view, per IP or per user, headers and a JSON 429."""

from __future__ import annotations

from http import HTTPStatus

import pytest
import time_machine
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ratelimit.models import RateLimit
from ratelimit.throttling import ApiThrottle
from tests.factories import PlanFactory
from tests.ratelimit import urls as test_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ratelimit.urls")]

NOON = "2030-03-10T12:00:00Z"


@pytest.fixture
def api(rates):
    rates(api={"ip": "2/day", "user": "3/day"}, share={"ip": "2/hour"})
    return APIClient()


def test_every_api_view_uses_the_database_throttle_by_default(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "ratelimit.throttling.ApiThrottle"
    ]
    from tests.ratelimit.urls import PingApi

    assert [type(t) for t in PingApi().get_throttles()] == [ApiThrottle]


@time_machine.travel(NOON, tick=False)
def test_allowed_responses_carry_ratelimit_headers(api):
    first = api.get("/test-api/ping/")
    second = api.get("/test-api/ping/")
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("2", "1")
    assert (second["RateLimit-Limit"], second["RateLimit-Remaining"]) == ("2", "0")
    assert first["RateLimit-Reset"] == str(12 * 3600)  # seconds to 00:00 UTC
    assert "Retry-After" not in first


@time_machine.travel(NOON, tick=False)
def test_refused_api_request_is_429_json_with_retry_after(api):
    api.get("/test-api/ping/")
    api.get("/test-api/ping/")
    refused = api.get("/test-api/ping/")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Content-Type"] == "application/json"
    assert refused.json() == {
        "detail": "Too many requests. Try again in 43200 seconds.",
        "retry_after": 43200,
    }
    assert refused["Retry-After"] == "43200"
    assert (refused["RateLimit-Limit"], refused["RateLimit-Remaining"]) == ("2", "0")


def test_anonymous_clients_are_counted_per_ip(api):
    assert api.get("/test-api/ping/", REMOTE_ADDR="203.0.113.1").status_code == HTTPStatus.OK
    assert api.get("/test-api/ping/", REMOTE_ADDR="203.0.113.1").status_code == HTTPStatus.OK
    refused = api.get("/test-api/ping/", REMOTE_ADDR="203.0.113.1")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert api.get("/test-api/ping/", REMOTE_ADDR="203.0.113.2").status_code == HTTPStatus.OK


def test_a_spoofed_forwarded_for_does_not_buy_more_requests(api):
    for n in range(2):
        response = api.get("/test-api/ping/", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
        assert response.status_code == HTTPStatus.OK
    refused = api.get("/test-api/ping/", HTTP_X_FORWARDED_FOR="1.1.1.99")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert list(RateLimit.objects.values_list("identifier", flat=True)) == ["127.0.0.1"]


def test_forwarded_for_from_a_trusted_proxy_separates_clients(api, settings):
    settings.RATELIMIT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(3):
        response = api.get(
            "/test-api/ping/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )
        assert response.status_code == HTTPStatus.OK
    assert sorted(RateLimit.objects.values_list("identifier", flat=True)) == [
        "198.51.100.0",
        "198.51.100.1",
        "198.51.100.2",
    ]


def test_ipv6_neighbours_in_one_64_share_a_quota(api):
    assert api.get("/test-api/ping/", REMOTE_ADDR="2001:db8::1").status_code == HTTPStatus.OK
    assert api.get("/test-api/ping/", REMOTE_ADDR="2001:db8::2").status_code == HTTPStatus.OK
    refused = api.get("/test-api/ping/", REMOTE_ADDR="2001:db8::ffff")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    elsewhere = api.get("/test-api/ping/", REMOTE_ADDR="2001:db8:0:1::1")
    assert elsewhere.status_code == HTTPStatus.OK


def test_signed_in_clients_are_counted_per_user_with_their_own_quota(api, user, other_user):
    api.force_authenticate(user)
    codes = [api.get("/test-api/ping/").status_code for _ in range(4)]
    assert codes == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    api.force_authenticate(other_user)
    assert api.get("/test-api/ping/").status_code == HTTPStatus.OK
    row = RateLimit.objects.get(identifier=str(user.pk))
    assert (row.identifier_type, row.scope) == ("user", "api")


def test_share_link_lookups_have_their_own_per_ip_quota(api, user):
    api.force_authenticate(user)  # signed in or not, guessing tokens is limited per IP
    codes = [api.get(f"/test-api/share/token{n}/").status_code for n in range(3)]
    assert codes == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    share = RateLimit.objects.get(scope="share")
    assert (share.identifier_type, share.identifier) == ("ip", "127.0.0.1")


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_failed_requests_still_count_on_the_dedicated_connection(api, settings):
    """A 404 makes DRF roll the request transaction back; the hit must survive it."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    codes = [api.get("/test-api/missing/").status_code for _ in range(3)]
    assert codes == [HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND, HTTPStatus.TOO_MANY_REQUESTS]
    assert RateLimit.objects.get().request_count == 3


def test_the_throttle_costs_one_statement_per_request(api, django_assert_num_queries):
    """Besides the request's own savepoint (ATOMIC_REQUESTS), the only statement is the upsert."""
    with django_assert_num_queries(3) as captured:
        api.get("/test-api/ping/")
    statements = [
        q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"].upper()
    ]
    assert len(statements) == 1
    assert statements[0].lstrip().startswith("INSERT INTO rate_limits")


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_a_request_is_counted_by_one_statement_on_the_counters_connection(api, settings):
    """As deployed: the upsert on the counters' own connection, the view's query on its own."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    with (
        CaptureQueriesContext(connections["ratelimit"]) as counters,
        CaptureQueriesContext(connections["default"]) as view,
    ):
        response = api.get("/test-api/count/")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"users": 0}
    assert [q["sql"].split()[:3] for q in counters.captured_queries] == [
        ["INSERT", "INTO", "rate_limits"]
    ]
    view_sql = [q["sql"] for q in view.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(view_sql) == 1
    assert "COUNT(*)" in view_sql[0]
    assert RateLimit.objects.get().request_count == 1


@time_machine.travel(NOON, tick=False)
def test_a_refused_request_runs_none_of_the_views_work(api):
    """Neither its SQL (a read) nor what it does beyond the database (a write)."""
    test_urls.SIDE_EFFECTS.clear()
    assert [api.post("/test-api/count/").status_code for _ in range(2)] == [201, 201]
    with CaptureQueriesContext(connections["default"]) as captured:
        refused_read = api.get("/test-api/count/")
        refused_write = api.post("/test-api/count/")
    for refused in (refused_read, refused_write):
        assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert refused["Retry-After"] == "43200"
    assert not any("COUNT(*)" in q["sql"] for q in captured.captured_queries)
    assert test_urls.SIDE_EFFECTS == ["posted", "posted"]


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("method", ["head", "options"])
def test_head_and_options_are_counted_and_refused_like_get(api, user, method):
    plan = PlanFactory(user=user)
    api.force_authenticate(user)
    assert [api.get("/test-api/ping/").status_code for _ in range(3)] == [HTTPStatus.OK] * 3
    refused = getattr(api, method)(f"/api/v1/plans/{plan.pk}/")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"] == "43200"


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_a_request_refused_by_the_api_quota_does_not_spend_the_share_quota(api, settings):
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    codes = [api.get(f"/test-api/share/t{n}/").status_code for n in range(3)]
    assert codes == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    counts = dict(RateLimit.objects.values_list("scope", "request_count"))
    assert counts == {"api": 3, "share": 2}

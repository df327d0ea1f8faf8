"""The counter: one statement per check, exact under concurrency, fixed UTC windows."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest
import time_machine
from django.db import OperationalError, close_old_connections, connections
from django.test import Client, override_settings

from ratelimit import store
from ratelimit.models import RateLimit
from ratelimit.rates import Rate

pytestmark = pytest.mark.django_db

UTC = dt.UTC


DAILY_3 = Rate(3, 86400)


def _hit(rate=DAILY_3, identifier="203.0.113.9", **kwargs):
    return store.hit(scope="api", identifier_type="ip", identifier=identifier, rate=rate, **kwargs)


def test_one_check_is_exactly_one_sql_statement(django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        _hit()
    assert captured.captured_queries[0]["sql"].lstrip().startswith("INSERT INTO rate_limits")
    with django_assert_num_queries(1):
        _hit()


def test_the_limit_allows_exactly_n_then_refuses_with_counts():
    moment = dt.datetime(2030, 5, 17, 22, 0, tzinfo=UTC)
    decisions = [_hit(at=moment) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert decisions[0].reset_at == dt.datetime(2030, 5, 18, tzinfo=UTC)
    assert decisions[0].reset_after == 2 * 3600
    assert decisions[0].retry_after == 0
    assert decisions[3].retry_after == 2 * 3600
    row = RateLimit.objects.get()
    # Refused requests are counted too: the admin shows how hard someone pushes.
    assert (row.request_count, row.reset_date, row.scope) == (5, dt.date(2030, 5, 17), "api")
    assert row.window_start == dt.datetime(2030, 5, 17, tzinfo=UTC)
    assert row.last_request == moment


def test_identifiers_types_and_scopes_are_counted_separately():
    rate = Rate(1, 3600)
    assert _hit(rate=rate, identifier="a").allowed
    assert _hit(rate=rate, identifier="b").allowed
    assert store.hit(scope="share", identifier_type="ip", identifier="a", rate=rate).allowed
    assert store.hit(scope="api", identifier_type="user", identifier="a", rate=rate).allowed
    assert not _hit(rate=rate, identifier="a").allowed


def test_daily_window_rolls_over_at_utc_midnight():
    with time_machine.travel(dt.datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC), tick=False):
        assert [_hit(rate=Rate(2, 86400)).allowed for _ in range(3)] == [True, True, False]
        refused = _hit(rate=Rate(2, 86400))
        assert refused.retry_after == 1
    with time_machine.travel(dt.datetime(2030, 1, 2, 0, 0, 0, tzinfo=UTC), tick=False):
        fresh = _hit(rate=Rate(2, 86400))
    assert fresh.allowed
    assert fresh.remaining == 1
    assert fresh.reset_at == dt.datetime(2030, 1, 3, tzinfo=UTC)
    assert RateLimit.objects.count() == 2


def test_fifteen_minute_windows_start_on_the_quarter_hour():
    with time_machine.travel(dt.datetime(2030, 1, 1, 10, 14, 30, tzinfo=UTC), tick=False):
        assert _hit(rate=Rate(1, 900)).allowed
        refused = _hit(rate=Rate(1, 900))
    assert not refused.allowed
    assert refused.reset_at == dt.datetime(2030, 1, 1, 10, 15, tzinfo=UTC)
    assert refused.retry_after == 30
    with time_machine.travel(dt.datetime(2030, 1, 1, 10, 15, tzinfo=UTC), tick=False):
        assert _hit(rate=Rate(1, 900)).allowed


def _race(workers: int, attempts_per_worker: int, attempt) -> list:
    """Run `attempt()` from several threads, each with its own database connection."""
    barrier = threading.Barrier(workers)
    results: list = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            mine = [attempt() for _ in range(attempts_per_worker)]
            with lock:
                results.extend(mine)
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_exactly_n_of_4n_concurrent_checks_are_allowed_and_none_is_lost():
    limit = 20
    results = _race(8, limit * 4 // 8, lambda: _hit(rate=Rate(limit, 86400)).allowed)
    assert len(results) == 4 * limit
    assert results.count(True) == limit
    assert RateLimit.objects.get().request_count == 4 * limit


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_exactly_n_of_4n_concurrent_api_requests_get_through(rates, settings):
    """Through the real stack as deployed: DRF throttle, the counters' own autocommit connection,
    one connection per thread; refused requests are counted too."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    limit = 12
    rates(api={"ip": f"{limit}/day", "user": "1/day"})

    def request():
        return Client().get("/test-api/ping/").status_code

    with override_settings(ROOT_URLCONF="tests.ratelimit.urls"):
        codes = _race(6, limit * 4 // 6, request)
    assert sorted(set(codes)) == [200, 429]
    assert codes.count(200) == limit
    assert RateLimit.objects.get(scope="api").request_count == 4 * limit


@pytest.mark.django_db(databases=["default", "ratelimit"])
def test_the_counters_connection_autocommits_without_waiting_for_the_wal_flush():
    connection = connections["ratelimit"]
    assert connection.settings_dict["ATOMIC_REQUESTS"] is False
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)


@pytest.fixture
def kept_counters(settings, monkeypatch):
    """The counters' own connection, kept between requests as production keeps it."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    counters = connections["ratelimit"]
    monkeypatch.setitem(counters.settings_dict, "CONN_MAX_AGE", 60)
    counters.close()  # reopened with that setting at its next use
    yield counters
    counters.close()


def _terminate_on_the_server(pid: int) -> None:
    """What a restart or a failover does to a connection, as an operator does it."""
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)  # Django's own; a plain psycopg connection here
    with psycopg.connect(**params, autocommit=True) as operator:
        operator.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_a_counters_connection_dropped_between_requests_is_replaced_before_the_hit(
    kept_counters,
):
    """The next request's health check finds it dead: the hit goes out once, on a new
    connection, so it is neither lost nor counted twice."""
    assert _hit().remaining == 2
    dropped = kept_counters.connection.info.backend_pid
    _terminate_on_the_server(dropped)
    close_old_connections()  # a request starts, as Django's handler starts one
    assert _hit().remaining == 1
    assert kept_counters.connection.info.backend_pid != dropped
    assert RateLimit.objects.get().request_count == 2


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_a_hit_whose_connection_fails_under_it_is_not_sent_again(kept_counters):
    """The server may have counted it before the connection went, so the hit fails rather
    than risk a second count; the next request gets a new connection."""
    assert _hit().remaining == 2
    _terminate_on_the_server(kept_counters.connection.info.backend_pid)
    with pytest.raises(OperationalError):
        _hit()  # within the same request: its connection was checked when it started
    close_old_connections()
    assert _hit().remaining == 1
    assert RateLimit.objects.get().request_count == 2

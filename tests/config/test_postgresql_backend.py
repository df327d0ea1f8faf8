"""The database backend checks a kept connection only after it sat idle (config.postgresql).

Each test starts "requests" the way Django's handler does (`close_old_connections` on
request_started) on a persistent connection, and counts the health checks (`is_usable`).
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection, connections

from config.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kept_connection(monkeypatch):
    """The default connection as production keeps it: persistent, health-checked."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    connection.ensure_connection()
    yield connection
    connection.close()


@pytest.fixture
def health_checks(monkeypatch):
    """How many times the backend ran its `SELECT 1` check."""
    calls = []
    real = DatabaseWrapper.is_usable

    def counting(self):
        calls.append(self.alias)
        return real(self)

    monkeypatch.setattr(DatabaseWrapper, "is_usable", counting)
    return calls


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _request_query() -> int:
    """A new request (as Django's handler starts one), then its first query."""
    close_old_connections()
    return _backend_pid()


def test_every_connection_uses_this_backend():
    assert all(isinstance(connections[alias], DatabaseWrapper) for alias in connections)


def test_a_connection_used_a_moment_ago_is_not_checked(settings, kept_connection, health_checks):
    settings.DATABASE_HEALTH_CHECK_AFTER_IDLE = 60
    first = _backend_pid()
    assert _request_query() == first
    assert _request_query() == first
    assert health_checks == []


def test_an_idle_connection_is_checked_before_the_next_request_uses_it(
    settings, kept_connection, health_checks
):
    settings.DATABASE_HEALTH_CHECK_AFTER_IDLE = 0
    first = _backend_pid()
    assert _request_query() == first
    assert health_checks == ["default"]
    _backend_pid()  # the same request's next query is not checked again
    assert health_checks == ["default"]


def _drop_on_the_server(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_the_server_dropped_while_idle_is_replaced(settings, kept_connection):
    """The point of the check: the next request gets a new connection, not an error."""
    settings.DATABASE_HEALTH_CHECK_AFTER_IDLE = 0
    dropped = _backend_pid()
    _drop_on_the_server(dropped)
    assert _request_query() != dropped


def test_a_connection_dropped_right_after_use_fails_one_request(settings, kept_connection):
    """The documented price of skipping the check: one failed request, then a new connection."""
    settings.DATABASE_HEALTH_CHECK_AFTER_IDLE = 60
    dropped = _backend_pid()
    _drop_on_the_server(dropped)
    with pytest.raises(OperationalError):
        _request_query()
    assert _request_query() != dropped

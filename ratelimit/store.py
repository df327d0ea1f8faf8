"""The counter: one atomic upsert per check, exact under any number of processes."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import selectors
import time
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    Error,
    InterfaceError,
    OperationalError,
    connections,
)
from django.utils import timezone

from ratelimit.rates import Rate

_UPSERT = """
    INSERT INTO rate_limits
        (identifier, identifier_type, scope, window_start, reset_date, request_count, last_request)
    VALUES (%s, %s, %s, %s, %s, 1, %s)
    ON CONFLICT (identifier, identifier_type, scope, window_start)
    DO UPDATE SET request_count = rate_limits.request_count + 1,
                  last_request = EXCLUDED.last_request
    RETURNING request_count
"""
# The same statement for libpq's own placeholders, sent by `send_hit` without waiting.
_UPSERT_SENT = (_UPSERT % tuple(f"${n}" for n in range(1, 7))).encode()


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one check, with what the response headers need."""

    allowed: bool
    scope: str
    limit: int
    remaining: int
    reset_at: dt.datetime
    reset_after: int  # whole seconds until the window rolls over (RateLimit-Reset)
    retry_after: int  # seconds to wait when refused (Retry-After); 0 when allowed


def now() -> dt.datetime:
    """The clock the store uses; tests move it with time-machine."""
    return timezone.now()


def window_start(moment: dt.datetime, period: int) -> dt.datetime:
    """Start of the fixed window holding `moment`, aligned to the epoch (so to UTC midnight)."""
    epoch = int(moment.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % period, tz=dt.UTC)


def _upsert(connection, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, params)
        return cursor.fetchone()[0]


def _decide(scope: str, rate: Rate, count: int, moment: dt.datetime, reset_at) -> Decision:
    allowed = count <= rate.limit
    reset_after = max(1, math.ceil((reset_at - moment).total_seconds()))
    return Decision(
        allowed=allowed,
        scope=scope,
        limit=rate.limit,
        remaining=max(0, rate.limit - count),
        reset_at=reset_at,
        reset_after=reset_after,
        retry_after=0 if allowed else reset_after,
    )


def _hit_params(scope: str, identifier_type: str, identifier: str, rate: Rate, moment):
    """The upsert's parameters for a hit at `moment`, and when its window resets."""
    start = window_start(moment, rate.period)
    params = [identifier, identifier_type, scope, start, start.date(), moment]
    return params, start + dt.timedelta(seconds=rate.period)


def hit(
    *,
    scope: str,
    identifier_type: str,
    identifier: str,
    rate: Rate,
    at: dt.datetime | None = None,
) -> Decision:
    """Count one request and say whether it fits the quota; exactly one SQL statement."""
    moment = at or now()
    params, reset_at = _hit_params(scope, identifier_type, identifier, rate, moment)
    connection = connections[settings.RATELIMIT_DATABASE_ALIAS]
    _read_hit_in_flight(connection)
    return _decide(scope, rate, _upsert_reconnecting(connection, params), moment, reset_at)


def _upsert_reconnecting(connection, params: list) -> int:
    try:
        return _upsert(connection, params)
    except (InterfaceError, OperationalError):
        # A persistent connection the database dropped (restart, failover): reconnect once.
        # Inside a transaction the caller's work is lost anyway, so the error is theirs.
        if connection.in_atomic_block:
            raise
        connection.close()
        return _upsert(connection, params)


# Sending now and reading later: the counters' round trip overlaps the request's own work.
#
# On a quiet server most of a hit's cost is waiting: for the database backend to wake up and
# answer, then for this process to be woken by the reply (about 0.4 ms on a 2-core VM, where the
# statement itself takes 0.05 ms). `send_hit` writes the upsert to the counters' connection and
# returns at once; `PendingHit.decision()` reads the count when it is needed. Counting is the
# same single statement, so it stays exact (but for a hit whose connection closed before its
# answer was read, see `_count_of_sent_hit`).

_IN_FLIGHT_ATTR = "_ratelimit_in_flight"


def can_send_ahead() -> bool:
    """Whether hits go over a connection of their own, so one can be in flight during the request.

    Not when the counters share the request's connection (tests point the alias at `default`),
    nor inside a transaction on the counters' connection, where the wait is the caller's.
    """
    alias = settings.RATELIMIT_DATABASE_ALIAS
    return alias != DEFAULT_DB_ALIAS and not connections[alias].in_atomic_block


class PendingHit:
    """An upsert sent on the counters' connection whose answer has not been read yet."""

    def __init__(self, connection, params: list, scope: str, rate: Rate, moment, reset_at):
        self.connection = connection
        self.params = params
        self.scope = scope
        self.rate = rate
        self.moment = moment
        self.reset_at = reset_at
        self.sent_at = time.perf_counter()
        self.pgconn = None  # the physical connection it went out on
        self.backend_pid: int | None = None  # the server process that runs it
        self.count: int | None = None
        self.error: Exception | None = None

    def decision(self) -> Decision:
        """Wait for the count if it has not arrived, and decide; the same answer (or the same
        database error) on every call."""
        if self.count is None and self.error is None:
            if getattr(self.connection, _IN_FLIGHT_ATTR, None) is self:
                setattr(self.connection, _IN_FLIGHT_ATTR, None)
            try:
                self.count = _read_count(self)
            except Error as exc:
                self.error = exc
                self.connection.close()  # whatever its state, the next hit starts afresh
        if self.error is not None:
            raise self.error
        return _decide(self.scope, self.rate, self.count, self.moment, self.reset_at)


def send_hit(*, scope: str, identifier_type: str, identifier: str, rate: Rate) -> PendingHit:
    """Send one hit's upsert and return without waiting for its count (see `can_send_ahead`)."""
    moment = now()
    params, reset_at = _hit_params(scope, identifier_type, identifier, rate, moment)
    connection = connections[settings.RATELIMIT_DATABASE_ALIAS]
    pending = PendingHit(connection, params, scope, rate, moment, reset_at)
    _read_hit_in_flight(connection)
    try:
        connection.ensure_connection()
        pgconn = pending.pgconn = connection.connection.pgconn
        pending.backend_pid = pgconn.backend_pid
        # Text parameters, which PostgreSQL reads by the columns' types (ISO 8601 for the
        # window's date and times, offsets included).
        sent = [
            (value.isoformat() if isinstance(value, dt.date) else str(value)).encode()
            for value in params
        ]
        pgconn.send_query_params(_UPSERT_SENT, sent)
        _flush(pgconn)
    except (psycopg.Error, InterfaceError, OperationalError):
        # Dead connection: fall back to the ordinary hit, which reconnects once.
        connection.close()
        pending.count = _upsert_reconnecting(connection, params)
        return pending
    setattr(connection, _IN_FLIGHT_ATTR, pending)
    return pending


def _wait(pgconn, events: int) -> int:
    with selectors.DefaultSelector() as selector:
        selector.register(pgconn.socket, events)
        return selector.select()[0][1]


def _flush(pgconn) -> None:
    """Send what libpq buffered; the connection is non-blocking (libpq's PQflush protocol)."""
    while pgconn.flush():
        if _wait(pgconn, selectors.EVENT_READ | selectors.EVENT_WRITE) & selectors.EVENT_READ:
            pgconn.consume_input()


def _read_count(pending: PendingHit) -> int:
    connection = pending.connection
    raw = connection.connection
    if raw is None or raw.closed or raw.pgconn is not pending.pgconn:
        # Closed (by this process, in practice) after the whole statement went out: the server
        # ran it before it read the close, so read what it counted rather than count again.
        if raw is not None and raw.closed:
            connection.close()
        return _count_of_sent_hit(connection, pending.params, pending.backend_pid)
    pgconn = pending.pgconn
    try:
        pgconn.consume_input()
        while pgconn.is_busy():
            _wait(pgconn, selectors.EVENT_READ)
            pgconn.consume_input()
        results = []
        while (result := pgconn.get_result()) is not None:
            results.append(result)
    except psycopg.OperationalError:
        # The server went away with the hit in flight (restart, failover), most likely
        # without committing it: count it on a new connection.
        connection.close()
        return _upsert(connection, pending.params)
    if len(results) != 1:  # one statement sent, so one result, unless the protocol broke
        connection.close()
        raise InterfaceError(f"expected one result for the rate-limit hit, got {len(results)}")
    (result,) = results
    if result.status != psycopg.pq.ExecStatus.TUPLES_OK:
        with connection.wrap_database_errors:
            raise psycopg.errors.error_from_result(result, encoding=raw.info.encoding)
    if connection.queries_logged:  # DEBUG, or a test counting this connection's queries
        elapsed = time.perf_counter() - pending.sent_at
        connection.queries_log.append({"sql": _UPSERT.strip(), "time": f"{elapsed:.3f}"})
    return int(result.get_value(0, 0))


_SENT_HIT_COUNT = """
    SELECT request_count FROM rate_limits
    WHERE identifier = %s AND identifier_type = %s AND scope = %s AND window_start = %s
"""


_BACKEND_ALIVE = "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)"
# How long to wait for the closed connection's server process to finish the hit it was sent.
BACKEND_EXIT_WAIT_SECONDS = 2.0


def _count_of_sent_hit(connection, params: list, backend_pid: int | None) -> int:
    """The window's count now, read without counting again (upserted if the row is missing).

    Only for a hit whose answer was lost with its connection, which `send_hits_ahead` makes
    rare: the count may include hits made since. The server process of the closed connection
    (`backend_pid`) may still be running the hit (under load, or waiting on the row's lock)
    when this new connection looks: it is waited for, up to BACKEND_EXIT_WAIT_SECONDS, so that
    its commit is read instead of a missing row being counted a second time. Past that wait
    the hit may be counted twice; every other path is exact.
    """
    with connection.cursor() as cursor:
        if backend_pid is not None:
            deadline = time.monotonic() + BACKEND_EXIT_WAIT_SECONDS
            cursor.execute(_BACKEND_ALIVE, [backend_pid])
            while cursor.fetchone()[0] and time.monotonic() < deadline:
                time.sleep(0.002)
                cursor.execute(_BACKEND_ALIVE, [backend_pid])
        cursor.execute(_SENT_HIT_COUNT, params[:4])
        row = cursor.fetchone()
    return row[0] if row is not None else _upsert(connection, params)


def has_hit_in_flight(connection) -> bool:
    """Whether a hit sent on `connection` has not been read yet."""
    return getattr(connection, _IN_FLIGHT_ATTR, None) is not None


def _read_hit_in_flight(connection) -> None:
    """Read a hit nobody read (its request ended without deciding) before the next statement.

    Its count is kept for whoever still holds it; a database error belongs to that request,
    not to the one about to use the connection, so it is not raised here.
    """
    pending = getattr(connection, _IN_FLIGHT_ATTR, None)
    if pending is not None:
        with contextlib.suppress(Error):
            pending.decision()

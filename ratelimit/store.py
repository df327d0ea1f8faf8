"""The counter: one atomic upsert per check, exact under any number of processes."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
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
    start = window_start(moment, rate.period)
    reset_at = start + dt.timedelta(seconds=rate.period)
    connection = connections[settings.RATELIMIT_DATABASE_ALIAS]
    params = [identifier, identifier_type, scope, start, start.date(), moment]
    try:
        count = _upsert(connection, params)
    except (InterfaceError, OperationalError):
        # A persistent connection the database dropped (restart, failover): reconnect once.
        # Inside a transaction the caller's work is lost anyway, so the error is theirs.
        if connection.in_atomic_block:
            raise
        connection.close()
        count = _upsert(connection, params)
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

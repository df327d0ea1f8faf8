"""The counter: one atomic upsert per check, exact under any number of processes.

The upsert runs on the counters' own connection (`RATELIMIT_DATABASE_ALIAS`), in autocommit,
and goes to the server once per hit, never twice:

- A connection the server dropped between requests (a restart, a failover, an operator's
  `pg_terminate_backend`) is found by Django's health check (`CONN_HEALTH_CHECKS`, a
  `SELECT 1` before the connection's first statement in each request) and replaced before the
  upsert is sent, so the hit is counted once, on the new connection.
- The upsert itself is never retried. A connection that fails while the statement is out may
  have committed it, and nothing on the client can tell: a second attempt could count the
  request twice. That one request fails instead (it was in flight when the database went), and
  Django replaces the connection at the next request.

Code that counts hits outside a request (a long-running task) calls `close_old_connections()`
between units of work, as Django advises for any persistent connection.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
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
    params = [identifier, identifier_type, scope, start, start.date(), moment]
    with connections[settings.RATELIMIT_DATABASE_ALIAS].cursor() as cursor:
        cursor.execute(_UPSERT, params)
        (count,) = cursor.fetchone()
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

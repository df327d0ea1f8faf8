"""Django's PostgreSQL backend, without the health check on a connection used a moment ago.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before each request's first query, so that a
connection the server dropped while it sat idle (a restart, an idle timeout, a failover) is
replaced instead of failing the request. A busy worker's connection opened its last cursor a
few milliseconds earlier, and there the check is one more round trip (0.4-0.6 ms on the bench
machine) that finds nothing. This backend checks only a connection that has opened no cursor
for DATABASE_HEALTH_CHECK_AFTER_IDLE seconds.

The price: when the server drops connections (a restart, a failover), a worker that served a
request in the second before fails its next request once, where stock Django would have
reconnected it; the request after that reconnects (tests/config/test_postgresql_backend.py).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _last_used: float = float("-inf")

    def create_cursor(self, name=None):
        self._last_used = time.monotonic()
        return super().create_cursor(name)

    def close_if_health_check_failed(self):
        idle = time.monotonic() - self._last_used
        if idle < settings.DATABASE_HEALTH_CHECK_AFTER_IDLE:
            self.health_check_done = True
        super().close_if_health_check_failed()

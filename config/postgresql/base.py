"""Django's PostgreSQL backend, without the health check on a connection used a moment ago.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before each request's first query, so that a
connection the server dropped while it sat idle (a restart, an idle timeout, a failover) is
replaced instead of failing the request. A busy worker's connection ran its last statement a
few milliseconds earlier, and there the check is one more round trip (0.4-0.6 ms on the bench
machine) that finds nothing. This backend checks only a connection that has run nothing for
DATABASE_HEALTH_CHECK_AFTER_IDLE seconds; a server that drops a connection sooner than that
fails the same request it would have failed mid-flight.
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

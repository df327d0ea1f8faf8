"""Writes to the counters other than the per-request hit: admin resets and housekeeping."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connections, transaction
from django.db.models import QuerySet

from ratelimit.models import RateLimit


def rate_limits_reset(*, rate_limits: QuerySet[RateLimit], actor) -> int:
    """Zero the selected counters and record who did it in the admin log, atomically."""
    with transaction.atomic():
        rows = list(rate_limits.select_for_update().only("pk", "scope"))
        if not rows:
            return 0
        pks = [row.pk for row in rows]
        RateLimit.objects.filter(pk__in=pks).update(request_count=0)
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=RateLimit.objects.filter(pk__in=pks),
            action_flag=CHANGE,
            change_message="Reset the request count to 0.",
        )
    return len(pks)


_PURGE_BATCH = """
    DELETE FROM rate_limits
    WHERE id IN (
        SELECT id FROM rate_limits
        WHERE reset_date <= %s AND window_start < %s
        ORDER BY id
        LIMIT %s
        FOR UPDATE SKIP LOCKED
    )
"""


def rate_limits_purge(
    *, before: dt.datetime, batch_size: int = 5000, using: str = "default"
) -> int:
    """Delete windows that started before `before`, `batch_size` rows per short transaction.

    Each batch commits on its own, so no lock outlives one small DELETE; rows a live request is
    incrementing are skipped (SKIP LOCKED) and picked up on the next run.
    """
    deleted = 0
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(_PURGE_BATCH, [before.astimezone(dt.UTC).date(), before, batch_size])
            batch = cursor.rowcount
        deleted += batch
        if batch < batch_size:
            return deleted

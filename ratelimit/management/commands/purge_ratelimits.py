"""Delete old rate-limit windows: `manage.py purge_ratelimits --older-than 7d`.

Safe from cron or a Procfile scheduler: it deletes in batches of `--batch-size` rows, each in its
own short transaction (no long locks, rows being counted right now are skipped), and running it
twice is harmless. Keep at least the longest window (a day) so no live counter is removed.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ratelimit.services import rate_limits_purge

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> dt.timedelta:
    """ "7d", "12h", "90m", "2w" -> timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 90m, 12h, 7d or 2w.")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = "Delete rate-limit windows that started longer ago than --older-than (default 7d)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", default="7d", help="e.g. 7d, 36h, 2w (default 7d)")
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per transaction")

    def handle(self, *args, older_than: str, batch_size: int, verbosity: int, **options):
        try:
            age = parse_duration(older_than)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if age < dt.timedelta(days=1):
            raise CommandError("--older-than must be at least 1d so live daily windows are kept.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        before = timezone.now() - age
        deleted = rate_limits_purge(before=before, batch_size=batch_size)
        if verbosity:
            self.stdout.write(
                f"Deleted {deleted} rate-limit windows that started before "
                f"{before:%Y-%m-%d %H:%M} UTC."
            )

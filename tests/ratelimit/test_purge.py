"""`purge_ratelimits` deletes only windows older than asked, in batches."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ratelimit import store
from ratelimit.models import RateLimit
from ratelimit.rates import Rate

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2030, 6, 15, 12, 0, tzinfo=dt.UTC)


def _window(days_ago: float, identifier: str, period: int = 86400) -> None:
    at = NOW - dt.timedelta(days=days_ago)
    store.hit(scope="api", identifier_type="ip", identifier=identifier, rate=Rate(9, period), at=at)


@time_machine.travel(NOW, tick=False)
def test_purge_deletes_only_windows_older_than_asked_in_batches():
    for n in range(5):
        _window(10, f"old-{n}")
    _window(7.01, "just-too-old", period=900)
    _window(6.99, "just-young-enough", period=900)
    _window(1, "yesterday")
    _window(0, "today")
    out = StringIO()
    call_command("purge_ratelimits", "--older-than", "7d", "--batch-size", "2", stdout=out)
    assert sorted(RateLimit.objects.values_list("identifier", flat=True)) == [
        "just-young-enough",
        "today",
        "yesterday",
    ]
    assert (
        "Deleted 6 rate-limit windows that started before 2030-06-08 12:00 UTC." in out.getvalue()
    )


@time_machine.travel(NOW, tick=False)
def test_purge_defaults_to_seven_days_and_is_safe_to_rerun():
    _window(8, "old")
    _window(0, "today")
    call_command("purge_ratelimits", verbosity=0)
    call_command("purge_ratelimits", verbosity=0)
    assert list(RateLimit.objects.values_list("identifier", flat=True)) == ["today"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "seven days"], "not a duration"),
        (["--older-than", "12h"], "at least 1d"),
        (["--batch-size", "0"], "at least 1"),
    ],
)
def test_purge_rejects_bad_arguments_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("purge_ratelimits", *args)

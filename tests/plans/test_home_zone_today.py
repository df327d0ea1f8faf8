""" "Today" on the website is the date in the traveller's home time zone (their profile's),
set per request by accounts.middleware.UserTimezoneMiddleware: days to go, "starts today",
the dashboard's upcoming, happening now and past. A plan's dates stay calendar dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 1 June: already 11:30 on 2 June in Auckland, still 13:30 on 1 June in Honolulu.
LATE_EVENING_UTC = dt.datetime(2030, 6, 1, 23, 30, tzinfo=dt.UTC)
JUNE_2 = dt.date(2030, 6, 2)


def badges(content: str) -> list[str]:
    return re.findall(r'<span class="badge[^"]*">([^<]+)</span>', content)


def starts_in(content: str) -> str:
    match = re.search(r'<span class="plan-facts-note">([^<]+)</span>', content)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("home", "badge", "header"),
    [
        ("Pacific/Auckland", "Starts today", "starts today"),
        ("UTC", "1 day to go", "starts in 1 day"),
        ("Pacific/Honolulu", "1 day to go", "starts in 1 day"),
    ],
)
@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_days_to_go_count_from_the_date_at_home(client, home, badge, header):
    """A trip starting on 2 June starts today in Auckland while it is still 1 June in UTC; the
    plan's own zone (its destination) plays no part."""
    user = UserFactory(timezone=home, locale="en-GB")
    plan = PlanFactory(user=user, start_date=JUNE_2, end_date=None, timezone="America/New_York")
    client.force_login(user)

    dashboard = client.get(reverse("plans:dashboard")).content.decode()
    assert badge in badges(dashboard)
    assert "2 Jun 2030" in dashboard  # the calendar date, in every zone
    assert starts_in(client.get(plan.get_absolute_url()).content.decode()) == header


@time_machine.travel(dt.datetime(2030, 6, 2, 5, 0, tzinfo=dt.UTC), tick=False)
def test_a_trip_starting_today_in_utc_is_still_tomorrow_in_honolulu(client):
    """05:00 UTC on 2 June is 19:00 on 1 June in Honolulu."""
    PlanFactory(user=(user := UserFactory(timezone="Pacific/Honolulu")), start_date=JUNE_2)
    client.force_login(user)
    dashboard = client.get(reverse("plans:dashboard")).content.decode()
    assert "1 day to go" in badges(dashboard)
    assert "Starts today" not in dashboard


@pytest.mark.parametrize(
    ("home", "when"),
    [
        ("Pacific/Auckland", {"upcoming": [], "current": ["Week away"], "past": ["Last trip"]}),
        # Still 1 June: the trip that ends on 1 June is happening now.
        ("UTC", {"upcoming": ["Week away"], "current": ["Last trip"], "past": []}),
    ],
)
@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_dashboard_splits_upcoming_current_and_past_by_the_date_at_home(client, home, when):
    user = UserFactory(timezone=home)
    PlanFactory(user=user, title="Week away", start_date=JUNE_2, end_date=dt.date(2030, 6, 8))
    PlanFactory(
        user=user, title="Last trip", start_date=dt.date(2030, 5, 28), end_date=dt.date(2030, 6, 1)
    )
    client.force_login(user)
    shown = {
        value: [
            plan.title
            for plan in client.get(reverse("plans:dashboard"), {"when": value}).context["plans"]
        ]
        for value in when
    }
    assert shown == when
    if home == "Pacific/Auckland":
        dashboard = client.get(reverse("plans:dashboard")).content.decode()
        assert "Happening now" in badges(dashboard)

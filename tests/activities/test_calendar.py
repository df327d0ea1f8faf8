"""The .ics export parses back with icalendar, with the right events in the right timezone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from plans.models import Role
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")


@pytest.fixture
def trip():
    # The owner's profile keeps its default zone (UTC): the plan's zone is the destination's.
    return PlanFactory(
        title="Lisbon weekend",
        timezone="Europe/Lisbon",
        start_date=START,
        end_date=START + dt.timedelta(days=2),
    )


@pytest.fixture
def activities(trip):
    return {
        "castle": PlanActivityFactory(
            plan=trip,
            title="Castelo de São Jorge",
            scheduled_date=START,
            start_time=dt.time(10),
            end_time=dt.time(12),
            location_name="Castelo de São Jorge",
            address="R. de Santa Cruz do Castelo",
            latitude=Decimal("38.71390000"),
            longitude=Decimal("-9.13350000"),
        ),
        "fado": PlanActivityFactory(
            plan=trip,
            title="Fado night",
            scheduled_date=START + dt.timedelta(days=1),
            start_time=dt.time(21, 30),
            duration_minutes=150,
        ),
        "beach": PlanActivityFactory(
            plan=trip, title="Beach day", scheduled_date=START + dt.timedelta(days=2)
        ),
        "someday": PlanActivityFactory(plan=trip, title="Someday", scheduled_date=None),
    }


def parse(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="lisbon-weekend.ics"'
    return Calendar.from_ical(response.content)


def events_by_summary(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_ics_has_one_event_per_scheduled_activity_in_the_plans_timezone(client, trip, activities):
    client.force_login(trip.user)
    calendar = parse(client.get(f"/plans/{trip.pk}/calendar.ics"))
    events = events_by_summary(calendar)
    assert set(events) == {"Castelo de São Jorge", "Fado night", "Beach day"}

    castle = events["Castelo de São Jorge"]
    assert castle.decoded("DTSTART") == dt.datetime(2030, 6, 1, 10, tzinfo=LISBON)
    assert castle.decoded("DTEND") == dt.datetime(2030, 6, 1, 12, tzinfo=LISBON)
    assert castle["DTSTART"].params["TZID"] == "Europe/Lisbon"
    assert str(castle["LOCATION"]) == "Castelo de São Jorge, R. de Santa Cruz do Castelo"
    assert (castle["GEO"].latitude, castle["GEO"].longitude) == (38.7139, -9.1335)
    assert str(castle["UID"]) == f"activity-{activities['castle'].pk}@wayfarer.app"
    assert "DTSTAMP" in castle

    fado = events["Fado night"]
    assert fado.decoded("DTSTART") == dt.datetime(2030, 6, 2, 21, 30, tzinfo=LISBON)
    assert fado.decoded("DURATION") == dt.timedelta(minutes=150)

    beach = events["Beach day"]
    assert beach.decoded("DTSTART") == dt.date(2030, 6, 3)
    assert beach.decoded("DTEND") == dt.date(2030, 6, 4)

    timezones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert timezones == ["Europe/Lisbon"]
    assert str(calendar["X-WR-CALNAME"]) == "Lisbon weekend"


def test_uids_are_stable_between_exports(client, trip, activities):
    client.force_login(trip.user)
    first = events_by_summary(parse(client.get(f"/plans/{trip.pk}/calendar.ics")))
    second = events_by_summary(parse(client.get(f"/plans/{trip.pk}/calendar.ics")))
    assert {k: str(v["UID"]) for k, v in first.items()} == {
        k: str(v["UID"]) for k, v in second.items()
    }


def test_viewers_may_export(client, trip, activities):
    viewer = PlanMemberFactory(plan=trip, role=Role.VIEWER).user
    client.force_login(viewer)
    assert len(parse(client.get(f"/plans/{trip.pk}/calendar.ics")).walk("VEVENT")) == 3


def test_strangers_get_404_and_anonymous_visitors_are_sent_to_sign_in(client, trip, activities):
    url = f"/plans/{trip.pk}/calendar.ics"
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next={quote(url)}"
    client.force_login(UserFactory())
    assert client.get(f"/plans/{trip.pk}/calendar.ics").status_code == HTTPStatus.NOT_FOUND


def test_public_plans_can_be_exported_by_anyone(client, trip, activities):
    trip.is_public, trip.status = True, "published"
    trip.save()
    assert len(parse(client.get(f"/plans/{trip.pk}/calendar.ics")).walk("VEVENT")) == 3


def test_share_link_export(client, trip, activities):
    trip.share_token = "s3cr3t-token-with-enough-entropy-0123456789"
    trip.save()
    response = client.get(f"/s/{trip.share_token}/calendar.ics")
    assert len(parse(response).walk("VEVENT")) == 3
    assert client.get("/s/wrong-token/calendar.ics").status_code == HTTPStatus.NOT_FOUND


def test_a_10_00_visit_in_lisbon_is_written_at_10_00_lisbon_time_not_10_00_utc(client):
    """The reported defect: the owner's profile zone (UTC) made it `DTSTART:...T100000Z`."""
    plan = PlanFactory(
        title="Lisbon weekend",
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 5, 6),
        end_date=dt.date(2027, 5, 8),
    )
    assert plan.user.timezone == "UTC"
    PlanActivityFactory(
        plan=plan, title="Tile museum", scheduled_date=dt.date(2027, 5, 6), start_time=dt.time(10)
    )
    client.force_login(plan.user)
    response = client.get(f"/plans/{plan.pk}/calendar.ics")
    body = response.content.decode()
    assert "DTSTART;TZID=Europe/Lisbon:20270506T100000\r\n" in body
    assert "20270506T100000Z" not in body
    event = events_by_summary(parse(response))["Tile museum"]
    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2027, 5, 6, 9, tzinfo=dt.UTC)


def dst_trip(**activity_zones):
    """A Lisbon trip over the night clocks go back (2027-10-31, 02:00 WEST → 01:00 WET)."""
    plan = PlanFactory(
        title="Lisbon weekend",
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 10, 30),
        end_date=dt.date(2027, 11, 1),
    )
    for title, day in (("Saturday tiles", 30), ("Sunday market", 31)):
        PlanActivityFactory(
            plan=plan,
            title=title,
            scheduled_date=dt.date(2027, 10, day),
            start_time=dt.time(10),
            end_time=dt.time(11),
            timezone=activity_zones.get(title, ""),
        )
    return plan


def test_activities_either_side_of_a_dst_change_get_their_own_offset(client):
    plan = dst_trip()
    client.force_login(plan.user)
    calendar = parse(client.get(f"/plans/{plan.pk}/calendar.ics"))
    events = events_by_summary(calendar)
    saturday = events["Saturday tiles"].decoded("DTSTART")
    sunday = events["Sunday market"].decoded("DTSTART")
    assert saturday.utcoffset() == dt.timedelta(hours=1)
    assert sunday.utcoffset() == dt.timedelta(0)
    assert saturday.astimezone(dt.UTC) == dt.datetime(2027, 10, 30, 9, tzinfo=dt.UTC)
    assert sunday.astimezone(dt.UTC) == dt.datetime(2027, 10, 31, 10, tzinfo=dt.UTC)


def test_the_vtimezone_describes_both_sides_of_the_change_and_parses_back(client):
    plan = dst_trip()
    client.force_login(plan.user)
    calendar = parse(client.get(f"/plans/{plan.pk}/calendar.ics"))
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Lisbon"
    names = {str(part["TZNAME"]) for part in vtimezone.walk() if "TZNAME" in part}
    assert {"WET", "WEST"} <= names
    # What a calendar app without zoneinfo does: build the zone from the VTIMEZONE alone.
    zone = vtimezone.to_tz()
    assert dt.datetime(2027, 10, 30, 10, tzinfo=zone).utcoffset() == dt.timedelta(hours=1)
    assert dt.datetime(2027, 10, 31, 10, tzinfo=zone).utcoffset() == dt.timedelta(0)


def test_an_activity_with_its_own_zone_is_written_in_that_zone_with_its_vtimezone(client):
    plan = dst_trip(**{"Sunday market": "America/New_York"})
    client.force_login(plan.user)
    calendar = parse(client.get(f"/plans/{plan.pk}/calendar.ics"))
    events = events_by_summary(calendar)
    assert events["Saturday tiles"]["DTSTART"].params["TZID"] == "Europe/Lisbon"
    assert events["Sunday market"]["DTSTART"].params["TZID"] == "America/New_York"
    assert events["Sunday market"].decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2027, 10, 31, 14, tzinfo=dt.UTC
    )
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/Lisbon",
    ]


def test_shared_calendar_reads_the_plans_zone_not_the_owners(client):
    plan = dst_trip()
    plan.user.timezone = "Asia/Tokyo"
    plan.user.save()
    plan.is_public = True
    plan.status = "published"
    plan.save()
    calendar = Calendar.from_ical(client.get(f"/plans/{plan.pk}/calendar.ics").content)
    event = events_by_summary(calendar)["Saturday tiles"]
    assert event["DTSTART"].params["TZID"] == "Europe/Lisbon"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Lisbon"

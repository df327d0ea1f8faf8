"""The plan's and an activity's time zone through the API: set, validated, and read back as
instants with the right offset on each side of a daylight-saving change."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest

from activities.models import PlanActivity
from plans.models import Plan
from tests.api_helpers import client_for, verified
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
UNKNOWN_ZONE = "“Mars/Olympus_Mons” is not a time zone name; use a name such as Europe/Paris."


def activities_url(plan) -> str:
    return f"/api/v1/plans/{plan.pk}/activities/"


def test_a_new_plan_takes_the_zone_sent_else_the_travellers_profile_zone():
    traveller = verified(UserFactory(timezone="Asia/Tokyo"))
    client = client_for(traveller)
    lisbon = client.post(PLANS, {"title": "Lisbon", "timezone": "Europe/Lisbon"}, format="json")
    assert lisbon.status_code == HTTPStatus.CREATED, lisbon.json()
    assert lisbon.json()["timezone"] == "Europe/Lisbon"
    kyoto = client.post(PLANS, {"title": "Kyoto"}, format="json")
    assert kyoto.json()["timezone"] == "Asia/Tokyo"
    assert dict(Plan.objects.values_list("title", "timezone")) == {
        "Lisbon": "Europe/Lisbon",
        "Kyoto": "Asia/Tokyo",
    }


def test_an_unknown_plan_zone_is_a_400_naming_the_field_and_nothing_is_written():
    owner = verified(UserFactory())
    client = client_for(owner)
    response = client.post(PLANS, {"title": "Mars", "timezone": "Mars/Olympus_Mons"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"timezone": [UNKNOWN_ZONE]}
    assert not Plan.objects.exists()

    plan = PlanFactory(user=owner, timezone="Europe/Lisbon")
    changed = client.patch(f"{PLANS}{plan.pk}/", {"timezone": "Lisbon"}, format="json")
    assert changed.status_code == HTTPStatus.BAD_REQUEST
    assert list(changed.json()) == ["timezone"]
    plan.refresh_from_db()
    assert (plan.timezone, plan.version) == ("Europe/Lisbon", 1)


def test_changing_the_plans_zone_moves_every_activitys_instant_not_its_wall_clock():
    owner = verified(UserFactory())
    plan = PlanFactory(
        user=owner,
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 5, 6),
        end_date=dt.date(2027, 5, 8),
    )
    activity = PlanActivityFactory(
        plan=plan, scheduled_date=dt.date(2027, 5, 6), start_time=dt.time(10)
    )
    client = client_for(owner)
    url = f"{activities_url(plan)}{activity.pk}/"
    assert client.get(url).json()["starts_at"] == "2027-05-06T10:00:00+01:00"
    moved = client.patch(f"{PLANS}{plan.pk}/", {"timezone": "Asia/Kathmandu"}, format="json")
    assert moved.status_code == HTTPStatus.OK
    body = client.get(url).json()
    assert (body["start_time"], body["starts_at"]) == ("10:00:00", "2027-05-06T10:00:00+05:45")


def test_a_new_plan_zone_is_a_new_activity_etag_not_a_304():
    """The cached copy's offsets are stale once the plan's zone changes: If-None-Match with
    the old ETag gets 200 and the new offsets; the new ETag works as If-Match, the old not."""
    owner = verified(UserFactory())
    plan = PlanFactory(user=owner, timezone="Europe/Lisbon", start_date=dt.date(2027, 5, 6))
    activity = PlanActivityFactory(
        plan=plan, scheduled_date=dt.date(2027, 5, 6), start_time=dt.time(10)
    )
    client = client_for(owner)
    url = f"{activities_url(plan)}{activity.pk}/"
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    moved = client.patch(f"{PLANS}{plan.pk}/", {"timezone": "Asia/Kathmandu"}, format="json")
    assert moved.status_code == HTTPStatus.OK
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.OK
    assert again.json()["starts_at"] == "2027-05-06T10:00:00+05:45"
    assert again["ETag"] != first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304
    stale = client.patch(url, {"title": "A"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    done = client.patch(url, {"title": "B"}, format="json", HTTP_IF_MATCH=again["ETag"])
    assert done.status_code == HTTPStatus.OK
    assert client.delete(url, HTTP_IF_MATCH=done["ETag"]).status_code == 204


def test_activities_each_side_of_the_clocks_going_forward_get_their_own_offset():
    """Lisbon, 2027-03-28: 01:00 WET becomes 02:00 WEST."""
    owner = verified(UserFactory())
    plan = PlanFactory(
        user=owner,
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 3, 26),
        end_date=dt.date(2027, 3, 29),
    )
    client = client_for(owner)
    for day in ("2027-03-27", "2027-03-28"):
        created = client.post(
            activities_url(plan),
            {"title": day, "scheduled_date": day, "start_time": "10:00", "end_time": "11:30"},
            format="json",
        )
        assert created.status_code == HTTPStatus.CREATED, created.json()
    listed = client.get(activities_url(plan)).json()["results"]
    assert [(a["starts_at"], a["ends_at"]) for a in listed] == [
        ("2027-03-27T10:00:00+00:00", "2027-03-27T11:30:00+00:00"),
        ("2027-03-28T10:00:00+01:00", "2027-03-28T11:30:00+01:00"),
    ]


def test_an_activity_may_set_its_own_zone_and_blank_means_the_plans():
    owner = verified(UserFactory())
    plan = PlanFactory(
        user=owner,
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 5, 6),
        end_date=dt.date(2027, 5, 8),
    )
    client = client_for(owner)
    flight = client.post(
        activities_url(plan),
        {
            "title": "Flight home",
            "activity_type": "transport",
            "scheduled_date": "2027-05-08",
            "start_time": "18:00",
            "timezone": "America/New_York",
        },
        format="json",
    )
    assert flight.status_code == HTTPStatus.CREATED, flight.json()
    assert (flight.json()["timezone"], flight.json()["starts_at"]) == (
        "America/New_York",
        "2027-05-08T18:00:00-04:00",
    )
    url = f"{activities_url(plan)}{flight.json()['id']}/"
    back = client.patch(url, {"timezone": ""}, format="json")
    assert (back.json()["timezone"], back.json()["starts_at"]) == ("", "2027-05-08T18:00:00+01:00")


def test_an_unknown_activity_zone_is_a_400_naming_the_field():
    owner = verified(UserFactory())
    plan = PlanFactory(user=owner)
    response = client_for(owner).post(
        activities_url(plan), {"title": "Somewhere", "timezone": "Mars/Olympus_Mons"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"timezone": [UNKNOWN_ZONE]}
    assert not PlanActivity.objects.exists()


def test_outsiders_get_the_same_instants_and_the_plans_zone():
    plan = PlanFactory(
        user=UserFactory(timezone="Asia/Tokyo"),
        timezone="Europe/Lisbon",
        status=Plan.Status.PUBLISHED,
        is_public=True,
        start_date=dt.date(2027, 10, 30),
        end_date=dt.date(2027, 11, 1),
    )
    for day in (30, 31):
        PlanActivityFactory(
            plan=plan,
            title=f"Day {day}",
            scheduled_date=dt.date(2027, 10, day),
            start_time=dt.time(10),
            end_time=dt.time(11),
            order_index=0,
        )
    response = client_for(UserFactory()).get(f"/api/v1/public/plans/{plan.pk}/")
    assert response.status_code == HTTPStatus.OK, response.json()
    body = response.json()
    assert body["timezone"] == "Europe/Lisbon"
    assert [(a["starts_at"], a["ends_at"]) for a in body["activities"]] == [
        ("2027-10-30T10:00:00+01:00", "2027-10-30T11:00:00+01:00"),
        ("2027-10-31T10:00:00+00:00", "2027-10-31T11:00:00+00:00"),
    ]


def test_export_and_import_keep_the_plans_and_activities_zones():
    owner = verified(UserFactory())
    plan = PlanFactory(
        user=owner,
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 5, 6),
        end_date=dt.date(2027, 5, 8),
    )
    PlanActivityFactory(
        plan=plan,
        title="Flight home",
        scheduled_date=dt.date(2027, 5, 8),
        start_time=dt.time(18),
        timezone="America/New_York",
    )
    importer = verified(UserFactory(timezone="Asia/Tokyo"))
    document = client_for(owner).get(f"{PLANS}{plan.pk}/export/").json()
    assert document["plan"]["timezone"] == "Europe/Lisbon"
    created = client_for(importer).post(f"{PLANS}import/", document, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.json()
    copy = Plan.objects.get(pk=created.json()["id"])
    assert copy.timezone == "Europe/Lisbon"
    assert list(copy.activities.values_list("timezone", flat=True)) == ["America/New_York"]

"""The API's shape: whole payloads of plans and activities, in the traveller's time zone.

Dates are ISO 8601, decimals strings with their places, datetimes in the current time zone
with UTC written as Z, times with microseconds only when set; keys come in the fields' order.
"""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.utils import timezone

from activities.api.serializers import ActivitySerializer, PublicPlanDetailSerializer
from activities.models import PlanActivity
from plans import selectors
from plans.api.serializers import PlanSerializer, PublicPlanSerializer
from plans.models import Plan, Role
from plans.projection import public_projection
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

STAMP = dt.datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
# STAMP as DRF's DateTimeField writes it in each zone.
WRITTEN = {
    "UTC": "2030-01-02T03:04:05.678000Z",
    "Asia/Kathmandu": "2030-01-02T08:49:05.678000+05:45",
    "America/St_Johns": "2030-01-01T23:34:05.678000-03:30",
}


def _stamped(model, pk: int) -> None:
    model.objects.filter(pk=pk).update(created_at=STAMP, updated_at=STAMP)


def _read(plan: Plan) -> Plan:
    """The plan as read, its `updated_at` (which a database trigger sets) put at STAMP."""
    plan.updated_at = STAMP
    return plan


def _plans():
    owner = UserFactory(display_name="Ana", first_name="Ana Maria")
    full = PlanFactory(
        user=owner,
        title="Lisbon",
        description="Tiles and trams.",
        destination="Lisbon",
        start_date=dt.date(2030, 6, 1),
        end_date=dt.date(2030, 6, 5),
        budget=decimal.Decimal("1234.5"),
        currency="EUR",
        timezone="Europe/Lisbon",
        status="published",
        is_public=True,
        share_token="x" * 43,
        plan_data={
            "preferences": {"travel_style": "food", "pace": "relaxed"},
            "notes": [{"text": "Late check-out?", "private": True}, {"text": "Bring tiles"}],
        },
    )
    bare = PlanFactory(
        user=UserFactory(username="bare", display_name="", first_name=""),
        title="Somewhere",
        destination="",
        start_date=None,
        end_date=None,
        budget=None,
    )
    return owner, full, bare


def _full_plan_fields(full: Plan) -> dict:
    """What the owner's and the outsider's views of `_plans()`'s full plan both start with."""
    return {
        "id": full.pk,
        "title": "Lisbon",
        "description": "Tiles and trams.",
        "destination": "Lisbon",
        "start_date": "2030-06-01",
        "end_date": "2030-06-05",
        "budget": "1234.50",
        "currency": "EUR",
        "timezone": "Europe/Lisbon",
        "status": "published",
    }


@pytest.mark.parametrize("zone", list(WRITTEN))
def test_plan_payload(zone):
    """Owner, editor, viewer and an empty plan: every key, every format."""
    owner, full, bare = _plans()
    editor, viewer = UserFactory(), UserFactory()
    PlanMemberFactory(plan=full, user=editor, role=Role.EDITOR)
    PlanMemberFactory(plan=full, user=viewer, role=Role.VIEWER)
    _stamped(Plan, full.pk)
    _stamped(Plan, bare.pk)
    stamp = WRITTEN[zone]
    expected = {
        **_full_plan_fields(full),
        "is_public": True,
        "is_shared": True,
        "plan_data": {
            "preferences": {"travel_style": "food", "pace": "relaxed"},
            "notes": [{"text": "Late check-out?", "private": True}, {"text": "Bring tiles"}],
        },
        "owner": {"id": owner.pk, "name": "Ana"},
        "role": "owner",
        "version": 1,
        "created_at": stamp,
        "updated_at": stamp,
    }
    with timezone.override(zone):
        for user, role in [(owner, "owner"), (editor, "editor"), (viewer, "viewer")]:
            data = PlanSerializer(_read(selectors.plan_get_for_member(user=user, pk=full.pk))).data
            assert data == {**expected, "role": role}
            assert list(data) == list(expected)
        listed = [_read(plan) for plan in selectors.plan_api_list(user=owner)]
        listed = PlanSerializer(listed, many=True).data
        assert listed == [expected]
        empty = selectors.plan_get_for_member(user=bare.user, pk=bare.pk)
        empty = PlanSerializer(_read(empty)).data
    assert empty == {
        "id": bare.pk,
        "title": "Somewhere",
        "description": "",
        "destination": "",
        "start_date": None,
        "end_date": None,
        "budget": None,
        "currency": "EUR",
        "timezone": "UTC",
        "status": "draft",
        "is_public": False,
        "is_shared": False,
        "plan_data": {},
        "owner": {"id": bare.user.pk, "name": f"Traveller {bare.user.name_tag}"},
        "role": "owner",
        "version": 1,
        "created_at": stamp,
        "updated_at": stamp,
    }


def test_budget_set_in_memory_keeps_two_decimals():
    """A budget not read back from NUMERIC is still written with its two places."""
    owner, full, _ = _plans()
    plan = selectors.plan_get_for_member(user=owner, pk=full.pk)
    plan.budget = decimal.Decimal("900")
    assert PlanSerializer(plan).data["budget"] == "900.00"


@pytest.mark.parametrize("zone", list(WRITTEN))
def test_public_plan_payload(zone):
    """The outsider's view: redacted document, public name, redacted itinerary."""
    owner, full, _ = _plans()
    tram = PlanActivityFactory(
        plan=full,
        title="Tram 28",
        scheduled_date=dt.date(2030, 6, 1),
        estimated_cost=decimal.Decimal("3.1"),
        actual_cost=decimal.Decimal("3.10"),
        is_completed=True,
        metadata={"tags": ["tram"], "booking_info": {"reference": "X1"}, "extra": {"a": 1}},
        order_index=0,
    )
    cafe = PlanActivityFactory(
        plan=full,
        title="Pastéis",
        scheduled_date=dt.date(2030, 6, 1),
        start_time=dt.time(16, 30),
        order_index=1,
    )
    _stamped(Plan, full.pk)
    stamp = WRITTEN[zone]
    plan_part = {
        **_full_plan_fields(full),
        "plan_data": {
            "preferences": {"travel_style": "food", "pace": "relaxed"},
            "notes": [{"text": "Bring tiles", "private": False}],
        },
        "owner": {"id": owner.pk, "name": "Ana"},
        "created_at": stamp,
        "updated_at": stamp,
    }

    def public_activity(activity, **values) -> dict:
        return {
            "id": activity.pk,
            "title": activity.title,
            "description": "",
            "activity_type": "attraction",
            "location_name": "",
            "latitude": None,
            "longitude": None,
            "address": "",
            "scheduled_date": "2030-06-01",
            "start_time": None,
            "end_time": None,
            "timezone": "",
            "duration_minutes": None,
            "estimated_cost": None,
            "metadata": {},
            "order_index": activity.order_index,
            "starts_at": None,
            "ends_at": None,
            **values,
        }

    with timezone.override(zone):
        projection = public_projection(_read(selectors.plan_get_public(pk=full.pk)))
        assert PublicPlanSerializer(projection).data == plan_part
        detail = PublicPlanDetailSerializer(projection).data
    assert detail == {
        **plan_part,
        "activities": [
            public_activity(tram, estimated_cost="3.10", metadata={"tags": ["tram"]}),
            public_activity(cafe, start_time="16:30:00", starts_at="2030-06-01T16:30:00+01:00"),
        ],
    }
    assert list(detail) == [*plan_part, "activities"]


@pytest.mark.parametrize("zone", list(WRITTEN))
def test_activity_payload(zone):
    """Every field set (odd decimals, a time with microseconds), and every optional one empty;
    read back from the database and as built in memory. `starts_at` and `ends_at` carry the
    offset of the plan's zone on that day whatever the reader's zone."""
    plan = PlanFactory(timezone="Europe/Lisbon")
    full = PlanActivityFactory(
        plan=plan,
        title="Gulbenkian",
        description="Art & gardens",
        activity_type="attraction",
        location_name="Museum",
        latitude=decimal.Decimal("38.7372"),
        longitude=decimal.Decimal("-9.15445678"),
        address="Av. de Berna 45A",
        scheduled_date=dt.date(2030, 6, 2),
        start_time=dt.time(9, 30),
        end_time=dt.time(12, 0, 5, 250),
        duration_minutes=150,
        estimated_cost=decimal.Decimal("15"),
        actual_cost=decimal.Decimal("14.5"),
        metadata={"tags": ["art"]},
        is_completed=True,
        order_index=0,
    )
    bare = PlanActivityFactory(
        plan=plan,
        title="Later",
        activity_type="other",
        scheduled_date=None,
        order_index=0,
    )
    stamp = WRITTEN[zone]
    expected_full = {
        "id": full.pk,
        "plan": plan.pk,
        "title": "Gulbenkian",
        "description": "Art & gardens",
        "activity_type": "attraction",
        "location_name": "Museum",
        "latitude": "38.73720000",
        "longitude": "-9.15445678",
        "address": "Av. de Berna 45A",
        "scheduled_date": "2030-06-02",
        "start_time": "09:30:00",
        "end_time": "12:00:05.000250",
        "timezone": "",
        "duration_minutes": 150,
        "estimated_cost": "15.00",
        "actual_cost": "14.50",
        "metadata": {"tags": ["art"]},
        "is_completed": True,
        "starts_at": "2030-06-02T09:30:00+01:00",
        "ends_at": "2030-06-02T12:00:05.000250+01:00",
        "order_index": 0,
        "version": 1,
        "created_at": stamp,
        "updated_at": stamp,
    }
    expected_bare = {
        **expected_full,
        "id": bare.pk,
        "title": "Later",
        "description": "",
        "activity_type": "other",
        "location_name": "",
        "latitude": None,
        "longitude": None,
        "address": "",
        "scheduled_date": None,
        "start_time": None,
        "end_time": None,
        "duration_minutes": None,
        "estimated_cost": None,
        "actual_cost": None,
        "metadata": {},
        "is_completed": False,
        "starts_at": None,
        "ends_at": None,
    }
    # As built in memory (the response to a create), with the stamp set on the instance.
    for activity in (full, bare):
        activity.created_at = activity.updated_at = STAMP
    with timezone.override(zone):
        in_memory = [ActivitySerializer(a).data for a in (full, bare)]
        _stamped(PlanActivity, full.pk)
        _stamped(PlanActivity, bare.pk)
        read = ActivitySerializer(PlanActivity.objects.filter(plan=plan), many=True).data
    assert in_memory == [expected_full, expected_bare]
    assert sorted(read, key=lambda a: a["id"]) == [expected_full, expected_bare]
    assert all(list(data) == list(expected_full) for data in [*in_memory, *read])

"""The plan serializers' hand-written representations say exactly what DRF's fields would."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from activities.api.serializers import ActivitySerializer, PublicPlanDetailSerializer
from activities.models import PlanActivity
from activities.selectors import plan_shared_activities
from plans import selectors
from plans.api.serializers import PlanSerializer, PublicPlanSerializer
from plans.models import Role
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ZONES = ["UTC", "Asia/Kathmandu", "America/St_Johns"]


def _generic(serializer, instance) -> dict:
    """DRF's own field-by-field representation, which the hand-written one must equal."""
    return dict(serializers.Serializer.to_representation(serializer, instance))


def _plans():
    owner = UserFactory(display_name="Ana", first_name="Ana Maria")
    full = PlanFactory(
        user=owner,
        description="Tiles and trams.",
        budget=decimal.Decimal("1234.50"),
        currency="EUR",
        status="published",
        is_public=True,
        share_token="x" * 43,
        plan_data={
            "preferences": {"travel_style": "food", "pace": "relaxed"},
            "notes": [{"text": "Late check-out?", "private": True}, {"text": "Bring tiles"}],
        },
    )
    bare = PlanFactory(
        user=UserFactory(display_name="", first_name=""),
        start_date=None,
        end_date=None,
        budget=None,
    )
    return owner, full, bare


@pytest.mark.parametrize("zone", ZONES)
def test_plan_serializer_writes_what_its_fields_would(zone):
    """Owner, editor, viewer; full and empty plans; in the traveller's own time zone."""
    owner, full, bare = _plans()
    editor, viewer = UserFactory(), UserFactory()
    PlanMemberFactory(plan=full, user=editor, role=Role.EDITOR)
    PlanMemberFactory(plan=full, user=viewer, role=Role.VIEWER)
    looked_up = [
        selectors.plan_get_for_member(user=owner, pk=full.pk),
        selectors.plan_get_for_member(user=editor, pk=full.pk),
        selectors.plan_get_for_member(user=viewer, pk=full.pk),
        selectors.plan_get_for_member(user=bare.user, pk=bare.pk),
        *selectors.plan_api_list(user=owner),
    ]
    # A budget set in memory (not read back from NUMERIC) is still written with two decimals.
    unsaved = selectors.plan_get_for_member(user=owner, pk=full.pk)
    unsaved.budget = decimal.Decimal("900")
    with timezone.override(zone):
        for plan in [*looked_up, unsaved]:
            serializer = PlanSerializer(plan)
            assert serializer.data == _generic(serializer, plan)
    assert PlanSerializer(unsaved).data["budget"] == "900.00"


@pytest.mark.parametrize("zone", ZONES)
def test_public_serializers_write_what_their_fields_would(zone):
    """The outsider's view, redacted, with and without the itinerary."""
    _, full, bare = _plans()
    PlanActivityFactory(plan=full, title="Tram 28", estimated_cost=decimal.Decimal("3.10"))
    PlanActivityFactory(plan=full, title="Pastéis", start_time=dt.time(16, 30))
    with timezone.override(zone):
        for plan in (full, bare):
            serializer = PublicPlanSerializer(plan)
            assert serializer.data == _generic(serializer, plan)
            plan.shared_activities = list(plan_shared_activities(plan=plan))
            detail = PublicPlanDetailSerializer(plan)
            assert detail.data == _generic(detail, plan)
    notes = PublicPlanSerializer(full).data["plan_data"]["notes"]
    assert notes == [{"text": "Bring tiles", "private": False}]
    assert [a["title"] for a in PublicPlanDetailSerializer(full).data["activities"]] == [
        "Tram 28",
        "Pastéis",
    ]


@pytest.mark.parametrize("zone", ZONES)
def test_activity_serializer_writes_what_its_fields_would(zone):
    """Every field set (odd decimals, a time with microseconds), and every optional one empty;
    read back from the database and as built in memory."""
    plan = PlanFactory()
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
    )
    bare = PlanActivityFactory(
        plan=plan,
        scheduled_date=None,
        start_time=None,
        end_time=None,
        duration_minutes=None,
        estimated_cost=None,
        actual_cost=None,
        latitude=None,
        longitude=None,
    )
    with timezone.override(zone):
        for activity in [full, bare, *PlanActivity.objects.filter(plan=plan)]:
            serializer = ActivitySerializer(activity)
            assert serializer.data == _generic(serializer, activity)
            assert list(serializer.data) == list(serializer.fields)

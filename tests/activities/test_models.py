"""Every invariant of PlanActivity holds at the database, whatever code writes the row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from activities.models import PlanActivity
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"latitude": Decimal("90.5"), "longitude": Decimal("0")}, "activities_latitude_range"),
        ({"latitude": Decimal("-90.5"), "longitude": Decimal("0")}, "activities_latitude_range"),
        ({"latitude": Decimal("0"), "longitude": Decimal("180.5")}, "activities_longitude_range"),
        ({"latitude": Decimal("0"), "longitude": Decimal("-181")}, "activities_longitude_range"),
        ({"latitude": Decimal("10")}, "activities_coords_both_or_neither"),
        ({"longitude": Decimal("10")}, "activities_coords_both_or_neither"),
        ({"estimated_cost": Decimal("-0.01")}, "activities_estimated_cost_not_negative"),
        ({"actual_cost": Decimal("-5")}, "activities_actual_cost_not_negative"),
        ({"start_time": dt.time(10), "end_time": dt.time(10)}, "activities_end_after_start"),
        ({"start_time": dt.time(10), "end_time": dt.time(9)}, "activities_end_after_start"),
        ({"activity_type": "spaceflight"}, "activities_type_valid"),
        ({"duration_minutes": -1}, "duration_minutes"),
        ({"order_index": -1}, "order_index"),
    ],
)
def test_constraint_rejects_bad_row_at_the_database(plan, fields, constraint):
    """A row breaking a rule is refused by PostgreSQL itself (bulk_create skips validation)."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        PlanActivity.objects.bulk_create([PlanActivity(plan=plan, title="Bad", **fields)])


@pytest.mark.parametrize(
    "fields",
    [
        {"latitude": Decimal("90"), "longitude": Decimal("-180")},
        {"latitude": Decimal("-90"), "longitude": Decimal("180")},
        {"estimated_cost": Decimal("0"), "actual_cost": Decimal("0"), "duration_minutes": 0},
        {"start_time": dt.time(10), "end_time": dt.time(10, 1)},
        {"start_time": dt.time(10)},
        {"end_time": dt.time(10)},
    ],
)
def test_boundary_values_are_accepted(plan, fields):
    """The limits themselves are valid values."""
    PlanActivity.objects.bulk_create([PlanActivity(plan=plan, title="Edge", **fields)])
    assert PlanActivity.objects.filter(plan=plan).count() == 1


def test_deleting_the_plan_deletes_its_activities(plan):
    PlanActivityFactory.create_batch(2, plan=plan)
    plan.delete()
    assert PlanActivity.objects.count() == 0


def test_indexes_from_the_design_exist():
    """plan, (plan, order_index), activity_type and the partial coordinates index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'plan_activities'"
        )
        indexes = dict(cursor.fetchall())
    definitions = " | ".join(indexes.values())
    assert "(plan_id)" in definitions
    assert "(plan_id, order_index)" in indexes["activities_plan_order_idx"]
    assert "(activity_type)" in indexes["activities_type_idx"]
    coords = indexes["activities_coords_idx"]
    assert "(latitude, longitude)" in coords
    assert "WHERE ((latitude IS NOT NULL) AND (longitude IS NOT NULL))" in coords

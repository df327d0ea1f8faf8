"""Reads of the itinerary: day groups, conflicts and the budget summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from activities.models import PlanActivity
from activities.selectors import (
    activity_conflicts,
    activity_list_ordered,
    activity_rows_ordered,
    find_conflicts,
    itinerary_budget_summary,
    itinerary_days,
    plan_budget_summary,
)
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db

DAY2 = START + dt.timedelta(days=1)


def timed(day, start, end=None, duration=None, pk=0):
    """An unsaved activity for the pure conflict check."""
    return PlanActivity(
        pk=pk,
        title=f"#{pk}",
        scheduled_date=day,
        start_time=dt.time(*start),
        end_time=dt.time(*end) if end else None,
        duration_minutes=duration,
    )


def pairs(activities):
    return [conflict.ids for conflict in find_conflicts(activities)]


def test_overlapping_times_conflict():
    assert pairs([timed(START, (9,), (11,), pk=1), timed(START, (10, 30), (12,), pk=2)]) == [(1, 2)]


def test_touching_intervals_do_not_conflict():
    """One activity ending at 11:00 and the next starting at 11:00 is a tight plan, not a clash."""
    assert pairs([timed(START, (9,), (11,), pk=1), timed(START, (11,), (12,), pk=2)]) == []


def test_duration_without_end_time_counts():
    overlapping = [timed(START, (9,), duration=120, pk=1), timed(START, (10, 59), (12,), pk=2)]
    touching = [timed(START, (9,), duration=120, pk=1), timed(START, (11,), (12,), pk=2)]
    assert pairs(overlapping) == [(1, 2)]
    assert pairs(touching) == []


def test_same_times_on_different_days_do_not_conflict():
    assert pairs([timed(START, (9,), (11,), pk=1), timed(DAY2, (9,), (11,), pk=2)]) == []


def test_containment_and_several_pairs():
    activities = [
        timed(START, (8,), (18,), pk=1),
        timed(START, (9,), (10,), pk=2),
        timed(START, (9, 30), (9, 45), pk=3),
        timed(START, (18,), (19,), pk=4),
    ]
    assert pairs(activities) == [(1, 2), (1, 3), (2, 3)]


def test_activities_without_an_end_are_not_checked():
    """Without an end time or a duration there is no way to know whether it clashes."""
    assert pairs([timed(START, (9,), pk=1), timed(START, (9,), (10,), pk=2)]) == []


def test_activity_conflicts_reads_the_plan_in_one_query(trip, django_assert_num_queries):
    a = PlanActivityFactory(plan=trip, start_time=dt.time(9), end_time=dt.time(10))
    b = PlanActivityFactory(plan=trip, start_time=dt.time(9, 30), duration_minutes=15)
    PlanActivityFactory(plan=trip, start_time=dt.time(9, 30), scheduled_date=None)
    PlanActivityFactory(start_time=dt.time(9), end_time=dt.time(10))  # another plan
    with django_assert_num_queries(1):
        conflicts = activity_conflicts(plan=trip)
    assert [c.ids for c in conflicts] == [(a.pk, b.pk)]


def test_days_are_numbered_from_the_start_date_with_unscheduled_last(trip):
    PlanActivityFactory(plan=trip, title="Late", scheduled_date=DAY2, order_index=1)
    PlanActivityFactory(plan=trip, title="Early", scheduled_date=DAY2, order_index=0)
    PlanActivityFactory(plan=trip, title="Loose", scheduled_date=None, order_index=0)
    PlanActivityFactory(plan=trip, title="Done", scheduled_date=START, is_completed=True)
    days = itinerary_days(plan=trip)
    summary = [
        (d.number, d.date, [a.title for a in d.activities], d.completed, d.total) for d in days
    ]
    assert summary == [
        (1, START, ["Done"], 1, 1),
        (2, DAY2, ["Early", "Late"], 0, 2),
        (3, START + dt.timedelta(days=2), [], 0, 0),
        (4, START + dt.timedelta(days=3), [], 0, 0),
        (5, START + dt.timedelta(days=4), [], 0, 0),
        (None, None, ["Loose"], 0, 1),
    ]


def test_activities_outside_changed_trip_dates_keep_their_own_group(trip):
    PlanActivityFactory(plan=trip, title="Old", scheduled_date=START - dt.timedelta(days=3))
    days = itinerary_days(plan=trip)
    assert (days[0].date, days[0].number, days[0].outside_trip) == (
        START - dt.timedelta(days=3),
        None,
        True,
    )


def test_same_order_index_falls_back_to_start_time(trip):
    PlanActivityFactory(plan=trip, title="Noon", order_index=0, start_time=dt.time(12))
    PlanActivityFactory(plan=trip, title="Nine", order_index=0, start_time=dt.time(9))
    PlanActivityFactory(plan=trip, title="Whenever", order_index=0)
    day1 = itinerary_days(plan=trip)[0]
    assert [a.title for a in day1.activities] == ["Nine", "Noon", "Whenever"]


def _add_costed_activities(trip, rows) -> None:
    """(activity type, day, estimated, actual) rows on `trip`, and one costly elsewhere."""
    for activity_type, day, estimated, actual in rows:
        PlanActivityFactory(
            plan=trip,
            activity_type=activity_type,
            scheduled_date=day,
            estimated_cost=Decimal(estimated) if estimated else None,
            actual_cost=Decimal(actual) if actual else None,
        )
    PlanActivityFactory(estimated_cost=Decimal("999"))  # another plan


# (type, day, estimated, actual) of the activities whose figures the budget test works out.
HAND_COMPUTED_COSTS = [
    ("accommodation", START, "400.00", "380.00"),
    ("restaurant", START, "250.00", None),
    ("attraction", DAY2, "0.00", None),
    ("attraction", None, None, "120.00"),
    ("transport", DAY2, None, None),
]


def test_budget_totals_match_hand_computed_figures_with_null_costs(trip, django_assert_num_queries):
    """Budget 1500 EUR. Estimated 400+250+0+none+none = 650; actual 380+120 = 500; the
    expected total takes the actual cost where known, else the estimate: 380+250+0+120 = 750."""
    _add_costed_activities(trip, HAND_COMPUTED_COSTS)
    with django_assert_num_queries(3):
        summary = plan_budget_summary(plan=trip)
    by_type = {
        row["activity_type"]: (row["estimated"], row["actual"], row["projected"])
        for row in summary["by_type"]
    }
    by_day = {
        row["scheduled_date"]: (row["estimated"], row["actual"], row["projected"])
        for row in summary["by_day"]
    }
    assert (summary["estimated"], summary["actual"], summary["projected"]) == (
        Decimal("650.00"),
        Decimal("500.00"),
        Decimal("750.00"),
    )
    assert (summary["budget"], summary["currency"]) == (Decimal("1500.00"), "EUR")
    assert summary["remaining"] == Decimal("750.00")
    assert summary["used_percent"] == 50
    assert (summary["count"], summary["without_cost"]) == (5, 1)
    assert not summary["over_budget"]
    assert by_type == {
        "accommodation": (Decimal("400.00"), Decimal("380.00"), Decimal("380.00")),
        "restaurant": (Decimal("250.00"), Decimal("0.00"), Decimal("250.00")),
        "attraction": (Decimal("0.00"), Decimal("120.00"), Decimal("120.00")),
        "transport": (Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
    }
    assert by_day == {
        START: (Decimal("650.00"), Decimal("380.00"), Decimal("630.00")),
        DAY2: (Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
        None: (Decimal("0.00"), Decimal("120.00"), Decimal("120.00")),
    }
    assert [row["scheduled_date"] for row in summary["by_day"]] == [START, DAY2, None]


def test_over_budget_is_flagged(trip):
    trip.budget = Decimal("100.00")
    trip.save()
    PlanActivityFactory(plan=trip, estimated_cost=Decimal("80.00"), actual_cost=Decimal("95.00"))
    PlanActivityFactory(plan=trip, estimated_cost=Decimal("30.00"))
    summary = plan_budget_summary(plan=trip)
    assert summary["over_budget"]
    assert summary["over_by"] == Decimal("25.00")
    assert summary["over_budget_estimated"]
    assert not summary["over_budget_actual"]


def test_budget_without_activities_or_budget(trip):
    trip.budget = None
    trip.save()
    summary = plan_budget_summary(plan=trip)
    assert (summary["estimated"], summary["actual"], summary["projected"]) == (0, 0, 0)
    assert summary["remaining"] is None
    assert not summary["over_budget"]
    assert summary["by_type"] == summary["by_day"] == []


@pytest.mark.parametrize("budget", [Decimal("1500.00"), Decimal("100.00"), None])
def test_itinerary_budget_from_loaded_activities_equals_the_sql_summary(
    trip, budget, django_assert_num_queries
):
    """The plan page adds up the activities it already loaded; every figure, row and row
    order is what plan_budget_summary's aggregates give, without a query."""
    trip.budget = budget
    trip.save()
    rows = [
        *HAND_COMPUTED_COSTS,
        ("restaurant", START + dt.timedelta(days=9), "12.34", "0.00"),
        ("other", DAY2, "250.00", None),
    ]
    _add_costed_activities(trip, rows)
    activities = list(activity_list_ordered(plan=trip))
    with django_assert_num_queries(0):
        in_memory = itinerary_budget_summary(plan=trip, activities=activities)
    # repr: the same keys in the same order, and amounts with the same two decimal places
    assert repr(in_memory) == repr(plan_budget_summary(plan=trip))


def test_itinerary_budget_without_activities_equals_the_sql_summary(trip):
    in_memory = itinerary_budget_summary(plan=trip, activities=[])
    assert repr(in_memory) == repr(plan_budget_summary(plan=trip))


def test_rows_come_in_itinerary_order_with_their_plan_in_one_query(trip, django_assert_num_queries):
    PlanActivityFactory(plan=trip, scheduled_date=None, order_index=0, title="Someday")
    PlanActivityFactory(plan=trip, scheduled_date=START, order_index=1, start_time=dt.time(14))
    PlanActivityFactory(plan=trip, scheduled_date=START, order_index=0)
    PlanActivityFactory(plan=trip, scheduled_date=DAY2, order_index=0)
    PlanActivityFactory()  # another plan's
    expected = [activity.pk for activity in activity_list_ordered(plan=trip)]

    with django_assert_num_queries(1):
        rows = activity_rows_ordered(plan=trip)
        assert all(row.plan is trip for row in rows)

    assert [row.pk for row in rows] == expected
    assert rows[-1].title == "Someday"
    assert [row.pk for row in activity_rows_ordered(plan=trip, limit=2)] == expected[:2]
    assert activity_rows_ordered(plan=PlanFactory()) == []
    with pytest.raises(ValueError, match="at least 1"):
        activity_rows_ordered(plan=trip, limit=0)

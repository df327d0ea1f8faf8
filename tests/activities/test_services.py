"""Writes to activities: validation, dense day order, delay, completion, import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db

DAY2 = START + dt.timedelta(days=1)


def day_titles(plan, day):
    """(order_index, title) of a day, as stored."""
    return list(
        PlanActivity.objects.filter(plan=plan, scheduled_date=day)
        .order_by("order_index")
        .values_list("order_index", "title")
    )


def make_day(plan, day, *titles):
    return [services.activity_quick_add(plan=plan, title=title, day=day) for title in titles]


def test_create_appends_to_the_end_of_its_day(trip):
    make_day(trip, START, "Breakfast", "Museum")
    make_day(trip, DAY2, "Hike")
    assert day_titles(trip, START) == [(0, "Breakfast"), (1, "Museum")]
    assert day_titles(trip, DAY2) == [(0, "Hike")]


def test_date_outside_the_trip_is_refused_with_a_clear_message(trip):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            plan=trip, data={"title": "Too late", "scheduled_date": dt.date(2030, 7, 1)}
        )
    assert caught.value.message_dict == {
        "scheduled_date": ["Pick a date within the trip, from June 1, 2030 to June 5, 2030."]
    }
    assert not PlanActivity.objects.exists()


def test_metadata_errors_are_keyed_by_json_path(trip):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            plan=trip,
            data={
                "title": "Louvre",
                "metadata": {
                    "opening_hours": {"monday": {"open": "9am", "close": "17:00"}},
                    "pinned": "yes",
                    "reviews": {"rating": 7},
                    "colour": "blue",
                },
            },
        )
    assert caught.value.message_dict == {
        "metadata.colour": ["is not an allowed field"],
        "metadata.opening_hours.monday.open": ["has an invalid format"],
        "metadata.pinned": ["must be of type boolean"],
        "metadata.reviews.rating": ["must be at most 5"],
    }
    assert not PlanActivity.objects.exists()


def test_valid_metadata_from_the_design_is_stored(trip):
    metadata = {
        "booking_info": {
            "confirmation_number": "ABC123",
            "provider": "Louvre",
            "status": "confirmed",
        },
        "contact_info": {"phone": "+33 1 40 20 50 50", "website": "https://www.louvre.fr"},
        "reviews": {"rating": 4.7, "review_count": 120000, "source": "Google"},
        "tags": ["museum", "art"],
        "opening_hours": {"monday": {"open": "09:00", "close": "18:00"}},
        "pinned": True,
    }
    activity = services.activity_create(
        plan=trip, data={"title": "Louvre", "scheduled_date": START, "metadata": metadata}
    )
    activity.refresh_from_db()
    assert activity.metadata == metadata


def test_every_write_increments_version(trip):
    activity = services.activity_quick_add(plan=trip, title="Museum", day=START)
    assert activity.version == 1
    activity = services.activity_update(activity=activity, data={"title": "Louvre"})
    assert activity.version == 2
    activity = services.activity_set_completed(activity=activity, completed=True)
    assert activity.version == 3
    activity = services.activity_move(activity=activity, day=DAY2)
    assert activity.version == 4


def test_update_with_a_stale_version_changes_nothing(trip):
    activity = services.activity_quick_add(plan=trip, title="Museum", day=START)
    with pytest.raises(services.ActivityVersionConflict):
        services.activity_update(activity=activity, data={"title": "New"}, expected_version=7)
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Museum", 1)


def test_update_to_another_day_closes_the_gap(trip):
    _first, second, _third = make_day(trip, START, "A", "B", "C")
    services.activity_update(activity=second, data={"scheduled_date": DAY2})
    assert day_titles(trip, START) == [(0, "A"), (1, "C")]
    assert day_titles(trip, DAY2) == [(0, "B")]


def test_delete_closes_the_gap(trip):
    first, _second, _third = make_day(trip, START, "A", "B", "C")
    services.activity_delete(activity=first)
    assert day_titles(trip, START) == [(0, "B"), (1, "C")]


def test_move_step_swaps_neighbours_and_stops_at_the_ends(trip):
    a, _b, c = make_day(trip, START, "A", "B", "C")
    services.activity_move_step(activity=c, offset=-1)
    assert day_titles(trip, START) == [(0, "A"), (1, "C"), (2, "B")]
    services.activity_move_step(activity=a, offset=-1)
    assert day_titles(trip, START) == [(0, "A"), (1, "C"), (2, "B")]


def test_move_to_another_day_at_a_position_rewrites_both_days(trip):
    a, _b, _c = make_day(trip, START, "A", "B", "C")
    make_day(trip, DAY2, "X", "Y")
    services.activity_move(activity=a, day=DAY2, position=1)
    assert day_titles(trip, START) == [(0, "B"), (1, "C")]
    assert day_titles(trip, DAY2) == [(0, "X"), (1, "A"), (2, "Y")]


def test_move_outside_the_trip_is_refused(trip):
    (a,) = make_day(trip, START, "A")
    with pytest.raises(ValidationError):
        services.activity_move(activity=a, day=START - dt.timedelta(days=1))
    assert day_titles(trip, START) == [(0, "A")]


def test_reorder_sets_the_given_order_densely_even_from_gappy_data(trip):
    a = PlanActivityFactory(plan=trip, title="A", order_index=5)
    b = PlanActivityFactory(plan=trip, title="B", order_index=9)
    c = PlanActivityFactory(plan=trip, title="C", order_index=9)
    services.activity_reorder(plan=trip, days={START: [c.pk, a.pk, b.pk]})
    assert day_titles(trip, START) == [(0, "C"), (1, "A"), (2, "B")]


def test_reorder_across_days_in_one_request(trip):
    _a, b, _c = make_day(trip, START, "A", "B", "C")
    (x,) = make_day(trip, DAY2, "X")
    services.activity_reorder(plan=trip, days={DAY2: [b.pk, x.pk]})
    assert day_titles(trip, START) == [(0, "A"), (1, "C")]
    assert day_titles(trip, DAY2) == [(0, "B"), (1, "X")]


@pytest.mark.parametrize("problem", ["duplicate", "left_out", "foreign"])
def test_reorder_refuses_lists_that_would_lose_or_duplicate_activities(trip, problem):
    a, b = make_day(trip, START, "A", "B")
    foreign = PlanActivityFactory(title="Elsewhere")
    days = {
        "duplicate": {START: [a.pk, b.pk, a.pk]},
        "left_out": {START: [b.pk]},
        "foreign": {START: [b.pk, a.pk, foreign.pk]},
    }[problem]
    with pytest.raises(ValidationError):
        services.activity_reorder(plan=trip, days=days)
    assert day_titles(trip, START) == [(0, "A"), (1, "B")]


def test_unscheduled_group_is_ordered_densely_too(trip):
    _a, b = make_day(trip, None, "A", "B")
    services.activity_move_step(activity=b, offset=-1)
    assert day_titles(trip, None) == [(0, "B"), (1, "A")]


def test_set_completed_and_back(trip):
    (a,) = make_day(trip, START, "A")
    assert services.activity_set_completed(activity=a, completed=True).is_completed
    assert not services.activity_set_completed(activity=a, completed=False).is_completed


def test_delay_moves_to_the_chosen_day_and_records_the_original_date(trip):
    a, _b = make_day(trip, START, "A", "B")
    (_x,) = make_day(trip, DAY2, "X")
    delayed = services.activity_delay(activity=a, day=DAY2)
    assert delayed.scheduled_date == DAY2
    assert delayed.metadata == {"original_date": "2030-06-01"}
    assert day_titles(trip, START) == [(0, "B")]
    assert day_titles(trip, DAY2) == [(0, "X"), (1, "A")]


def test_delaying_twice_keeps_the_first_original_date(trip):
    (a,) = make_day(trip, START, "A")
    services.activity_delay(activity=a, day=DAY2)
    again = services.activity_delay(activity=a, day=START + dt.timedelta(days=3))
    assert again.metadata["original_date"] == "2030-06-01"


def test_delay_outside_the_trip_changes_nothing(trip):
    (a,) = make_day(trip, START, "A")
    with pytest.raises(ValidationError):
        services.activity_delay(activity=a, day=dt.date(2031, 1, 1))
    a.refresh_from_db()
    assert (a.scheduled_date, a.metadata) == (START, {})


ITINERARY = [
    {
        "day": 1,
        "date": "2030-06-01",
        "activities": [
            {
                "time": "09:00",
                "activity": "Eiffel Tower",
                "location": "Champ de Mars",
                "duration": "2 hours",
                "cost": 25,
            },
            {
                "time": "12:30",
                "activity": "Lunch",
                "location": "Le Marais",
                "duration": "90 minutes",
                "cost": "40.50",
            },
        ],
    },
    {"day": 2, "activities": [{"activity": "Louvre", "duration": 180, "cost": None}]},
    {"day": 9, "activities": [{"activity": "Day trip", "time": "later"}, {"activity": ""}]},
]


def test_import_turns_the_itinerary_into_activities(trip):
    trip.plan_data = {"itinerary": ITINERARY}
    trip.save()
    result = services.itinerary_import_from_plan_data(plan=trip)
    assert (result.created, result.skipped) == (4, 0)
    assert result.problems == ["Day 9, item 2 has no activity name."]
    rows = list(
        PlanActivity.objects.filter(plan=trip)
        .order_by("scheduled_date", "order_index")
        .values_list(
            "title",
            "location_name",
            "scheduled_date",
            "start_time",
            "duration_minutes",
            "estimated_cost",
            "order_index",
        )
    )
    assert rows == [
        ("Eiffel Tower", "Champ de Mars", START, dt.time(9), 120, Decimal("25.00"), 0),
        ("Lunch", "Le Marais", START, dt.time(12, 30), 90, Decimal("40.50"), 1),
        ("Louvre", "", DAY2, None, 180, None, 0),
        # Day 9 is outside a five-day trip: kept, unscheduled, rather than lost.
        ("Day trip", "", None, None, None, None, 0),
    ]


def test_import_twice_does_not_duplicate_even_after_edits(trip):
    trip.plan_data = {"itinerary": ITINERARY}
    trip.save()
    services.itinerary_import_from_plan_data(plan=trip)
    eiffel = PlanActivity.objects.get(title="Eiffel Tower")
    services.activity_update(activity=eiffel, data={"title": "Tour Eiffel"})
    again = services.itinerary_import_from_plan_data(plan=trip)
    assert (again.created, again.skipped) == (0, 4)
    assert PlanActivity.objects.filter(plan=trip).count() == 4


def test_import_adds_only_new_items_after_the_existing_ones(trip):
    trip.plan_data = {"itinerary": ITINERARY[:1]}
    trip.save()
    services.itinerary_import_from_plan_data(plan=trip)
    trip.plan_data = {"itinerary": ITINERARY[:2]}
    trip.save()
    result = services.itinerary_import_from_plan_data(plan=trip)
    assert (result.created, result.skipped) == (1, 2)


def test_import_leaves_out_a_cost_no_cost_column_can_hold(trip):
    """A document stored before the schema's maximum (1e300 was accepted) still imports: the
    activity keeps its name, without the cost, instead of an InvalidOperation (a 500)."""
    items = [{"activity": "Balloon", "cost": 1e300}, {"activity": "Boat", "cost": 99999999.99}]
    trip.plan_data = {"itinerary": [{"day": 1, "activities": items}]}
    trip.save()
    assert services.itinerary_import_from_plan_data(plan=trip).created == 2
    costs = dict(PlanActivity.objects.values_list("title", "estimated_cost"))
    assert costs == {"Balloon": None, "Boat": Decimal("99999999.99")}


@pytest.mark.parametrize("plan_data", [{}, {"itinerary": "soon"}, {"itinerary": [None, 3]}])
def test_import_of_nothing_or_junk_creates_nothing(trip, plan_data):
    trip.plan_data = plan_data
    trip.save()
    assert services.itinerary_import_from_plan_data(plan=trip).created == 0
    assert not PlanActivity.objects.exists()


def test_move_to_plan_appends_to_its_day_and_closes_the_gap(trip, user):
    """The moved activity ends its day in the target plan; the source day stays dense."""
    target = PlanFactory(user=user, start_date=START, end_date=DAY2)
    breakfast, museum, _ = make_day(trip, START, "Breakfast", "Museum", "Dinner")
    make_day(target, START, "Walk")
    moved = services.activity_move_to_plan(activity=museum, plan=target)
    assert (moved.plan_id, moved.scheduled_date, moved.order_index, moved.version) == (
        target.pk,
        START,
        1,
        2,
    )
    assert day_titles(trip, START) == [(0, "Breakfast"), (1, "Dinner")]
    assert day_titles(target, START) == [(0, "Walk"), (1, "Museum")]
    assert PlanActivity.objects.get(pk=breakfast.pk).version == breakfast.version


def test_move_to_plan_with_a_stale_version_changes_nothing(trip, user):
    target = PlanFactory(user=user, start_date=START, end_date=DAY2)
    (museum,) = make_day(trip, START, "Museum")
    with pytest.raises(services.ActivityVersionConflict):
        services.activity_move_to_plan(
            activity=museum, plan=target, expected_version=museum.version + 1
        )
    assert PlanActivity.objects.get(pk=museum.pk).plan_id == trip.pk


def test_move_keeps_the_day_only_where_the_target_trip_has_it(trip, user):
    """A day outside the target's dates is dropped, so the activity is never invalid there;
    a plan without dates accepts any day."""
    later = PlanFactory(user=user, start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 1, 2))
    undated = PlanFactory(user=user, start_date=None, end_date=None)
    museum, walk = make_day(trip, DAY2, "Museum", "Walk")
    moved = services.activity_move_to_plan(activity=museum, plan=later)
    assert (moved.scheduled_date, moved.order_index) == (None, 0)
    moved = services.activity_move_to_plan(activity=walk, plan=undated)
    assert (moved.scheduled_date, moved.order_index) == (DAY2, 0)

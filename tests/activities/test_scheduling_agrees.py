"""The day planner agrees with itself: apply does what the preview showed, clashes are
resolved or named, typed activities keep their usual hours (issue 28)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import scheduling
from activities.models import PlanActivity
from activities.selectors import activity_conflicts
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db


def rows(trip):
    return {
        a.pk: (a.scheduled_date, a.start_time, a.end_time)
        for a in PlanActivity.objects.filter(plan=trip)
    }


def test_apply_counts_exactly_the_moves_the_preview_listed(trip):
    """A timed lunch that keeps its time is not counted (or written) as a move."""
    for i, lon in enumerate(["2.30", "2.40", "2.35", "2.45"]):
        PlanActivityFactory(
            plan=trip,
            title=f"Sight {i}",
            latitude=Decimal("48.85"),
            longitude=Decimal(lon),
            scheduled_date=START,
            order_index=i,
            duration_minutes=60,
        )
    lunch = PlanActivityFactory(
        plan=trip,
        title="Lunch",
        scheduled_date=START,
        order_index=4,
        start_time=dt.time(12),
        end_time=dt.time(13),
    )
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    applied = scheduling.day_optimise_apply(
        plan=trip, user=trip.user, day=START, fingerprint=proposal.fingerprint
    )
    assert applied.changed == len(proposal.moves)
    lunch.refresh_from_db()
    assert lunch.version == 1


def test_fado_night_is_planned_in_the_evening(trip, settings):
    """A nightlife activity is given an evening start, not the first free morning slot."""
    settings.PLANNER_DAY_END = "23:30"
    fado = PlanActivityFactory(
        plan=trip,
        title="Fado night",
        activity_type="nightlife",
        scheduled_date=None,
        duration_minutes=None,
        latitude=Decimal("38.71"),
        longitude=Decimal("-9.13"),
    )
    proposal = scheduling.schedule_propose(plan=trip)
    (move,) = proposal.moves
    assert move.id == fado.pk
    assert dt.time(19) <= move.after.start <= dt.time(23, 59)


def test_optimise_resolves_a_clash_it_can(trip):
    """Two overlapping hand-set times: one is re-timed, and no clash is left."""
    PlanActivityFactory(
        plan=trip,
        title="Castle",
        scheduled_date=START,
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    PlanActivityFactory(
        plan=trip,
        title="Tram 28",
        scheduled_date=START,
        start_time=dt.time(11),
        end_time=dt.time(12),
    )
    assert activity_conflicts(plan=trip)
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    assert proposal.has_changes
    assert proposal.clashes == ()
    scheduling.day_optimise_apply(
        plan=trip, user=trip.user, day=START, fingerprint=proposal.fingerprint
    )
    assert activity_conflicts(plan=trip) == []


def test_optimise_names_a_clash_it_cannot_resolve(trip, client):
    """Two overlapping pinned activities: the preview names the clash, never "already fits"."""
    for title, start in (("Castle", 10), ("Tram 28", 11)):
        PlanActivityFactory(
            plan=trip,
            title=title,
            scheduled_date=START,
            start_time=dt.time(start),
            end_time=dt.time(12),
            metadata={"pinned": True},
        )
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    assert proposal.clashes == (
        "“Castle” (10:00 to 12:00) and “Tram 28” (11:00 to 12:00) overlap on Sat 1 Jun: "
        "both times are pinned, so change one of them.",
    )
    client.force_login(trip.user)
    page = client.get(reverse("activities:optimise-day", kwargs={"pk": trip.pk, "day": START}))
    body = page.content.decode()
    assert "already fits" not in body
    assert "overlap on Sat 1 Jun" in body


CLOCKS = st.sampled_from([None, dt.time(9), dt.time(10, 30), dt.time(12), dt.time(19)])


@st.composite
def itineraries(draw):
    count = draw(st.integers(1, 6))
    return [
        {
            "title": f"Stop {n}",
            "scheduled_date": draw(st.sampled_from([None, START, START + dt.timedelta(days=1)])),
            "start_time": draw(CLOCKS),
            "duration_minutes": draw(st.sampled_from([None, 30, 90])),
            "activity_type": draw(st.sampled_from(["attraction", "restaurant", "nightlife"])),
            "order_index": draw(st.integers(0, 5)),
            "metadata": {"pinned": True} if draw(st.booleans()) else {},
            "latitude": Decimal("38.71"),
            "longitude": Decimal(f"-9.1{n}"),
        }
        for n in range(count)
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(itinerary=itineraries(), whole_trip=st.booleans())
def test_apply_does_exactly_what_the_preview_showed(trip, itinerary, whole_trip):
    """Over generated itineraries: the rows apply changes are the preview's moves, set to
    the preview's day and times; after optimising a day, a clash left is a named one."""
    PlanActivity.objects.filter(plan=trip).delete()
    for fields in itinerary:
        if fields["start_time"] is None or fields["scheduled_date"] is None:
            fields = {**fields, "metadata": {}}
        PlanActivityFactory(plan=trip, **fields)
    before = rows(trip)
    if whole_trip:
        proposal = scheduling.schedule_propose(plan=trip, include_scheduled=True)
        applied = scheduling.schedule_apply(
            plan=trip, user=trip.user, include_scheduled=True, fingerprint=proposal.fingerprint
        )
    else:
        proposal = scheduling.day_optimise_propose(plan=trip, day=START)
        applied = scheduling.day_optimise_apply(
            plan=trip, user=trip.user, day=START, fingerprint=proposal.fingerprint
        )
    after = rows(trip)
    changed = {pk: slot for pk, slot in after.items() if slot != before[pk]}
    assert changed == {m.id: (m.after.date, m.after.start, m.after.end) for m in proposal.moves}
    assert applied.changed == len(proposal.moves)
    if not whole_trip:
        left = [c for c in activity_conflicts(plan=trip) if c.first.scheduled_date == START]
        assert len(left) == len(proposal.clashes)


def test_a_meal_waits_for_dinner_time_not_the_free_afternoon(trip, settings):
    """After a visit until 15:30, the restaurant is planned at dinner time, not at 15:35."""
    settings.PLANNER_DAY_END = "22:00"
    PlanActivityFactory(
        plan=trip,
        title="Sintra day trip",
        scheduled_date=START,
        start_time=dt.time(9),
        end_time=dt.time(15, 30),
        latitude=Decimal("38.71"),
        longitude=Decimal("-9.13"),
    )
    dinner = PlanActivityFactory(
        plan=trip,
        title="Dinner at Time Out Market",
        activity_type="restaurant",
        scheduled_date=START,
        duration_minutes=60,
        latitude=Decimal("38.71"),
        longitude=Decimal("-9.14"),
    )
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    (move,) = proposal.moves
    assert move.id == dinner.pk
    assert dt.time(19) <= move.after.start <= dt.time(22)


def test_usual_hours_come_from_settings(trip, settings):
    """PLANNER_TYPICAL_HOURS overrides the defaults (one window or several per type)."""
    settings.PLANNER_TYPICAL_HOURS = {"restaurant": ["16:00", "16:30"]}
    PlanActivityFactory(
        plan=trip,
        title="Tea",
        activity_type="restaurant",
        scheduled_date=None,
        duration_minutes=30,
    )
    (move,) = scheduling.schedule_propose(plan=trip).moves
    assert dt.time(16) <= move.after.start <= dt.time(16, 30)

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
        "“Castle” (10:00 to 12:00) and “Tram 28” (11:00 to 12:00) overlap on Sat 1 Jun. "
        "Both are pinned, so Optimise this day keeps both times: change one of them.",
    )
    client.force_login(trip.user)
    page = client.get(reverse("activities:optimise-day", kwargs={"pk": trip.pk, "day": START}))
    body = page.content.decode()
    assert "already fits" not in body
    assert "overlap on Sat 1 Jun" in body


CLOCKS = st.sampled_from(
    [None, dt.time(9), dt.time(10, 30), dt.time(12), dt.time(13), dt.time(16), dt.time(19)]
)


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
            # Some on another clock than the plan's (Madrid is an hour ahead of Lisbon), so
            # clashes exist as instants that the wall clocks do not show, and the reverse.
            "timezone": draw(st.sampled_from(["", "", "Europe/Madrid"])),
            "latitude": Decimal("38.71"),
            "longitude": Decimal(f"-9.1{n}"),
        }
        for n in range(count)
    ]


USUAL = {
    kind: [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in windows]
    for kind, windows in {
        "nightlife": [["19:00", "23:59"]],
        "restaurant": [["12:00", "14:30"], ["19:00", "22:00"]],
    }.items()
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    itinerary=itineraries(),
    entry=st.sampled_from(["day", "schedule", "schedule-all"]),
)
def test_apply_does_exactly_what_the_preview_showed(trip, settings, itinerary, entry):
    """Over generated itineraries, for Optimise this day and Plan my days (with and without
    scheduled activities): the rows apply changes are the preview's moves, set to the
    preview's day and times; every activity the planner timed starts in its type's usual
    hours; and every clash left afterwards, compared as instants, is one the preview named."""
    settings.PLANNER_TYPICAL_HOURS = {
        kind: [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in windows] for kind, windows in USUAL.items()
    }
    settings.PLANNER_DAY_END = "23:00"
    trip.timezone = "Europe/Lisbon"
    trip.save()
    PlanActivity.objects.filter(plan=trip).delete()
    for fields in itinerary:
        if fields["start_time"] is None or fields["scheduled_date"] is None:
            fields = {**fields, "metadata": {}}
        PlanActivityFactory(plan=trip, **fields)
    before = rows(trip)
    if entry == "day":
        proposal = scheduling.day_optimise_propose(plan=trip, day=START)
        applied = scheduling.day_optimise_apply(
            plan=trip, user=trip.user, day=START, fingerprint=proposal.fingerprint
        )
    else:
        everything = entry == "schedule-all"
        proposal = scheduling.schedule_propose(plan=trip, include_scheduled=everything)
        applied = scheduling.schedule_apply(
            plan=trip,
            user=trip.user,
            include_scheduled=everything,
            fingerprint=proposal.fingerprint,
        )
    after = rows(trip)
    changed = {pk: slot for pk, slot in after.items() if slot != before[pk]}
    assert changed == {m.id: (m.after.date, m.after.start, m.after.end) for m in proposal.moves}
    assert applied.changed == len(proposal.moves)
    types = dict(PlanActivity.objects.filter(plan=trip).values_list("pk", "activity_type"))
    for move in proposal.moves:
        if not move.pinned and types[move.id] in USUAL:
            assert any(a <= move.after.start <= b for a, b in USUAL[types[move.id]]), move
    left = [
        c
        for c in activity_conflicts(plan=trip)
        if entry != "day" or c.first.scheduled_date == c.second.scheduled_date == START
    ]
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


def _clash(trip, *, pinned=False, castle=(10, 12), tram=(11, 12)):
    marks = {"pinned": True} if pinned else {}
    for title, (start, end) in (("Castle", castle), ("Tram 28", tram)):
        PlanActivityFactory(
            plan=trip,
            title=title,
            scheduled_date=START,
            start_time=dt.time(start),
            end_time=dt.time(end),
            metadata=marks,
        )


def test_plan_my_days_resolves_a_clash_it_can(trip):
    """Plan my days re-times one of two overlapping hand-set times, as Optimise does."""
    _clash(trip)
    proposal = scheduling.schedule_propose(plan=trip)
    assert [m.title for m in proposal.moves] == ["Tram 28"]
    assert proposal.clashes == ()
    scheduling.schedule_apply(plan=trip, user=trip.user, fingerprint=proposal.fingerprint)
    assert activity_conflicts(plan=trip) == []


def test_plan_my_days_names_a_clash_of_two_pinned_activities(trip, client):
    """The message names the planner that ran, both activities and both times."""
    _clash(trip, pinned=True)
    proposal = scheduling.schedule_propose(plan=trip)
    assert proposal.clashes == (
        "“Castle” (10:00 to 12:00) and “Tram 28” (11:00 to 12:00) overlap on Sat 1 Jun. "
        "Both are pinned, so Plan my days keeps both times: change one of them.",
    )
    client.force_login(trip.user)
    body = client.get(reverse("activities:schedule", kwargs={"pk": trip.pk})).content.decode()
    assert "already fits" not in body
    assert "Both are pinned, so Plan my days keeps both times" in body


@pytest.mark.parametrize(
    ("propose", "where"),
    [
        (lambda trip: scheduling.day_optimise_propose(plan=trip, day=START), "Optimise this day"),
        (lambda trip: scheduling.schedule_propose(plan=trip), "Plan my days"),
    ],
)
def test_a_clash_with_no_other_time_is_named_with_why(trip, propose, where):
    """A castle visit filling the whole day leaves the tram no other time: named as such."""
    _clash(trip, castle=(9, 21))
    proposal = propose(trip)
    span = "that day" if where == "Optimise this day" else "in the trip's days"
    assert proposal.clashes == (
        "“Castle” (09:00 to 21:00) and “Tram 28” (11:00 to 12:00) overlap on Sat 1 Jun. "
        f"{where} found no other time for “Tram 28” {span}: change one of the times.",
    )
    assert not proposal.has_changes


def _zoned(trip, title, start, end, zone="", **fields):
    return PlanActivityFactory(
        plan=trip,
        title=title,
        scheduled_date=START,
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        timezone=zone,
        **fields,
    )


def test_a_clash_across_zones_is_found_as_instants(trip):
    """11:00 in Madrid is 10:00 in Lisbon: it clashes with a 10:00 coffee there, though the
    wall clocks do not overlap; noon in Tokyo and noon in Lisbon do not clash."""
    trip.timezone = "Europe/Lisbon"
    trip.save()
    call = _zoned(trip, "Call with Madrid", (11,), (12,), "Europe/Madrid")
    coffee = _zoned(trip, "Coffee", (10,), (10, 30))
    _zoned(trip, "Tokyo video call", (12,), (13,), "Asia/Tokyo")
    _zoned(trip, "Lunch", (12,), (13,))
    assert [c.ids for c in activity_conflicts(plan=trip)] == [(coffee.pk, call.pk)]


def test_optimise_resolves_a_clash_that_exists_only_as_instants(trip):
    """The pinned Madrid call keeps its time; the coffee moves off 10:00 Lisbon time."""
    trip.timezone = "Europe/Lisbon"
    trip.save()
    _zoned(trip, "Call with Madrid", (11,), (12,), "Europe/Madrid", metadata={"pinned": True})
    coffee = _zoned(trip, "Coffee", (10,), (10, 30))
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    assert [m.id for m in proposal.moves] == [coffee.pk]
    assert proposal.clashes == ()
    scheduling.day_optimise_apply(
        plan=trip, user=trip.user, day=START, fingerprint=proposal.fingerprint
    )
    assert activity_conflicts(plan=trip) == []


def test_optimise_leaves_a_wall_clock_lookalike_alone(trip):
    """Noon in Tokyo and noon in Lisbon are hours apart: nothing to resolve or name."""
    trip.timezone = "Europe/Lisbon"
    trip.save()
    _zoned(trip, "Tokyo video call", (12,), (13,), "Asia/Tokyo")
    _zoned(trip, "Lunch", (12,), (13,))
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    assert proposal.clashes == ()
    assert not proposal.has_changes


def test_a_named_clash_across_zones_shows_the_other_zone(trip):
    """Both pinned across zones: each time is shown on its own clock, the other zone named."""
    trip.timezone = "Europe/Lisbon"
    trip.save()
    pinned = {"pinned": True}
    _zoned(trip, "Call with Madrid", (11,), (12,), "Europe/Madrid", metadata=pinned)
    _zoned(trip, "Coffee", (10,), (10, 30), metadata=pinned)
    (clash,) = scheduling.day_optimise_propose(plan=trip, day=START).clashes
    assert clash.startswith(
        "“Coffee” (10:00 to 10:30) and “Call with Madrid” (11:00 to 12:00 CEST) overlap"
    )

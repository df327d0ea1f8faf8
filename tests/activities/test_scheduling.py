"""The day planner's services: rows to planner inputs, proposals, atomic apply and exact undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from activities import planner, scheduling
from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db

# The trip runs Saturday 1 to Wednesday 5 June 2030.
DAYS = [START + dt.timedelta(days=n) for n in range(5)]
HOTEL = (Decimal("48.85000000"), Decimal("2.35000000"))
WEEKDAY_HOURS = {"thursday": {"open": "09:00", "close": "17:00"}}


def at(trip, title, lat=None, lon=None, **fields):
    """An activity of the trip, unscheduled unless told otherwise."""
    fields.setdefault("scheduled_date", None)
    fields.setdefault("duration_minutes", 60)
    return PlanActivityFactory(plan=trip, title=title, latitude=lat, longitude=lon, **fields)


def snapshot(trip):
    """Every activity's day, times and position."""
    return list(
        PlanActivity.objects.filter(plan=trip)
        .order_by("pk")
        .values_list("pk", "scheduled_date", "start_time", "end_time", "order_index")
    )


@pytest.fixture
def sights(trip):
    """Six unscheduled sights in two clusters, a hotel for the first night, one dated lunch."""
    hotel = at(
        trip,
        "Hotel",
        *HOTEL,
        activity_type="accommodation",
        scheduled_date=START,
        order_index=0,
    )
    west = [at(trip, f"West {n}", Decimal("48.86"), Decimal(f"2.2{n}")) for n in range(3)]
    east = [at(trip, f"East {n}", Decimal("48.84"), Decimal(f"2.4{n}")) for n in range(3)]
    lunch = at(trip, "Lunch", scheduled_date=DAYS[1], order_index=0)
    return {"hotel": hotel, "west": west, "east": east, "lunch": lunch}


# --------------------------------------------------------------------------- ORM adapter


def test_stops_carry_duration_coordinates_hours_and_pins(trip):
    """Duration: own, else the timed slot, else the type default; hand-set times pin."""
    own = at(
        trip, "Own", Decimal("48.1"), Decimal("2.1"), metadata={"opening_hours": WEEKDAY_HOURS}
    )
    slot = at(trip, "Slot", duration_minutes=None, start_time=dt.time(10), end_time=dt.time(11, 30))
    typed = at(trip, "Typed", duration_minutes=None, activity_type="restaurant")
    marked = at(trip, "Marked", metadata={"pinned": True}, scheduled_date=START)
    planned = at(
        trip,
        "Planned",
        start_time=dt.time(14),
        scheduled_date=START,
        metadata={"planned_start": "14:00"},
    )
    moved_by_hand = at(
        trip,
        "By hand",
        start_time=dt.time(15),
        scheduled_date=START,
        metadata={"planned_start": "14:00"},
    )

    stops = {a.title: scheduling.activity_stop(a) for a in [own, slot, typed, marked]}
    assert stops["Own"] == planner.Stop(
        id=own.pk,
        duration_minutes=60,
        lat=48.1,
        lon=2.1,
        opening_hours=WEEKDAY_HOURS,
        activity_type="attraction",
    )
    assert stops["Own"].weekly_hours[3] == (540, 1020)
    assert stops["Slot"].duration_minutes == 90
    assert stops["Slot"].pinned_start == dt.time(10)
    assert stops["Typed"].duration_minutes is None
    assert (
        planner.resolve_duration(
            stops["Typed"], scheduling.planner_config().options.default_durations
        )
        == 90
    )
    assert scheduling.is_pinned(marked)
    assert not scheduling.is_pinned(planned)
    assert scheduling.activity_stop(planned).pinned_start is None
    assert scheduling.activity_stop(moved_by_hand).pinned_start == dt.time(15)


def test_type_defaults_and_travel_come_from_settings(settings, trip):
    """PLANNER_* settings reach the planner."""
    settings.PLANNER_DEFAULT_DURATIONS = {"restaurant": 45}
    settings.PLANNER_BUFFER_MINUTES = 0
    settings.PLANNER_WALK_SPEED_KMH = 6.0
    config = scheduling.planner_config()
    assert config.options.default_durations["restaurant"] == 45
    assert config.options.default_durations["attraction"] == 120
    assert config.travel == planner.TravelSettings(
        walk_threshold_km=1.5, walk_speed_kmh=6.0, transit_speed_kmh=25.0, buffer_minutes=0
    )


def test_day_window_follows_preferred_activity_times(trip, settings):
    """Morning + afternoon is 09:00-17:00; no preference gives the configured default."""
    config = scheduling.planner_config()
    assert scheduling.day_window(trip.user, config.window) == (dt.time(9), dt.time(21))
    trip.user.travel_preferences = {"preferred_activity_times": ["afternoon", "morning"]}
    assert scheduling.day_window(trip.user, config.window) == (dt.time(9), dt.time(17))
    trip.user.travel_preferences = {"preferred_activity_times": ["early_morning", "evening"]}
    assert scheduling.day_window(trip.user, config.window) == (dt.time(6), dt.time(21))
    trip.user.travel_preferences = {}
    settings.PLANNER_DAY_START, settings.PLANNER_DAY_END = "10:00", "18:30"
    window = scheduling.planner_config().window
    assert scheduling.day_window(trip.user, window) == (dt.time(10), dt.time(18, 30))


@pytest.mark.parametrize(
    ("pace", "cap", "hours"), [("relaxed", 3, 6), ("fast", 8, 12), (None, 5, 9), ("wild", 5, 9)]
)
def test_pace_caps_each_day(trip, pace, cap, hours):
    """The plan's pace caps activities and busy hours per day; unset or unknown is moderate."""
    trip.plan_data = {"preferences": {"pace": pace}} if pace else {}
    trip.user.travel_preferences = {"preferred_activity_times": ["morning"]}
    days = scheduling.trip_days(trip, [], scheduling.planner_config())
    assert [d.date for d in days] == DAYS
    assert {(d.max_activities, d.max_busy_minutes) for d in days} == {(cap, hours * 60)}
    assert {(d.window_start, d.window_end) for d in days} == {(dt.time(9), dt.time(12))}


def test_accommodation_anchors_every_night_until_the_next_one(trip):
    """A check-in covers later nights; day 1 starts and ends there; a new hotel takes over."""
    first = at(trip, "A", *HOTEL, activity_type="accommodation", scheduled_date=DAYS[0])
    second = at(
        trip,
        "B",
        Decimal("48.9"),
        Decimal("2.3"),
        activity_type="accommodation",
        scheduled_date=DAYS[3],
    )
    no_coords = at(trip, "C", activity_type="accommodation", scheduled_date=DAYS[4])
    days = scheduling.trip_days(trip, [first, second, no_coords], scheduling.planner_config())
    a, b = (48.85, 2.35), (48.9, 2.3)
    assert [(d.start_point, d.end_point) for d in days] == [
        (a, a),
        (a, a),
        (a, a),
        (a, b),
        (b, b),
    ]


# --------------------------------------------------------------------------- proposals


def test_propose_places_every_unscheduled_activity_and_writes_nothing(trip, sights):
    """A preview puts each sight on a trip day within the window and leaves the database alone."""
    before = snapshot(trip)
    proposal = scheduling.schedule_propose(plan=trip)
    assert snapshot(trip) == before
    placed = {p.id: p for p in proposal.activities}
    for activity in [*sights["west"], *sights["east"]]:
        to = placed[activity.pk].after
        assert to.date in DAYS
        assert dt.time(9) <= to.start < to.end <= dt.time(21)
        assert placed[activity.pk].moved
    # Each cluster lands on one day: grouping nearby sights saves travel.
    assert len({placed[a.pk].after.date for a in sights["west"]}) == 1
    assert len({placed[a.pk].after.date for a in sights["east"]}) == 1
    assert proposal.unplaced == ()
    assert proposal.travel_saved_minutes >= 0
    payload = proposal.as_dict()
    assert payload["totals"] == {
        "travel_before_minutes": proposal.travel_before_minutes,
        "travel_after_minutes": proposal.travel_after_minutes,
        "travel_saved_minutes": proposal.travel_saved_minutes,
        "moved": len(proposal.moves),
    }
    west0 = next(a for a in payload["activities"] if a["id"] == sights["west"][0].pk)
    assert west0["from"] is None
    assert west0["to"]["date"] in [d.isoformat() for d in DAYS]
    assert west0["moved"] is True


def test_infeasible_activities_are_reported_with_the_reason(trip, sights):
    """Closed every trip weekday, or longer than the day, is reported and left unscheduled."""
    closed = at(trip, "Thursday market", metadata={"opening_hours": WEEKDAY_HOURS})
    marathon = at(trip, "Marathon", duration_minutes=13 * 60)
    proposal = scheduling.schedule_propose(plan=trip)
    assert [(r.id, r.title, r.message) for r in proposal.unplaced] == [
        (closed.pk, "Thursday market", "closed on every day of the trip"),
        (marathon.pk, "Marathon", "longer than the day window"),
    ]
    applied = scheduling.schedule_apply(plan=trip, user=trip.user)
    assert applied.changed > 0
    closed.refresh_from_db()
    marathon.refresh_from_db()
    assert (closed.scheduled_date, marathon.scheduled_date) == (None, None)


def test_activities_without_coordinates_are_placed_by_time_with_a_note(trip):
    """No coordinates: still placed, and the preview says so."""
    somewhere = at(trip, "Somewhere")
    proposal = scheduling.schedule_propose(plan=trip)
    assert [p.id for p in proposal.moves] == [somewhere.pk]
    assert [(r.id, r.message) for r in proposal.notes] == [
        (somewhere.pk, "placed by time only: no coordinates")
    ]


def test_plan_without_dates_places_nothing(user):
    """No trip dates: every activity is reported, nothing moves."""
    from tests.factories import PlanFactory

    undated = PlanFactory(user=user, start_date=None, end_date=None)
    activity = at(undated, "Anything")
    proposal = scheduling.schedule_propose(plan=undated)
    assert proposal.moves == []
    assert [(r.id, r.message) for r in proposal.unplaced] == [
        (activity.pk, "the trip has no dates")
    ]


# --------------------------------------------------------------------------- apply and undo


def test_apply_writes_the_preview_densely_with_versions_and_history(trip, sights):
    """Apply sets day, times and dense order per day, bumps versions and records history."""
    proposal = scheduling.schedule_propose(plan=trip)
    applied = scheduling.schedule_apply(plan=trip, user=trip.user, fingerprint=proposal.fingerprint)
    assert applied.batch_id is not None
    moved = {p.id: p.after for p in proposal.moves}
    assert applied.changed >= len(moved)
    rows = {a.pk: a for a in PlanActivity.objects.filter(plan=trip)}
    for pk, slot in moved.items():
        row = rows[pk]
        assert (row.scheduled_date, row.start_time, row.end_time) == (
            slot.date,
            slot.start,
            slot.end,
        )
        assert row.version == 2
        assert row.metadata["planned_start"] == slot.start.strftime("%H:%M")
    for day in DAYS:
        on_day = sorted(
            (a for a in rows.values() if a.scheduled_date == day), key=lambda a: a.order_index
        )
        assert [a.order_index for a in on_day] == list(range(len(on_day)))
        timed = [a.start_time for a in on_day if a.start_time]
        assert timed == sorted(timed)
    reasons = set(
        PlanActivity.history.filter(
            plan_id=trip.pk, history_change_reason__startswith="planner:"
        ).values_list("history_change_reason", flat=True)
    )
    assert reasons == {f"planner:before:{applied.batch_id}", f"planner:apply:{applied.batch_id}"}
    # Planned activities are not pinned: planning again changes nothing.
    again = scheduling.schedule_propose(plan=trip, include_scheduled=True)
    assert not any(p.pinned for p in again.activities if p.id in moved)


def test_apply_is_atomic(trip, sights, monkeypatch):
    """A failure mid-write (the history of the batch) leaves every activity as it was."""
    before = snapshot(trip)
    real = scheduling.history_record

    def failing(model, pks, *, reason, user):
        if reason.startswith("planner:apply:"):
            raise RuntimeError("disk full")
        return real(model, pks, reason=reason, user=user)

    monkeypatch.setattr(scheduling, "history_record", failing)
    with pytest.raises(RuntimeError):
        scheduling.schedule_apply(plan=trip, user=trip.user)
    assert snapshot(trip) == before
    assert not PlanActivity.history.filter(
        plan_id=trip.pk, history_change_reason__startswith="planner:"
    ).exists()
    assert set(PlanActivity.objects.filter(plan=trip).values_list("version", flat=True)) == {1}


def test_stale_preview_is_refused(trip, sights):
    """An activity edited after the preview makes apply refuse and return a fresh proposal."""
    proposal = scheduling.schedule_propose(plan=trip)
    PlanActivity.objects.filter(pk=sights["lunch"].pk).update(version=5)
    before = snapshot(trip)
    with pytest.raises(scheduling.ScheduleStale) as caught:
        scheduling.schedule_apply(plan=trip, user=trip.user, fingerprint=proposal.fingerprint)
    assert snapshot(trip) == before
    assert caught.value.proposal.fingerprint != proposal.fingerprint
    assert "changed since this preview" in str(caught.value)


def test_undo_restores_the_previous_schedule_exactly(trip, sights):
    """Apply then undo gives back every activity's day, times and order, and records it."""
    at(trip, "Late breakfast", scheduled_date=DAYS[1], order_index=1)
    before = snapshot(trip)
    applied = scheduling.schedule_apply(plan=trip, user=trip.user, include_scheduled=True)
    assert snapshot(trip) != before
    undone = scheduling.schedule_undo(plan=trip, user=trip.user)
    assert undone.batch_id == applied.batch_id
    assert undone.restored == applied.changed
    assert snapshot(trip) == before
    assert not any(
        "planned_start" in m
        for m in PlanActivity.objects.filter(plan=trip).values_list("metadata", flat=True)
    )
    assert (
        PlanActivity.history.filter(
            history_change_reason=f"planner:undo:{applied.batch_id}"
        ).count()
        == applied.changed
    )
    with pytest.raises(scheduling.UndoUnavailable, match="no planner change to undo"):
        scheduling.schedule_undo(plan=trip, user=trip.user)


def test_undo_refuses_after_a_later_edit(trip, sights):
    """Undo never overwrites an edit made after the planner ran."""
    applied = scheduling.schedule_apply(plan=trip, user=trip.user)
    moved = next(iter(applied.proposal.moves))
    PlanActivity.objects.filter(pk=moved.id).update(start_time=dt.time(7))
    after_edit = snapshot(trip)
    with pytest.raises(scheduling.UndoUnavailable, match="changed since the planner ran"):
        scheduling.schedule_undo(plan=trip, user=trip.user)
    assert snapshot(trip) == after_edit


def test_pinned_activities_never_move(trip, sights):
    """Re-planning everything keeps hand-timed and marked activities exactly where they are."""
    timed = at(
        trip,
        "Concert",
        Decimal("48.87"),
        Decimal("2.33"),
        scheduled_date=DAYS[2],
        start_time=dt.time(19),
        end_time=dt.time(21),
        order_index=3,
    )
    marked = at(trip, "Picnic", metadata={"pinned": True}, scheduled_date=DAYS[4])
    keep = [(a.pk, a.scheduled_date, a.start_time, a.end_time) for a in (timed, marked)]
    proposal = scheduling.schedule_propose(plan=trip, include_scheduled=True)
    assert all(not p.moved for p in proposal.activities if p.id in {timed.pk, marked.pk})
    scheduling.schedule_apply(plan=trip, user=trip.user, include_scheduled=True)
    rows = PlanActivity.objects.filter(pk__in=[timed.pk, marked.pk]).order_by("pk")
    assert [(a.pk, a.scheduled_date, a.start_time, a.end_time) for a in rows] == keep
    # Nothing else is planned over the concert.
    for other in PlanActivity.objects.filter(plan=trip, scheduled_date=DAYS[2]).exclude(
        pk=timed.pk
    ):
        if other.start_time:
            assert other.end_time <= dt.time(19) or other.start_time >= dt.time(21)


def test_optimise_day_reorders_to_cut_travel_and_keeps_pins(trip):
    """A zig-zag day is reordered; the pinned lunch keeps its time; the result applies."""
    zigzag = [
        at(trip, name, Decimal("48.85"), Decimal(lon), scheduled_date=START, order_index=i)
        for i, (name, lon) in enumerate(
            [("A", "2.30"), ("C", "2.40"), ("B", "2.35"), ("D", "2.45")]
        )
    ]
    lunch = at(
        trip,
        "Lunch",
        scheduled_date=START,
        start_time=dt.time(12),
        end_time=dt.time(13),
        order_index=4,
    )
    proposal = scheduling.day_optimise_propose(plan=trip, day=START)
    assert proposal.travel_saved_minutes > 0
    assert [d.date for d in proposal.days] == [START]
    lunch_entry = next(p for p in proposal.activities if p.id == lunch.pk)
    assert lunch_entry.pinned
    assert not lunch_entry.moved
    applied = scheduling.day_optimise_apply(
        plan=trip, user=trip.user, day=START, fingerprint=proposal.fingerprint
    )
    assert applied.changed == len(proposal.moves) == len(zigzag)  # lunch stays where it is
    order = list(
        PlanActivity.objects.filter(plan=trip, scheduled_date=START)
        .order_by("order_index")
        .values_list("title", flat=True)
    )
    assert order.index("A") < order.index("B") < order.index("C") < order.index("D") or order.index(
        "D"
    ) < order.index("C") < order.index("B") < order.index("A")
    lunch.refresh_from_db()
    assert (lunch.start_time, lunch.end_time) == (dt.time(12), dt.time(13))


def test_pace_caps_from_settings_without_moderate_mean_no_cap(trip, settings):
    """Configured caps that leave out the plan's pace (and moderate) cap nothing."""
    settings.PLANNER_PACE_CAPS = {"relaxed": {"max_activities": 2, "max_hours": None}}
    config = scheduling.planner_config()
    trip.plan_data = {"preferences": {"pace": "relaxed"}}
    assert {
        (d.max_activities, d.max_busy_minutes) for d in scheduling.trip_days(trip, [], config)
    } == {(2, None)}
    trip.plan_data = {"preferences": {"pace": "fast"}}
    assert {
        (d.max_activities, d.max_busy_minutes) for d in scheduling.trip_days(trip, [], config)
    } == {(None, None)}

"""Tests for activities.planner (pure Python, no Django).

Hand-made instances put stops on the equator so that distances are exact kilometres; with
``UNIT`` travel settings (no walking, 60 km/h, no buffer) one kilometre is one minute.
Feasibility is checked with ``reference_timing``, an independent re-implementation of the
documented timing rules, and brute force over permutations stands in for the exact optimum.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.planner import (
    DEFAULT_DURATIONS,
    DEFAULT_TYPICAL_HOURS,
    REASON_CLOSED_DAY,
    REASON_CLOSED_TRIP,
    REASON_DAY_FULL,
    REASON_HOURS_DAY,
    REASON_NO_ROOM,
    REASON_TOO_LONG,
    WARN_NO_COORDS,
    DayContext,
    DayPlan,
    PlannerOptions,
    Schedule,
    Stop,
    TravelSettings,
    build_days,
    optimise_day,
    parse_opening_hours,
    plan_days,
    resolve_duration,
    travel_minutes,
)

KM_PER_DEGREE = 2 * math.pi * 6371.0088 / 360
UNIT = TravelSettings(walk_threshold_km=0.0, transit_speed_kmh=60.0, buffer_minutes=0)
EXACT_SLOTS = PlannerOptions(slot_minutes=1)
MONDAY = date(2024, 6, 3)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HOTEL = (0.0, 0.0)


def at(x_km: float, y_km: float = 0.0) -> tuple[float, float]:
    """A point x km east and y km north of (0, 0); near the equator this is a flat grid."""
    return (y_km / KM_PER_DEGREE, x_km / KM_PER_DEGREE)


def stop_at(stop_id: int, x_km: float, y_km: float = 0.0, **kwargs: object) -> Stop:
    lat, lon = at(x_km, y_km)
    kwargs.setdefault("duration_minutes", 30)
    return Stop(stop_id, lat=lat, lon=lon, **kwargs)  # type: ignore[arg-type]


def day(**kwargs: object) -> DayContext:
    kwargs.setdefault("date", MONDAY)
    return DayContext(**kwargs)  # type: ignore[arg-type]


def ids(plan_visits: object) -> list[int]:
    return [v.stop_id for v in plan_visits]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- reference model


def minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def hours_on(stop: Stop, when: date) -> tuple[int, int] | None:
    """Opening interval read straight from the JSON (not via the planner's parser)."""
    if not stop.opening_hours:
        return (0, 48 * 60)
    entry = stop.opening_hours.get(WEEKDAYS[when.weekday()])
    if not entry:
        return None
    opens, closes = (int(x[:2]) * 60 + int(x[3:5]) for x in (entry["open"], entry["close"]))
    return (opens, closes if closes > opens else closes + 24 * 60)


def reference_timing(
    order: list[Stop], ctx: DayContext, travel: TravelSettings, slot: int
) -> tuple[int, list[int]] | None:
    """The documented rules, written independently: ``(travel, starts)`` or ``None``."""
    ws, we = minutes(ctx.window_start), minutes(ctx.window_end)
    clock, total, starts = ws, 0, []
    prev: Stop | None = None
    prev_pinned = True
    last_pin = (-1, -1)
    for stop in order:
        if prev is None:
            leg = (
                0
                if ctx.start_point is None
                else travel_minutes(ctx.start_point, stop.point, travel)
            )
        else:
            leg = travel_minutes(prev.point, stop.point, travel)
        total += leg
        arrival = clock + leg
        duration = resolve_duration(stop, DEFAULT_DURATIONS)
        if stop.pinned_start is not None:
            pin = minutes(stop.pinned_start)
            if (pin, stop.id) < last_pin or (not prev_pinned and arrival > pin):
                return None
            last_pin = (pin, stop.id)
            starts.append(pin)
            clock = pin + duration if prev is None else max(clock, pin + duration)
        else:
            interval = hours_on(stop, ctx.date)
            if interval is None:
                return None
            start = max(arrival, ws, interval[0])
            start = -(-start // slot) * slot
            if start + duration > min(we, interval[1]):
                return None
            starts.append(start)
            clock = start + duration
        prev, prev_pinned = stop, stop.pinned_start is not None
    if prev is not None and ctx.end_point is not None:
        back = travel_minutes(prev.point, ctx.end_point, travel)
        total += back
        if not prev_pinned and clock + back > we:
            return None
    return total, starts


def brute_force(
    stops: list[Stop], ctx: DayContext, travel: TravelSettings, slot: int
) -> tuple[int, int]:
    """Best (stops placed, travel) over every subset keeping the pinned stops, every order."""
    pinned = [s for s in stops if s.pinned_start is not None]
    free = [s for s in stops if s.pinned_start is None]
    best = None
    for size in range(len(free) + 1):
        for chosen in itertools.combinations(free, size):
            for order in itertools.permutations([*pinned, *chosen]):
                timed = reference_timing(list(order), ctx, travel, slot)
                if timed is not None:
                    key = (-len(order), timed[0])
                    best = key if best is None or key < best else best
    assert best is not None  # the pinned stops alone in time order are always feasible
    return -best[0], best[1]


def assert_day_plan_valid(
    plan: DayPlan, stops: list[Stop], ctx: DayContext, travel: TravelSettings, slot: int
) -> None:
    """Hard rules: every stop once; times recomputed independently; windows and hours held."""
    by_id = {s.id: s for s in stops}
    placed = ids(plan.visits)
    assert len(placed) == len(set(placed))
    assert sorted(placed + [i for i, _ in plan.unplaced]) == sorted(by_id)
    order = [by_id[i] for i in placed]
    timed = reference_timing(order, ctx, travel, slot)
    assert timed is not None, "the returned order breaks a time window"
    assert timed[0] == plan.travel_minutes
    assert timed[1] == [v.start_minute for v in plan.visits]
    ws, we = minutes(ctx.window_start), minutes(ctx.window_end)
    for visit in plan.visits:
        stop = by_id[visit.stop_id]
        assert visit.end_minute - visit.start_minute == resolve_duration(stop)
        if stop.pinned_start is not None:
            assert visit.pinned
            assert visit.start == stop.pinned_start
            continue
        interval = hours_on(stop, ctx.date)
        assert interval is not None, "placed on a closed day"
        assert ws <= visit.start_minute
        assert visit.end_minute <= we
        assert interval[0] <= visit.start_minute
        assert visit.end_minute <= interval[1]


# --------------------------------------------------------------------------- strategies

BASE = (48.8566, 2.3522)


@st.composite
def opening_hours(draw: st.DrawFn) -> dict[str, dict[str, str]] | None:
    if draw(st.booleans()):
        return None
    open_days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=0, max_size=7, unique=True))
    opens = draw(st.integers(7 * 4, 15 * 4)) * 15
    closes = min(opens + draw(st.integers(4, 48)) * 15, 23 * 60 + 45)
    hours = {
        "open": f"{opens // 60:02d}:{opens % 60:02d}",
        "close": f"{closes // 60:02d}:{closes % 60:02d}",
    }
    return {d: dict(hours) for d in open_days}


@st.composite
def stop_lists(draw: st.DrawFn, max_stops: int, pinned: bool = True) -> list[Stop]:
    count = draw(st.integers(1, max_stops))
    stop_ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    stops = []
    for stop_id in stop_ids:
        coords = draw(st.one_of(st.none(), st.tuples(st.floats(-4, 4), st.floats(-4, 4))))
        lat = lon = None
        if coords is not None:
            lat = BASE[0] + coords[1] / 110.574
            lon = BASE[1] + coords[0] / 73.3
        pin = None
        if pinned and draw(st.integers(0, 5)) == 0:
            pin = time(draw(st.integers(8, 19)), draw(st.sampled_from([0, 15, 30, 45])))
        stops.append(
            Stop(
                id=stop_id,
                duration_minutes=draw(
                    st.one_of(st.none(), st.integers(1, 16).map(lambda q: q * 15))
                ),
                lat=lat,
                lon=lon,
                opening_hours=draw(opening_hours()),
                pinned_start=pin,
                # Types without usual hours: these properties check windows and pins only.
                activity_type=draw(st.sampled_from(UNTYPED)),
            )
        )
    return stops


@st.composite
def day_contexts(draw: st.DrawFn, when: date | None = None) -> DayContext:
    start = draw(st.integers(7, 10))
    end = draw(st.integers(16, 22))
    point = draw(st.one_of(st.none(), st.just(BASE)))
    return DayContext(
        date=when or MONDAY + timedelta(days=draw(st.integers(0, 6))),
        window_start=time(start),
        window_end=time(end),
        start_point=point,
        end_point=draw(st.one_of(st.none(), st.just(point or BASE))),
    )


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- travel model


def test_travel_minutes_walking_transit_and_buffer() -> None:
    settings_ = TravelSettings()  # 1.5 km threshold, 4.5 km/h walking, 25 km/h, 5 min buffer
    # 1 km walked: 60 / 4.5 = 13.33 -> 14 min, + 5 buffer = 19.
    assert travel_minutes(at(0), at(1), settings_) == 19
    # 10 km by transit: 10 / 25 * 60 = 24 min, + 5 buffer = 29.
    assert travel_minutes(at(0), at(10), settings_) == 29
    # Same place: only the buffer; unknown coordinates: only the buffer.
    assert travel_minutes(at(3), at(3), settings_) == 5
    assert travel_minutes(None, at(3), settings_) == 5
    assert travel_minutes(at(3), None, settings_) == 5
    # Symmetric, and configured values are used.
    assert travel_minutes(at(1), at(0), settings_) == 19
    assert (
        travel_minutes(at(0), at(10), TravelSettings(transit_speed_kmh=50, buffer_minutes=0)) == 12
    )


def test_travel_settings_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="speeds must be positive"):
        TravelSettings(walk_speed_kmh=0)


# --------------------------------------------------------------------------- opening hours


def test_parse_opening_hours_formats() -> None:
    assert parse_opening_hours(None) is None
    assert parse_opening_hours({}) is None
    parsed = parse_opening_hours({"Monday": {"open": "09:00", "close": "17:30"}, "sunday": None})
    assert parsed == ((540, 1050), None, None, None, None, None, None)
    late = parse_opening_hours({"friday": {"open": "18:00", "close": "02:00"}})
    assert late is not None
    assert late[4] == (18 * 60, 26 * 60)  # closes after midnight


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"funday": {"open": "09:00", "close": "17:00"}}, "unknown weekday 'funday'"),
        ({"monday": {"open": "25:00", "close": "17:00"}}, "not a valid time"),
        ({"monday": {"open": "9am", "close": "17:00"}}, "must be a 'HH:MM' string"),
        ({"monday": {"open": "09:00"}}, "monday must be"),
        ({"monday": "09:00-17:00"}, "monday must be"),
        (["monday"], "must be a mapping"),
    ],
)
def test_parse_opening_hours_rejects_malformed(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_opening_hours(raw)  # type: ignore[arg-type]


def test_stop_validates_on_construction() -> None:
    with pytest.raises(ValueError, match="stop 7: unknown weekday"):
        Stop(7, opening_hours={"mon": {"open": "09:00", "close": "10:00"}})
    with pytest.raises(ValueError, match="lat and lon"):
        Stop(8, lat=1.0)


def test_default_duration_by_type() -> None:
    assert resolve_duration(Stop(1, activity_type="restaurant")) == 90
    assert resolve_duration(Stop(1, activity_type="unknown-type")) == 60  # "other"
    assert resolve_duration(Stop(1, 42, activity_type="restaurant")) == 42
    custom = {"restaurant": 75, "other": 20}
    assert resolve_duration(Stop(1, activity_type="attraction"), custom) == 20


# --------------------------------------------------------------------------- known optima


def test_line_out_and_back_is_visited_in_order() -> None:
    # Hotel at km 0, stops at km 1..4. Input 3,1,4,2: 3+2+3+2 and back 2 = 12 min.
    # Optimum sweeps out and back: 1+1+1+1 and back 4 = 8 min (either direction).
    stops = [stop_at(3, 3), stop_at(1, 1), stop_at(4, 4), stop_at(2, 2)]
    ctx = day(start_point=HOTEL, end_point=HOTEL)
    for method in ("exact", "heuristic", "auto"):
        plan = optimise_day(stops, ctx, UNIT, options=EXACT_SLOTS, method=method)
        assert plan.travel_minutes == 8
        assert plan.input_order_travel_minutes == 12
        assert plan.travel_saved_minutes == 4
        assert ids(plan.visits) in ([1, 2, 3, 4], [4, 3, 2, 1])
        assert plan.unplaced == ()


def test_square_open_path_follows_the_sides() -> None:
    # Corners of a 2 km square, no accommodation: the best path walks three sides = 6 min.
    # Input order A, C, B, D crosses both diagonals: ceil(2.83) + 2 + ceil(2.83) = 8 min.
    a, b, c, d = stop_at(1, 0, 0), stop_at(2, 2, 0), stop_at(3, 2, 2), stop_at(4, 0, 2)
    plan = optimise_day([a, c, b, d], day(), UNIT, options=EXACT_SLOTS)
    assert plan.input_order_travel_minutes == 8
    assert plan.travel_minutes == 6
    order = ids(plan.visits)
    sides = {frozenset(p) for p in [(1, 2), (2, 3), (3, 4), (4, 1)]}
    assert all(frozenset(pair) in sides for pair in itertools.pairwise(order))


def test_time_window_overrides_the_shortest_order() -> None:
    # Open path from the hotel; A at km 1, B at km 2. Unconstrained: A then B = 1 + 1 = 2.
    # B is only open 09:00-09:45 (30 min visit), so B first: 2 + 1 = 3 min.
    a = stop_at(1, 1)
    b = stop_at(2, 2, opening_hours={"monday": {"open": "09:00", "close": "09:45"}})
    ctx = day(start_point=HOTEL)
    free = optimise_day([a, stop_at(2, 2)], ctx, UNIT, options=EXACT_SLOTS)
    assert (ids(free.visits), free.travel_minutes) == ([1, 2], 2)
    plan = optimise_day([a, b], ctx, UNIT, options=EXACT_SLOTS)
    assert (ids(plan.visits), plan.travel_minutes) == ([2, 1], 3)
    assert plan.visits[0].start == time(9, 2)
    assert plan.visits[1].start == time(9, 33)


def test_a_pinned_stop_before_the_window_lets_the_next_stop_start_on_time() -> None:
    """Found by hypothesis: pinned at 08:00, the traveller is already out when the 10:00
    window opens, so a 150-minute visit closing at 12:30 fits at 10:00 and must not be
    dropped as "too far from the accommodation" (from the hotel it would start at 10:05)."""
    stops = [
        Stop(1, None, None, None, {}, time(8, 0), "accommodation"),
        Stop(2, 150, None, None, {"monday": {"open": "07:00", "close": "12:30"}}),
        Stop(3, None, None, None, {}, time(13, 0), "accommodation"),
    ]
    ctx = day(window_start=time(10), window_end=time(16), start_point=BASE)
    for method in ("heuristic", "exact"):
        plan = optimise_day(stops, ctx, TravelSettings(), method=method)
        assert plan.unplaced == ()
        assert [(v.stop_id, v.start_minute) for v in plan.visits] == [(1, 480), (2, 600), (3, 780)]


def test_pinned_stop_keeps_its_time_and_splits_the_day() -> None:
    # Lunch pinned at 12:00 at km 5; two 2 h visits at km 1 and km 2. Both before lunch
    # would run 09:01-11:01 and 11:02-13:02, colliding with it, so one goes after lunch.
    # Best: hotel -> 1 -> lunch -> 2 -> hotel = 1 + 4 + 3 + 2 = 10 (or 2 first, also 10).
    lunch = stop_at(10, 5, pinned_start=time(12, 0), duration_minutes=60)
    stops = [stop_at(1, 1, duration_minutes=120), stop_at(2, 2, duration_minutes=120), lunch]
    ctx = day(start_point=HOTEL, end_point=HOTEL)
    plan = optimise_day(stops, ctx, UNIT, options=EXACT_SLOTS)
    assert_day_plan_valid(plan, stops, ctx, UNIT, 1)
    visits = {v.stop_id: v for v in plan.visits}
    assert visits[10].start == time(12, 0)
    assert visits[10].pinned
    before = [v for v in plan.visits if v.end_minute <= 12 * 60]
    assert len(before) == 1
    assert plan.travel_minutes == 10


def test_heavier_day_is_cut_with_a_reason() -> None:
    # Five 3 h visits at km 1..5 in a 12 h window: four would need 12 h plus travel, so three
    # fit. The cheapest three are km 1, 2, 3: 1 + 1 + 1 out and 3 back = 6 min.
    stops = [stop_at(i, i, duration_minutes=180) for i in range(1, 6)]
    ctx = day(start_point=HOTEL, end_point=HOTEL)
    plan = optimise_day(stops, ctx, UNIT, options=EXACT_SLOTS)
    assert_day_plan_valid(plan, stops, ctx, UNIT, 1)
    assert sorted(ids(plan.visits)) == [1, 2, 3]
    assert plan.travel_minutes == 6
    assert plan.unplaced == ((4, REASON_DAY_FULL), (5, REASON_DAY_FULL))


def test_optimise_day_reasons() -> None:
    closed = stop_at(1, 1, opening_hours={"tuesday": {"open": "09:00", "close": "17:00"}})
    too_long = stop_at(2, 1, duration_minutes=13 * 60)
    short_hours = stop_at(
        3, 1, duration_minutes=120, opening_hours={"monday": {"open": "20:00", "close": "23:00"}}
    )
    ok = stop_at(4, 1)
    plan = optimise_day([closed, too_long, short_hours, ok], day(), UNIT)
    assert dict(plan.unplaced) == {
        1: REASON_CLOSED_DAY,
        2: REASON_TOO_LONG,
        3: REASON_HOURS_DAY,
    }
    assert ids(plan.visits) == [4]


def test_stop_without_coordinates_is_flagged_and_costs_the_buffer() -> None:
    travel = TravelSettings(buffer_minutes=7)
    stops = [Stop(1, 30), stop_at(2, 0)]
    plan = optimise_day(stops, day(start_point=HOTEL, end_point=HOTEL), travel)
    assert (1, WARN_NO_COORDS) in plan.warnings
    assert (2, WARN_NO_COORDS) not in plan.warnings
    # hotel -> stop 2 at the hotel (7) -> uncoordinated (7) -> hotel (7), or reversed.
    assert plan.travel_minutes == 21


def test_uncapped_optimise_ignores_pace() -> None:
    stops = [stop_at(i, i * 0.1) for i in range(1, 5)]
    ctx = day(max_activities=1, max_busy_minutes=10)
    assert len(optimise_day(stops, ctx, UNIT).visits) == 4


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(stops=stop_lists(max_stops=7), ctx=day_contexts())
def test_optimise_day_never_breaks_windows_or_pins(stops: list[Stop], ctx: DayContext) -> None:
    travel = TravelSettings()
    plan = optimise_day(stops, ctx, travel)
    assert_day_plan_valid(plan, stops, ctx, travel, 5)


@settings(max_examples=100, deadline=None)
@given(stops=stop_lists(max_stops=9), ctx=day_contexts())
def test_heuristic_is_feasible_and_never_worse_than_a_feasible_input_order(
    stops: list[Stop], ctx: DayContext
) -> None:
    travel = TravelSettings()
    plan = optimise_day(stops, ctx, travel, method="heuristic")
    assert_day_plan_valid(plan, stops, ctx, travel, 5)
    assert not plan.exact
    if reference_timing(stops, ctx, travel, 5) is not None:  # the input order is feasible
        assert not plan.unplaced
        assert plan.travel_minutes <= plan.input_order_travel_minutes


@settings(max_examples=120, deadline=None)
@given(stops=stop_lists(max_stops=6), ctx=day_contexts())
def test_exact_matches_brute_force(stops: list[Stop], ctx: DayContext) -> None:
    travel = TravelSettings()
    plan = optimise_day(stops, ctx, travel, method="exact")
    assert plan.exact
    assert (len(plan.visits), plan.travel_minutes) == brute_force(stops, ctx, travel, 5)


def test_exact_matches_brute_force_on_seeded_tight_days() -> None:
    # Narrow windows and 6 stops: orders and subsets matter; compare on 25 fixed seeds.
    travel = TravelSettings()
    for seed in range(25):
        rng = random.Random(seed)
        stops = []
        for i in range(6):
            opens = rng.randrange(9 * 60, 16 * 60, 30)
            hours = {
                "monday": {
                    "open": f"{opens // 60:02d}:{opens % 60:02d}",
                    "close": f"{opens // 60 + 3:02d}:00",
                }
            }
            lat, lon = at(rng.uniform(-5, 5), rng.uniform(-5, 5))
            stops.append(Stop(i + 1, rng.choice([45, 60, 90]), lat, lon, hours))
        ctx = day(start_point=HOTEL, end_point=HOTEL, window_end=time(19))
        plan = optimise_day(stops, ctx, travel, method="exact")
        assert (len(plan.visits), plan.travel_minutes) == brute_force(stops, ctx, travel, 5)
        heuristic = optimise_day(stops, ctx, travel, method="heuristic")
        assert (len(heuristic.visits), -heuristic.travel_minutes) <= (
            len(plan.visits),
            -plan.travel_minutes,
        )


# --------------------------------------------------------------------------- plan_days


def trip_days(count: int, **kwargs: object) -> tuple[DayContext, ...]:
    return tuple(
        DayContext(MONDAY + timedelta(days=i), start_point=HOTEL, end_point=HOTEL, **kwargs)  # type: ignore[arg-type]
        for i in range(count)
    )


def assert_schedule_valid(
    schedule: Schedule,
    stops: list[Stop],
    days: tuple[DayContext, ...],
    fixed: dict[date, list[Stop]],
    travel: TravelSettings,
    slot: int,
) -> None:
    every = [*stops, *(s for group in fixed.values() for s in group)]
    by_date = {p.date: p for p in schedule.days}
    placed: list[int] = []
    for ctx in days:
        plan = by_date[ctx.date]
        members = [s for s in every if s.id in set(ids(plan.visits))]
        # Day plans only list their own fixed failures; check timing on the placed stops.
        trimmed = replace(plan, unplaced=())
        assert_day_plan_valid(trimmed, members, ctx, travel, slot)
        # The traveller's own pinned stops may already exceed the pace; the planner must then
        # add nothing, so the cap is whichever is larger.
        pinned_ids = {s.id for s in fixed.get(ctx.date, []) if s.pinned_start is not None}
        pinned_busy = sum(
            v.end_minute - v.start_minute for v in plan.visits if v.stop_id in pinned_ids
        )
        if ctx.max_activities is not None:
            assert len(plan.visits) <= max(ctx.max_activities, len(pinned_ids))
        if ctx.max_busy_minutes is not None:
            busy = sum(v.end_minute - v.start_minute for v in plan.visits)
            assert busy <= max(ctx.max_busy_minutes, pinned_busy)
        placed.extend(ids(plan.visits))
        for visit in plan.visits:
            if not visit.pinned:
                assert schedule.assignments[visit.stop_id] == (ctx.date, visit.start)
    unplaced = [i for i, _ in schedule.unplaced]
    assert len(placed) == len(set(placed))
    assert sorted(placed + unplaced) == sorted(s.id for s in every)
    for when, group in fixed.items():
        plan = by_date[when]
        for stop in group:
            if stop.pinned_start is not None:
                visit = next(v for v in plan.visits if v.stop_id == stop.id)
                assert visit.start == stop.pinned_start
    assert schedule.travel_minutes == sum(p.travel_minutes for p in schedule.days)


def test_plan_days_groups_far_apart_clusters() -> None:
    # Two clusters 10 km east and 10 km west of the hotel, three stops each, two days.
    # Mixing clusters on a day costs an extra 20 km crossing; grouping costs 2 x (10 + 10).
    east = [stop_at(i, 10 + 0.2 * i) for i in (1, 2, 3)]
    west = [stop_at(i, -10 - 0.2 * i) for i in (4, 5, 6)]
    mixed_input = [east[0], west[0], east[1], west[1], east[2], west[2]]
    days = trip_days(2, max_activities=4)
    schedule = plan_days(mixed_input, days, UNIT, options=EXACT_SLOTS)
    assert_schedule_valid(schedule, mixed_input, days, {}, UNIT, 1)
    groups = [set(ids(p.visits)) for p in schedule.days]
    assert sorted(map(sorted, groups)) == [[1, 2, 3], [4, 5, 6]]
    # Each day: 10 out, 0.2 + 0.2 between stops, 10.6 back -> ceil legs: 10+1+1+11 = 23.
    assert schedule.travel_minutes == 48
    assert schedule.travel_minutes < schedule.input_order_travel_minutes


def test_plan_days_respects_caps_and_balances_load() -> None:
    stops = [stop_at(i, 0.3 * i, duration_minutes=60) for i in range(1, 9)]
    days = trip_days(3, max_activities=3, max_busy_minutes=180)
    schedule = plan_days(stops, days, TravelSettings())
    assert_schedule_valid(schedule, stops, days, {}, TravelSettings(), 5)
    loads = sorted(len(p.visits) for p in schedule.days)
    assert loads == [2, 3, 3]  # 8 stops, cap 3 a day: balanced and all placed
    assert schedule.unplaced == ()


def test_plan_days_reports_no_room() -> None:
    stops = [stop_at(i, 0.3 * i, duration_minutes=60) for i in range(1, 6)]
    days = trip_days(2, max_activities=2)
    schedule = plan_days(stops, days, TravelSettings())
    assert len(schedule.assignments) == 4
    assert [reason for _, reason in schedule.unplaced] == [REASON_NO_ROOM]


def test_plan_days_infeasible_reasons() -> None:
    # Trip is Monday-Wednesday; the museum opens on Sundays only.
    sunday_only = stop_at(1, 1, opening_hours={"sunday": {"open": "09:00", "close": "17:00"}})
    marathon = stop_at(2, 1, duration_minutes=13 * 60)  # the window is 12 h
    fine = stop_at(3, 1)
    schedule = plan_days([sunday_only, marathon, fine], trip_days(3), UNIT)
    assert dict(schedule.unplaced) == {1: REASON_CLOSED_TRIP, 2: REASON_TOO_LONG}
    assert set(schedule.assignments) == {3}


def test_plan_days_uses_only_open_weekdays() -> None:
    # Open on Tuesday only: must land on the Tuesday even though Monday is empty and nearer.
    tuesday = stop_at(1, 1, opening_hours={"tuesday": {"open": "10:00", "close": "12:00"}})
    schedule = plan_days([tuesday], trip_days(3), UNIT)
    when, start = schedule.assignments[1]
    assert when == MONDAY + timedelta(days=1)
    assert time(10) <= start <= time(11, 30)


def test_plan_days_keeps_fixed_and_pinned_stops() -> None:
    dinner = stop_at(100, 0.5, pinned_start=time(19, 0), duration_minutes=90)
    on_day_two = stop_at(101, 3)  # already on Tuesday without a time: keeps the day
    fixed = {MONDAY: [dinner], MONDAY + timedelta(days=1): [on_day_two]}
    stops = [stop_at(i, 0.4 * i, duration_minutes=90) for i in range(1, 7)]
    days = trip_days(2, max_activities=5)
    schedule = plan_days(stops, days, TravelSettings(), fixed=fixed)
    assert_schedule_valid(schedule, stops, days, fixed, TravelSettings(), 5)
    assert 100 not in schedule.assignments  # pinned stops never move, so they are not listed
    assert schedule.assignments[101][0] == MONDAY + timedelta(days=1)
    monday = schedule.days[0]
    assert next(v for v in monday.visits if v.stop_id == 100).start == time(19, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stops=stop_lists(max_stops=12, pinned=False),
    pinned=stop_lists(max_stops=2),
    count=st.integers(1, 4),
    pace=st.sampled_from(["relaxed", "moderate", "fast", None]),
)
def test_plan_days_never_breaks_rules(
    stops: list[Stop], pinned: list[Stop], count: int, pace: str | None
) -> None:
    travel = TravelSettings()
    used = {s.id for s in stops}
    pins = [
        Stop(s.id + 20_000, s.duration_minutes, s.lat, s.lon, None, s.pinned_start or time(12))
        for s in pinned
    ]
    fixed = {MONDAY: pins}
    days = build_days(
        MONDAY, MONDAY + timedelta(days=count - 1), pace=pace, accommodation={MONDAY: BASE}
    )
    schedule = plan_days(stops, days, travel, fixed=fixed)
    assert_schedule_valid(schedule, stops, days, fixed, travel, 5)
    for stop_id, reason in schedule.unplaced:
        assert isinstance(reason, str)
        assert reason
        assert stop_id in used


# --------------------------------------------------------------------------- determinism


def test_deterministic_and_independent_of_input_order() -> None:
    rng = random.Random(7)
    stops = []
    for i in range(1, 25):
        lat, lon = at(rng.uniform(-8, 8), rng.uniform(-8, 8))
        stops.append(Stop(i, rng.choice([60, 90, 120]), lat, lon))
    days = build_days(
        MONDAY,
        MONDAY + timedelta(days=5),
        accommodation={MONDAY + timedelta(days=k): HOTEL for k in range(6)},
    )
    first = plan_days(stops, days)
    assert plan_days(stops, days) == first
    shuffled = list(stops)
    rng.shuffle(shuffled)
    again = plan_days(shuffled, days)
    assert again.assignments == first.assignments
    assert again.travel_minutes == first.travel_minutes
    day_one = [s for s in stops if first.assignments.get(s.id, (None,))[0] == MONDAY]
    assert optimise_day(day_one, days[0]) == optimise_day(day_one, days[0])
    heuristic = optimise_day(day_one, days[0], method="heuristic")
    assert optimise_day(day_one, days[0], method="heuristic") == heuristic
    # The exact plan does not depend on the order the stops were given in.
    assert (
        optimise_day(day_one, days[0], method="exact").travel_minutes
        == optimise_day(list(reversed(day_one)), days[0], method="exact").travel_minutes
    )


# --------------------------------------------------------------------------- build_days


def test_build_days_anchors_each_day_to_the_accommodation() -> None:
    paris, lyon = (48.85, 2.35), (45.76, 4.84)
    nights = {MONDAY: paris, MONDAY + timedelta(days=1): lyon}
    days = build_days(MONDAY, MONDAY + timedelta(days=2), pace="relaxed", accommodation=nights)
    assert [(d.start_point, d.end_point) for d in days] == [
        (paris, paris),  # arrival day: the first night's hotel
        (paris, lyon),  # moving day: wake in Paris, sleep in Lyon
        (lyon, lyon),  # departure day: back to the last hotel
    ]
    assert (days[0].max_activities, days[0].max_busy_minutes) == (3, 360)
    with pytest.raises(ValueError, match="unknown pace"):
        build_days(MONDAY, MONDAY, pace="frantic")


UNTYPED = sorted(set(DEFAULT_DURATIONS) - set(DEFAULT_TYPICAL_HOURS))


def test_nightlife_starts_in_the_evening_not_at_the_first_free_slot():
    """A fado night goes in the evening even when the morning is free and nearer."""
    stops = [Stop(1, 60, 38.71, -9.13), Stop(2, 120, 38.71, -9.14, activity_type="nightlife")]
    day = DayContext(date(2030, 6, 1), window_start=time(9), window_end=time(23))
    plan = optimise_day(stops, day)
    fado = next(v for v in plan.visits if v.stop_id == 2)
    assert time(19) <= fado.start <= time(21)
    assert plan.unplaced == ()


def test_nightlife_that_cannot_be_in_the_evening_is_named_not_put_at_noon():
    """A day window that ends before the evening leaves the nightlife unplaced, with why."""
    stops = [Stop(2, 120, activity_type="nightlife")]
    plan = optimise_day(stops, DayContext(date(2030, 6, 1), window_end=time(18)))
    assert plan.visits == ()
    assert plan.unplaced == ((2, "does not fit its usual hours within the day window on this day"),)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stops=stop_lists(6), data=st.data())
def test_typed_stops_start_within_their_usual_hours(stops, data):
    """Every placed nightlife or restaurant stop that is not pinned starts in one of its
    type's usual windows (a meal at lunch or dinner time, never at 16:00)."""
    typed = {
        s.id: data.draw(st.sampled_from(["nightlife", "restaurant"]), label=f"type {s.id}")
        for s in stops
        if s.pinned_start is None and data.draw(st.booleans(), label=f"typed {s.id}")
    }
    stops = [replace(s, activity_type=typed[s.id]) if s.id in typed else s for s in stops]
    day = DayContext(date(2030, 6, 3), window_start=time(8), window_end=time(23, 30))
    plan = optimise_day(stops, day)
    for visit in plan.visits:
        if visit.stop_id in typed:
            windows = DEFAULT_TYPICAL_HOURS[typed[visit.stop_id]]
            assert any(earliest <= visit.start <= latest for earliest, latest in windows)


def test_a_meal_goes_at_lunch_or_dinner_time_not_in_the_afternoon():
    """Morning and early afternoon already taken: the restaurant waits for dinner time."""
    stops = [
        Stop(1, 60, 38.71, -9.13, pinned_start=time(12)),
        Stop(2, 90, 38.71, -9.14, pinned_start=time(13, 30)),
        Stop(3, 60, 38.71, -9.135, activity_type="restaurant"),
    ]
    day = DayContext(date(2030, 6, 1), window_start=time(9), window_end=time(22))
    plan = optimise_day(stops, day)
    meal = next(v for v in plan.visits if v.stop_id == 3)
    assert meal.start == time(19)
    assert plan.unplaced == ()


def test_a_meal_takes_the_lunch_window_when_it_is_free():
    """Nothing else planned: the restaurant starts at noon, not at the day window's start."""
    plan = optimise_day([Stop(3, 60, activity_type="restaurant")], DayContext(date(2030, 6, 1)))
    assert [v.start for v in plan.visits] == [time(12)]


def test_a_meal_that_fits_neither_window_is_named():
    """A day from 15:00 to 18:00 has no meal time: the restaurant is unplaced, with why."""
    day = DayContext(date(2030, 6, 1), window_start=time(15), window_end=time(18))
    plan = optimise_day([Stop(3, 60, activity_type="restaurant")], day)
    assert plan.visits == ()
    assert plan.unplaced == ((3, "does not fit its usual hours within the day window on this day"),)


def test_usual_hours_are_configurable_and_take_a_single_window():
    """A single (earliest, latest) pair is one window; the option replaces the defaults."""
    options = PlannerOptions(typical_hours={"restaurant": (time(16), time(17))})
    plan = optimise_day(
        [Stop(3, 60, activity_type="restaurant")], DayContext(date(2030, 6, 1)), options=options
    )
    assert [v.start for v in plan.visits] == [time(16)]
    with pytest.raises(ValueError, match="latest start before the earliest"):
        PlannerOptions(typical_hours={"restaurant": ((time(12), time(14)), (time(20), time(19)))})


def test_plan_my_days_puts_meals_at_meal_times():
    """Over a two-day trip, every restaurant lands in a lunch or dinner window."""
    stops = [Stop(i, 60, 38.71, -9.13 - i / 100, activity_type="restaurant") for i in range(1, 6)]
    stops += [Stop(i, 120, 38.71, -9.13 - i / 100) for i in range(6, 10)]
    days = build_days(date(2030, 6, 1), date(2030, 6, 2), window_end=time(22), pace=None)
    schedule = plan_days(stops, days)
    windows = DEFAULT_TYPICAL_HOURS["restaurant"]
    meals = [start for pk, (_, start) in schedule.assignments.items() if pk <= 5]
    assert len(meals) + len(schedule.unplaced) == 5
    assert meals
    for start in meals:
        assert any(earliest <= start <= latest for earliest, latest in windows)

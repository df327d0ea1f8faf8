"""Day planner: assign activities to trip days and order each day to cut travel time.

Pure Python, no Django: the view/service layer converts ``Activity`` rows and traveller
preferences into the dataclasses below and turns the result into a preview or into saved
``day``/``start_time`` values. All configuration is passed in; nothing reads settings.

Public API
----------
``Stop(id, duration_minutes=None, lat=None, lon=None, opening_hours=None, pinned_start=None,
activity_type="activity")``
    One activity. ``duration_minutes=None`` falls back to ``PlannerOptions.default_durations``
    by ``activity_type``. ``opening_hours`` uses the model's JSON format
    (``{"monday": {"open": "09:00", "close": "17:00"}, ...}``; an absent day or ``None`` value
    means closed that weekday; ``None``/``{}`` means "no information = always open"); it is
    validated on construction (``ValueError``). ``pinned_start`` set means the activity must
    start exactly then (the caller maps "has a fixed start_time" / "marked pinned" onto it).
    A stop without coordinates is placed by time only: travel to or from it counts only the
    buffer, and the result flags it.

``DayContext(date, window_start=09:00, window_end=21:00, start_point=None, end_point=None,
max_activities=None, max_busy_minutes=None)``
    One trip day. The traveller leaves ``start_point`` (accommodation) at ``window_start``
    and, after the last non-pinned activity, must be back at ``end_point`` by ``window_end``.
    A missing point means the day has no leg there. Caps come from the pace (see
    ``build_days`` and ``DEFAULT_PACE_CAPS``); "busy minutes" are activity durations.

``TravelSettings(walk_threshold_km=1.5, walk_speed_kmh=4.5, transit_speed_kmh=25.0,
buffer_minutes=5)`` and ``travel_minutes(a, b, travel) -> int``
    Great-circle distance, walked below the threshold, transit/driving above it, plus a fixed
    buffer, rounded up to whole minutes. ``None`` for either point gives the buffer only.

``PlannerOptions(default_durations=DEFAULT_DURATIONS, typical_hours=DEFAULT_TYPICAL_HOURS,
slot_minutes=5, exact_max_stops=10, balance_weight=1.0)``
    Non-travel knobs: ``typical_hours`` maps an activity type to the windows in which it
    usually starts, each ``(earliest, latest)`` start (a nightlife stop starts in the
    evening, a restaurant at lunch or dinner time; a single ``(earliest, latest)`` pair is
    one window; a stop that fits none is unplaced with the reason, never put at noon or at
    16:00; pinned stops keep their time); start times are rounded up to
    ``slot_minutes``; days with at most ``exact_max_stops`` stops are solved exactly;
    ``balance_weight`` (travel minutes per busy-hour squared) trades even day loads against
    travel when assigning days.

``optimise_day(stops, day, travel=None, *, options=None, method="auto") -> DayPlan``
    "Optimise this day": reorder one day's stops to minimise total travel (from the start
    point, between stops, back to the end point) while keeping pinned stops at their time,
    opening hours and the day window. ``method="exact"`` is Held-Karp dynamic programming
    over subsets with Pareto (travel, clock) labels - exact for time windows; ``"heuristic"``
    is multi-start insertion / nearest neighbour + 2-opt, Or-opt and swap moves, each move
    re-checked against all time windows; ``"auto"`` uses the exact method up to
    ``exact_max_stops``. Caps are not applied (the user chose this day's activities). Stops
    that cannot be fitted are returned in ``DayPlan.unplaced`` with a reason; the plan keeps
    as many stops as possible first and minimises travel second.

``plan_days(stops, days, travel=None, *, fixed=None, options=None) -> Schedule``
    "Plan my days": give each stop a day and a start time. ``stops`` are the activities to
    place (unscheduled ones, or every non-pinned one when the user asks); ``fixed`` maps a
    date to activities already on that day: those with ``pinned_start`` keep their time, the
    others keep the day but may be re-timed. Stops are assigned by regret insertion
    (cheapest feasible marginal travel plus a load-balancing term, under caps and opening
    days), improved by moving single stops between days, then every day is re-ordered with
    ``optimise_day``'s solver. The result is deterministic (ties broken by id).

``build_days(first, last, *, window_start, window_end, pace, pace_caps, accommodation)``
    Convenience to build ``DayContext`` s from trip dates, preferences and the accommodation
    for each night (``accommodation[d]`` = where the traveller sleeps the night of ``d``).

``parse_opening_hours(raw)`` returns a 7-tuple (Monday first) of ``(open, close)`` minutes
or ``None`` (closed), or ``None`` for "always open"; it raises ``ValueError`` on malformed
data. ``resolve_duration(stop, durations)`` applies the type defaults.

Results: ``Visit`` (stop id, start/end, travel from the previous point, pinned flag),
``DayPlan`` (visits, travel, travel of the input order, unplaced ``(id, reason)`` pairs,
``warnings`` ``(id, message)`` pairs, ``exact``) and ``Schedule`` (``assignments`` id ->
``(date, start time)`` for every non-pinned placed stop, per-day plans, unplaced, warnings,
total travel and total travel of the input order). For ``plan_days`` the "input order" is the
same activities taken in the order given, filled into the days with the same number of
activities per day as the plan, so the saving measures what the planner adds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Literal

Point = tuple[float, float]
WeeklyHours = tuple[tuple[int, int] | None, ...]
"""Seven entries, Monday first: ``(open_minute, close_minute)`` or ``None`` when closed."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DEFAULT_DURATIONS: Mapping[str, int] = MappingProxyType(
    {
        "accommodation": 30,
        "transport": 60,
        "attraction": 120,
        "restaurant": 90,
        "activity": 120,
        "other": 60,
        "nightlife": 120,
    }
)
# When each type of activity usually starts, as windows of (earliest, latest) start times: a
# fado night at 11:05 or a restaurant at 16:00 is technically free time but not what a
# traveller means by a plan.
TypicalHours = tuple[tuple[time, time], ...]
DEFAULT_TYPICAL_HOURS: Mapping[str, TypicalHours] = MappingProxyType(
    {
        "nightlife": ((time(19, 0), time(23, 59)),),
        "restaurant": ((time(12, 0), time(14, 30)), (time(19, 0), time(22, 0))),
    }
)
DEFAULT_WINDOW_START = time(9, 0)
DEFAULT_WINDOW_END = time(21, 0)

REASON_CLOSED_TRIP = "closed on every day of the trip"
REASON_TOO_LONG = "longer than the day window"
REASON_NO_DATES = "the trip has no dates"
REASON_HOURS_TRIP = "does not fit its opening hours within the day window on any day of the trip"
REASON_TOO_FAR = "too far from the accommodation to fit in the day window"
REASON_NO_ROOM = "no room left in the trip's days"
REASON_HOURS_ROOM = "does not fit its opening hours on any day with room"
REASON_TIME_ROOM = "no free time left on any day with room"
REASON_FIXED_DAY = "does not fit on its scheduled day"
REASON_CLOSED_DAY = "closed on this day"
REASON_HOURS_DAY = "does not fit its opening hours within the day window on this day"
REASON_DAY_FULL = "no room left in this day"
REASON_TYPICAL_DAY = "does not fit its usual hours within the day window on this day"
REASON_TYPICAL_TRIP = "does not fit its usual hours within the day window on any day of the trip"
WARN_NO_COORDS = "placed by time only: no coordinates"
WARN_PINNED_LATE = "cannot be reached in time from the previous pinned activity"
WARN_PINNED_HOURS = "pinned outside its opening hours or the day window"

_EXACT_HARD_LIMIT = 16  # 2**16 subsets x 16 x 16 transitions is already seconds of Python.


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class TravelSettings:
    """Travel model; defaults suit a city break, callers pass configured values."""

    walk_threshold_km: float = 1.5
    walk_speed_kmh: float = 4.5
    transit_speed_kmh: float = 25.0
    buffer_minutes: int = 5

    def __post_init__(self) -> None:
        if self.walk_speed_kmh <= 0 or self.transit_speed_kmh <= 0:
            raise ValueError("travel speeds must be positive")
        if self.walk_threshold_km < 0 or self.buffer_minutes < 0:
            raise ValueError("walk threshold and buffer must not be negative")


@dataclass(frozen=True)
class PaceCaps:
    """Per-day caps for a pace; ``None`` means uncapped."""

    max_activities: int | None
    max_busy_minutes: int | None


DEFAULT_PACE_CAPS: Mapping[str, PaceCaps] = MappingProxyType(
    {
        "relaxed": PaceCaps(3, 6 * 60),
        "moderate": PaceCaps(5, 9 * 60),
        "fast": PaceCaps(8, 12 * 60),
    }
)


def _default_durations() -> Mapping[str, int]:
    return DEFAULT_DURATIONS


def _default_typical_hours() -> Mapping[str, Any]:
    return DEFAULT_TYPICAL_HOURS


def typical_windows(hours: Any) -> TypicalHours:
    """Usual start windows in one shape: a single ``(earliest, latest)`` pair or a sequence
    of them becomes a tuple of pairs, in order of the earliest start."""
    if len(hours) == 2 and all(isinstance(value, time) for value in hours):
        hours = (hours,)
    return tuple(sorted((earliest, latest) for earliest, latest in hours))


@dataclass(frozen=True)
class PlannerOptions:
    """Planner knobs that are not about travel (see module docstring)."""

    default_durations: Mapping[str, int] = field(default_factory=_default_durations, hash=False)
    typical_hours: Mapping[str, Any] = field(default_factory=_default_typical_hours, hash=False)
    slot_minutes: int = 5
    exact_max_stops: int = 10
    balance_weight: float = 1.0

    def __post_init__(self) -> None:
        if self.slot_minutes < 1:
            raise ValueError("slot_minutes must be at least 1")
        if not 0 <= self.exact_max_stops <= _EXACT_HARD_LIMIT:
            raise ValueError(f"exact_max_stops must be between 0 and {_EXACT_HARD_LIMIT}")
        if self.balance_weight < 0:
            raise ValueError("balance_weight must not be negative")
        for kind, hours in self.typical_hours.items():
            windows = typical_windows(hours)
            if not windows:
                raise ValueError(f"typical hours for {kind}: no window")
            for earliest, latest in windows:
                if _minutes(latest) < _minutes(earliest):
                    raise ValueError(f"typical hours for {kind}: latest start before the earliest")


# --------------------------------------------------------------------------- opening hours


def _parse_clock(value: Any, what: str) -> int:
    """Minutes since midnight from ``"HH:MM"``/``"HH:MM:SS"`` or a ``time``."""
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a 'HH:MM' string, got {value!r}")
    parts = value.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"{what} must be a 'HH:MM' string, got {value!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        raise ValueError(f"{what} is not a valid time of day: {value!r}")
    return hours * 60 + minutes


def parse_opening_hours(raw: Mapping[str, Any] | None) -> WeeklyHours | None:
    """Validate the model's opening-hours JSON and turn it into minutes per weekday.

    ``None`` or ``{}`` returns ``None`` (no information = always open). A weekday that is
    absent or maps to ``None`` is closed. A close time at or before the open time means the
    place closes after midnight (so ``"00:00"``-``"00:00"`` is open all day).
    """
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError(
            "opening hours must be a mapping like "
            f"{{'monday': {{'open': '09:00', 'close': '17:00'}}}}, got {type(raw).__name__}"
        )
    if not raw:
        return None
    days: list[tuple[int, int] | None] = [None] * 7
    for key, value in raw.items():
        name = key.strip().lower() if isinstance(key, str) else key
        if name not in WEEKDAYS:
            raise ValueError(
                f"unknown weekday {key!r} in opening hours; expected one of {', '.join(WEEKDAYS)}"
            )
        if value is None:
            continue
        if not isinstance(value, Mapping) or "open" not in value or "close" not in value:
            raise ValueError(
                f"opening hours for {name} must be {{'open': 'HH:MM', 'close': 'HH:MM'}}, "
                f"got {value!r}"
            )
        opens = _parse_clock(value["open"], f"opening hours for {name}: 'open'")
        closes = _parse_clock(value["close"], f"opening hours for {name}: 'close'")
        if opens >= 24 * 60:
            raise ValueError(f"opening hours for {name}: 'open' cannot be 24:00")
        if closes <= opens:
            closes += 24 * 60
        days[WEEKDAYS.index(name)] = (opens, closes)
    return tuple(days)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Stop:
    """An activity to place; see the module docstring for field semantics."""

    id: int
    duration_minutes: int | None = None
    lat: float | None = None
    lon: float | None = None
    opening_hours: Mapping[str, Any] | None = field(default=None, hash=False)
    pinned_start: time | None = None
    activity_type: str = "activity"

    def __post_init__(self) -> None:
        if (self.lat is None) != (self.lon is None):
            raise ValueError(f"stop {self.id}: lat and lon must both be set or both be None")
        if (
            self.lat is not None
            and self.lon is not None
            and not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180)
        ):
            raise ValueError(f"stop {self.id}: coordinates out of range")
        if self.duration_minutes is not None and self.duration_minutes < 0:
            raise ValueError(f"stop {self.id}: duration_minutes must not be negative")
        try:
            weekly = parse_opening_hours(self.opening_hours)
        except ValueError as exc:
            raise ValueError(f"stop {self.id}: {exc}") from exc
        object.__setattr__(self, "_weekly", weekly)  # parsed once; not a dataclass field

    @property
    def point(self) -> Point | None:
        """``(lat, lon)`` or ``None`` when the stop has no coordinates."""
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)

    @property
    def weekly_hours(self) -> WeeklyHours | None:
        """Parsed opening hours (see ``parse_opening_hours``)."""
        return self._weekly  # type: ignore[attr-defined,no-any-return]


@dataclass(frozen=True)
class DayContext:
    """One trip day: window, accommodation points and pace caps."""

    date: date
    window_start: time = DEFAULT_WINDOW_START
    window_end: time = DEFAULT_WINDOW_END
    start_point: Point | None = None
    end_point: Point | None = None
    max_activities: int | None = None
    max_busy_minutes: int | None = None

    def __post_init__(self) -> None:
        if _minutes(self.window_end) <= _minutes(self.window_start):
            raise ValueError(f"{self.date}: window_end must be after window_start")
        if (self.max_activities is not None and self.max_activities < 0) or (
            self.max_busy_minutes is not None and self.max_busy_minutes < 0
        ):
            raise ValueError(f"{self.date}: caps must not be negative")


def build_days(
    first: date,
    last: date,
    *,
    window_start: time = DEFAULT_WINDOW_START,
    window_end: time = DEFAULT_WINDOW_END,
    pace: str | None = "moderate",
    pace_caps: Mapping[str, PaceCaps] = DEFAULT_PACE_CAPS,
    accommodation: Mapping[date, Point | None] | None = None,
) -> tuple[DayContext, ...]:
    """Build the trip's days from preferences.

    Day ``d`` starts where the traveller slept the night before (falling back to the night
    of ``d`` on arrival day) and ends where they sleep that night (falling back to the
    previous night on departure day), so every day stays anchored to an accommodation.
    """
    if last < first:
        raise ValueError("trip end date is before its start date")
    if pace is None:
        caps = PaceCaps(None, None)
    elif pace in pace_caps:
        caps = pace_caps[pace]
    else:
        raise ValueError(f"unknown pace {pace!r}; expected one of {', '.join(pace_caps)}")
    nights = accommodation or {}
    days = []
    current = first
    while current <= last:
        previous_night = nights.get(current - timedelta(days=1))
        tonight = nights.get(current)
        days.append(
            DayContext(
                date=current,
                window_start=window_start,
                window_end=window_end,
                start_point=previous_night if previous_night is not None else tonight,
                end_point=tonight if tonight is not None else previous_night,
                max_activities=caps.max_activities,
                max_busy_minutes=caps.max_busy_minutes,
            )
        )
        current += timedelta(days=1)
    return tuple(days)


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Visit:
    """A placed stop. Minutes are since midnight of the day (may pass 1440 if pinned late)."""

    stop_id: int
    start_minute: int
    end_minute: int
    travel_before_minutes: int
    pinned: bool

    @property
    def start(self) -> time:
        return _clock(self.start_minute)

    @property
    def end(self) -> time:
        return _clock(self.end_minute)


@dataclass(frozen=True)
class DayPlan:
    """One day's ordered visits; ``travel_minutes`` includes the legs to/from accommodation.

    From ``plan_days``, ``unplaced`` lists only that day's fixed stops that no longer fit
    (``Schedule.unplaced`` has every unplaced stop) and ``input_order_travel_minutes`` is
    the day's share of the input-order baseline.
    """

    date: date
    visits: tuple[Visit, ...]
    travel_minutes: int
    return_travel_minutes: int
    input_order_travel_minutes: int
    unplaced: tuple[tuple[int, str], ...] = ()
    warnings: tuple[tuple[int, str], ...] = ()
    exact: bool = False

    @property
    def travel_saved_minutes(self) -> int:
        return self.input_order_travel_minutes - self.travel_minutes


@dataclass(frozen=True)
class Schedule:
    """Result of ``plan_days``; ``assignments`` covers every placed, non-pinned stop."""

    assignments: Mapping[int, tuple[date, time]]
    days: tuple[DayPlan, ...]
    unplaced: tuple[tuple[int, str], ...]
    warnings: tuple[tuple[int, str], ...]
    travel_minutes: int
    input_order_travel_minutes: int

    @property
    def travel_saved_minutes(self) -> int:
        return self.input_order_travel_minutes - self.travel_minutes


# --------------------------------------------------------------------------- travel helpers


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _clock(minute: int) -> time:
    minute %= 24 * 60
    return time(minute // 60, minute % 60)


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km (mean Earth radius)."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: Point | None, b: Point | None, travel: TravelSettings) -> int:
    """Door-to-door minutes between two points (buffer only if either is unknown)."""
    if a is None or b is None:
        return travel.buffer_minutes
    km = haversine_km(a, b)
    speed = travel.walk_speed_kmh if km < travel.walk_threshold_km else travel.transit_speed_kmh
    return travel.buffer_minutes + max(0, math.ceil(km / speed * 60 - 1e-9))


def resolve_duration(stop: Stop, durations: Mapping[str, int] = DEFAULT_DURATIONS) -> int:
    """The stop's own duration, else the default for its type, else the ``other`` default."""
    if stop.duration_minutes is not None:
        return stop.duration_minutes
    if stop.activity_type in durations:
        return durations[stop.activity_type]
    return durations.get("other", DEFAULT_DURATIONS["other"])


# --------------------------------------------------------------------------- internal model


class _Context:
    """Everything about the stops that does not depend on the day (global indices)."""

    def __init__(self, stops: Sequence[Stop], travel: TravelSettings, options: PlannerOptions):
        self.stops = list(stops)
        self.travel = travel
        self.slot = options.slot_minutes
        self.balance_weight = options.balance_weight
        self.dur = [resolve_duration(s, options.default_durations) for s in stops]
        self.point = [s.point for s in stops]
        self.weekly = [s.weekly_hours for s in stops]
        typical = {
            kind: tuple((_minutes(a), _minutes(b)) for a, b in typical_windows(hours))
            for kind, hours in options.typical_hours.items()
        }
        self.typical: list[tuple[tuple[int, int], ...] | None] = [
            typical.get(s.activity_type) for s in stops
        ]
        self.pin: list[int | None] = [
            None if s.pinned_start is None else _minutes(s.pinned_start) for s in stops
        ]
        ranked = sorted(
            (p, s.id, i)
            for i, (s, p) in enumerate(zip(stops, self.pin, strict=True))
            if p is not None
        )
        self.pin_rank = [-1] * len(stops)
        for rank, (_, _, i) in enumerate(ranked):
            self.pin_rank[i] = rank
        n = len(stops)
        matrix = [[0] * n for _ in range(n)]
        for i in range(n):
            row = matrix[i]
            for j in range(i + 1, n):
                row[j] = matrix[j][i] = travel_minutes(self.point[i], self.point[j], travel)
        self.M = matrix


class _DayView:
    """Per-day arrays over the context's global indices."""

    def __init__(self, ctx: _Context, day: DayContext):
        self.day = day
        self.ws = _minutes(day.window_start)
        self.we = _minutes(day.window_end)
        self.weekday = day.date.weekday()
        self.has_end = day.end_point is not None
        self.S = _endpoint_legs(ctx, day.start_point)
        self.E = _endpoint_legs(ctx, day.end_point)
        n = len(ctx.stops)
        self.early: list[int | None] = [None] * n
        self.late: list[int] = [0] * n
        # Start windows of a stop with more than one (lunch or dinner), else None: between
        # early and late, a start in a gap moves on to the next window.
        self.windows: list[tuple[tuple[int, int], ...] | None] = [None] * n
        for i in range(n):
            windows = _flex_window(ctx, self, i)
            if windows is not None:
                self.early[i], self.late[i] = windows[0][0], windows[-1][1]
                if len(windows) > 1:
                    self.windows[i] = windows


def _endpoint_legs(ctx: _Context, point: Point | None) -> list[int]:
    if point is None:
        return [0] * len(ctx.stops)
    return [travel_minutes(point, p, ctx.travel) for p in ctx.point]


def _ceil_slot(minute: int, slot: int) -> int:
    rest = minute % slot
    return minute if rest == 0 else minute + slot - rest


def _open_interval(ctx: _Context, dv: _DayView, i: int) -> tuple[int, int] | None:
    weekly = ctx.weekly[i]
    if weekly is None:
        return (0, 48 * 60)
    return weekly[dv.weekday]


def _flex_window(
    ctx: _Context, dv: _DayView, i: int, *, typical: bool = True
) -> tuple[tuple[int, int], ...] | None:
    """Windows of (earliest, latest) start of a non-pinned stop on this day, ignoring travel.

    Within its opening hours, the day window and (unless ``typical`` is false, to tell the
    reasons apart) the usual start times of its type; None when no start fits.
    """
    interval = _open_interval(ctx, dv, i)
    if interval is None:
        return None
    earliest = max(dv.ws, interval[0])
    latest = min(dv.we, interval[1]) - ctx.dur[i]
    usual = (ctx.typical[i] if typical else None) or ((earliest, latest),)
    windows = []
    for first, last in usual:
        start = _ceil_slot(max(earliest, first), ctx.slot)
        end = min(latest, last)
        if start <= end:
            windows.append((start, end))
    return tuple(windows) or None


def _next_start(windows: tuple[tuple[int, int], ...], start: int) -> int:
    """The first start at or after ``start`` inside one of the windows (one always exists:
    callers have checked ``start`` against the last window's end)."""
    for first, last in windows:
        if start <= last:
            return first if start < first else start
    return start


def _hours_reason(ctx: _Context, dv: _DayView, i: int, hours: str, usual: str) -> str:
    """Why a stop has no start window on this day: its usual hours, else opening hours."""
    if ctx.typical[i] is not None and _flex_window(ctx, dv, i, typical=False) is not None:
        return usual
    return hours


def _pinned_fits(ctx: _Context, dv: _DayView, i: int) -> bool:
    """Whether a pinned stop lies inside its opening hours and the day window."""
    interval = _open_interval(ctx, dv, i)
    start = ctx.pin[i]
    assert start is not None  # noqa: S101 - internal invariant, only called for pinned stops
    end = start + ctx.dur[i]
    return (
        interval is not None
        and interval[0] <= start
        and end <= interval[1]
        and dv.ws <= start
        and end <= dv.we
    )


def _simulate(
    ctx: _Context, dv: _DayView, route: Sequence[int]
) -> tuple[int, list[int], list[int]] | None:
    """Time a route as early as possible; ``None`` if any time window is violated.

    Returns ``(travel, starts, late_pinned)``. Rules (shared by every solver, so "feasible"
    means the same everywhere): leave the start point at the window start; wait for opening;
    round starts up to the slot; a pinned stop starts at its time and must be reachable when
    the previous stop is not pinned (two conflicting pinned stops are the user's choice and
    are only reported); pinned stops keep their chronological order; after the last
    non-pinned stop the traveller must reach the end point by the window end.
    """
    matrix, dur, pin, rank, slot = ctx.M, ctx.dur, ctx.pin, ctx.pin_rank, ctx.slot
    early, late, gaps = dv.early, dv.late, dv.windows
    t = dv.ws
    prev = -1
    prev_pinned = True
    last_rank = -1
    total = 0
    starts: list[int] = []
    late_pinned: list[int] = []
    for g in route:
        leg = dv.S[g] if prev < 0 else matrix[prev][g]
        total += leg
        arrival = t + leg
        p = pin[g]
        if p is not None:
            if rank[g] < last_rank:
                return None
            last_rank = rank[g]
            if arrival > p:
                if not prev_pinned:
                    return None
                if prev >= 0:
                    late_pinned.append(g)
            starts.append(p)
            end = p + dur[g]
            t = end if prev < 0 or end > t else t
            prev_pinned = True
        else:
            e = early[g]
            if e is None:
                return None
            s = arrival if arrival > e else e
            rest = s % slot
            if rest:
                s += slot - rest
            if s > late[g]:
                return None
            if gaps[g] is not None:
                s = _next_start(gaps[g], s)
            starts.append(s)
            t = s + dur[g]
            prev_pinned = False
        prev = g
    if prev >= 0:
        leg = dv.E[prev]
        total += leg
        if not prev_pinned and dv.has_end and t + leg > dv.we:
            return None
    return total, starts, late_pinned


def _route_travel(ctx: _Context, dv: _DayView, route: Sequence[int]) -> int:
    """Travel of a route regardless of feasibility (used for the input-order baseline)."""
    if not route:
        return 0
    total = dv.S[route[0]] + dv.E[route[-1]]
    for a, b in pairwise(route):
        total += ctx.M[a][b]
    return total


def _leg_fn(ctx: _Context, dv: _DayView) -> Callable[[int, int], int]:
    """Leg cost where -1 stands for the start (as source) or the end (as target)."""
    matrix, start_legs, end_legs = ctx.M, dv.S, dv.E

    def leg(a: int, b: int) -> int:
        if a < 0:
            return start_legs[b] if b >= 0 else 0
        if b < 0:
            return end_legs[a]
        return matrix[a][b]

    return leg


def _best_insertion(
    ctx: _Context, dv: _DayView, route: list[int], travel: int, g: int
) -> tuple[int, int] | None:
    """Cheapest feasible position for ``g``: ``(travel increase, position)`` or ``None``."""
    leg = _leg_fn(ctx, dv)
    padded = [-1, *route, -1]
    options = sorted(
        (leg(padded[k], g) + leg(g, padded[k + 1]) - leg(padded[k], padded[k + 1]), k)
        for k in range(len(route) + 1)
    )
    for _, k in options:
        result = _simulate(ctx, dv, [*route[:k], g, *route[k:]])
        if result is not None:
            return result[0] - travel, k
    return None


# --------------------------------------------------------------------------- exact solver


def _solve_exact(
    ctx: _Context, dv: _DayView, nodes: Sequence[int], bound: tuple[int, int] | None
) -> list[int]:
    """Held-Karp over subsets with Pareto labels (travel, clock) per (subset, last stop).

    Returns the route that places the most stops, then has the least travel. Labels are
    only dominated when both travel and clock are no better, which keeps the DP exact under
    time windows (clock is monotone in arrival). ``bound=(count, travel)`` from a known
    feasible route placing every node lets us prune states that can no longer place every
    node or already travel more.
    """
    n = len(nodes)
    if n == 0:
        return []
    start_legs = [dv.S[g] for g in nodes]
    end_legs = [dv.E[g] for g in nodes]
    dist = [[ctx.M[a][b] for b in nodes] for a in nodes]
    dur = [ctx.dur[g] for g in nodes]
    pin = [ctx.pin[g] for g in nodes]
    early = [dv.early[g] for g in nodes]
    late = [dv.late[g] for g in nodes]
    gaps = [dv.windows[g] for g in nodes]
    slot, ws, we, has_end = ctx.slot, dv.ws, dv.we, dv.has_end
    pinned_order = sorted(
        (i for i in range(n) if pin[i] is not None), key=lambda i: ctx.pin_rank[nodes[i]]
    )
    all_pinned = sum(1 << i for i in pinned_order)
    full = (1 << n) - 1
    need_full = bound is not None and bound[0] == n
    upper = bound[1] if need_full and bound is not None else None
    flexible = [i for i in range(n) if pin[i] is None]

    def next_pinned(mask: int) -> int:
        for i in pinned_order:
            if not mask >> i & 1:
                return i
        return -1

    def dead(mask: int, j: int, clock: int) -> bool:
        row = dist[j]
        for k in flexible:
            if not mask >> k & 1:
                s = max(clock + row[k], early[k])  # type: ignore[type-var]
                rest = s % slot
                if rest:
                    s += slot - rest
                if s > late[k]:
                    return True
        return False

    # A label is (travel, clock, last, parent); fronts are tiny lists.
    table: list[list[list[tuple[int, int, int, Any]] | None] | None] = [None] * (1 << n)

    def push(mask: int, j: int, travel: int, clock: int, parent: Any) -> None:
        row = table[mask]
        if row is None:
            row = table[mask] = [None] * n
        front = row[j]
        if front is None:
            row[j] = [(travel, clock, j, parent)]
            return
        for label in front:
            if label[0] <= travel and label[1] <= clock:
                return
        kept = [lab for lab in front if not (travel <= lab[0] and clock <= lab[1])]
        kept.append((travel, clock, j, parent))
        row[j] = kept

    def extend(mask: int, i: int, travel: int, clock: int, parent: Any) -> None:
        i_pinned = i < 0 or pin[i] is not None
        nxt = next_pinned(mask)
        for j in range(n):
            if mask >> j & 1:
                continue
            leg = start_legs[j] if i < 0 else dist[i][j]
            new_travel = travel + leg
            if upper is not None and new_travel > upper:
                continue
            arrival = clock + leg
            pj = pin[j]
            new_mask = mask | 1 << j
            if pj is not None:
                if j != nxt or (not i_pinned and arrival > pj):
                    continue
                end = pj + dur[j]
                new_clock = end if i < 0 or end > clock else clock
            else:
                e = early[j]
                if e is None:
                    continue
                s = arrival if arrival > e else e
                rest = s % slot
                if rest:
                    s += slot - rest
                if s > late[j]:
                    continue
                if gaps[j] is not None:
                    s = _next_start(gaps[j], s)
                new_clock = s + dur[j]
                if nxt >= 0 and new_clock + dist[j][nxt] > pin[nxt]:  # type: ignore[operator]
                    continue
            if need_full and dead(new_mask, j, new_clock):
                continue
            push(new_mask, j, new_travel, new_clock, parent)

    extend(0, -1, 0, ws, None)
    for mask in range(1, full + 1):
        row = table[mask]
        if row is None:
            continue
        for i in range(n):
            front = row[i]
            if front:
                for label in front:
                    extend(mask, i, label[0], label[1], label)

    best_key: tuple[int, int] | None = (0, 0) if all_pinned == 0 and not need_full else None
    best_label = None
    for mask in range(1, full + 1):
        row = table[mask]
        if row is None or mask & all_pinned != all_pinned or (need_full and mask != full):
            continue
        count = mask.bit_count()
        for i in range(n):
            for label in row[i] or ():
                if pin[i] is None and has_end and label[1] + end_legs[i] > we:
                    continue
                key = (-count, label[0] + end_legs[i])
                if best_key is None or key < best_key:
                    best_key, best_label = key, label
    if best_label is None and need_full:
        return _solve_exact(ctx, dv, nodes, None)  # defensive: the bound route must exist
    route: list[int] = []
    while best_label is not None:
        route.append(nodes[best_label[2]])
        best_label = best_label[3]
    route.reverse()
    return route


# --------------------------------------------------------------------------- heuristic


def _key(ctx: _Context, route: Sequence[int], travel: int) -> tuple[int, int, list[int]]:
    return (-len(route), travel, [ctx.stops[g].id for g in route])


def _insert_in_order(
    ctx: _Context, dv: _DayView, base: list[int], order: Sequence[int]
) -> list[int]:
    """Insert nodes one by one, each at its cheapest feasible position (skipped if none)."""
    route = list(base)
    result = _simulate(ctx, dv, route)
    travel = result[0] if result else 0
    for g in order:
        found = _best_insertion(ctx, dv, route, travel, g)
        if found is not None:
            route.insert(found[1], g)
            travel += found[0]
    return route


def _cheapest_insertion(
    ctx: _Context, dv: _DayView, base: list[int], pool: Sequence[int]
) -> list[int]:
    """Repeatedly insert the node whose cheapest feasible insertion costs least."""
    route = list(base)
    result = _simulate(ctx, dv, route)
    travel = result[0] if result else 0
    remaining = list(pool)
    while remaining:
        best: tuple[int, int, int] | None = None
        for g in remaining:
            found = _best_insertion(ctx, dv, route, travel, g)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], found[1], g)
        if best is None:
            break
        route.insert(best[1], best[2])
        travel += best[0]
        remaining.remove(best[2])
    return route


def _nearest_chain(
    ctx: _Context, dv: _DayView, pool: Sequence[int], first: int | None
) -> list[int]:
    """Nearest-neighbour order over ``pool`` from the start point (or from ``first``)."""
    leg = _leg_fn(ctx, dv)
    remaining = list(pool)
    chain: list[int] = []
    current = -1
    if first is not None:
        remaining.remove(first)
        chain.append(first)
        current = first
    while remaining:
        nxt = min(remaining, key=lambda g: (leg(current, g), ctx.stops[g].id))
        remaining.remove(nxt)
        chain.append(nxt)
        current = nxt
    return chain


def _local_search(
    ctx: _Context, dv: _DayView, route: list[int], pool: Sequence[int]
) -> tuple[list[int], int]:
    """Improve a route until no move helps: the key is (most stops, then least travel).

    Moves: insert a left-out stop; 2-opt; Or-opt (segments of 1-3, both orientations);
    swap two stops; exchange a placed stop for a left-out one; drop one stop to fit two.
    Every candidate is screened by its travel delta where possible and then re-timed with
    ``_simulate``, so time windows and pinned times hold after every accepted move.
    """
    leg = _leg_fn(ctx, dv)
    result = _simulate(ctx, dv, route)
    if result is None:
        route = [g for g in route if ctx.pin[g] is not None]
        result = _simulate(ctx, dv, route)
        assert result is not None  # noqa: S101 - pinned-only routes are always feasible
    travel = result[0]
    outside = [g for g in pool if g not in route]

    def accept(candidate: list[int]) -> bool:
        nonlocal route, travel, outside
        timed = _simulate(ctx, dv, candidate)
        if timed is None:
            return False
        if (-len(candidate), timed[0]) < (-len(route), travel):
            route, travel = candidate, timed[0]
            inside = set(candidate)
            outside = [g for g in pool if g not in inside]
            return True
        return False

    def moves() -> bool:
        size = len(route)
        for g in outside:
            found = _best_insertion(ctx, dv, route, travel, g)
            if found is not None and accept([*route[: found[1]], g, *route[found[1] :]]):
                return True
        padded = [-1, *route, -1]
        # 2-opt: reverse route[i:j+1] (travel between stops is symmetric).
        for i in range(size - 1):
            for j in range(i + 1, size):
                delta = (
                    leg(padded[i], padded[j + 1])
                    + leg(padded[i + 1], padded[j + 2])
                    - leg(padded[i], padded[i + 1])
                    - leg(padded[j + 1], padded[j + 2])
                )
                if delta < 0 and accept([*route[:i], *reversed(route[i : j + 1]), *route[j + 1 :]]):
                    return True
        # Or-opt: move a segment of 1-3 stops elsewhere, in either orientation.
        for k in (1, 2, 3):
            for i in range(size - k + 1):
                segment = route[i : i + k]
                rest = route[:i] + route[i + k :]
                before = route[i - 1] if i > 0 else -1
                after = route[i + k] if i + k < size else -1
                gain = leg(before, segment[0]) + leg(segment[-1], after) - leg(before, after)
                for pos in range(len(rest) + 1):
                    if pos == i:
                        continue
                    u = rest[pos - 1] if pos > 0 else -1
                    v = rest[pos] if pos < len(rest) else -1
                    for seg in (segment, segment[::-1]) if k > 1 else (segment,):
                        delta = leg(u, seg[0]) + leg(seg[-1], v) - leg(u, v) - gain
                        if delta < 0 and accept([*rest[:pos], *seg, *rest[pos:]]):
                            return True
        if size > 25:
            return False
        # Swap two non-adjacent stops (helps when time windows block segment moves).
        for i in range(size - 1):
            a_prev, a, a_next = padded[i], padded[i + 1], padded[i + 2]
            for j in range(i + 2, size):
                b_prev, b, b_next = padded[j], padded[j + 1], padded[j + 2]
                delta = (
                    leg(a_prev, b)
                    + leg(b, a_next)
                    + leg(b_prev, a)
                    + leg(a, b_next)
                    - leg(a_prev, a)
                    - leg(a, a_next)
                    - leg(b_prev, b)
                    - leg(b, b_next)
                )
                if delta < 0:
                    candidate = list(route)
                    candidate[i], candidate[j] = candidate[j], candidate[i]
                    if accept(candidate):
                        return True
        if not outside:
            return False
        # Exchange a placed stop for a left-out one, or drop one to fit two.
        for idx in range(size):
            if ctx.pin[route[idx]] is not None:
                continue
            reduced = route[:idx] + route[idx + 1 :]
            timed = _simulate(ctx, dv, reduced)
            if timed is None:
                continue
            for g in outside:
                found = _best_insertion(ctx, dv, reduced, timed[0], g)
                if found is None:
                    continue
                swapped = [*reduced[: found[1]], g, *reduced[found[1] :]]
                if timed[0] + found[0] < travel and accept(swapped):
                    return True
                if 1 < len(outside) <= 8:
                    others = [x for x in outside if x != g]
                    grown = _insert_in_order(ctx, dv, swapped, others)
                    if len(grown) > size and accept(grown):
                        return True
        return False

    while moves():
        pass
    return route, travel


def _solve_heuristic(
    ctx: _Context,
    dv: _DayView,
    nodes: Sequence[int],
    seeds: Sequence[Sequence[int]] = (),
    *,
    thorough: bool = True,
) -> tuple[list[int], int]:
    """Multi-start construction + local search; returns the best (most stops, least travel)."""
    pinned = sorted((g for g in nodes if ctx.pin[g] is not None), key=lambda g: ctx.pin_rank[g])
    flexible = [g for g in nodes if ctx.pin[g] is None]
    starts: list[list[int]] = []
    for seed in seeds:
        if _simulate(ctx, dv, seed) is not None:
            starts.append(list(seed))
    starts.append(_cheapest_insertion(ctx, dv, pinned, flexible))
    if thorough:
        starts.append(_insert_in_order(ctx, dv, pinned, _nearest_chain(ctx, dv, flexible, None)))
        if len(flexible) <= 12:
            for first in flexible:
                chain = _nearest_chain(ctx, dv, flexible, first)
                starts.append(_insert_in_order(ctx, dv, pinned, chain))
    best: tuple[list[int], int] | None = None
    best_key = None
    seen: set[tuple[int, ...]] = set()
    for start in starts:
        if tuple(start) in seen:
            continue
        seen.add(tuple(start))
        route, travel = _local_search(ctx, dv, start, flexible)
        key = _key(ctx, route, travel)
        if best_key is None or key < best_key:
            best, best_key = (route, travel), key
    assert best is not None  # noqa: S101 - at least one start always exists
    if thorough and len(flexible) >= 3:
        best = _ruin_and_recreate(ctx, dv, best, flexible)
    return best


def _ruin_and_recreate(
    ctx: _Context, dv: _DayView, best: tuple[list[int], int], flexible: list[int]
) -> tuple[list[int], int]:
    """Iterated local search: remove a few stops, re-insert cheaply, polish, keep if better.

    The generator is seeded from the stop ids, so results stay reproducible; the
    perturbation escapes the local optima of 2-opt/Or-opt, chiefly in deciding which stops
    to leave out of an over-full day.
    """
    rng = random.Random(sum(ctx.stops[g].id * (k + 1) for k, g in enumerate(flexible)))  # noqa: S311 - not security-related
    # Fixed (not timed) budget keeps results reproducible; big days get fewer rounds.
    size = len(flexible)
    iterations = 6 * size if size <= 12 else max(10, 240 // size)
    best_key = _key(ctx, *best)
    current = best
    for _ in range(iterations):
        route = current[0]
        movable = [g for g in route if ctx.pin[g] is None]
        if not movable:
            break
        removed = rng.sample(movable, min(len(movable), rng.randint(2, 3)))
        kept = [g for g in route if g not in removed]
        left_out = [g for g in flexible if g not in kept]
        rng.shuffle(left_out)
        rebuilt = _insert_in_order(ctx, dv, kept, left_out)
        candidate = _local_search(ctx, dv, rebuilt, flexible)
        key = _key(ctx, *candidate)
        if key < best_key:
            best, best_key, current = candidate, key, candidate
        elif key[:2] == best_key[:2]:
            current = candidate  # drift across equally good solutions
    return best


def _solve_day(
    ctx: _Context,
    dv: _DayView,
    nodes: Sequence[int],
    seeds: Sequence[Sequence[int]],
    method: str,
    exact_max: int,
    *,
    thorough: bool,
) -> tuple[list[int], bool]:
    """Pick the solver; the heuristic also supplies the bound for the exact DP."""
    if method == "exact" and len(nodes) > _EXACT_HARD_LIMIT:
        raise ValueError(f"exact method supports at most {_EXACT_HARD_LIMIT} stops a day")
    use_exact = method == "exact" or (method == "auto" and len(nodes) <= exact_max)
    route, travel = _solve_heuristic(ctx, dv, nodes, seeds, thorough=thorough or not use_exact)
    if not use_exact:
        return route, False
    bound = (len(route), travel) if len(route) == len(nodes) else None
    return _solve_exact(ctx, dv, nodes, bound), True


# --------------------------------------------------------------------------- result building


def _day_plan(
    ctx: _Context,
    dv: _DayView,
    route: list[int],
    input_travel: int,
    unplaced: list[tuple[int, str]],
    exact: bool,
) -> DayPlan:
    timed = _simulate(ctx, dv, route)
    assert timed is not None  # noqa: S101 - solvers only return feasible routes
    travel, starts, late_pinned = timed
    visits = []
    warnings: list[tuple[int, str]] = []
    prev = -1
    for g, start in zip(route, starts, strict=True):
        stop = ctx.stops[g]
        leg = dv.S[g] if prev < 0 else ctx.M[prev][g]
        pinned = ctx.pin[g] is not None
        visits.append(Visit(stop.id, start, start + ctx.dur[g], leg, pinned))
        if ctx.point[g] is None:
            warnings.append((stop.id, WARN_NO_COORDS))
        if g in late_pinned:
            warnings.append((stop.id, WARN_PINNED_LATE))
        if pinned and not _pinned_fits(ctx, dv, g):
            warnings.append((stop.id, WARN_PINNED_HOURS))
        prev = g
    return DayPlan(
        date=dv.day.date,
        visits=tuple(visits),
        travel_minutes=travel,
        return_travel_minutes=dv.E[route[-1]] if route else 0,
        input_order_travel_minutes=input_travel,
        unplaced=tuple(sorted(unplaced)),
        warnings=tuple(warnings),
        exact=exact,
    )


def _check_ids(stops: Sequence[Stop]) -> None:
    seen: set[int] = set()
    for stop in stops:
        if stop.id in seen:
            raise ValueError(f"duplicate stop id {stop.id}")
        seen.add(stop.id)


# --------------------------------------------------------------------------- optimise one day


def optimise_day(
    stops: Sequence[Stop],
    day: DayContext,
    travel: TravelSettings | None = None,
    *,
    options: PlannerOptions | None = None,
    method: Literal["auto", "exact", "heuristic"] = "auto",
) -> DayPlan:
    """Reorder one day's stops to cut travel, keeping pinned stops at their time."""
    travel = travel or TravelSettings()
    options = options or PlannerOptions()
    if method not in ("auto", "exact", "heuristic"):
        raise ValueError(f"unknown method {method!r}")
    _check_ids(stops)
    ordered = sorted(stops, key=lambda s: s.id)
    ctx = _Context(ordered, travel, options)
    dv = _DayView(ctx, day)
    index = {s.id: i for i, s in enumerate(ordered)}
    input_route = [index[s.id] for s in stops]
    input_travel = _route_travel(ctx, dv, input_route)

    unplaced: list[tuple[int, str]] = []
    nodes: list[int] = []
    pinned = sorted(
        (g for g in range(len(ordered)) if ctx.pin[g] is not None), key=ctx.pin.__getitem__
    )

    def reachable(g: int) -> bool:
        """On its own from the accommodation, or between the day's pinned stops (a pinned stop
        before the window means the traveller is already out and can start on time)."""
        return any(
            _simulate(ctx, dv, route) is not None
            for route in ([g], *([*pinned[:i], g, *pinned[i:]] for i in range(len(pinned) + 1)))
        )

    for g, stop in enumerate(ordered):
        if ctx.pin[g] is not None:
            nodes.append(g)
        elif ctx.dur[g] > dv.we - dv.ws:
            unplaced.append((stop.id, REASON_TOO_LONG))
        elif _open_interval(ctx, dv, g) is None:
            unplaced.append((stop.id, REASON_CLOSED_DAY))
        elif dv.early[g] is None:
            unplaced.append(
                (stop.id, _hours_reason(ctx, dv, g, REASON_HOURS_DAY, REASON_TYPICAL_DAY))
            )
        elif not reachable(g):
            unplaced.append((stop.id, REASON_TOO_FAR))
        else:
            nodes.append(g)
    allowed = set(nodes)
    seed = [g for g in input_route if g in allowed]
    route, exact = _solve_day(
        ctx, dv, nodes, [seed], method, options.exact_max_stops, thorough=True
    )
    placed = set(route)
    unplaced.extend((ctx.stops[g].id, REASON_DAY_FULL) for g in nodes if g not in placed)
    return _day_plan(ctx, dv, route, input_travel, unplaced, exact)


# --------------------------------------------------------------------------- plan the trip


class _DayState:
    """Mutable working state of one day during assignment."""

    def __init__(self, dv: _DayView):
        self.dv = dv
        self.route: list[int] = []
        self.travel = 0
        self.count = 0
        self.busy = 0

    def has_room(self, duration: int) -> bool:
        day = self.dv.day
        if day.max_activities is not None and self.count + 1 > day.max_activities:
            return False
        return day.max_busy_minutes is None or self.busy + duration <= day.max_busy_minutes

    def set_route(self, ctx: _Context, route: list[int]) -> None:
        timed = _simulate(ctx, self.dv, route)
        assert timed is not None  # noqa: S101 - callers only set feasible routes
        self.route = route
        self.travel = timed[0]
        self.count = len(route)
        self.busy = sum(ctx.dur[g] for g in route)


def _balance(ctx: _Context, busy: int) -> float:
    return ctx.balance_weight * (busy / 60.0) ** 2


def _candidate_days(ctx: _Context, views: Sequence[_DayView], g: int) -> tuple[list[int], str]:
    """Days a stop could use on its own, or the reason why there is none."""
    if not views:
        return [], REASON_NO_DATES
    if ctx.dur[g] > max(dv.we - dv.ws for dv in views):
        return [], REASON_TOO_LONG
    open_days = [d for d, dv in enumerate(views) if _open_interval(ctx, dv, g) is not None]
    if not open_days:
        return [], REASON_CLOSED_TRIP
    if ctx.pin[g] is not None:
        fits = [d for d in open_days if _pinned_fits(ctx, views[d], g)]
        return fits, REASON_HOURS_TRIP
    windows = [d for d in open_days if views[d].early[g] is not None]
    if not windows:
        if any(_hours_reason(ctx, views[d], g, "", REASON_TYPICAL_TRIP) for d in open_days):
            return [], REASON_TYPICAL_TRIP
        return [], REASON_HOURS_TRIP if ctx.weekly[g] is not None else REASON_TOO_LONG
    reachable = [d for d in windows if _simulate(ctx, views[d], [g]) is not None]
    return reachable, REASON_TOO_FAR


def plan_days(
    stops: Sequence[Stop],
    days: Sequence[DayContext],
    travel: TravelSettings | None = None,
    *,
    fixed: Mapping[date, Sequence[Stop]] | None = None,
    options: PlannerOptions | None = None,
) -> Schedule:
    """Assign stops to days and times; see the module docstring for the method."""
    travel = travel or TravelSettings()
    options = options or PlannerOptions()
    days = sorted(days, key=lambda d: d.date)
    if len({d.date for d in days}) != len(days):
        raise ValueError("days must have distinct dates")
    fixed = fixed or {}
    day_index = {d.date: i for i, d in enumerate(days)}
    fixed_stops = [s for when in sorted(fixed) if when in day_index for s in fixed[when]]
    _check_ids([*stops, *fixed_stops])
    ordered = sorted([*stops, *fixed_stops], key=lambda s: s.id)
    ctx = _Context(ordered, travel, options)
    index = {s.id: i for i, s in enumerate(ordered)}
    views = [_DayView(ctx, d) for d in days]
    states = [_DayState(dv) for dv in views]
    unplaced: dict[int, str] = {}

    # Fixed stops first: pinned ones at their time, the rest on their day only.
    fixed_failed: list[list[tuple[int, str]]] = [[] for _ in states]
    for when in sorted(fixed):
        if when not in day_index:
            continue
        d = day_index[when]
        members = [index[s.id] for s in fixed[when]]
        pinned = sorted(
            (g for g in members if ctx.pin[g] is not None), key=lambda g: ctx.pin_rank[g]
        )
        loose = sorted(g for g in members if ctx.pin[g] is None)
        route = _cheapest_insertion(ctx, views[d], pinned, loose)
        for g in members:
            if g not in route:
                unplaced[ctx.stops[g].id] = REASON_FIXED_DAY
                fixed_failed[d].append((ctx.stops[g].id, REASON_FIXED_DAY))
        states[d].set_route(ctx, route)
    fixed_routes = [list(state.route) for state in states]

    # Flexible stops: candidate days, regret insertion, relocation, then leftovers.
    flexible = sorted(index[s.id] for s in stops)
    candidates: dict[int, list[int]] = {}
    for g in flexible:
        days_ok, reason = _candidate_days(ctx, views, g)
        if days_ok:
            candidates[g] = days_ok
        else:
            unplaced[ctx.stops[g].id] = reason
    where = _assign(ctx, states, candidates)
    _relocate(ctx, states, candidates, where)
    for g in sorted(candidates):
        if g not in where:
            _insert_best(ctx, states, candidates, where, g)
    for g in sorted(candidates):
        if g not in where:
            unplaced[ctx.stops[g].id] = _leftover_reason(ctx, states, candidates[g], g)

    # Final per-day ordering with the day solver (exact up to exact_max_stops).
    exact_days = []
    for state in states:
        route, exact = _solve_day(
            ctx,
            state.dv,
            sorted(state.route),
            [state.route],
            "auto",
            options.exact_max_stops,
            thorough=False,
        )
        if len(route) < len(state.route):  # defensive: the seed route keeps every stop
            route, exact = state.route, False
        state.set_route(ctx, route)
        exact_days.append(exact)

    baseline = _input_order_routes(ctx, states, [index[s.id] for s in stops], fixed_routes)
    plans: list[DayPlan] = []
    assignments: dict[int, tuple[date, time]] = {}
    warnings: list[tuple[int, str]] = []
    for d, state in enumerate(states):
        base_travel = _route_travel(ctx, state.dv, baseline[d])
        plan = _day_plan(ctx, state.dv, state.route, base_travel, fixed_failed[d], exact_days[d])
        plans.append(plan)
        warnings.extend(plan.warnings)
        for visit in plan.visits:
            if not visit.pinned:
                assignments[visit.stop_id] = (plan.date, visit.start)
    return Schedule(
        assignments=assignments,
        days=tuple(plans),
        unplaced=tuple(sorted(unplaced.items())),
        warnings=tuple(warnings),
        travel_minutes=sum(p.travel_minutes for p in plans),
        input_order_travel_minutes=sum(p.input_order_travel_minutes for p in plans),
    )


def _insertion_cost(ctx: _Context, state: _DayState, g: int) -> tuple[float, int] | None:
    """Travel increase plus balance penalty of the best feasible insertion, with position."""
    if not state.has_room(ctx.dur[g]):
        return None
    found = _best_insertion(ctx, state.dv, state.route, state.travel, g)
    if found is None:
        return None
    penalty = _balance(ctx, state.busy + ctx.dur[g]) - _balance(ctx, state.busy)
    return found[0] + penalty, found[1]


def _place(ctx: _Context, state: _DayState, g: int, position: int) -> None:
    state.set_route(ctx, [*state.route[:position], g, *state.route[position:]])


def _assign(
    ctx: _Context, states: list[_DayState], candidates: Mapping[int, list[int]]
) -> dict[int, int]:
    """Regret insertion: place first the stop that would lose most by not getting its best day.

    Insertion costs per (stop, day) are cached and refreshed only for the day that changed.
    """
    where: dict[int, int] = {}
    costs: dict[int, dict[int, tuple[float, int]]] = {}
    for g, days_ok in candidates.items():
        costs[g] = {}
        for d in days_ok:
            found = _insertion_cost(ctx, states[d], g)
            if found is not None:
                costs[g][d] = found
    pending = sorted(candidates)
    while pending:
        choice: tuple[float, float, int, int, int] | None = None
        for g in pending:
            options = sorted((cost, d) for d, (cost, _) in costs[g].items())
            if not options:
                continue
            regret = options[1][0] - options[0][0] if len(options) > 1 else math.inf
            key = (-regret, options[0][0], ctx.stops[g].id, g, options[0][1])
            if choice is None or key < choice:
                choice = key
        if choice is None:
            break
        g, d = choice[3], choice[4]
        _place(ctx, states[d], g, costs[g][d][1])
        where[g] = d
        pending.remove(g)
        for other in pending:
            if d in costs[other]:
                found = _insertion_cost(ctx, states[d], other)
                if found is None:
                    del costs[other][d]
                else:
                    costs[other][d] = found
    return where


def _relocate(
    ctx: _Context,
    states: list[_DayState],
    candidates: Mapping[int, list[int]],
    where: dict[int, int],
    passes: int = 4,
) -> None:
    """Move single stops to another day while that lowers travel plus balance penalty."""
    for state in states:
        _improve_state(ctx, state)
    for _ in range(passes):
        moved_days: set[int] = set()
        for g in sorted(where):
            d = where[g]
            source = states[d]
            remaining = [x for x in source.route if x != g]
            timed = _simulate(ctx, source.dv, remaining)
            if timed is None:
                continue
            gain = (
                source.travel
                - timed[0]
                + _balance(ctx, source.busy)
                - _balance(ctx, source.busy - ctx.dur[g])
            )
            best: tuple[float, int, int] | None = None
            for e in candidates[g]:
                if e == d:
                    continue
                found = _insertion_cost(ctx, states[e], g)
                if (
                    found is not None
                    and found[0] < gain - 1e-9
                    and (best is None or found[0] < best[0])
                ):
                    best = (found[0], e, found[1])
            if best is not None:
                source.set_route(ctx, remaining)
                _place(ctx, states[best[1]], g, best[2])
                where[g] = best[1]
                moved_days.update((d, best[1]))
        moved_days |= _swap_pass(ctx, states, candidates, where)
        if not moved_days:
            break
        for d in sorted(moved_days):
            _improve_state(ctx, states[d])


def _swap_pass(
    ctx: _Context,
    states: list[_DayState],
    candidates: Mapping[int, list[int]],
    where: dict[int, int],
    neighbours: int = 8,
) -> set[int]:
    """Exchange two stops between days (only with near neighbours) when the objective drops.

    Relocation alone stalls once days hit their caps; a swap keeps the counts unchanged.
    """
    moved: set[int] = set()
    placed = sorted(where)
    for g in placed:
        near = sorted((ctx.M[g][h], ctx.stops[h].id, h) for h in placed if h != g)[:neighbours]
        for _, _, h in near:
            d, e = where[g], where[h]
            if d == e or e not in candidates[g] or d not in candidates[h]:
                continue
            sd, se = states[d], states[e]
            busy_d = sd.busy - ctx.dur[g] + ctx.dur[h]
            busy_e = se.busy - ctx.dur[h] + ctx.dur[g]
            cap_d, cap_e = sd.dv.day.max_busy_minutes, se.dv.day.max_busy_minutes
            if (cap_d is not None and busy_d > cap_d) or (cap_e is not None and busy_e > cap_e):
                continue
            rest_d = [x for x in sd.route if x != g]
            rest_e = [x for x in se.route if x != h]
            timed_d = _simulate(ctx, sd.dv, rest_d)
            timed_e = _simulate(ctx, se.dv, rest_e)
            if timed_d is None or timed_e is None:
                continue
            into_d = _best_insertion(ctx, sd.dv, rest_d, timed_d[0], h)
            into_e = _best_insertion(ctx, se.dv, rest_e, timed_e[0], g)
            if into_d is None or into_e is None:
                continue
            before = sd.travel + se.travel + _balance(ctx, sd.busy) + _balance(ctx, se.busy)
            after = (
                timed_d[0]
                + into_d[0]
                + timed_e[0]
                + into_e[0]
                + _balance(ctx, busy_d)
                + _balance(ctx, busy_e)
            )
            if after < before - 1e-9:
                sd.set_route(ctx, [*rest_d[: into_d[1]], h, *rest_d[into_d[1] :]])
                se.set_route(ctx, [*rest_e[: into_e[1]], g, *rest_e[into_e[1] :]])
                where[g], where[h] = e, d
                moved.update((d, e))
                break
    return moved


def _improve_state(ctx: _Context, state: _DayState) -> None:
    route, _ = _local_search(ctx, state.dv, state.route, ())
    state.set_route(ctx, route)


def _insert_best(
    ctx: _Context,
    states: list[_DayState],
    candidates: Mapping[int, list[int]],
    where: dict[int, int],
    g: int,
) -> None:
    best: tuple[float, int, int] | None = None
    for d in candidates[g]:
        found = _insertion_cost(ctx, states[d], g)
        if found is not None and (best is None or found[0] < best[0]):
            best = (found[0], d, found[1])
    if best is not None:
        _place(ctx, states[best[1]], g, best[2])
        where[g] = best[1]


def _leftover_reason(ctx: _Context, states: list[_DayState], days_ok: list[int], g: int) -> str:
    if not any(states[d].has_room(ctx.dur[g]) for d in days_ok):
        return REASON_NO_ROOM
    return REASON_HOURS_ROOM if ctx.weekly[g] is not None else REASON_TIME_ROOM


def _input_order_routes(
    ctx: _Context,
    states: list[_DayState],
    input_order: list[int],
    fixed_routes: Sequence[list[int]],
) -> list[list[int]]:
    """Same stops in the order given, filled into days with the plan's per-day counts."""
    placed = {g for state in states for g in state.route}
    queue = [g for g in input_order if g in placed]
    routes = []
    for state, fixed_part in zip(states, fixed_routes, strict=True):
        kept = [g for g in fixed_part if g in placed]
        flexible_count = len(state.route) - len(kept)
        routes.append(kept + queue[:flexible_count])
        queue = queue[flexible_count:]
    return routes

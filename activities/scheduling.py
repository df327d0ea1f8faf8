"""The day planner around the pure algorithm: read the plan, propose, apply, undo.

`activities.planner` knows nothing about the database. This module turns `PlanActivity` rows,
the plan's dates and pace and the owner's preferred activity times into planner inputs, turns
the result into a `Proposal` (what moves where, travel saved, what could not be placed and
why), and writes an accepted proposal atomically with history, so that it can be undone.

Rules the planner follows here:
- An activity is *pinned* when `metadata.pinned` is true or its start time was set by hand
  (a start time the planner gave it is remembered in `metadata.planned_start`; while the two
  match, the planner may move it again). Pinned activities are never changed; pinned ones
  without a day or time are left out of the computation.
- Accommodation and completed activities with a day stay on that day (they may be re-timed
  unless pinned). An accommodation with coordinates is where the traveller sleeps that night
  and every following night until the next accommodation.
- "Plan my days" places unscheduled activities; with `include_scheduled` it also re-plans the
  other scheduled, non-pinned activities of the trip's days.
- A proposal carries a fingerprint of the activities' versions and of its result; applying
  recomputes under a lock and refuses (`ScheduleStale`) when the fingerprint differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from activities import planner
from activities.models import ActivityType, PlanActivity, in_day_order
from activities.selectors import find_conflicts
from plans.history import history_record
from plans.models import Plan
from plans.timezones import activity_start, zone, zone_abbreviation

# Preferred activity times (accounts' travel preferences) as clock windows; the day window
# runs from the earliest chosen start to the latest chosen end.
PREFERRED_TIME_WINDOWS: Mapping[str, tuple[dt.time, dt.time]] = {
    "early_morning": (dt.time(6, 0), dt.time(9, 0)),
    "morning": (dt.time(9, 0), dt.time(12, 0)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(21, 0)),
    "night": (dt.time(21, 0), dt.time(23, 55)),
}
DEFAULT_PACE = "moderate"
REASON_PREFIX = "planner"
STALE_MESSAGE = (
    "The itinerary changed since this preview was made, so nothing was applied. "
    "Here is an updated preview."
)


class ScheduleStale(Exception):
    """The itinerary changed between the preview and the apply."""

    def __init__(self, proposal: Proposal):
        super().__init__(STALE_MESSAGE)
        self.proposal = proposal


class UndoUnavailable(Exception):
    """There is nothing to undo, or the itinerary changed since the planner ran."""


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class PlannerConfig:
    travel: planner.TravelSettings
    options: planner.PlannerOptions
    window: tuple[dt.time, dt.time]
    pace_caps: Mapping[str, planner.PaceCaps]


def _typical_windows(hours: Sequence[Any]) -> planner.TypicalHours:
    """`["19:00", "23:59"]` (one window) or `[["12:00", "14:30"], ["19:00", "22:00"]]`."""
    if len(hours) == 2 and all(isinstance(value, str) for value in hours):
        hours = [hours]
    return tuple(
        (dt.time.fromisoformat(earliest), dt.time.fromisoformat(latest))
        for earliest, latest in hours
    )


def planner_config() -> PlannerConfig:
    """Planner settings from `config.settings` (the `PLANNER_*` block)."""
    caps = {
        name: planner.PaceCaps(
            max_activities=values.get("max_activities"),
            max_busy_minutes=(
                round(values["max_hours"] * 60) if values.get("max_hours") is not None else None
            ),
        )
        for name, values in settings.PLANNER_PACE_CAPS.items()
    }
    durations = {**planner.DEFAULT_DURATIONS, **settings.PLANNER_DEFAULT_DURATIONS}
    return PlannerConfig(
        travel=planner.TravelSettings(
            walk_threshold_km=settings.PLANNER_WALK_THRESHOLD_KM,
            walk_speed_kmh=settings.PLANNER_WALK_SPEED_KMH,
            transit_speed_kmh=settings.PLANNER_TRANSIT_SPEED_KMH,
            buffer_minutes=settings.PLANNER_BUFFER_MINUTES,
        ),
        options=planner.PlannerOptions(
            default_durations=durations,
            typical_hours={
                kind: _typical_windows(hours)
                for kind, hours in settings.PLANNER_TYPICAL_HOURS.items()
            },
        ),
        window=(
            dt.time.fromisoformat(settings.PLANNER_DAY_START),
            dt.time.fromisoformat(settings.PLANNER_DAY_END),
        ),
        pace_caps=caps,
    )


def day_window(user, default: tuple[dt.time, dt.time]) -> tuple[dt.time, dt.time]:
    """The day window from the traveller's preferred activity times, else the default."""
    preferences = getattr(user, "travel_preferences", None) or {}
    chosen = [
        PREFERRED_TIME_WINDOWS[name]
        for name in preferences.get("preferred_activity_times") or []
        if name in PREFERRED_TIME_WINDOWS
    ]
    if not chosen:
        return default
    return min(start for start, _ in chosen), max(end for _, end in chosen)


def plan_pace(plan: Plan, caps: Mapping[str, planner.PaceCaps]) -> str | None:
    """The plan's pace (`plan_data.preferences.pace`), moderate when unset or unknown.

    None (no caps) when the configured caps do not name that pace either.
    """
    preferences = (plan.plan_data or {}).get("preferences") or {}
    pace = preferences.get("pace") if isinstance(preferences, dict) else None
    if pace in caps:
        return pace
    return DEFAULT_PACE if DEFAULT_PACE in caps else None


# --------------------------------------------------------------------------- rows -> stops


def _clock(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def is_pinned(activity: PlanActivity) -> bool:
    """Marked pinned, or given a start time by hand (not the one the planner chose)."""
    metadata = activity.metadata or {}
    if metadata.get("pinned") is True:
        return True
    return activity.start_time is not None and _clock(activity.start_time) != metadata.get(
        "planned_start"
    )


def _point(activity: PlanActivity) -> planner.Point | None:
    if activity.latitude is None or activity.longitude is None:
        return None
    return (float(activity.latitude), float(activity.longitude))


def _duration(activity: PlanActivity) -> int | None:
    """The activity's duration, else the length of its timed slot, else None (type default)."""
    if activity.duration_minutes is not None:
        return activity.duration_minutes
    if activity.start_time and activity.end_time and activity.end_time > activity.start_time:
        return activity.end_minute - activity.start_minute
    return None


def plan_clock_start(activity: PlanActivity, plan_timezone: str) -> dt.time | None:
    """The activity's start time on the plan's clock (the planner's day is on that clock).

    The same time unless the activity has a zone of its own; None when, on the plan's clock,
    it starts on another day.
    """
    if activity.start_time is None or not activity.timezone or not plan_timezone:
        return activity.start_time
    start = activity_start(activity, plan_timezone)
    local = start.astimezone(zone(plan_timezone))
    return local.time() if local.date() == activity.scheduled_date else None


def activity_stop(activity: PlanActivity, plan_timezone: str = "") -> planner.Stop:
    """The planner's view of one activity (opening hours that do not parse are ignored).

    A pinned time is read on the plan's clock (`plan_clock_start`), so a 10:00 flight from
    London on a Lisbon plan occupies 09:00 there.
    """
    point = _point(activity)
    hours = (activity.metadata or {}).get("opening_hours") or None
    try:
        planner.parse_opening_hours(hours)
    except ValueError:
        hours = None
    return planner.Stop(
        id=activity.pk,
        duration_minutes=_duration(activity),
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        opening_hours=hours,
        pinned_start=(plan_clock_start(activity, plan_timezone) if is_pinned(activity) else None),
        activity_type=activity.activity_type,
    )


def accommodation_points(activities: Iterable[PlanActivity]) -> dict[dt.date, planner.Point]:
    """Where the traveller sleeps each night, from dated accommodation with coordinates.

    An accommodation counts for its night and every later night until the next one, so a
    single check-in covers a multi-night stay.
    """
    check_ins = sorted(
        (activity.scheduled_date, activity.order_index, activity.pk, point)
        for activity in activities
        if activity.activity_type == ActivityType.ACCOMMODATION
        and activity.scheduled_date is not None
        and (point := _point(activity)) is not None
    )
    return {night: point for night, _, _, point in check_ins}


def _nights(
    check_ins: Mapping[dt.date, planner.Point], first: dt.date, last: dt.date
) -> dict[dt.date, planner.Point]:
    nights: dict[dt.date, planner.Point] = {}
    current: planner.Point | None = None
    for night in sorted(check_ins):
        if night < first:
            current = check_ins[night]
    day = first
    while day <= last:
        current = check_ins.get(day, current)
        if current is not None:
            nights[day] = current
        day += dt.timedelta(days=1)
    return nights


def trip_days(plan: Plan, activities: Sequence[PlanActivity], config: PlannerConfig):
    """The trip's days as planner `DayContext`s (empty when the plan has no dates)."""
    if not (plan.start_date and plan.end_date):
        return ()
    window = day_window(plan.user, config.window)
    return planner.build_days(
        plan.start_date,
        plan.end_date,
        window_start=window[0],
        window_end=window[1],
        pace=plan_pace(plan, config.pace_caps),
        pace_caps=config.pace_caps,
        accommodation=_nights(accommodation_points(activities), plan.start_date, plan.end_date),
    )


def single_day(plan: Plan, activities: Sequence[PlanActivity], day: dt.date, config):
    """One day's context (window and accommodation; caps do not apply to one day)."""
    window = day_window(plan.user, config.window)
    return planner.build_days(
        day,
        day,
        window_start=window[0],
        window_end=window[1],
        pace=None,
        accommodation=_nights(accommodation_points(activities), day, day),
    )[0]


# --------------------------------------------------------------------------- proposal


@dataclass(frozen=True)
class Slot:
    date: dt.date | None
    start: dt.time | None
    end: dt.time | None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "start": _clock(self.start),
            "end": _clock(self.end),
        }


@dataclass(frozen=True)
class ProposedActivity:
    id: int
    title: str
    before: Slot
    after: Slot
    pinned: bool

    @property
    def moved(self) -> bool:
        return self.before != self.after

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "from": self.before.as_dict() if self.before.date else None,
            "to": self.after.as_dict(),
            "moved": self.moved,
            "pinned": self.pinned,
        }


@dataclass(frozen=True)
class ProposedDay:
    date: dt.date
    travel_before_minutes: int
    travel_after_minutes: int
    activity_ids: tuple[int, ...]

    @property
    def travel_saved_minutes(self) -> int:
        return self.travel_before_minutes - self.travel_after_minutes

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "travel_before_minutes": self.travel_before_minutes,
            "travel_after_minutes": self.travel_after_minutes,
            "travel_saved_minutes": self.travel_saved_minutes,
            "activities": list(self.activity_ids),
        }


@dataclass(frozen=True)
class Remark:
    """An activity the planner could not place, or placed with a caveat."""

    id: int
    title: str
    message: str


@dataclass(frozen=True)
class Proposal:
    kind: str  # "schedule" or "day"
    plan_id: int
    day: dt.date | None
    include_scheduled: bool
    activities: tuple[ProposedActivity, ...]
    days: tuple[ProposedDay, ...]
    unplaced: tuple[Remark, ...]
    notes: tuple[Remark, ...]
    orders: Mapping[int, tuple[dt.date | None, int]] = field(repr=False)
    clashes: tuple[str, ...] = ()  # time clashes the proposal leaves in place, named
    fingerprint: str = ""

    @property
    def travel_before_minutes(self) -> int:
        return sum(day.travel_before_minutes for day in self.days)

    @property
    def travel_after_minutes(self) -> int:
        return sum(day.travel_after_minutes for day in self.days)

    @property
    def travel_saved_minutes(self) -> int:
        return self.travel_before_minutes - self.travel_after_minutes

    @property
    def moves(self) -> list[ProposedActivity]:
        return [activity for activity in self.activities if activity.moved]

    @property
    def has_changes(self) -> bool:
        return bool(self.moves)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "plan": self.plan_id,
            "day": self.day.isoformat() if self.day else None,
            "include_scheduled": self.include_scheduled,
            "activities": [activity.as_dict() for activity in self.activities],
            "days": [day.as_dict() for day in self.days],
            "totals": {
                "travel_before_minutes": self.travel_before_minutes,
                "travel_after_minutes": self.travel_after_minutes,
                "travel_saved_minutes": self.travel_saved_minutes,
                "moved": len(self.moves),
            },
            "unplaced": [
                {"id": r.id, "title": r.title, "reason": r.message} for r in self.unplaced
            ],
            "notes": [{"id": r.id, "title": r.title, "message": r.message} for r in self.notes],
            "clashes": list(self.clashes),
            "fingerprint": self.fingerprint,
        }


def _slot(activity: PlanActivity) -> Slot:
    return Slot(activity.scheduled_date, activity.start_time, activity.end_time)


def _after_slot(activity: PlanActivity, day: dt.date, visit: planner.Visit) -> Slot:
    if visit.pinned:  # keeps its time; an undated one with a fixed time gets its day
        return Slot(day, activity.start_time, activity.end_time)
    end = visit.end if visit.end_minute > visit.start_minute else None
    return Slot(day, visit.start, end)


def _current_order(activities: Sequence[PlanActivity]) -> list[PlanActivity]:
    """The planner reads days in the order travellers see them (`models.day_order`)."""
    return in_day_order(activities)


def _build_proposal(
    *,
    kind: str,
    plan: Plan,
    day: dt.date | None,
    include_scheduled: bool,
    activities: Sequence[PlanActivity],
    day_plans: Sequence[planner.DayPlan],
    unplaced: Iterable[tuple[int, str]],
    warnings: Iterable[tuple[int, str]],
    released: set[int] = frozenset(),
) -> Proposal:
    by_id = {activity.pk: activity for activity in activities}
    after: dict[int, Slot] = {}
    proposed: list[ProposedActivity] = []
    days: list[ProposedDay] = []
    for day_plan in day_plans:
        visits = sorted(day_plan.visits, key=lambda v: (v.start_minute, v.stop_id))
        for visit in visits:
            activity = by_id[visit.stop_id]
            after[activity.pk] = _after_slot(activity, day_plan.date, visit)
            proposed.append(
                ProposedActivity(
                    activity.pk, activity.title, _slot(activity), after[activity.pk], visit.pinned
                )
            )
        days.append(
            ProposedDay(
                date=day_plan.date,
                travel_before_minutes=day_plan.input_order_travel_minutes,
                travel_after_minutes=day_plan.travel_minutes,
                activity_ids=tuple(v.stop_id for v in visits),
            )
        )

    # Positions only for what moves, so applying writes exactly the preview's moves. Moved
    # activities take back the positions they held on that day, in their new time order;
    # arrivals go after everything else on the day. Nothing that stays is renumbered.
    moving = [a for a in activities if a.pk in after and after[a.pk] != _slot(a)]
    moving_ids = {a.pk for a in moving}
    orders: dict[int, tuple[dt.date | None, int]] = {}
    for when in sorted({after[a.pk].date for a in moving}):
        arriving = sorted(
            (a for a in moving if after[a.pk].date == when),
            key=lambda a: (after[a.pk].start or dt.time.min, a.order_index, a.pk),
        )
        held = sorted(a.order_index for a in arriving if a.scheduled_date == when)
        staying = [
            a.order_index for a in activities if a.scheduled_date == when and a.pk not in moving_ids
        ]
        following = max([*staying, *held], default=-1) + 1
        held += range(following, following + len(arriving) - len(held))
        for activity, index in zip(arriving, held, strict=True):
            orders[activity.pk] = (when, index)

    # The clashes the conflicts panel would still show on the proposal's days once applied.
    result = [
        PlanActivity(
            pk=a.pk,
            title=a.title,
            scheduled_date=after[a.pk].date if a.pk in after else a.scheduled_date,
            start_time=after[a.pk].start if a.pk in after else a.start_time,
            end_time=after[a.pk].end if a.pk in after else a.end_time,
            duration_minutes=a.duration_minutes,
            timezone=a.timezone,
            metadata=a.metadata,
        )
        for a in activities
    ]
    planned_days = {day_plan.date for day_plan in day_plans}
    not_retimed = released - set(after)
    clashes = tuple(
        clash_message(
            conflict.first,
            conflict.second,
            kind=kind,
            plan_timezone=plan.timezone,
            not_retimed=not_retimed,
        )
        for conflict in find_conflicts(
            (r for r in result if r.scheduled_date in planned_days), plan.timezone
        )
    )

    def remark(pairs: Iterable[tuple[int, str]]) -> tuple[Remark, ...]:
        return tuple(Remark(pk, by_id[pk].title, message) for pk, message in sorted(pairs))

    proposal = Proposal(
        kind=kind,
        plan_id=plan.pk,
        day=day,
        include_scheduled=include_scheduled,
        activities=tuple(proposed),
        days=tuple(days),
        unplaced=remark(unplaced),
        notes=remark(warnings),
        orders=orders,
        clashes=clashes,
    )
    return _with_fingerprint(proposal, activities)


ENTRY_POINTS = {"day": "Optimise this day", "schedule": "Plan my days"}


def _span(activity: PlanActivity, plan_timezone: str) -> str:
    end = f"{activity.end_minute // 60:02d}:{activity.end_minute % 60:02d}"
    span = f"{activity.start_time:%H:%M} to {end}"
    if activity.timezone and activity.timezone != plan_timezone:
        span += f" {zone_abbreviation(activity, plan_timezone)}"
    return span


def _marked_pinned(activity: PlanActivity) -> bool:
    return (activity.metadata or {}).get("pinned") is True


def clash_message(
    first: PlanActivity,
    second: PlanActivity,
    *,
    kind: str,
    plan_timezone: str,
    not_retimed: set[int] = frozenset(),
) -> str:
    """A clash the planner leaves in place: both activities and times, and why it stays.

    `kind` names the planner that ran ("day" or "schedule"); `not_retimed` holds the
    activities it was free to re-time but found no other time for.
    """
    entry = ENTRY_POINTS[kind]
    where = "that day" if kind == "day" else "in the trip's days"
    overlap = (
        f"“{first.title}” ({_span(first, plan_timezone)}) and “{second.title}” "
        f"({_span(second, plan_timezone)}) overlap on {first.scheduled_date:%a %-d %b}"
    )
    if _marked_pinned(first) and _marked_pinned(second):
        return f"{overlap}. Both are pinned, so {entry} keeps both times: change one of them."
    stuck = next((a for a in (second, first) if a.pk in not_retimed), None)
    if stuck is not None:
        return (
            f"{overlap}. {entry} found no other time for “{stuck.title}” {where}: "
            "change one of the times."
        )
    return f"{overlap}. {entry} leaves both times as they are: change one of them."


def _released(activities: Sequence[PlanActivity], plan_timezone: str) -> set[int]:
    """Activities in a time clash that the planner may re-time to resolve it.

    Of each clashing pair, the later one, unless it is marked pinned; then the earlier one,
    unless that is marked pinned too (the clash is then named, not resolved). A time set by
    hand is normally kept, but one that clashes cannot be kept as it is.
    """
    released: set[int] = set()
    for conflict in find_conflicts(activities, plan_timezone):
        if {conflict.first.pk, conflict.second.pk} & released:
            continue
        for candidate in (conflict.second, conflict.first):
            if not _marked_pinned(candidate):
                released.add(candidate.pk)
                break
    return released


def _with_fingerprint(proposal: Proposal, activities: Sequence[PlanActivity]) -> Proposal:
    payload = {
        "versions": sorted([a.pk, a.version] for a in activities),
        "result": proposal.as_dict(),
        "orders": sorted([pk, str(day), index] for pk, (day, index) in proposal.orders.items()),
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode())
    return replace(proposal, fingerprint=digest.hexdigest()[:32])


def _activities(plan: Plan, *, lock: bool = False) -> list[PlanActivity]:
    queryset = PlanActivity.objects.filter(plan=plan).order_by("pk")
    if lock:
        queryset = queryset.select_for_update()
    return list(queryset)


def _compute_schedule(
    plan: Plan, activities: Sequence[PlanActivity], include_scheduled: bool
) -> Proposal:
    config = planner_config()
    days = trip_days(plan, activities, config)
    trip = {day.date for day in days}
    released = _released([a for a in activities if a.scheduled_date in trip], plan.timezone)
    flexible: list[planner.Stop] = []
    fixed: dict[dt.date, list[planner.Stop]] = {}
    for activity in _current_order(activities):
        pinned = is_pinned(activity) and activity.pk not in released
        when = activity.scheduled_date
        if pinned and (when is None or activity.start_time is None):
            if when is None and activity.start_time is not None:
                flexible.append(activity_stop(activity))  # a time without a day: find a day
            continue
        stop = _stop(activity, plan.timezone, released)
        if stop is None:
            continue  # pinned, on another day on the plan's clock: nothing to place
        stays = (
            pinned
            or activity.activity_type == ActivityType.ACCOMMODATION
            or activity.is_completed
            or not include_scheduled
        )
        if when is not None and stays:
            if when in trip:
                fixed.setdefault(when, []).append(stop)
            continue
        if when is not None and when not in trip and not include_scheduled:
            continue
        flexible.append(stop)
    schedule = planner.plan_days(flexible, days, config.travel, fixed=fixed, options=config.options)
    return _build_proposal(
        kind="schedule",
        plan=plan,
        day=None,
        include_scheduled=include_scheduled,
        activities=activities,
        day_plans=schedule.days,
        unplaced=schedule.unplaced,
        warnings=schedule.warnings,
        released=released,
    )


def _stop(activity: PlanActivity, plan_timezone: str, released: set[int]) -> planner.Stop | None:
    """The planner's stop, free to be re-timed when released from a clash; None for a
    pinned activity that, on the plan's clock, starts on another day."""
    stop = activity_stop(activity, plan_timezone)
    if activity.pk in released:
        return replace(stop, pinned_start=None)
    if is_pinned(activity) and stop.pinned_start is None:
        return None
    return stop


def _compute_day(plan: Plan, activities: Sequence[PlanActivity], day: dt.date) -> Proposal:
    config = planner_config()
    rows = _current_order([a for a in activities if a.scheduled_date == day])
    released = _released(rows, plan.timezone)
    stops = [
        stop
        for activity in rows
        if not (is_pinned(activity) and activity.start_time is None)
        and (stop := _stop(activity, plan.timezone, released)) is not None
    ]
    context = single_day(plan, activities, day, config)
    day_plan = planner.optimise_day(stops, context, config.travel, options=config.options)
    return _build_proposal(
        kind="day",
        plan=plan,
        day=day,
        include_scheduled=False,
        activities=activities,
        day_plans=[day_plan],
        unplaced=day_plan.unplaced,
        warnings=day_plan.warnings,
        released=released,
    )


def schedule_propose(*, plan: Plan, include_scheduled: bool = False) -> Proposal:
    """ "Plan my days" preview: a day and a start time for each activity to place."""
    return _compute_schedule(plan, _activities(plan), include_scheduled)


def day_optimise_propose(*, plan: Plan, day: dt.date) -> Proposal:
    """ "Optimise this day" preview: the day's activities reordered to cut travel."""
    return _compute_day(plan, _activities(plan), day)


# --------------------------------------------------------------------------- apply and undo


@dataclass(frozen=True)
class Applied:
    proposal: Proposal
    batch_id: uuid.UUID | None  # None when there was nothing to change
    changed: int


def _locked_plan(plan: Plan) -> Plan:
    """Lock the plan row (serialising writes to its itinerary) and read it afresh."""
    return Plan.objects.select_for_update(of=("self",)).select_related("user").get(pk=plan.pk)


def _metadata_with_planned(activity: PlanActivity, slot: Slot, pinned: bool) -> dict:
    metadata = dict(activity.metadata or {})
    if not pinned and slot.start is not None:
        metadata["planned_start"] = _clock(slot.start)
    return metadata


def _write(proposal: Proposal, activities: Sequence[PlanActivity], user) -> Applied:
    """Write the proposal's moves, and nothing else (its `orders` hold only moved rows)."""
    by_id = {activity.pk: activity for activity in activities}
    targets = {p.id: p for p in proposal.moves}
    changed: list[PlanActivity] = []
    now = timezone.now()
    for pk, (_, index) in sorted(proposal.orders.items()):
        activity, target = by_id[pk], targets[pk]
        slot = target.after
        activity.scheduled_date, activity.start_time, activity.end_time = (
            slot.date,
            slot.start,
            slot.end,
        )
        activity.order_index = index
        activity.metadata = _metadata_with_planned(activity, slot, target.pinned)
        activity.version = F("version") + 1
        activity.updated_at = now
        changed.append(activity)
    if not changed:
        return Applied(proposal=proposal, batch_id=None, changed=0)
    batch = uuid.uuid4()
    ids = [activity.pk for activity in changed]
    history_record(PlanActivity, ids, reason=f"{REASON_PREFIX}:before:{batch}", user=user)
    PlanActivity.objects.bulk_update(
        changed,
        [
            "scheduled_date",
            "start_time",
            "end_time",
            "order_index",
            "metadata",
            "version",
            "updated_at",
        ],
    )
    history_record(PlanActivity, ids, reason=f"{REASON_PREFIX}:apply:{batch}", user=user)
    return Applied(proposal=proposal, batch_id=batch, changed=len(changed))


def _apply(plan: Plan, user, fingerprint: str | None, compute) -> Applied:
    with transaction.atomic():
        plan = _locked_plan(plan)
        activities = _activities(plan, lock=True)
        proposal = compute(plan, activities)
        if fingerprint and fingerprint != proposal.fingerprint:
            raise ScheduleStale(proposal)
        return _write(proposal, activities, user)


def schedule_apply(
    *, plan: Plan, user, include_scheduled: bool = False, fingerprint: str | None = None
) -> Applied:
    """Apply "Plan my days"; with a preview's `fingerprint`, refuse if anything changed since."""
    return _apply(
        plan,
        user,
        fingerprint,
        lambda locked, activities: _compute_schedule(locked, activities, include_scheduled),
    )


def day_optimise_apply(
    *, plan: Plan, user, day: dt.date, fingerprint: str | None = None
) -> Applied:
    """Apply "Optimise this day"; see `schedule_apply`."""
    return _apply(
        plan, user, fingerprint, lambda locked, activities: _compute_day(locked, activities, day)
    )


@dataclass(frozen=True)
class Undone:
    batch_id: uuid.UUID
    restored: int


_SLOT_FIELDS = ("scheduled_date", "start_time", "end_time", "order_index")


def _batch_of(reason: str) -> str:
    return reason.rsplit(":", 1)[-1]


def schedule_undo(*, plan: Plan, user, batch_id: uuid.UUID | None = None) -> Undone:
    """Restore the schedule from before the last (or the given) planner batch, exactly.

    Refuses when any activity of the affected days changed since the batch, so undo never
    overwrites someone's later edit.
    """
    history = PlanActivity.history.model
    with transaction.atomic():
        plan = _locked_plan(plan)
        rows = history.objects.filter(
            plan_id=plan.pk, history_change_reason__startswith=f"{REASON_PREFIX}:"
        )
        undone = {
            _batch_of(reason)
            for reason in rows.filter(
                history_change_reason__startswith=f"{REASON_PREFIX}:undo:"
            ).values_list("history_change_reason", flat=True)
        }
        applied = rows.filter(history_change_reason__startswith=f"{REASON_PREFIX}:apply:")
        if batch_id is not None:
            applied = applied.filter(history_change_reason=f"{REASON_PREFIX}:apply:{batch_id}")
        latest = (
            applied.exclude(
                history_change_reason__in=[f"{REASON_PREFIX}:apply:{b}" for b in undone]
            )
            .order_by("-history_date", "-history_id")
            .first()
        )
        if latest is None:
            raise UndoUnavailable("There is no planner change to undo.")
        batch = _batch_of(latest.history_change_reason)
        after = {
            row.id: row
            for row in rows.filter(history_change_reason=f"{REASON_PREFIX}:apply:{batch}")
        }
        before = {
            row.id: row
            for row in rows.filter(history_change_reason=f"{REASON_PREFIX}:before:{batch}")
        }
        current = {
            a.pk: a for a in PlanActivity.objects.select_for_update().filter(pk__in=list(after))
        }
        days = {row.scheduled_date for row in [*after.values(), *before.values()]}
        applied_at = max(row.history_date for row in after.values())
        changed_since = (
            any(
                tuple(getattr(current[pk], f) for f in _SLOT_FIELDS)
                != tuple(getattr(row, f) for f in _SLOT_FIELDS)
                for pk, row in after.items()
                if pk in current
            )
            or PlanActivity.objects.filter(
                plan=plan, scheduled_date__in=[d for d in days if d], updated_at__gt=applied_at
            )
            .exclude(pk__in=list(after))
            .exists()
        )
        if changed_since:
            raise UndoUnavailable(
                "The itinerary has changed since the planner ran, so undoing it would "
                "overwrite those changes. Move the activities back by hand instead."
            )
        restored: list[PlanActivity] = []
        now = timezone.now()
        for pk, activity in current.items():
            previous = before[pk]
            for name in _SLOT_FIELDS:
                setattr(activity, name, getattr(previous, name))
            metadata = dict(activity.metadata or {})
            planned = (previous.metadata or {}).get("planned_start")
            if planned is None:
                metadata.pop("planned_start", None)
            else:
                metadata["planned_start"] = planned
            activity.metadata = metadata
            activity.version = F("version") + 1
            activity.updated_at = now
            restored.append(activity)
        PlanActivity.objects.bulk_update(
            restored, [*_SLOT_FIELDS, "metadata", "version", "updated_at"]
        )
        history_record(
            PlanActivity, list(current), reason=f"{REASON_PREFIX}:undo:{batch}", user=user
        )
    return Undone(batch_id=uuid.UUID(batch), restored=len(restored))

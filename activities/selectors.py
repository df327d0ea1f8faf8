"""Reads of a plan's itinerary: days, conflicts and budget, in a fixed number of queries.

Callers pass a plan they already got through `plans.selectors.plan_get_for_user` (or a
share link), so these functions do not check permissions themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import CharField, Count, DecimalField, F, Func, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from activities.models import ActivityType, PlanActivity, day_order
from plans.models import Plan
from plans.timezones import activity_start

# Every day of a trip up to this length gets its own (possibly empty) group to add to;
# longer trips show only the days that hold activities.
MAX_EMPTY_DAYS = 60

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))


@dataclass
class DayGroup:
    date: dt.date | None
    number: int | None = None  # "Day 3"; None for unscheduled or outside the trip
    activities: list[PlanActivity] = field(default_factory=list)
    mapped: bool = False  # has an activity with a pin on the map (set by the itinerary tags)

    @property
    def key(self) -> str:
        return self.date.isoformat() if self.date else "unscheduled"

    @property
    def total(self) -> int:
        return len(self.activities)

    @property
    def completed(self) -> int:
        return sum(1 for activity in self.activities if activity.is_completed)

    @property
    def progress_percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def is_unscheduled(self) -> bool:
        return self.date is None

    @property
    def outside_trip(self) -> bool:
        return self.date is not None and self.number is None


@dataclass(frozen=True)
class Conflict:
    first: PlanActivity
    second: PlanActivity

    @property
    def ids(self) -> tuple[int, int]:
        return (self.first.pk, self.second.pk)


def activity_get_for_plan(*, plan: Plan, pk: int) -> PlanActivity:
    """An activity of this plan, else 404 (ids of other plans' activities leak nothing)."""
    return get_object_or_404(PlanActivity.objects.select_related("plan"), plan=plan, pk=pk)


def activity_list_ordered(*, plan: Plan):
    """The plan's activities in the day order (`activities.models.day_order`): by day
    (unscheduled last), timed ones by start time, untimed ones where the traveller placed them.
    Read through `plan.activities`, so each row's `activity.plan` is this plan and costs no
    query."""
    return plan.activities.order_by(*day_order())


def activity_rows_ordered(*, plan: Plan, limit: int | None = None) -> list[PlanActivity]:
    """`activity_list_ordered`'s first `limit` rows (all of them for None), in one query."""
    if limit is not None and limit < 1:
        raise ValueError("limit is a number of rows, at least 1, or None for all of them")
    return list(activity_list_ordered(plan=plan)[:limit])


# Names every activity of a plan at its current state: any insert, delete or write (services
# bump `version`; every save and update also sets `updated_at`) gives another digest.
_DIGEST = """
SELECT md5(coalesce(string_agg(
    digested.id || ':' || digested.version || ':' || extract(epoch FROM digested.updated_at),
    ',' ORDER BY digested.id
), ''))
FROM plan_activities AS digested WHERE digested.plan_id = {plan}
"""
_FINGERPRINT_SQL = _DIGEST.format(plan="%s")


def activity_day_position(*, activity: PlanActivity) -> int:
    """Where the activity stands in its day (0 first), so a move can be undone to that place."""
    order = list(
        PlanActivity.objects.filter(
            plan_id=activity.plan_id, scheduled_date=activity.scheduled_date
        )
        .order_by(*day_order())
        .values_list("pk", flat=True)
    )
    return order.index(activity.pk) if activity.pk in order else len(order)


def activity_fingerprint(*, plan: Plan) -> str:
    """A digest of the plan's activities as they are now, from one small query.

    The rendered itinerary is cached under it: the digest is far cheaper than loading and
    rendering the activities it stands for. A plan read
    with `activity_fingerprint_of` (the plan page's) carries it, and no query is made.
    """
    read = getattr(plan, "activity_digest", None)
    if read is not None:
        return read
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL, [plan.pk])
        return cursor.fetchone()[0]


def activity_fingerprint_of(plan_pk) -> Func:
    """`activity_fingerprint` as a column of a plan query (`plan_pk` its plan's key): read with
    the plan, it costs no round trip of its own. Annotate it as `activity_digest`."""
    return Func(
        plan_pk,
        template=f"({_DIGEST.format(plan='%(expressions)s').strip()})",
        output_field=CharField(),
    )


def trip_days(plan: Plan) -> list[dt.date]:
    """Every date of the trip, when it has both dates and is not absurdly long."""
    if not (plan.start_date and plan.end_date):
        return []
    count = (plan.end_date - plan.start_date).days + 1
    if count > MAX_EMPTY_DAYS:
        return []
    return [plan.start_date + dt.timedelta(days=offset) for offset in range(count)]


def day_number(plan: Plan, day: dt.date | None) -> int | None:
    """Day 1 is the plan's start date; days outside the trip have no number."""
    if day is None or plan.start_date is None or day < plan.start_date:
        return None
    if plan.end_date and day > plan.end_date:
        return None
    return (day - plan.start_date).days + 1


def group_by_day(plan: Plan, activities) -> list[DayGroup]:
    """Day groups in date order (every trip day, even empty), then "Unscheduled" last."""
    groups: dict[dt.date | None, DayGroup] = {
        day: DayGroup(date=day, number=day_number(plan, day)) for day in trip_days(plan)
    }
    for activity in activities:
        day = activity.scheduled_date
        if day not in groups:
            groups[day] = DayGroup(date=day, number=day_number(plan, day))
        groups[day].activities.append(activity)
    dated = sorted((g for d, g in groups.items() if d is not None), key=lambda g: g.date)
    unscheduled = groups.get(None) or DayGroup(date=None)
    return [*dated, unscheduled]


def itinerary_days(*, plan: Plan) -> list[DayGroup]:
    """The plan's activities grouped by day (one query)."""
    return group_by_day(plan, activity_list_ordered(plan=plan))


def _instants(activity: PlanActivity, plan_timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """When the activity starts and ends, in UTC, on its own zone's clock (else the plan's)."""
    start = activity_start(activity, plan_timezone).astimezone(dt.UTC)
    return start, start + dt.timedelta(minutes=activity.end_minute - activity.start_minute)


def find_conflicts(activities, plan_timezone: str = "UTC") -> list[Conflict]:
    """Pairs of activities whose times overlap, compared as instants.

    An activity spans [start, end) where end is its end time, else start + duration, on the
    clock of its own time zone, else the plan's (`plan_timezone`): a 10:00 flight from London
    and a 10:30 tram in Lisbon overlap, an 18:00 call in Tokyo and a 12:00 lunch in Lisbon
    do not. One that ends exactly when the next starts does not clash. Activities without a
    day and a start time, or without an end time and a duration, cannot be checked and are
    left out. `first` is the one that starts first.
    """
    timed = sorted(
        (*_instants(activity, plan_timezone), activity.pk, activity)
        for activity in activities
        if activity.scheduled_date and activity.start_time and activity.end_minute is not None
    )
    conflicts: list[Conflict] = []
    for i, (start, end, _, first) in enumerate(timed):
        if end <= start:
            continue
        for other_start, other_end, _, second in timed[i + 1 :]:
            if other_start >= end:
                break  # sorted by start: nothing later can overlap `first`
            if other_end > other_start:
                conflicts.append(Conflict(first, second))
    return conflicts


def activity_conflicts(*, plan: Plan) -> list[Conflict]:
    """Overlapping activities of a plan (one query)."""
    return find_conflicts(
        PlanActivity.objects.filter(
            plan=plan, scheduled_date__isnull=False, start_time__isnull=False
        ).only(
            "id",
            "plan_id",
            "title",
            "scheduled_date",
            "start_time",
            "end_time",
            "duration_minutes",
            "timezone",
        ),
        plan.timezone,
    )


def _sums():
    return {
        "estimated": Coalesce(Sum("estimated_cost"), ZERO),
        "actual": Coalesce(Sum("actual_cost"), ZERO),
        # What the trip is expected to cost: the actual cost where known, else the estimate.
        "projected": Coalesce(Sum(Coalesce("actual_cost", "estimated_cost")), ZERO),
        "count": Count("id"),
        "without_cost": Count(
            "id", filter=Q(estimated_cost__isnull=True, actual_cost__isnull=True)
        ),
    }


def plan_budget_summary(*, plan: Plan) -> dict:
    """Estimated, actual and projected totals, by activity type and by day, against the budget.

    Three aggregate queries; amounts are Decimals in the plan's currency.
    """
    activities = PlanActivity.objects.filter(plan=plan)
    totals = activities.aggregate(**_sums())
    by_type = (
        activities.order_by()
        .values("activity_type")
        .annotate(**_sums())
        .order_by("-projected", "activity_type")
    )
    by_day = (
        activities.order_by()
        .values("scheduled_date")
        .annotate(**_sums())
        .order_by(F("scheduled_date").asc(nulls_last=True))
    )
    return _budget_summary(plan, totals, by_type, by_day)


def _add_up(activities) -> dict:
    """`_sums()` over activities already in memory."""
    estimated = actual = projected = Decimal("0.00")
    without_cost = 0
    for activity in activities:
        if activity.estimated_cost is not None:
            estimated += activity.estimated_cost
        if activity.actual_cost is not None:
            actual += activity.actual_cost
            projected += activity.actual_cost
        elif activity.estimated_cost is not None:
            projected += activity.estimated_cost
        else:
            without_cost += 1
    return {
        "estimated": estimated,
        "actual": actual,
        "projected": projected,
        "count": len(activities),
        "without_cost": without_cost,
    }


def itinerary_budget_summary(*, plan: Plan, activities: list[PlanActivity]) -> dict:
    """plan_budget_summary's figures from all the plan's activities, already loaded: no query.

    The itinerary has every activity in memory anyway, so its three aggregates would only
    repeat what these few additions give.
    """
    by_type: dict[str, list[PlanActivity]] = {}
    by_day: dict[dt.date | None, list[PlanActivity]] = {}
    for activity in activities:
        by_type.setdefault(activity.activity_type, []).append(activity)
        by_day.setdefault(activity.scheduled_date, []).append(activity)
    type_rows = sorted(
        ({"activity_type": key, **_add_up(rows)} for key, rows in by_type.items()),
        key=lambda row: (-row["projected"], row["activity_type"]),
    )
    day_rows = sorted(
        ({"scheduled_date": key, **_add_up(rows)} for key, rows in by_day.items()),
        key=lambda row: (row["scheduled_date"] is None, row["scheduled_date"] or dt.date.min),
    )
    return _budget_summary(plan, _add_up(activities), type_rows, day_rows)


def _budget_summary(plan: Plan, totals: dict, by_type, by_day) -> dict:
    """The summary from `_sums()` over all the plan's activities, per type and per day."""
    labels = dict(ActivityType.choices)
    budget = plan.budget
    summary = {
        "currency": plan.currency,
        "budget": budget,
        **totals,
        "remaining": None if budget is None else budget - totals["projected"],
        "over_budget": budget is not None and totals["projected"] > budget,
        "over_by": (
            totals["projected"] - budget
            if budget is not None and totals["projected"] > budget
            else None
        ),
        "over_budget_estimated": budget is not None and totals["estimated"] > budget,
        "over_budget_actual": budget is not None and totals["actual"] > budget,
        "by_type": [
            {**row, "label": labels.get(row["activity_type"], row["activity_type"])}
            for row in by_type
        ],
        "by_day": [{**row, "number": day_number(plan, row["scheduled_date"])} for row in by_day],
    }
    if budget:
        summary["used_percent"] = min(round(100 * totals["projected"] / budget), 999)
    else:
        summary["used_percent"] = None
    return summary

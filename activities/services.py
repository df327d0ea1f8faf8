"""Every write to activities: validated, atomic, and safe when two editors act at once.

Order within a day is dense (0..n-1, no gaps or duplicates). Every write that changes the
order of a day locks the plan row first (`SELECT ... FOR UPDATE`), so concurrent reorders,
moves, adds and deletes on one plan run one after the other instead of interleaving.
Every write increments `version`, which the API turns into an ETag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Max, Value, When
from django.db.models.fields import DateField
from django.db.models.functions import Cast
from django.utils import timezone

from activities import place_lookup
from activities.models import (
    PlanActivity,
    date_outside_trip_message,
    day_order,
    day_order_error,
)
from activities.place_lookup import FoundPlace
from plans.documents import document_errors, plan_data_canonical
from plans.history import history_record
from plans.models import Plan

METADATA_SCHEMA = Path(__file__).resolve().parent / "schemas" / "metadata.schema.json"

# Fields a client may set (web forms and the API); plan, order and version are set here.
EDITABLE_FIELDS = (
    "title",
    "description",
    "activity_type",
    "location_name",
    "latitude",
    "longitude",
    "address",
    "scheduled_date",
    "start_time",
    "end_time",
    "timezone",
    "duration_minutes",
    "estimated_cost",
    "actual_cost",
    "metadata",
    "is_completed",
)

Day = dt.date | None


class ActivityVersionConflict(Exception):
    """The activity changed since the client read it (its `version` no longer matches)."""


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _lock_plan(plan: Plan) -> None:
    """Serialise order-changing writes on one plan (must run inside transaction.atomic)."""
    Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).get()


def _lock_plans(*plans: Plan) -> None:
    """Lock several plan rows in id order, so two moves in opposite directions cannot deadlock.

    PostgreSQL locks the rows of `SELECT ... ORDER BY ... FOR UPDATE` in the sorted order.
    """
    ids = sorted({plan.pk for plan in plans})
    list(Plan.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _validate(activity: PlanActivity) -> None:
    """Model rules and constraints, plus `metadata` against its schema keyed by JSON path."""
    errors: dict[str, list[str]] = {}
    try:
        activity.full_clean(exclude=["plan", "order_index", "version"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if not isinstance(activity.metadata, dict):
        errors.setdefault("metadata", []).append("must be of type object")
    else:
        errors.update(document_errors(activity.metadata, METADATA_SCHEMA, "metadata"))
    if errors:
        raise ValidationError(errors)


def _day_order(plan: Plan, day: Day, *, exclude: Iterable[int] = ()) -> list[int]:
    """Ids of a day's activities in the day order (`models.day_order`), as travellers see it."""
    return list(
        PlanActivity.objects.filter(plan=plan, scheduled_date=day)
        .exclude(pk__in=list(exclude))
        .order_by(*day_order())
        .values_list("pk", flat=True)
    )


def _next_index(plan: Plan, day: Day) -> int:
    top = PlanActivity.objects.filter(plan=plan, scheduled_date=day).aggregate(m=Max("order_index"))
    return 0 if top["m"] is None else top["m"] + 1


def _write_orders(
    assignments: Mapping[int, tuple[Day, int]], *, reason: str = "activities reordered"
) -> None:
    """Set (scheduled_date, order_index) of many activities in one UPDATE, bumping versions.

    Rows whose day and position do not change are left alone (their version stays), and
    only the rows that moved get a history row.
    """
    if not assignments:
        return
    current = {
        pk: (day, index)
        for pk, day, index in PlanActivity.objects.filter(pk__in=list(assignments)).values_list(
            "pk", "scheduled_date", "order_index"
        )
    }
    changed = {pk: target for pk, target in assignments.items() if current.get(pk) != target}
    if not changed:
        return
    PlanActivity.objects.filter(pk__in=list(changed)).update(
        scheduled_date=Case(
            *[When(pk=pk, then=Cast(Value(day), DateField())) for pk, (day, _) in changed.items()],
            output_field=DateField(),
        ),
        order_index=Case(
            *[When(pk=pk, then=Value(index)) for pk, (_, index) in changed.items()],
            output_field=IntegerField(),
        ),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    history_record(PlanActivity, changed, reason=reason)


def _check_day(plan: Plan, day: Day) -> None:
    if day is not None:
        message = date_outside_trip_message(plan, day)
        if message:
            raise ValidationError({"scheduled_date": message})


def _reorder_locked(
    plan: Plan, days: Mapping[Day, Sequence[int]], *, reason: str = "activities reordered"
) -> None:
    """Give each listed day exactly the listed activities in that order; re-densify the rest.

    Days that lose an activity to a listed day keep their remaining activities in order.
    Assumes the plan row is locked.
    """
    ids = [pk for sequence in days.values() for pk in sequence]
    if len(ids) != len(set(ids)):
        raise ValidationError(
            "An activity is listed more than once. Reload the page and try again."
        )
    found = {
        row.pk: row
        for row in PlanActivity.objects.filter(plan=plan).only(
            "pk", "title", "scheduled_date", "start_time"
        )
    }
    rows = {pk: row.scheduled_date for pk, row in found.items()}
    if set(ids) - rows.keys():
        raise ValidationError(
            "Some of these activities are no longer in this plan. Reload the page and try again."
        )
    for day in days:
        _check_day(plan, day)
    listed = set(ids)
    for day in days:
        left_out = {pk for pk, current in rows.items() if current == day} - listed
        if left_out:
            raise ValidationError(
                "The new order leaves out activities of that day, probably added by someone "
                "else meanwhile. Reload the page and try again."
            )
    for sequence in days.values():
        message = day_order_error([found[pk] for pk in sequence])
        if message:
            raise ValidationError(message)
    affected = set(days) | {rows[pk] for pk in ids}
    assignments: dict[int, tuple[Day, int]] = {}
    for day in affected:
        sequence = list(days[day]) if day in days else _day_order(plan, day, exclude=listed)
        for index, pk in enumerate(sequence):
            assignments[pk] = (day, index)
    _write_orders(assignments, reason=reason)


def _refresh(activity: PlanActivity) -> PlanActivity:
    activity.refresh_from_db()
    return activity


def activity_create(*, plan: Plan, data: Mapping[str, Any]) -> PlanActivity:
    """Add an activity at the end of its day."""
    activity = PlanActivity(plan=plan, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    if activity.metadata is None:
        activity.metadata = {}
    _validate(activity)
    with transaction.atomic():
        _lock_plan(plan)
        activity.order_index = _next_index(plan, activity.scheduled_date)
        activity.save()
    return activity


def activity_quick_add(*, plan: Plan, title: str, day: Day) -> PlanActivity:
    """The one-line add: a title and a day, everything else left for later."""
    return activity_create(plan=plan, data={"title": title.strip(), "scheduled_date": day})


@dataclass(frozen=True)
class QuickAdded:
    """What quick-add did: the activity, the place the line named ("" if none) and whether it
    was found, with the place finder's notice (the geocoder unreachable, say)."""

    activity: PlanActivity
    place_named: str = ""
    place: FoundPlace | None = None
    notice: str | None = None


def activity_quick_add_line(*, plan: Plan, line: str, day: Day) -> QuickAdded:
    """Quick-add from what the traveller typed: "Tile museum, Lisbon" adds "Tile museum" at the
    place found for it (name, address, coordinates, and its zone when not the plan's).

    A place that cannot be found leaves the whole line as the title, with nothing else set;
    the caller tells the traveller (docs/places.md, "Quick-add").
    """
    title, where = place_lookup.split_title(line)
    if not where:
        return QuickAdded(activity=activity_quick_add(plan=plan, title=line, day=day))
    answer = place_lookup.find_place(what=title, where=where)
    place = answer.place
    if place is None:
        activity = activity_quick_add(plan=plan, title=line, day=day)
    else:
        activity = activity_create(
            plan=plan,
            data={
                "title": title,
                "scheduled_date": day,
                "location_name": place.name[:200],
                "address": place.address,
                "latitude": _coordinate(place.latitude),
                "longitude": _coordinate(place.longitude),
                "timezone": "" if place.timezone == plan.timezone else place.timezone,
            },
        )
    return QuickAdded(activity=activity, place_named=where, place=place, notice=answer.notice)


def _coordinate(value: float) -> Decimal:
    """A coordinate as the model stores it (8 decimal places)."""
    return Decimal(str(value)).quantize(Decimal("0.00000001"))


def activity_update(
    *, activity: PlanActivity, data: Mapping[str, Any], expected_version: int | None = None
) -> PlanActivity:
    """Change fields; a new day puts the activity at the end of that day.

    With `expected_version`, the write happens only if nobody changed the activity since
    (one conditional UPDATE); otherwise ActivityVersionConflict and nothing changes.
    """
    old_day = activity.scheduled_date
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(activity, name, value)
    if activity.metadata is None:
        activity.metadata = {}
    _validate(activity)
    plan = activity.plan
    values = {name: getattr(activity, name) for name in EDITABLE_FIELDS}
    with transaction.atomic():
        _lock_plan(plan)
        rows = PlanActivity.objects.filter(pk=activity.pk, plan=plan)
        if expected_version is not None:
            rows = rows.filter(version=expected_version)
        if activity.scheduled_date != old_day:
            values["order_index"] = _next_index(plan, activity.scheduled_date)
        updated = rows.update(**values, version=F("version") + 1, updated_at=timezone.now())
        if not updated:
            raise ActivityVersionConflict
        history_record(PlanActivity, [activity.pk], reason="activity updated")
        if activity.scheduled_date != old_day:
            _reorder_locked(
                plan, {old_day: _day_order(plan, old_day)}, reason="day closed up after a move"
            )
    return _refresh(activity)


def activity_move_to_plan(
    *,
    activity: PlanActivity,
    plan: Plan,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> PlanActivity:
    """Move an activity to another plan, optionally changing fields (`data`) in the same write.

    It keeps its day when that day is within the target plan's dates and goes to the end of
    it (a plan without dates accepts any day); a day outside them leaves it unscheduled there,
    where the traveller can place it. An explicit `scheduled_date` in `data` is checked against the
    target plan instead. The source day closes up behind it. Both plans are locked, in id
    order; with `expected_version` the move happens only if nobody changed the activity since
    (ActivityVersionConflict otherwise, nothing changes). Callers check the requester may edit
    both plans.
    """
    data = dict(data or {})
    source = activity.plan
    if plan.pk == source.pk:
        return activity_update(activity=activity, data=data, expected_version=expected_version)
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(activity, name, value)
    activity.plan = plan
    day = activity.scheduled_date
    if "scheduled_date" not in data and day is not None and date_outside_trip_message(plan, day):
        activity.scheduled_date = None
    if activity.metadata is None:
        activity.metadata = {}
    _validate(activity)
    values = {name: getattr(activity, name) for name in EDITABLE_FIELDS}
    with transaction.atomic():
        _lock_plans(source, plan)
        rows = PlanActivity.objects.filter(pk=activity.pk, plan=source)
        if expected_version is not None:
            rows = rows.filter(version=expected_version)
        old_days = list(rows.values_list("scheduled_date", flat=True))
        if not old_days:
            raise ActivityVersionConflict
        values["order_index"] = _next_index(plan, activity.scheduled_date)
        rows.update(**values, plan=plan, version=F("version") + 1, updated_at=timezone.now())
        # Not the source plan's title: members of the target plan may not be allowed to see it.
        history_record(PlanActivity, [activity.pk], reason="activity moved here from another plan")
        # Written directly: the source day may lie outside the source plan's dates by now.
        _write_orders(
            {pk: (old_days[0], index) for index, pk in enumerate(_day_order(source, old_days[0]))},
            reason="day closed up after a move",
        )
    return _refresh(activity)


def activity_delete(*, activity: PlanActivity, expected_version: int | None = None) -> None:
    """Delete and close the gap in its day."""
    plan = activity.plan
    with transaction.atomic():
        _lock_plan(plan)
        rows = PlanActivity.objects.filter(pk=activity.pk, plan=plan)
        if expected_version is not None:
            rows = rows.filter(version=expected_version)
        day = rows.values_list("scheduled_date", flat=True).first()
        deleted, _ = rows.delete()
        if not deleted:
            raise ActivityVersionConflict
        _reorder_locked(plan, {day: _day_order(plan, day)}, reason="day closed up after a removal")


def activity_reorder(*, plan: Plan, days: Mapping[Day, Sequence[int]]) -> None:
    """Set the order of one or more days at once (what drag-and-drop and the API send).

    Each listed day must list every activity it will hold, so a stale page cannot silently
    drop or duplicate someone else's change; an activity listed under another day moves there.
    """
    with transaction.atomic():
        _lock_plan(plan)
        _reorder_locked(plan, days)


def activity_move(
    *,
    activity: PlanActivity,
    day: Day,
    position: int | None = None,
    reason: str = "activity moved",
) -> PlanActivity:
    """Move to a day (the same or another) at a position (default: the end of that day)."""
    plan = activity.plan
    _check_day(plan, day)
    with transaction.atomic():
        _lock_plan(plan)
        if not PlanActivity.objects.filter(pk=activity.pk, plan=plan).exists():
            raise ValidationError("This activity was deleted meanwhile.")
        order = _day_order(plan, day, exclude=[activity.pk])
        where = (
            _time_position(plan, activity.pk, order)
            if position is None
            else max(0, min(position, len(order)))
        )
        order.insert(where, activity.pk)
        _reorder_locked(plan, {day: order}, reason=reason)
    return _refresh(activity)


def _time_position(plan: Plan, pk: int, order: list[int]) -> int:
    """Where "the end of the day" is for this activity: the end for an untimed one, before the
    first activity that starts later for a timed one (so the day stays in time order)."""
    starts = dict(
        PlanActivity.objects.filter(plan=plan, pk__in=[pk, *order]).values_list("pk", "start_time")
    )
    start = starts.get(pk)
    if start is not None:
        for index, other in enumerate(order):
            if starts.get(other) is not None and starts[other] > start:
                return index
    return len(order)


def activity_move_step(*, activity: PlanActivity, offset: int) -> PlanActivity:
    """Move up (-1) or down (+1) within its day, as the no-JavaScript buttons do."""
    plan = activity.plan
    with transaction.atomic():
        _lock_plan(plan)
        day = (
            PlanActivity.objects.filter(pk=activity.pk, plan=plan)
            .values_list("scheduled_date", flat=True)
            .first()
        )
        order = _day_order(plan, day)
        if activity.pk not in order:
            raise ValidationError("This activity was deleted meanwhile.")
        index = order.index(activity.pk)
        target = max(0, min(index + offset, len(order) - 1))
        order.insert(target, order.pop(index))
        _reorder_locked(plan, {day: order}, reason="activity moved")
    return _refresh(activity)


def activity_set_completed(*, activity: PlanActivity, completed: bool) -> PlanActivity:
    with transaction.atomic():
        PlanActivity.objects.filter(pk=activity.pk).update(
            is_completed=completed, version=F("version") + 1, updated_at=timezone.now()
        )
        history_record(
            PlanActivity,
            [activity.pk],
            reason="activity marked done" if completed else "activity marked not done",
        )
    return _refresh(activity)


def activity_delay(*, activity: PlanActivity, day: dt.date) -> PlanActivity:
    """Push to another day of the trip, remembering the date it was first planned for."""
    if day is None:
        raise ValidationError({"scheduled_date": "Choose the day to delay this activity to."})
    _check_day(activity.plan, day)
    with transaction.atomic():
        _lock_plan(activity.plan)
        activity.refresh_from_db()
        if activity.scheduled_date == day:
            raise ValidationError({"scheduled_date": "The activity is already on that day."})
        metadata = dict(activity.metadata or {})
        if activity.scheduled_date and "original_date" not in metadata:
            metadata["original_date"] = activity.scheduled_date.isoformat()
        PlanActivity.objects.filter(pk=activity.pk).update(
            metadata=metadata, version=F("version") + 1, updated_at=timezone.now()
        )
        # The move's history row carries the new metadata too.
        return activity_move(activity=activity, day=day, reason="activity delayed")


def _minutes(value: Any) -> int | None:
    """A canonical `duration` (whole minutes); None when absent or not a number of minutes."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _parse_time(value: Any) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# The largest amount a cost column holds (max_digits=10, decimal_places=2).
COST_LIMIT = Decimal("99999999.99")


def _parse_cost(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        cost = Decimal(str(value).replace(",", "").strip().lstrip("$€£¥"))
    except InvalidOperation:
        return None
    storable = cost.is_finite() and 0 <= cost <= COST_LIMIT
    return cost.quantize(Decimal("0.01")) if storable else None


def _itinerary_day(plan: Plan, entry: Mapping[str, Any], position: int) -> Day:
    """The date an itinerary entry means: its `date` if in the trip, else start + day - 1."""
    try:
        day = dt.date.fromisoformat(str(entry.get("date")))
    except ValueError:
        day = None
    number = entry.get("day")
    if day is None and plan.start_date and isinstance(number, int) and number >= 1:
        day = plan.start_date + dt.timedelta(days=number - 1)
    if day is not None and date_outside_trip_message(plan, day):
        return None
    return day


def itinerary_import_from_plan_data(*, plan: Plan) -> ImportResult:
    """Turn `plan_data.itinerary` into activities; running it again adds nothing.

    Each item remembers where it came from (`metadata.import_key`, by day and position),
    so an item already imported is skipped even if the traveller edited or moved it.
    """
    result = ImportResult()
    with transaction.atomic():
        _lock_plan(plan)
        plan_data = Plan.objects.filter(pk=plan.pk).values_list("plan_data", flat=True).get()
        # Canonical, so `duration` is minutes even in a document written around the services.
        plan_data = plan_data_canonical(plan_data)
        itinerary = plan_data.get("itinerary") if isinstance(plan_data, dict) else None
        if not isinstance(itinerary, list):
            return result
        existing = set(
            PlanActivity.objects.filter(plan=plan, metadata__has_key="import_key").values_list(
                "metadata__import_key", flat=True
            )
        )
        next_index: dict[Day, int] = {}
        to_create: list[PlanActivity] = []
        for position, entry in enumerate(itinerary, start=1):
            if not isinstance(entry, dict):
                continue
            day = _itinerary_day(plan, entry, position)
            day_key = entry.get("day") if isinstance(entry.get("day"), int) else position
            items = entry.get("activities")
            for index, item in enumerate(items if isinstance(items, list) else []):
                key = f"itinerary:{day_key}:{index}"
                if key in existing:
                    result.skipped += 1
                    continue
                if not isinstance(item, dict) or not str(item.get("activity") or "").strip():
                    result.problems.append(f"Day {day_key}, item {index + 1} has no activity name.")
                    continue
                if day not in next_index:
                    next_index[day] = _next_index(plan, day)
                activity = PlanActivity(
                    plan=plan,
                    title=str(item["activity"]).strip()[:200],
                    location_name=str(item.get("location") or "").strip()[:200],
                    scheduled_date=day,
                    start_time=_parse_time(item.get("time")),
                    duration_minutes=_minutes(item.get("duration")),
                    estimated_cost=_parse_cost(item.get("cost")),
                    order_index=next_index[day],
                    metadata={"import_key": key},
                )
                try:
                    _validate(activity)
                except ValidationError as error:
                    result.problems.append(
                        f"Day {day_key}, item {index + 1}: " + "; ".join(error.messages)
                    )
                    continue
                next_index[day] += 1
                existing.add(key)
                to_create.append(activity)
        created = PlanActivity.objects.bulk_create(to_create)
        history_record(
            PlanActivity,
            [a.pk for a in created],
            created=True,
            reason="imported from the plan's itinerary",
        )
        result.created = len(to_create)
    return result


def plan_import_document(
    *, owner, plan: Mapping[str, Any], plan_data: dict, activities: Sequence[Mapping[str, Any]]
) -> Plan:
    """A new private draft from an exported document, with its activities in order; atomic.

    Errors are keyed where they are in the document (`plan.title`, `plan_data.…`,
    `activities[2].end_time`); any error writes nothing.
    """
    from plans.services import plan_create

    with transaction.atomic():
        try:
            created = plan_create(
                owner=owner, **plan, plan_data=plan_data, preferences_from_profile=False
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    (key if key.startswith("plan_data") else f"plan.{key}"): messages
                    for key, messages in error.message_dict.items()
                }
            ) from None
        errors: dict[str, list[str]] = {}
        for index, data in enumerate(activities):
            try:
                activity_create(plan=created, data=data)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors[f"activities[{index}].{key}"] = messages
        if errors:
            raise ValidationError(errors)
    return created

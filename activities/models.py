"""Structured itinerary items of a plan (the design's `plan_activities`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format

from accounts.validators import validate_timezone
from plans.history import IndexedHistoricalRecords
from plans.models import Plan


class ActivityType(models.TextChoices):
    ACCOMMODATION = "accommodation", "Accommodation"
    TRANSPORT = "transport", "Transport"
    ATTRACTION = "attraction", "Attraction"
    RESTAURANT = "restaurant", "Restaurant"
    NIGHTLIFE = "nightlife", "Nightlife"
    ACTIVITY = "activity", "Activity"
    OTHER = "other", "Other"


class PlanActivity(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    activity_type = models.CharField(
        max_length=20, choices=ActivityType.choices, default=ActivityType.ACTIVITY
    )
    location_name = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=10, decimal_places=8, null=True, blank=True)
    longitude = models.DecimalField(max_digits=11, decimal_places=8, null=True, blank=True)
    address = models.TextField(blank=True)
    scheduled_date = models.DateField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    # Blank: the plan's zone. Set for another city on a multi-city trip, or a flight.
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    estimated_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    actual_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    order_index = models.PositiveIntegerField(default=0)
    is_completed = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True)
    # Incremented by every write; the API's ETag and the conditional UPDATE use it.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who changed what and when; services write it (see plans.history).
    history = IndexedHistoricalRecords(
        excluded_fields=["version"],
        # "Recent changes": the newest history rows of one plan (plans.selectors).
        indexes=[
            models.Index(
                fields=["plan", "-history_date", "-history_id"],
                name="activities_history_newest_idx",
            )
        ],
    )

    class Meta:
        db_table = "plan_activities"
        verbose_name_plural = "plan activities"
        ordering = ["scheduled_date", "order_index", "start_time", "id"]
        indexes = [
            models.Index(fields=["plan", "order_index"], name="activities_plan_order_idx"),
            models.Index(fields=["activity_type"], name="activities_type_idx"),
            models.Index(
                fields=["latitude", "longitude"],
                name="activities_coords_idx",
                condition=Q(latitude__isnull=False, longitude__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="activities_latitude_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="activities_longitude_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="activities_coords_both_or_neither",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="activities_estimated_cost_not_negative",
                violation_error_message="Estimated cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(actual_cost__isnull=True) | Q(actual_cost__gte=0),
                name="activities_actual_cost_not_negative",
                violation_error_message="Actual cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="activities_end_after_start",
                violation_error_message="End time must be after the start time.",
            ),
            models.CheckConstraint(
                condition=Q(activity_type__in=[choice.value for choice in ActivityType]),
                name="activities_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"pk": self.plan_id}) + f"#activity-{self.pk}"

    def clean(self) -> None:
        """Friendly messages for rules the constraints enforce, plus the trip's date window."""
        errors: dict[str, str] = {}
        if self.scheduled_date and self.plan_id:
            message = date_outside_trip_message(self.plan, self.scheduled_date)
            if message:
                errors["scheduled_date"] = message
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = "Give both latitude and longitude, or neither."
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = "End time must be after the start time."
        if errors:
            raise ValidationError(errors)

    @property
    def end_minute(self) -> int | None:
        """Minutes after midnight when the activity ends (end time, else start + duration)."""
        if self.end_time:
            return self.end_time.hour * 60 + self.end_time.minute
        if self.start_time and self.duration_minutes is not None:
            return min(self.start_minute + self.duration_minutes, 24 * 60)
        return None

    @property
    def start_minute(self) -> int | None:
        if self.start_time is None:
            return None
        return self.start_time.hour * 60 + self.start_time.minute


def date_outside_trip_message(plan: Plan, day: dt.date) -> str | None:
    """The error for a date outside the plan's dates, or None when it fits."""

    def fmt(value: dt.date) -> str:
        return date_format(value, "DATE_FORMAT")

    start, end = plan.start_date, plan.end_date
    if start and end and not start <= day <= end:
        return f"Pick a date within the trip, from {fmt(start)} to {fmt(end)}."
    if start and not end and day < start:
        return f"Pick a date on or after the trip starts ({fmt(start)})."
    if end and not start and day > end:
        return f"Pick a date on or before the trip ends ({fmt(end)})."
    return None


# The day order: how every list of a day's activities is ordered (the page, the map's numbers,
# the printed day, the calendar, the API, the public projection and the planner's input).
#
# Within a day, timed activities come by start time. An untimed activity has no time of its
# own, so it takes the time of the latest timed activity placed above it (by `order_index`, the
# traveller's manual position, then id) and comes right after that one; with none placed above
# it, it leads the day. Ties go by `order_index`, then id. So timed activities are always in
# time order, untimed ones keep their manual order among themselves, and a new untimed activity
# (added at the end) comes after the timed ones. Undated activities follow the same rule, after
# every day. See docs/day-order.md.
_NO_DAY = dt.date.min


def _placed_above_time() -> Subquery:
    """The latest start time among the timed activities placed above this one in its day."""
    return Subquery(
        PlanActivity.objects.alias(day=Coalesce("scheduled_date", Value(_NO_DAY)))
        .filter(
            plan=OuterRef("plan"),
            day=Coalesce(OuterRef("scheduled_date"), Value(_NO_DAY)),
            start_time__isnull=False,
        )
        .filter(
            Q(order_index__lt=OuterRef("order_index"))
            | Q(order_index=OuterRef("order_index"), pk__lt=OuterRef("pk"))
        )
        .order_by("-start_time")
        .values("start_time")[:1],
        output_field=models.TimeField(),
    )


def day_order() -> tuple:
    """`order_by` arguments for the day order (see above), for any PlanActivity query."""
    return (
        F("scheduled_date").asc(nulls_last=True),
        Coalesce("start_time", _placed_above_time()).asc(nulls_first=True),
        "order_index",
        "pk",
    )


def in_day_order(activities: Iterable[PlanActivity]) -> list[PlanActivity]:
    """The day order of activities already in memory; each day must be there whole."""
    rows = list(activities)
    above: dict[int, dt.time | None] = {}
    for row in rows:
        times = [
            other.start_time
            for other in rows
            if other.scheduled_date == row.scheduled_date
            and (other.order_index, other.pk) < (row.order_index, row.pk)
            and other.start_time is not None
        ]
        above[id(row)] = max(times, default=None)

    def key(row: PlanActivity) -> tuple:
        when = row.start_time or above[id(row)]
        return (
            row.scheduled_date is None,
            row.scheduled_date or _NO_DAY,
            when is not None,
            when or dt.time.min,
            row.order_index,
            row.pk,
        )

    return sorted(rows, key=key)


def day_order_error(rows: Sequence[PlanActivity]) -> str | None:
    """Why a day's activities, in the order a traveller asked for, are not in time order.

    Moving an activity never changes its time: a time is something the traveller set (a
    booking, an opening hour), so rather than rewrite it the move is refused and the message
    asks for the time to be changed instead.
    """
    latest: PlanActivity | None = None
    for row in rows:
        if row.start_time is None:
            continue
        if latest is not None and row.start_time < latest.start_time:
            return (
                f"“{latest.title}” at {latest.start_time:%H:%M} cannot come before "
                f"“{row.title}” at {row.start_time:%H:%M}: a day is listed in time order, "
                "so change a time to move it."
            )
        latest = row
    return None

"""Structured itinerary items of a plan (the design's `plan_activities`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
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
        return reverse("activities:itinerary", kwargs={"pk": self.plan_id}) + f"#activity-{self.pk}"

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

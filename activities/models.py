"""Structured itinerary items of a plan (the design's `plan_activities`)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

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

"""Serializers of the activities API: explicit fields, no business rules (services validate)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.models import ActivityType, PlanActivity
from activities.services import EDITABLE_FIELDS
from config.fields import JSONTypesModelSerializer
from plans.api.serializers import JSONObjectField, PlanSerializer, PublicPlanSerializer
from plans.models import Plan
from plans.projection import PUBLIC_ACTIVITY_FIELDS
from plans.selectors import plan_editable_by
from plans.timezones import activity_end, activity_start

MAX_ID = 2**63 - 1


@extend_schema_field(
    {
        "type": "string",
        "example": "09:30:00",
        "description": (
            "A time of day on the trip's local clock, no time zone: HH:MM:SS (with "
            "microseconds when set, HH:MM:SS.ffffff); HH:MM is accepted too."
        ),
    }
)
class WallClockTimeField(serializers.TimeField):
    """A TimeField documented as what it is: a time of day with no time zone.

    OpenAPI's `format: time` is RFC 3339's full-time, which carries an offset; an activity's
    "09:30:00" is on the destination's clock and has none, so clients validating responses
    against the schema would reject every activity with a time.
    """


class ActivityModelSerializer(JSONTypesModelSerializer):
    """The activity serializers' base: model TimeFields become WallClockTimeFields."""

    serializer_field_mapping = {
        **JSONTypesModelSerializer.serializer_field_mapping,
        models.TimeField: WallClockTimeField,
    }


# What a client may write is exactly what the services accept: one list, kept there.
ACTIVITY_FIELDS = list(EDITABLE_FIELDS)


# An instant with the offset of the activity's own zone, not the viewer's (DRF's DateTimeField
# would convert it to the current time zone).
INSTANT_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "nullable": True,
    "example": "2027-05-06T10:00:00+01:00",
}
STARTS_AT_HELP = (
    "`scheduled_date` and `start_time` as one instant, with the UTC offset of the activity's "
    "zone (its `timezone`, else the plan's) on that day; null without both."
)
ENDS_AT_HELP = "`scheduled_date` and `end_time` the same way; null without both."


@extend_schema_field(INSTANT_SCHEMA)
class InstantField(serializers.Field):
    """An aware datetime written with its own offset (read-only)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: dt.datetime) -> str:
        return value.isoformat()


class ActivitySerializer(ActivityModelSerializer):
    """An activity as the plan's owner and members see it."""

    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    metadata = JSONObjectField(required=False)
    starts_at = serializers.SerializerMethodField(help_text=STARTS_AT_HELP)
    ends_at = serializers.SerializerMethodField(help_text=ENDS_AT_HELP)

    class Meta:
        model = PlanActivity
        fields = [
            "id",
            "plan",
            *ACTIVITY_FIELDS,
            "starts_at",
            "ends_at",
            "order_index",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["order_index", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "timezone": {
                "help_text": (
                    "The activity's own time zone (an IANA name such as America/New_York) "
                    "for another city or a flight; blank for the plan's `timezone`. Its "
                    "times are wall-clock times in that zone."
                )
            },
        }

    @extend_schema_field(INSTANT_SCHEMA)
    def get_starts_at(self, activity: PlanActivity) -> str | None:
        start = activity_start(activity, activity.plan.timezone)
        return None if start is None else start.isoformat()

    @extend_schema_field(INSTANT_SCHEMA)
    def get_ends_at(self, activity: PlanActivity) -> str | None:
        end = activity_end(activity, activity.plan.timezone)
        return None if end is None else end.isoformat()


# A plan read with ?include=activities holds at most this many (the activities list's page max).
INCLUDED_ACTIVITIES = 100


class PlanWithActivitiesSerializer(PlanSerializer):
    """A plan, and with `?include=activities` its first activities in itinerary order.

    The two extra fields are optional (not read-only) so the schema says a plan read without
    `include` has neither.
    """

    # The view sets both on the plan: the activities read in one query, the next page's URL.
    activities = ActivitySerializer(
        many=True,
        required=False,
        source="included_activities",
        help_text=(
            "Only with `?include=activities`: the plan's activities in itinerary order, at "
            f"most {INCLUDED_ACTIVITIES}; `activities_next` then lists the rest."
        ),
    )
    activities_next = serializers.URLField(
        required=False,
        allow_null=True,
        help_text=(
            "Only with `?include=activities`: the activities list's page after the included "
            "ones, or null when they are all included."
        ),
    )

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "activities", "activities_next"]


class EditablePlanField(serializers.PrimaryKeyRelatedField):
    """A plan id, resolved only among the plans the requester may edit.

    Plans they may only view, or cannot see, get the same answer as ids that do not exist.
    """

    default_error_messages = {
        "does_not_exist": "No plan with this id among the plans you can edit.",
        "incorrect_type": "Give the plan's id, a whole number.",
    }

    def get_queryset(self):
        return plan_editable_by(user=self.context["request"].user)


class ActivityUpdateSerializer(ActivitySerializer):
    """What PUT and PATCH accept: the activity's fields, and `plan` to move it to another plan."""

    plan = EditablePlanField(
        required=False,
        help_text=(
            "Move the activity to this plan (you must be able to edit it). It goes to the end "
            "of its day there, or to unscheduled when its day is outside that plan's dates, "
            "unless you also send `scheduled_date`."
        ),
    )


class PublicActivitySerializer(ActivityModelSerializer):
    """An activity of a plan's public projection (no booking, actual cost or completion)."""

    metadata = JSONObjectField(read_only=True)
    starts_at = InstantField(help_text=STARTS_AT_HELP)
    ends_at = InstantField(help_text=ENDS_AT_HELP)

    class Meta:
        model = PlanActivity
        fields = ["id", *PUBLIC_ACTIVITY_FIELDS, "starts_at", "ends_at"]
        read_only_fields = fields


class PublicPlanDetailSerializer(PublicPlanSerializer):
    """A shared or public plan's projection with its itinerary."""

    activities = PublicActivitySerializer(many=True, read_only=True)

    class Meta(PublicPlanSerializer.Meta):
        fields = [*PublicPlanSerializer.Meta.fields, "activities"]
        read_only_fields = fields


class ReorderDaySerializer(serializers.Serializer):
    date = serializers.DateField(
        allow_null=True, help_text="The day, or null for unscheduled activities."
    )
    activity_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=1000,
        help_text="Every activity this day will hold, in order.",
    )


class ReorderSerializer(serializers.Serializer):
    days = ReorderDaySerializer(many=True, max_length=400, allow_empty=False)

    def validate_days(self, days):
        dates = [day["date"] for day in days]
        if len(dates) != len(set(dates)):
            raise serializers.ValidationError("List each day once.")
        return days


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Items imported before, left as they are.")
    problems = serializers.ListField(child=serializers.CharField())


class _Totals(serializers.Serializer):
    estimated = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2)
    projected = serializers.DecimalField(max_digits=14, decimal_places=2)
    count = serializers.IntegerField()
    without_cost = serializers.IntegerField()


class BudgetByTypeSerializer(_Totals):
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    label = serializers.CharField()


class BudgetByDaySerializer(_Totals):
    scheduled_date = serializers.DateField(allow_null=True)
    number = serializers.IntegerField(allow_null=True, help_text="Day of the trip, from 1.")


class BudgetSerializer(_Totals):
    currency = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    over_budget = serializers.BooleanField()
    over_by = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    over_budget_estimated = serializers.BooleanField()
    over_budget_actual = serializers.BooleanField()
    used_percent = serializers.IntegerField(allow_null=True)
    by_type = BudgetByTypeSerializer(many=True)
    by_day = BudgetByDaySerializer(many=True)


class ConflictActivitySerializer(ActivityModelSerializer):
    class Meta:
        model = PlanActivity
        fields = ["id", "title", "scheduled_date", "start_time", "end_time", "duration_minutes"]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    first = ConflictActivitySerializer()
    second = ConflictActivitySerializer()


# --- export and import ---------------------------------------------------------------------

DOCUMENT_FORMAT = "wayfarer-plan/1"
PLAN_DOCUMENT_FIELDS = [
    "title",
    "description",
    "destination",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "timezone",
]


class DocumentPlanSerializer(JSONTypesModelSerializer):
    class Meta:
        model = Plan
        fields = PLAN_DOCUMENT_FIELDS


class DocumentActivitySerializer(ActivityModelSerializer):
    metadata = JSONObjectField(required=False)

    class Meta:
        model = PlanActivity
        fields = ACTIVITY_FIELDS


class PlanDocumentSerializer(serializers.Serializer):
    """One plan as a portable document.

    Left out on purpose, so that export → import → export gives the same document: ids,
    the owner, `version`, `created_at`/`updated_at`, `order_index` (the list order within a
    day is the order), and the sharing state (`status`, `is_public`, the share link): an
    import is always a new private draft of the importer.
    """

    format = serializers.ChoiceField(choices=[DOCUMENT_FORMAT])
    plan = DocumentPlanSerializer()
    plan_data = JSONObjectField()
    activities = DocumentActivitySerializer(many=True, max_length=500)

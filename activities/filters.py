"""FilterSets for activity lists in the API."""

from __future__ import annotations

import django_filters

from activities.models import ActivityType, PlanActivity
from plans.filters import StrictBooleanFilter


class ActivityApiFilter(django_filters.FilterSet):
    day = django_filters.DateFilter(
        field_name="scheduled_date", help_text="Activities on this date."
    )
    activity_type = django_filters.ChoiceFilter(choices=ActivityType.choices)
    is_completed = StrictBooleanFilter()
    date_after = django_filters.DateFilter(
        field_name="scheduled_date", lookup_expr="gte", help_text="On or after this date."
    )
    date_before = django_filters.DateFilter(
        field_name="scheduled_date", lookup_expr="lte", help_text="On or before this date."
    )

    class Meta:
        model = PlanActivity
        fields = ["day", "activity_type", "is_completed", "date_after", "date_before"]

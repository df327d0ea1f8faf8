"""FilterSets for plan lists, shared by the website and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django_filters.fields import BaseCSVField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from config.parsers import JSONRejected, parse_json
from plans.documents import plan_data_canonical
from plans.models import Plan, Role


def _search(queryset, fields: tuple[str, ...], value: str):
    query = Q()
    for word in value.split()[:8]:
        word_query = Q()
        for field in fields:
            word_query |= Q(**{f"{field}__icontains": word})
        query &= word_query
    return queryset.filter(query)


class PlanDashboardFilter(django_filters.FilterSet):
    """My plans: owned and shared with me. Archived plans show only when asked for."""

    WHEN_CHOICES = [("upcoming", "Upcoming"), ("current", "Happening now"), ("past", "Past")]
    ROLE_CHOICES = [("owner", "Mine"), ("shared", "Shared with me")]

    q = django_filters.CharFilter(method="filter_q", label="Search")
    status = django_filters.ChoiceFilter(
        choices=Plan.Status.choices, empty_label="Active (draft or published)"
    )
    when = django_filters.ChoiceFilter(
        choices=WHEN_CHOICES, method="filter_when", empty_label="Any time", label="When"
    )
    destination = django_filters.CharFilter(lookup_expr="icontains", label="Destination")
    role = django_filters.ChoiceFilter(
        choices=ROLE_CHOICES, method="filter_role", empty_label="All plans", label="Whose"
    )
    SORTS = {
        "updated": ("Recently updated", ("-updated_at", "-id")),
        "start": ("Start date, soonest first", ("start_date", "-id")),
        "title": ("Title, A to Z", ("title", "id")),
        "created": ("Newest", ("-created_at", "-id")),
    }
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
        label="Sort by",
    )

    class Meta:
        model = Plan
        fields = ["q", "status", "when", "destination", "role", "sort"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset.order_by(*self.SORTS["updated"][1]))
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Plan.Status.ARCHIVED)
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*self.SORTS[value][1])

    def filter_q(self, queryset, name, value):
        return _search(queryset, ("title", "description", "destination"), value)

    def filter_when(self, queryset, name, value):
        today = timezone.localdate()
        if value == "upcoming":
            return queryset.filter(start_date__gt=today)
        if value == "current":
            return queryset.filter(start_date__lte=today, end_date__gte=today)
        return queryset.filter(end_date__lt=today)

    def filter_role(self, queryset, name, value):
        if value == "owner":
            return queryset.filter(viewer_role=Role.OWNER)
        return queryset.exclude(viewer_role=Role.OWNER)


class PlanGalleryFilter(django_filters.FilterSet):
    """The public gallery: search by destination or title; newest first by default."""

    q = django_filters.CharFilter(method="filter_q", label="Search destinations and titles")
    destination = django_filters.CharFilter(lookup_expr="icontains", label="Destination")
    SORTS = {
        "newest": ("Newest", ("-created_at", "-id")),
        "updated": ("Recently updated", ("-updated_at", "-id")),
    }
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
        label="Sort by",
    )

    class Meta:
        model = Plan
        fields = ["q", "destination", "sort"]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.order_by(*self.SORTS["newest"][1]))

    def filter_q(self, queryset, name, value):
        return _search(queryset, ("title", "destination"), value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*self.SORTS[value][1])


# --- API -----------------------------------------------------------------------------------


class JSONObjectField(forms.CharField):
    """A query parameter holding a JSON object, e.g. `{"preferences": {"pace": "relaxed"}}`.

    Read by the API's own JSON rules (`config.parsers.parse_json`): a depth limit, no repeated
    keys, finite numbers, text PostgreSQL can store.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            parsed = parse_json(value)
        except JSONRejected as error:
            raise forms.ValidationError(error.msg) from None
        except ValueError:
            raise forms.ValidationError("Enter a valid JSON object.") from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError('Enter a JSON object, such as {"preferences": {}}.')
        return parsed


@extend_schema_field(OpenApiTypes.STR)
class JSONObjectFilter(django_filters.Filter):
    field_class = JSONObjectField


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` only: anything else is a 400 naming the parameter, not ignored."""

    # The default select widget would turn unknown values into "no filter" before cleaning.
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "true"):
            return True
        if value in (False, "false"):
            return False
        raise forms.ValidationError("Use true or false.")

    def validate(self, value):
        return None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class NonEmptyCSVField(BaseCSVField):
    """A comma-separated list whose every entry is given: `?ordering=,` is a 400, not a 500."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned and any(entry in ("", None) for entry in cleaned):
            raise forms.ValidationError(
                "List the values separated by commas, with no empty entries.", code="invalid"
            )
        return cleaned


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering by the given fields, then by id, so pages never overlap or skip rows."""

    base_field_class = NonEmptyCSVField

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-id" if ordering and ordering[0].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


_PLAN_ORDERING = ("updated_at", "start_date", "title", "created_at")


class _PlanApiFilterBase(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Plan.Status.choices)
    destination = django_filters.CharFilter(
        lookup_expr="icontains", help_text="Part of the destination, any case."
    )
    start_date_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", help_text="Starts on or after this date."
    )
    start_date_before = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", help_text="Starts on or before this date."
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this moment (ISO 8601, e.g. 2030-01-31T12:00:00Z).",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Words that must each appear in the title, description or destination.",
    )
    ordering = StableOrderingFilter(
        fields=[(name, name) for name in _PLAN_ORDERING],
        help_text="Sort by updated_at, start_date, title or created_at; prefix - to reverse.",
    )

    def filter_search(self, queryset, name, value):
        return _search(queryset, ("title", "description", "destination"), value)


class PlanApiFilter(_PlanApiFilterBase):
    """The API's list of my plans (owned and shared with me)."""

    is_public = StrictBooleanFilter()
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", help_text="Only plans where I have this role."
    )
    plan_data_contains = JSONObjectFilter(
        method="filter_plan_data_contains",
        help_text=(
            "A JSON object the plan document must contain (JSONB @>), e.g. "
            '{"preferences": {"travel_style": "food"}}.'
        ),
    )

    class Meta:
        model = Plan
        fields = [
            "status",
            "destination",
            "start_date_after",
            "start_date_before",
            "is_public",
            "updated_since",
            "search",
            "role",
            "plan_data_contains",
            "ordering",
        ]

    def filter_role(self, queryset, name, value):
        return queryset.filter(viewer_role=value)

    def filter_plan_data_contains(self, queryset, name, value):
        # `@>` on the whole column, so the GIN index plans_plan_data_gin (jsonb_path_ops) fits.
        # Stored documents are canonical, so the query is too: earlier spellings still match.
        return queryset.filter(plan_data__contains=plan_data_canonical(value))


class PublicPlanApiFilter(_PlanApiFilterBase):
    """The public gallery. No document containment: it could probe redacted parts."""

    class Meta:
        model = Plan
        fields = [
            "destination",
            "start_date_after",
            "start_date_before",
            "updated_since",
            "search",
            "ordering",
        ]

"""FilterSets for plan lists, shared by the website and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

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

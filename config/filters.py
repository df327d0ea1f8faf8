"""API-wide query-string rules that apply before any app's filters."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


class SingleValuedQueryParams(BaseFilterBackend):
    """Every API query parameter takes one non-empty value, or is left out.

    `?page=1&page=2` or `?status=` is a 400 naming the parameter, not a guess: Django keeps
    the last of repeated values and filters ignore empty ones, so a client's mistake would
    otherwise be silently half-honoured. No Wayfarer parameter is a list.
    """

    def filter_queryset(self, request, queryset, view):
        errors = {}
        for name, values in request.query_params.lists():
            if len(values) > 1:
                errors[name] = ["Give this parameter only once."]
            elif values[0] == "":
                errors[name] = ["Give a value, or leave the parameter out."]
        if errors:
            raise ValidationError(errors)
        return queryset


def names_a_filter(request, filterset_class) -> bool:
    """Whether the query string names one of the FilterSet's filters (ordering included)."""
    return filterset_class is not None and any(
        name in request.query_params for name in filterset_class.base_filters
    )


class FilterSetBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query string names none of the view's filters.

    With no filter parameter a FilterSet changes nothing, yet building and validating its form
    costs about a millisecond per request: most API list calls (`?page=2`) pay for nothing.
    """

    def filter_queryset(self, request, queryset, view):
        if not names_a_filter(request, self.get_filterset_class(view, queryset)):
            return queryset
        return super().filter_queryset(request, queryset, view)

"""The API's one pagination style: `page` and `page_size` with count/next/previous/results."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

# PostgreSQL's OFFSET is a bigint: a page beyond it is past the end of any list, not an error.
_MAX_OFFSET = 2**63 - 1


class PageFirstPaginator(Paginator):
    """Django's paginator, reading the page before the count and counting only when needed.

    Most lists a traveller pages through (their plans, a plan's activities or members) fit on
    one page. Django counts first; here a page with fewer rows than a full one gives the count
    itself (the rows before it plus its own), so only a full page runs a COUNT. A page past the
    end is empty and refused without a count (DRF answers 404).
    """

    def page(self, number):
        if "count" in self.__dict__ or self.orphans:
            return super().page(number)
        number = self._validate_without_count(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) < self.per_page:
            self.count = bottom + len(rows)  # fills the cached_property
        return self._get_page(rows, number, self)

    def _validate_without_count(self, number) -> int:
        """`validate_number` but for the last page, which is known only with the rows."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > _MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])  # no list is that long
        return number


class LargeCountCachingPaginator(Paginator):
    """Django's paginator, remembering large counts for a short while.

    The public gallery's COUNT(*) reads every public plan on every page view, where the page
    itself reads 20 rows through an index (bench/run.py measures both). A count of at least
    PAGINATION_COUNT_CACHE_FROM rows is kept PAGINATION_COUNT_CACHE_SECONDS in the cache, keyed
    by the query's SQL and parameters (so each filter has its own); smaller lists, where a new
    plan would visibly be missing from the count, are always counted exactly.
    """

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None or not settings.PAGINATION_COUNT_CACHE_SECONDS:
            return super().count
        sql, params = query.sql_with_params()
        key = "pagination-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = super().count
            if count >= settings.PAGINATION_COUNT_CACHE_FROM:
                cache.set(key, count, settings.PAGINATION_COUNT_CACHE_SECONDS)
        return count


class PageNumberSizePagination(PageNumberPagination):
    """20 per page by default; `page_size` up to 100 (larger values are capped at 100).

    A page past the last one is a 404, as DRF does. A `page_size` that is not a positive
    whole number is a 400 naming it, as any other bad parameter (DRF would quietly use the
    default, so a typo would look like missing data).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = PageFirstPaginator

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        digits = value.lstrip("0") if value.isascii() and value.isdigit() else ""
        if not digits:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1; values above {self.max_page_size} "
                        f"are capped at {self.max_page_size}."
                    ]
                }
            )
        # Many digits: capped without converting them all.
        return min(int(digits), self.max_page_size) if len(digits) <= 6 else self.max_page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page: default {self.page_size}; values above "
                    f"{self.max_page_size} are capped at {self.max_page_size}."
                )
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    "A page number within the results, from 1. A page past the last is a 404."
                )
        return parameters


class GalleryPagination(PageNumberSizePagination):
    """The public gallery's pages: large counts are remembered for a short while."""

    django_paginator_class = LargeCountCachingPaginator

"""The API's one pagination style: `page` and `page_size` with count/next/previous/results."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class LargeCountCachingPaginator(Paginator):
    """Django's paginator, remembering large counts for a short while.

    The public gallery's COUNT(*) reads every public plan: 23 ms at 150,000 of them (1 M plans),
    on every page view, while the page itself reads 20 rows in about 1 ms. A count of at least
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
    integer falls back to the default rather than failing, so a sloppy client still gets data.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
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

"""The API's one pagination style: `page` and `page_size` with count/next/previous/results."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


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

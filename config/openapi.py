"""Error responses shared by every API operation, for drf-spectacular's `extend_schema`."""

from __future__ import annotations

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error other than a validation error: one human-readable sentence."""

    detail = serializers.CharField()


def _error(description: str, example: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description,
        examples=[OpenApiExample("Error", value={"detail": example}, response_only=True)],
    )


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "Invalid input: a map from field to messages. Errors inside JSON documents are keyed "
        "by JSON path; errors not tied to one field are under `non_field_errors`."
    ),
    examples=[
        OpenApiExample(
            "Field errors",
            value={
                "end_date": [
                    "The trip ends before it starts: choose an end date on or after the start date."
                ],
                "plan_data.preferences.group_size": ["must be at least 1"],
            },
            response_only=True,
        )
    ],
)
UNAUTHENTICATED = _error(
    "No credentials, or an invalid, expired or revoked token.",
    "Authentication credentials were not provided.",
)
FORBIDDEN = _error(
    "You may see this but not do this (your role, or a read-only token).",
    "You do not have permission to perform this action.",
)
NOT_FOUND = _error("No such object, or you may not see it.", "No plan found.")
PRECONDITION_FAILED = _error(
    "`If-Match` no longer names the current version; nothing was changed.",
    "This was changed by someone else since you read it. Fetch it again to get the current "
    "ETag, then retry.",
)
THROTTLED = _error(
    "Too many requests; retry after the number of seconds in `Retry-After`.",
    "Request was throttled. Expected available in 30 seconds.",
)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error responses for these status codes."""
    table = {
        400: VALIDATION_ERROR,
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        412: PRECONDITION_FAILED,
        429: THROTTLED,
    }
    return {code: table[code] for code in codes}


def _error_content(description: str, example: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": {"Error": {"value": {"detail": example}}},
            }
        },
    }


# What any operation may answer whatever its view lists, as the view's `errors()` would write it.
ANY_OPERATION_ERRORS = {
    "500": _error_content(
        "An unexpected error on the server; it was logged and nothing was saved.",
        "Something went wrong on our side. It has been logged; please try again in a moment.",
    ),
}
# And what any operation with a request body may answer before its view runs.
BODY_ERRORS = {
    "400": _error_content(
        "The body is not JSON this API accepts (malformed, nested over 64 levels, a key "
        "repeated in one object, a number out of range, NUL characters).",
        "JSON may nest objects and arrays at most 64 levels deep.",
    ),
    "413": _error_content(
        "The body is larger than the API accepts.",
        "The request body is too large: send at most 2,621,440 bytes.",
    ),
    "415": _error_content(
        "The body is not `application/json`.",
        'Unsupported media type "text/plain" in request.',
    ),
}


# And what any operation with query parameters may answer: the paginator and filters check them.
QUERY_ERRORS = {
    "400": {
        "description": "A query parameter is invalid: a map from parameter to messages.",
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": {}},
                "examples": {
                    "Field errors": {
                        "value": {
                            "page_size": [
                                "Give a whole number from 1; values above 100 are capped at 100."
                            ]
                        }
                    }
                },
            }
        },
    },
}


def document_errors_of_every_operation(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: adds the errors above where a view did not list them.

    They come from the parser and Django's handlers (config.parsers, config.errors), not from
    any one view, so every operation, including new ones, documents them the same way.
    """
    for operations in result["paths"].values():
        for operation in operations.values():
            extra = dict(ANY_OPERATION_ERRORS)
            if "requestBody" in operation:
                extra = {**BODY_ERRORS, **extra}
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                extra = {**QUERY_ERRORS, **extra}
            for code, response in extra.items():
                operation["responses"].setdefault(code, copy.deepcopy(response))
    return result

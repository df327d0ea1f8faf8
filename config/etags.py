"""Conditional requests for versioned objects: ETag, If-Match (412) and If-None-Match (304).

An object's ETag is the strong validator `"<id>-<version>"`, where `version` is the column
every write increments. `If-Match` does not decide anything by itself: it yields the version
the client expects, and the service puts that into the SQL UPDATE's WHERE clause, so of
many clients writing with the same ETag at once exactly one wins.

A response that also holds other versioned objects (a plan with its activities) gets
`"<id>-<version>-<digest>"`, the digest naming each of those objects at its version, so a
304 never hides a change to any of them. As `If-Match` it stands for `"<id>-<version>"`:
the write is to the object itself.

A response that shows an object through something else it does not version (an activity's
`starts_at` is on its plan's clock) gets `"<id>-<version>-<digest>"` too, the digest over
that something (`depends_on`), so changing the plan's time zone changes the activity's ETag.
As `If-Match` such a tag is accepted only while it is the current one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

_ETAG = re.compile(r'^(?:W/)?"(\d+)-(\d+)"$')
_ETAG_INCLUDING = re.compile(r'^(?:W/)?"(\d+)-(\d+)(?:-[0-9a-f]{16})?"$')


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This was changed by someone else since you read it. Fetch it again to get the "
        "current ETag, then retry."
    )
    default_code = "precondition_failed"


def etag_for(obj, *, including: Iterable | None = None, depends_on: str = "") -> str:
    """`obj`'s ETag; with `including`, one that also changes when any of those objects does;
    with `depends_on`, one that also changes when that text does."""
    if including is None and not depends_on:
        return f'"{obj.pk}-{obj.version}"'
    versions = ",".join(f"{item.pk}:{item.version}" for item in including or ())
    if depends_on:
        versions += f"|{depends_on}"
    digest = hashlib.blake2b(versions.encode(), digest_size=8).hexdigest()
    return f'"{obj.pk}-{obj.version}-{digest}"'


def _tags(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def expected_version(
    request, obj, *, including: bool = False, current: str | None = None
) -> int | None:
    """The version an `If-Match` header asks for; None without the header (unconditional).

    `*` matches any current version. Weak validators never match (RFC 9110 strong
    comparison). A header naming no current version of this object raises 412 at once;
    otherwise the returned version goes into the conditional UPDATE. With `including`, an
    ETag of the object read with others (`"<id>-<version>-<digest>"`) names its version too;
    with `current` (an ETag from `depends_on`), that exact tag does.
    """
    pattern = _ETAG_INCLUDING if including else _ETAG
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = _tags(header)
    if "*" in tags:
        return obj.version
    versions = set()
    for tag in tags:
        if tag.startswith("W/"):
            continue
        if tag == current:
            versions.add(obj.version)
        match = pattern.match(tag)
        if match and int(match[1]) == obj.pk:
            versions.add(int(match[2]))
    if obj.version in versions:
        return obj.version
    raise PreconditionFailed


def not_modified(request, etag: str) -> bool:
    """Whether `If-None-Match` names the current ETag (weak comparison, as for GET)."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in _tags(header))


def conditional_response(request, obj, data, *, etag: str | None = None) -> Response:
    """200 with the ETag (`obj`'s unless given), or an empty 304 when the client has it.

    `data` may be a function giving the body, called only for a 200.
    """
    etag = etag or etag_for(obj)
    if not_modified(request, etag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data() if callable(data) else data)
    response["ETag"] = etag
    return response


# --- OpenAPI documentation of the above --------------------------------------------------

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=(
        'The version of this object, e.g. `"12-3"` (a plan read with its activities: '
        '`"12-3-<digest>"`, which also names theirs); send it back as `If-Match`.'
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Only apply the change if the object is still at this version (its `ETag`). "
        "Otherwise 412 and nothing changes. Without the header the write is unconditional."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Answer 304 Not Modified, with no body, if the object is still at this ETag.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: your copy (its ETag) is current.")
PRECONDITION_FAILED = OpenApiResponse(
    description="Precondition failed: `If-Match` no longer names the current version."
)

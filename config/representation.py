"""Values written exactly as DRF's fields write them, for the API's hand-written serializers.

The hot read paths (plans, activities) build their representation by hand, because DRF's
generic path builds every field from the model on each request and walks them per row. These
helpers are what DateField, TimeField, DateTimeField and DecimalField would write; tests compare the
hand-written representations with DRF's own, field by field.
"""

from __future__ import annotations

import datetime as dt
import decimal
from functools import cache


def isoformat(value: dt.date | dt.time | None) -> str | None:
    """As DRF's DateField and TimeField: ISO 8601 (a time with microseconds when set)."""
    return None if value is None else value.isoformat()


def iso_datetime(value: dt.datetime | None, zone) -> str | None:
    """As DRF's DateTimeField: ISO 8601 in the current time zone, with UTC written as Z."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@cache
def _quantum(places: int) -> decimal.Decimal:
    return decimal.Decimal(1).scaleb(-places)


def decimal_text(value: decimal.Decimal | None, places: int) -> str | None:
    """As DRF's DecimalField(decimal_places=places): a string with exactly that many decimals."""
    return None if value is None else f"{value.quantize(_quantum(places)):f}"

"""Quotas from settings: `RATELIMIT_RATES[scope][identifier_type] = "<count>/<period>"`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")


@dataclass(frozen=True, slots=True)
class Rate:
    """`limit` requests per fixed window of `period` seconds."""

    limit: int
    period: int

    @classmethod
    @functools.lru_cache(maxsize=64)
    def parse(cls, text: str) -> Rate:
        """Read "10/15m", "1000/day", "300/hour", "5/30s"; a clear ValueError otherwise.

        Cached by text: every throttled request parses its rate, and settings hold few.
        """
        match = _RATE_RE.match(text.lower())
        if not match or match.group(3) not in _UNITS:
            raise ValueError(
                f"Rate {text!r} is not of the form '<count>/<period>', e.g. '10/15m' or '1000/day'."
            )
        multiplier = int(match.group(2) or 1)
        period = multiplier * _UNITS[match.group(3)]
        if period <= 0:
            raise ValueError(f"Rate {text!r} has an empty period.")
        return cls(limit=int(match.group(1)), period=period)


def rate_for(scope: str, identifier_type: str) -> Rate:
    """The configured quota; a missing one is a configuration error, never "unlimited"."""
    try:
        text = settings.RATELIMIT_RATES[scope][identifier_type]
    except KeyError:
        raise ImproperlyConfigured(
            f"RATELIMIT_RATES has no rate for scope {scope!r} and identifier type "
            f"{identifier_type!r}."
        ) from None
    return Rate.parse(text)

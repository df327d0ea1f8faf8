"""Time zones from coordinates, offline (timezonefinder ships the zone boundaries)."""

from __future__ import annotations

import functools

from timezonefinder import TimezoneFinder


@functools.cache
def _finder() -> TimezoneFinder:
    """One finder per process: it opens its boundary data once."""
    return TimezoneFinder()


def timezone_at(*, latitude: float, longitude: float) -> str:
    """The IANA zone name at these coordinates ("Europe/Lisbon"); "" if none is known."""
    return _finder().timezone_at(lat=latitude, lng=longitude) or ""

"""Writes of the places app: the geocoding cache."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from places.models import GeocodeCache


def geocode_cache_store(*, provider: str, query: str, results: list[dict]) -> GeocodeCache:
    """Keep a geocoder's answer for `PLACES_GEOCODER_CACHE_DAYS`, replacing an expired one."""
    now = timezone.now()
    entry, _created = GeocodeCache.objects.update_or_create(
        provider=provider,
        query=query,
        defaults={
            "results": results,
            "created_at": now,
            "expires_at": now + dt.timedelta(days=settings.PLACES_GEOCODER_CACHE_DAYS),
        },
    )
    return entry


def geocode_cache_purge() -> int:
    """Delete expired entries (a lookup ignores them already); how many were deleted."""
    deleted, _by_model = GeocodeCache.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted

"""Template tags of the places app: the small map beside a form's coordinates."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("places/_place_map.html")
def place_map(*, latitude: str, longitude: str) -> dict:
    """A map with one marker at the coordinates typed in the fields these CSS selectors name;
    tiles from MAP_TILE_URL, as on the itinerary's map."""
    return {
        "latitude": latitude,
        "longitude": longitude,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }

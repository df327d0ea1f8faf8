"""Place search: the offline city index always, the configured geocoder when there is one."""

from __future__ import annotations

import dataclasses

from django.utils import timezone

from activities.place_lookup import FoundPlace, PlaceAnswer
from places import geocoding, services
from places.index import city_index, fold
from places.models import GeocodeCache
from places.results import Place, PlaceResults
from ratelimit import store
from ratelimit.rates import rate_for

UNREACHABLE = (
    "Street addresses and places of interest could not be searched: the geocoder is unreachable."
)
BUSY = (
    "Street addresses and places of interest could not be searched just now: too many "
    "searches at once. Try again in a moment."
)
# A geocoder's city within this many degrees of an offline city of the same name is that city.
SAME_PLACE_DEGREES = 0.2


def normalise_query(query: str) -> str:
    """The cache key of a query: case folded, whitespace collapsed, accents kept."""
    return " ".join(query.casefold().split())


def geocode_cache_lookup(*, provider: str, query: str) -> list[Place] | None:
    """The cached results for this provider and query, or None when missing or expired."""
    entry = (
        GeocodeCache.objects.filter(
            provider=provider, query=normalise_query(query), expires_at__gt=timezone.now()
        )
        .only("results")
        .first()
    )
    if entry is None:
        return None
    return [Place(**result) for result in entry.results]


def place_search(query: str, *, limit: int = 10) -> PlaceResults:
    """Up to `limit` cities from the offline index, then up to `limit` geocoder results.

    The geocoder is asked only on a cache miss, and at most at the rate
    `RATELIMIT_RATES["geocoder"]["provider"]` across every process (public Nominatim allows one
    request a second). When it cannot be asked, the cities still come back with a `notice`.
    """
    cities = city_index().search(query, limit=limit)
    provider = geocoding.configured_provider()
    if not provider:
        return PlaceResults(results=cities)
    found = geocode_cache_lookup(provider=provider, query=query)
    notice = None
    if found is None:
        found, notice = _ask_geocoder(provider, query, limit=limit)
    return PlaceResults(results=cities + _new_places(found, cities), notice=notice)


def _ask_geocoder(provider: str, query: str, *, limit: int) -> tuple[list[Place], str | None]:
    decision = store.hit(
        scope="geocoder",
        identifier_type="provider",
        identifier=provider,
        rate=rate_for("geocoder", "provider"),
    )
    if not decision.allowed:
        return [], BUSY
    try:
        found = geocoding.geocode(query, limit=limit)
    except geocoding.GeocoderUnreachable:
        return [], UNREACHABLE
    services.geocode_cache_store(
        provider=provider,
        query=normalise_query(query),
        results=[dataclasses.asdict(place) for place in found],
    )
    return found, None


def _new_places(found: list[Place], cities: list[Place]) -> list[Place]:
    """The geocoder's results less the cities the offline index already listed."""
    known = [(fold(city.name), city) for city in cities]

    def listed(place: Place) -> bool:
        return place.kind == "city" and any(
            name == fold(place.name)
            and abs(city.latitude - place.latitude) < SAME_PLACE_DEGREES
            and abs(city.longitude - place.longitude) < SAME_PLACE_DEGREES
            for name, city in known
        )

    return [place for place in found if not listed(place)]


def place_for_quick_add(*, what: str, where: str) -> PlaceAnswer:
    """The place a quick-add line names ("Tile museum, Lisbon"): activities' place finder.

    The whole line is searched first, so a configured geocoder can find the place of interest
    itself; failing that, the offline city index alone (no second geocoder request) is asked
    for a city named exactly `where`: "Lisbon" is always found, "Teane" is not Teaneck.
    Registered in PlacesConfig.ready().
    """
    found = place_search(f"{what}, {where}")
    best = found.results[0] if found.results else None
    if best is None:
        cities = city_index().search(where, limit=1, exact=True)
        best = cities[0] if cities else None
    if best is None:
        return PlaceAnswer(place=None, notice=found.notice)
    place = FoundPlace(
        name=best.name,
        address=best.address,
        latitude=best.latitude,
        longitude=best.longitude,
        timezone=best.timezone,
    )
    return PlaceAnswer(place=place, notice=found.notice)

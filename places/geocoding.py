"""The configurable geocoder (self-hosted or public Nominatim, or Photon) through geopy.

`PLACES_GEOCODER` names the protocol ("" turns it off), `PLACES_GEOCODER_URL` the server and
`PLACES_GEOCODER_USER_AGENT` how requests introduce themselves (Nominatim's usage policy asks
for one that identifies the application). Results become `Place`s of kind "poi" or "address".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from geopy import exc as geopy_exc
from geopy.geocoders import Nominatim, Photon
from geopy.location import Location

from places.results import Kind, Place
from places.timezones import timezone_at

PROVIDERS = {"nominatim": Nominatim, "photon": Photon}
DEFAULT_URLS = {
    "nominatim": "https://nominatim.openstreetmap.org",
    "photon": "https://photon.komoot.io",
}
# What both services call a settlement: such results are of kind "city".
SETTLEMENTS = {"city", "town", "village", "hamlet", "municipality", "county", "state", "country"}


class GeocoderUnreachable(Exception):
    """The geocoder did not answer in time, refused the connection or answered an error."""


def configured_provider() -> str:
    """The geocoder's name, or "" when none is configured."""
    return settings.PLACES_GEOCODER


def _client() -> Nominatim | Photon:
    provider = configured_provider()
    url = urlsplit(settings.PLACES_GEOCODER_URL or DEFAULT_URLS[provider])
    user_agent = settings.PLACES_GEOCODER_USER_AGENT or f"Wayfarer ({settings.PUBLIC_URL})"
    return PROVIDERS[provider](
        scheme=url.scheme,
        domain=(url.netloc + url.path).rstrip("/"),
        user_agent=user_agent,
        timeout=settings.PLACES_GEOCODER_TIMEOUT,
    )


def geocode(query: str, *, limit: int) -> list[Place]:
    """Ask the configured geocoder; `GeocoderUnreachable` when it cannot answer."""
    provider = configured_provider()
    client = _client()
    try:
        if provider == "nominatim":
            locations = client.geocode(query, exactly_one=False, limit=limit, addressdetails=True)
        else:
            locations = client.geocode(query, exactly_one=False, limit=limit)
    except (geopy_exc.GeocoderServiceError, geopy_exc.GeocoderParseError) as error:
        # GeocoderServiceError covers timeouts, refused connections, 5xx and quota answers.
        raise GeocoderUnreachable(str(error)) from error
    to_place = _from_nominatim if provider == "nominatim" else _from_photon
    return [to_place(location) for location in locations or []]


def _place(location: Location, *, name: str, address: str, kind: Kind, country_code: str) -> Place:
    label = address if address.startswith(name) else f"{name}, {address}"
    return Place(
        name=name,
        label=label,
        address=address,
        latitude=location.latitude,
        longitude=location.longitude,
        country_code=country_code.upper(),
        kind=kind,
        source="geocoder",
        timezone=timezone_at(latitude=location.latitude, longitude=location.longitude),
    )


def _from_nominatim(location: Location) -> Place:
    raw = location.raw
    category, kind_of = raw.get("class", ""), raw.get("type", "")
    kind: Kind
    if category in {"place", "boundary"} and kind_of in SETTLEMENTS | {"administrative"}:
        kind = "city"
    elif category in {"highway", "building"} or kind_of == "house":
        kind = "address"
    else:
        kind = "poi"
    name = raw.get("name") or location.address.split(",")[0].strip()
    country_code = raw.get("address", {}).get("country_code", "")
    return _place(
        location, name=name, address=location.address, kind=kind, country_code=country_code
    )


def _from_photon(location: Location) -> Place:
    properties = location.raw.get("properties", {})
    kind: Kind
    if properties.get("type") in SETTLEMENTS:
        kind = "city"
    elif properties.get("name") and properties.get("osm_key") not in {"highway", "building"}:
        kind = "poi"
    else:
        kind = "address"
    street = " ".join(
        part for part in (properties.get("street"), properties.get("housenumber")) if part
    )
    name = properties.get("name") or street or location.address.split(",")[0].strip()
    # Written here rather than geopy's `address`, which lists the street twice for some places.
    town = " ".join(part for part in (properties.get("postcode"), properties.get("city")) if part)
    lines = (street, town, properties.get("state"), properties.get("country"))
    address = ", ".join(line for line in lines if line and line != name) or name
    return _place(
        location,
        name=name,
        address=address,
        kind=kind,
        country_code=properties.get("countrycode", ""),
    )

"""The geocoder path against a real HTTP server on 127.0.0.1: results, cache, failures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from places.models import GeocodeCache
from places.results import Place
from places.selectors import BUSY, UNREACHABLE, place_search
from tests.places.conftest import LISBON_CITY_PHOTON, TILE_MUSEUM_PHOTON

pytestmark = pytest.mark.django_db

TILE_MUSEUM = Place(
    name="Museu Nacional do Azulejo",
    label="Museu Nacional do Azulejo, Rua da Madre de Deus 4, 1900-312 Lisbon, Portugal",
    address="Rua da Madre de Deus 4, 1900-312 Lisbon, Portugal",
    latitude=38.7246,
    longitude=-9.1136,
    country_code="PT",
    kind="poi",
    source="geocoder",
    timezone="Europe/Lisbon",
)


def test_photon_adds_places_of_interest_after_the_cities(fake_geocoder, geocoder_settings):
    geocoder_settings("photon", fake_geocoder.url)
    found = place_search("Tile museum, Lisbon")
    assert found.notice is None
    assert found.results == [TILE_MUSEUM]  # no city is named "Tile museum"
    [request] = fake_geocoder.requests
    assert request["path"] == "/api"
    assert request["params"]["q"] == ["Tile museum, Lisbon"]
    assert request["headers"]["User-Agent"] == "Wayfarer tests (https://wayfarer.example.com)"


def test_a_city_the_index_already_lists_is_not_repeated(fake_geocoder, geocoder_settings):
    fake_geocoder.photon_features = [LISBON_CITY_PHOTON, TILE_MUSEUM_PHOTON]
    geocoder_settings("photon", fake_geocoder.url)
    found = place_search("lisbon")
    lisbons = [place for place in found.results if place.name == "Lisbon" and place.kind == "city"]
    assert [(place.source, place.country_code) for place in lisbons][:1] == [("offline", "PT")]
    assert sum(place.country_code == "PT" for place in lisbons) == 1
    assert found.results[-1] == TILE_MUSEUM


def test_nominatim_addresses_have_kind_address(fake_geocoder, geocoder_settings):
    geocoder_settings("nominatim", fake_geocoder.url)
    found = place_search("Rua Augusta")
    assert found.results == [
        Place(
            name="Rua Augusta",
            label="Rua Augusta, Baixa, Lisbon, 1100-053, Portugal",
            address="Rua Augusta, Baixa, Lisbon, 1100-053, Portugal",
            latitude=38.7105,
            longitude=-9.1427,
            country_code="PT",
            kind="address",
            source="geocoder",
            timezone="Europe/Lisbon",
        )
    ]
    [request] = fake_geocoder.requests
    assert request["path"] == "/search"
    assert request["params"]["q"] == ["Rua Augusta"]


def test_a_second_search_is_answered_from_the_cache(fake_geocoder, geocoder_settings):
    """The same query again (other case, other spacing) makes no request to the geocoder."""
    geocoder_settings("photon", fake_geocoder.url)
    first = place_search("Tile museum, Lisbon")
    second = place_search("  tile MUSEUM,   lisbon ")
    assert len(fake_geocoder.requests) == 1
    assert second == first
    entry = GeocodeCache.objects.get()
    assert (entry.provider, entry.query) == ("photon", "tile museum, lisbon")
    assert entry.expires_at - entry.created_at == dt.timedelta(days=30)


def test_an_expired_cache_entry_asks_again(fake_geocoder, geocoder_settings):
    geocoder_settings("photon", fake_geocoder.url)
    place_search("Tile museum, Lisbon")
    GeocodeCache.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert place_search("Tile museum, Lisbon").results == [TILE_MUSEUM]
    assert len(fake_geocoder.requests) == 2
    assert GeocodeCache.objects.get().expires_at > timezone.now()


def test_the_cache_is_per_provider(fake_geocoder, geocoder_settings):
    geocoder_settings("photon", fake_geocoder.url)
    place_search("Lisbon museum")
    geocoder_settings("nominatim", fake_geocoder.url)
    place_search("Lisbon museum")
    assert [request["path"] for request in fake_geocoder.requests] == ["/api", "/search"]


def test_an_unreachable_geocoder_leaves_the_cities_and_says_so(closed_port, geocoder_settings):
    geocoder_settings("photon", f"http://127.0.0.1:{closed_port}")
    found = place_search("lisbon")
    assert found.notice == UNREACHABLE
    assert found.results[0].label == "Lisbon, Portugal"
    assert {place.source for place in found.results} == {"offline"}
    assert not GeocodeCache.objects.exists()  # a failure is not remembered


def test_a_geocoder_slower_than_the_timeout_counts_as_unreachable(fake_geocoder, geocoder_settings):
    fake_geocoder.delay = 1.5
    geocoder_settings("photon", fake_geocoder.url, PLACES_GEOCODER_TIMEOUT=0.3)
    found = place_search("lisbon")
    assert found.notice == UNREACHABLE
    assert found.results[0].label == "Lisbon, Portugal"


def test_the_geocoder_is_asked_no_faster_than_its_rate(fake_geocoder, geocoder_settings, settings):
    """Across every process (the count is in PostgreSQL): over the rate, no request is sent."""
    geocoder_settings("photon", fake_geocoder.url)
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "geocoder": {"provider": "1/hour"}}
    assert place_search("Tile museum").notice is None
    refused = place_search("Lisbon")
    assert refused.notice == BUSY
    assert refused.results[0].label == "Lisbon, Portugal"
    assert len(fake_geocoder.requests) == 1
    assert place_search("tile museum").results == [TILE_MUSEUM]  # cached, so still answered

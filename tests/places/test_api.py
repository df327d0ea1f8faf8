"""GET /api/v1/places/?q=: the same search, validated, authenticated, limited per user and IP."""

from __future__ import annotations

from http import HTTPStatus

import pytest
import time_machine

from tests.api_helpers import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/places/"
NOON = "2030-03-10T12:00:30Z"


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.PLACES_GEOCODER = ""


def test_search_returns_places_with_coordinates_and_zone():
    response = client_for(UserFactory()).get(URL, {"q": "kyōto"})
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "results": [
            {
                "name": "Kyoto",
                "label": "Kyoto, Japan",
                "address": "Kyoto, Japan",
                "latitude": 35.02107,
                "longitude": 135.75385,
                "country_code": "JP",
                "kind": "city",
                "source": "offline",
                "timezone": "Asia/Tokyo",
            }
        ],
        "notice": None,
    }


def test_the_notice_reaches_the_client(settings, closed_port):
    settings.PLACES_GEOCODER = "photon"
    settings.PLACES_GEOCODER_URL = f"http://127.0.0.1:{closed_port}"
    body = client_for(UserFactory()).get(URL, {"q": "lisbon"}).json()
    assert body["notice"] == (
        "Street addresses and places of interest could not be searched: "
        "the geocoder is unreachable."
    )
    assert body["results"][0]["label"] == "Lisbon, Portugal"


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"q": ["This field is required."]}),
        ({"q": ""}, {"q": ["This field may not be blank."]}),
        ({"q": "l"}, {"q": ["Ensure this field has at least 2 characters."]}),
        ({"q": "  l  "}, {"q": ["Ensure this field has at least 2 characters."]}),
        ({"q": "x" * 201}, {"q": ["Ensure this field has no more than 200 characters."]}),
    ],
)
def test_a_missing_short_or_long_query_is_a_400_naming_the_field(params, errors):
    response = client_for(UserFactory()).get(URL, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == errors


def test_two_hundred_characters_are_accepted():
    response = client_for(UserFactory()).get(URL, {"q": "x" * 200})
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"results": [], "notice": None}


def test_anonymous_clients_get_401():
    assert client_for(None).get(URL, {"q": "lisbon"}).status_code == HTTPStatus.UNAUTHORIZED


@time_machine.travel(NOON, tick=False)
def test_each_user_has_a_quota(settings):
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "places": {"user": "2/minute", "ip": "100/minute"},
    }
    traveller = client_for(UserFactory())
    assert [traveller.get(URL, {"q": "lisbon"}).status_code for _ in range(2)] == [200, 200]
    refused = traveller.get(URL, {"q": "lisbon"})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused.json() == {
        "detail": "Too many requests. Try again in 30 seconds.",
        "retry_after": 30,
    }
    assert refused["Retry-After"] == "30"
    # Another traveller on the same address still has theirs.
    assert client_for(UserFactory()).get(URL, {"q": "lisbon"}).status_code == HTTPStatus.OK


@time_machine.travel(NOON, tick=False)
def test_each_client_address_has_a_quota_whoever_signs_in(settings):
    """Many accounts behind one address share its quota; another address has its own."""
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "places": {"user": "100/minute", "ip": "2/minute"},
    }
    statuses = [client_for(UserFactory()).get(URL, {"q": "lisbon"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    elsewhere = client_for(UserFactory()).get(URL, {"q": "lisbon"}, REMOTE_ADDR="192.0.2.7")
    assert elsewhere.status_code == HTTPStatus.OK

"""Dates and times on the website are shown in the signed-in traveller's own timezone."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import UserTimezoneMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _zone_seen_by_view(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    middleware = UserTimezoneMiddleware(
        lambda request: HttpResponse(timezone.get_current_timezone_name())
    )
    return middleware(request).content.decode()


def test_signed_in_traveller_gets_their_timezone_and_it_is_reset_afterwards():
    """The view runs in the profile's zone; the next request on the thread starts from UTC."""
    user = UserFactory(timezone="Asia/Tokyo")
    assert _zone_seen_by_view(user) == "Asia/Tokyo"
    assert timezone.get_current_timezone_name() == "UTC"


def test_anonymous_visitors_and_unknown_zones_get_utc():
    """No profile, or a zone name this system does not know, falls back to UTC (never a 500)."""
    assert _zone_seen_by_view(AnonymousUser()) == "UTC"
    assert _zone_seen_by_view(UserFactory.build(timezone="Mars/Olympus_Mons")) == "UTC"


@time_machine.travel(dt.datetime(2030, 6, 1, 23, 30, tzinfo=dt.UTC), tick=False)
def test_sessions_page_shows_times_in_the_travellers_zone(client):
    """A sign-in at 23:30 UTC reads as 08:30 the next morning for a traveller in Tokyo."""
    user = UserFactory(timezone="Asia/Tokyo", locale="en-GB")
    client.force_login(user)
    client.get(reverse("plans:dashboard"))  # records the session's activity
    response = client.get(reverse("accounts:sessions"))
    assert response.status_code == HTTPStatus.OK
    assert "2 Jun 2030, 08:30 JST" in response.content.decode()

"""load_demo: the demo traveller, and public sample trips so the landing page and gallery are
not empty on a new install; running it again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from activities.models import PlanActivity
from plans.models import Plan
from plans.samples import DEMO_TRIPS

pytestmark = pytest.mark.django_db


def _load() -> None:
    call_command("load_demo", stdout=io.StringIO())


def test_load_demo_lists_public_trips_with_their_activities_and_zones():
    _load()
    public = {plan.title: plan for plan in Plan.objects.public()}
    assert set(public) == {trip.title for trip in DEMO_TRIPS}
    for trip in DEMO_TRIPS:
        plan = public[trip.title]
        assert (plan.destination, plan.timezone, plan.currency) == (
            trip.destination,
            trip.timezone,
            trip.currency,
        )
        assert plan.activities.count() == len(trip.activities)
        assert plan.user.public_name != "demo"
        assert plan.start_date <= plan.end_date


def test_load_demo_twice_adds_nothing():
    _load()
    counts = (Plan.objects.count(), PlanActivity.objects.count())
    _load()
    assert (Plan.objects.count(), PlanActivity.objects.count()) == counts


def test_after_load_demo_the_landing_page_and_gallery_show_the_trips(client):
    _load()
    for url in ("/", reverse("plans:explore")):
        body = client.get(url).content.decode()
        for trip in DEMO_TRIPS:
            assert trip.title in body, (url, trip.title)
        assert "No public plans yet" not in body

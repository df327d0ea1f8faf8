"""The plan's time zone on the pages: chosen on the plan form, shown next to every time as
the zone's abbreviation on that day, on the members' and the outsiders' pages alike."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from plans.models import Plan
from plans.services import share_link_enable
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory
from tests.plans.test_views import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn_in_lisbon():
    """Clocks go back in Lisbon in the night to 2027-10-31 (WEST, UTC+1 → WET, UTC+0)."""
    plan = PlanFactory(
        user=UserFactory(timezone="Asia/Tokyo"),
        timezone="Europe/Lisbon",
        start_date=dt.date(2027, 10, 30),
        end_date=dt.date(2027, 11, 1),
    )
    for title, day in (("Saturday tiles", 30), ("Sunday market", 31)):
        PlanActivityFactory(
            plan=plan,
            title=title,
            scheduled_date=dt.date(2027, 10, day),
            start_time=dt.time(10),
            end_time=dt.time(11),
        )
    return plan


def _zones_shown(html: str) -> list[str]:
    return [
        part.split(">", 1)[1].split("<", 1)[0]
        for part in html.split('<abbr class="clock-zone"')[1:]
    ]


def test_members_see_the_destinations_zone_on_each_side_of_the_dst_change(client, autumn_in_lisbon):
    autumn_in_lisbon.user.locale = "en-GB"
    autumn_in_lisbon.user.save(update_fields=["locale"])
    client.force_login(autumn_in_lisbon.user)
    html = client.get(autumn_in_lisbon.get_absolute_url()).content.decode()
    zone = '<abbr class="clock-zone" title="Europe/Lisbon">WEST</abbr>'
    assert f"10:00\N{EN DASH}11:00 {zone}" in html
    assert _zones_shown(html) == ["WEST", "WET"]


def test_outsiders_see_the_same_zones_through_a_share_link(client, autumn_in_lisbon):
    plan = share_link_enable(plan=autumn_in_lisbon)
    html = client.get(reverse("plans:shared", args=[plan.share_token])).content.decode()
    assert _zones_shown(html) == ["WEST", "WET"]


def test_an_activitys_own_zone_is_shown_for_its_times(client, autumn_in_lisbon):
    PlanActivity.objects.filter(title="Sunday market").update(timezone="America/New_York")
    client.force_login(autumn_in_lisbon.user)
    html = client.get(autumn_in_lisbon.get_absolute_url()).content.decode()
    assert _zones_shown(html) == ["WEST", "EDT"]


def test_the_new_plan_form_offers_the_travellers_profile_zone_and_saves_the_choice(client):
    traveller = UserFactory(timezone="Asia/Tokyo")
    client.force_login(traveller)
    form = client.get(reverse("plans:create")).content.decode()
    assert '<option value="Asia/Tokyo" selected>Tokyo</option>' in form
    assert '<optgroup label="Europe">' in form
    response = client.post(
        reverse("plans:create"),
        _form_data(timezone="Europe/Lisbon"),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Plan.objects.get().timezone == "Europe/Lisbon"


def test_the_edit_form_changes_the_zone_and_refuses_an_unknown_one(client, autumn_in_lisbon):
    client.force_login(autumn_in_lisbon.user)
    url = reverse("plans:edit", args=[autumn_in_lisbon.pk])
    fields = {
        **_form_data(start_date="2027-10-30", end_date="2027-11-01"),
        "accommodation-check_in": "2027-10-30",
        "flights-0-date": "2027-10-30",
    }
    refused = client.post(url, {**fields, "timezone": "Mars/Olympus_Mons"})
    assert refused.status_code == HTTPStatus.OK
    assert "Choose one of the options for “Time zone”." in refused.content.decode()
    autumn_in_lisbon.refresh_from_db()
    assert autumn_in_lisbon.timezone == "Europe/Lisbon"
    client.post(url, {**fields, "timezone": "Atlantic/Azores"})
    autumn_in_lisbon.refresh_from_db()
    assert autumn_in_lisbon.timezone == "Atlantic/Azores"


def test_the_activity_form_sets_the_activitys_own_zone(client, autumn_in_lisbon):
    activity = PlanActivity.objects.get(title="Sunday market")
    client.force_login(autumn_in_lisbon.user)
    url = reverse("activities:edit", args=[autumn_in_lisbon.pk, activity.pk])
    form = client.get(url).content.decode()
    assert '<option value="" selected>The plan&#x27;s (Europe/Lisbon)</option>' in form
    response = client.post(
        url,
        {
            "title": "Sunday market",
            "activity_type": "attraction",
            "scheduled_date": "2027-10-31",
            "start_time": "10:00",
            "timezone": "Europe/Madrid",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert activity.timezone == "Europe/Madrid"

"""The printed itinerary (activities:itinerary): a traveller's document, for members only in
full; outsiders of a public plan get its public projection."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from plans.projection import PublicPlan
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db

DAY2 = START + dt.timedelta(days=1)


def url(plan) -> str:
    return reverse("activities:itinerary", kwargs={"pk": plan.pk})


def document(html: str) -> str:
    """The printed part of the page: the <article>, without the site's frame."""
    return re.search(r'<article class="travel-document".*?</article>', html, re.S).group(0)


@pytest.fixture
def lisbon(trip, user):
    """A Lisbon trip in June (WEST), read by a traveller who writes times on a 24-hour clock."""
    trip.timezone = "Europe/Lisbon"
    trip.destination = "Lisbon"
    trip.save()
    user.locale = "en-GB"
    user.save()
    castle = PlanActivityFactory(
        plan=trip,
        title="São Jorge Castle",
        scheduled_date=DAY2,
        start_time=dt.time(10),
        end_time=dt.time(12, 30),
        location_name="Castelo de São Jorge",
        address="R. de Santa Cruz do Castelo, 1100-129 Lisboa",
        description="Go early: queues after 11.",
        metadata={
            "contact_info": {"phone": "+351 218 800 620"},
            "booking_info": {"confirmation_number": "CSJ-4471", "provider": "GetYourGuide"},
        },
        order_index=1,
    )
    tram = PlanActivityFactory(
        plan=trip, title="Tram 28", scheduled_date=DAY2, start_time=dt.time(8, 15), order_index=0
    )
    dinner = PlanActivityFactory(
        plan=trip, title="Fado dinner", scheduled_date=START, is_completed=True, order_index=0
    )
    flight = PlanActivityFactory(
        plan=trip,
        title="Flight home",
        scheduled_date=START + dt.timedelta(days=4),
        start_time=dt.time(9),
        timezone="Europe/London",
    )
    return castle, tram, dinner, flight


def test_members_get_a_travellers_document(client, trip, user, lisbon):
    """Days in order with their weekday, times with the zone they are on, the place, address,
    phone, booking reference and notes; a done activity says so in words."""
    client.force_login(user)
    response = client.get(url(trip))
    assert response.status_code == HTTPStatus.OK
    html = document(response.content.decode())
    assert "Local time in Europe/Lisbon" in html
    assert [h.strip() for h in re.findall(r"<h2 [^>]*>([^<]*)", html)] == [
        "Saturday, 1 June 2030",
        "Sunday, 2 June 2030",
        "Monday, 3 June 2030",
        "Tuesday, 4 June 2030",
        "Wednesday, 5 June 2030",
    ]
    assert "Day 2</span>" in html
    assert [h.strip() for h in re.findall(r"<h3>([^<]*)", html)] == [
        "Fado dinner",
        "Tram 28",
        "São Jorge Castle",
        "Flight home",
    ]
    times = re.findall(r'<p class="document-time">([^<]*)</p>', html)
    assert times == ["Any time", "08:15 WEST", "10:00\u201312:30 WEST", "09:00 BST"]
    for text in (
        "Castelo de São Jorge",
        "R. de Santa Cruz do Castelo, 1100-129 Lisboa",
        '<a href="tel:+351218800620">+351 218 800 620</a>',
        '<strong class="document-reference">CSJ-4471</strong> with GetYourGuide',
        "Go early: queues after 11.",
        'Fado dinner <span class="document-done">Done</span>',
        "Nothing planned.",
    ):
        assert text in html
    assert html.count("document-done") == 1


def test_the_document_has_no_controls(client, trip, user, lisbon):
    """Nothing to fill in or press on paper: no form, input, checkbox, share box or change log;
    the one button (Print) sits in a part hidden in print and shown by its script."""
    client.force_login(user)
    html = document(client.get(url(trip)).content.decode())
    for control in ("<form", "<input", "<select", "<textarea", "checkbox", "check-button"):
        assert control not in html
    for panel in ("Share", "Recent changes", "Members", "Delete"):
        assert panel not in html
    assert re.findall(r"<button[^>]*>[^<]*</button>", html) == [
        '<button type="button" class="button">Print</button>'
    ]
    assert '<p class="document-print no-print" data-print-page hidden>' in html


def test_a_viewer_member_sees_booking_references_too(client, trip, viewer, lisbon):
    """Booking references are for everyone travelling: members of any role."""
    client.force_login(viewer)
    html = document(client.get(url(trip)).content.decode())
    assert "CSJ-4471" in html
    assert "+351 218 800 620" in html


def test_a_stranger_gets_404_and_an_anonymous_visitor_is_asked_to_sign_in(
    client, trip, stranger, lisbon
):
    assert client.get(url(trip)).status_code == HTTPStatus.FOUND
    client.force_login(stranger)
    assert client.get(url(trip)).status_code == HTTPStatus.NOT_FOUND


def test_a_share_link_does_not_open_the_printed_itinerary(client, trip, stranger, lisbon):
    """A share link opens the shared page; this page stays closed to its holders."""
    trip.share_token = "s" * 43
    trip.save()
    assert client.get(reverse("plans:shared", args=[trip.share_token])).status_code == 200
    client.force_login(stranger)
    assert client.get(url(trip)).status_code == HTTPStatus.NOT_FOUND


def test_outsiders_of_a_public_plan_get_the_document_without_bookings(
    client, trip, stranger, lisbon
):
    """Someone who may read a public plan prints its public projection: no booking, no
    completion."""
    trip.is_public = True
    trip.status = "published"
    trip.save()
    stranger.locale = "en-GB"
    stranger.save()
    client.force_login(stranger)
    response = client.get(url(trip))
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.context["plan"], PublicPlan)
    html = response.content.decode()
    printed = document(html)
    assert "<h3>São Jorge Castle</h3>" in printed
    assert "R. de Santa Cruz do Castelo, 1100-129 Lisboa" in printed
    assert "10:00\u201312:30 WEST" in printed
    for private in ("CSJ-4471", "GetYourGuide", "Booking", "document-done", "Done"):
        assert private not in html


def test_a_plan_without_activities_says_so(client, trip, user):
    client.force_login(user)
    html = document(client.get(url(trip)).content.decode())
    assert "No activities planned yet." in html
    assert "<h2" not in html


def test_metadata_that_is_not_an_object_is_left_out(client, trip, user):
    """The API stores any JSON: contacts given as text print nothing rather than a 500."""
    PlanActivityFactory(
        plan=trip,
        title="Odd",
        scheduled_date=START,
        metadata={"contact_info": "call them", "booking_info": ["x"]},
    )
    client.force_login(user)
    response = client.get(url(trip))
    assert response.status_code == HTTPStatus.OK
    html = document(response.content.decode())
    assert "call them" not in html
    assert "Booking" not in html


@pytest.mark.parametrize("count", [1, 200])
def test_printed_itinerary_queries_do_not_grow(
    client, trip, user, count, django_assert_max_num_queries
):
    """Session, user, plan with role, the activities and the savepoint pair of
    ATOMIC_REQUESTS: six, whether the plan has 1 activity or 200."""
    PlanActivity.objects.bulk_create(
        PlanActivity(
            plan=trip,
            title=f"Stop {i}",
            scheduled_date=START + dt.timedelta(days=i % 5),
            start_time=dt.time(8 + i % 12),
            duration_minutes=90,
            address=f"Rua {i}",
            metadata={"booking_info": {"confirmation_number": f"REF-{i}"}},
            order_index=i // 5,
        )
        for i in range(count)
    )
    client.force_login(user)
    client.get(url(trip))  # the once-a-minute session touch happens here
    with django_assert_max_num_queries(6):
        response = client.get(url(trip))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count('class="document-activity"') == count
    assert html.count("REF-") == count

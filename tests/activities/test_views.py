"""The itinerary on the website: who may do what, what each button does, query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db

DAY2 = START + dt.timedelta(days=1)


@pytest.fixture
def day1(trip):
    return [
        PlanActivityFactory(plan=trip, title=title, scheduled_date=START, order_index=i)
        for i, title in enumerate(["Breakfast", "Museum", "Dinner"])
    ]


def write_requests(trip, activity):
    """Every write endpoint with a valid body: (method, url, data, content_type)."""
    a = {"plan_pk": trip.pk, "pk": activity.pk}
    p = {"plan_pk": trip.pk}
    return [
        ("post", reverse("activities:add", kwargs=p), {"title": "New", "activity_type": "other"}),
        ("post", reverse("activities:quick-add", kwargs=p), {"title": "New", "day": "2030-06-01"}),
        (
            "post",
            reverse("activities:edit", kwargs=a),
            {"title": "Edited", "activity_type": "other"},
        ),
        ("post", reverse("activities:delete", kwargs=a), {}),
        ("post", reverse("activities:move-step", kwargs=a), {"direction": "down"}),
        ("post", reverse("activities:move-day", kwargs=a), {"day": "2030-06-02"}),
        ("post", reverse("activities:delay", kwargs=a), {"day": "2030-06-02"}),
        ("post", reverse("activities:complete", kwargs=a), {"completed": "1"}),
        ("post", reverse("activities:import", kwargs=p), {}),
        (
            "json",
            reverse("activities:reorder", kwargs=p),
            {"days": {"2030-06-01": []}},
        ),
    ]


def send(client, method, url, data):
    if method == "json":
        return client.post(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def snapshot(trip):
    return list(
        PlanActivity.objects.filter(plan=trip)
        .order_by("pk")
        .values_list(
            "pk", "title", "scheduled_date", "order_index", "is_completed", "metadata", "version"
        )
    )


@pytest.mark.parametrize("who", ["anonymous", "stranger", "viewer"])
def test_only_editors_and_owner_can_change_anything(client, trip, day1, who, request):
    """Viewers get 403, strangers 404, anonymous visitors the login page; nothing changes."""
    trip.plan_data = {"itinerary": [{"day": 1, "activities": [{"activity": "Imported"}]}]}
    trip.save()
    expected = {
        "anonymous": HTTPStatus.FOUND,
        "stranger": HTTPStatus.NOT_FOUND,
        "viewer": HTTPStatus.FORBIDDEN,
    }[who]
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    before = snapshot(trip)
    for method, url, data in write_requests(trip, day1[0]):
        response = send(client, method, url, data)
        assert response.status_code == expected, url
        if who == "anonymous":
            assert response["Location"].startswith(reverse("account_login")), url
    assert snapshot(trip) == before


@pytest.mark.parametrize("who", ["stranger", "viewer"])
def test_edit_pages_are_closed_to_non_editors(client, trip, day1, who, request):
    client.force_login(request.getfixturevalue(who))
    status = HTTPStatus.NOT_FOUND if who == "stranger" else HTTPStatus.FORBIDDEN
    kwargs = {"plan_pk": trip.pk, "pk": day1[0].pk}
    assert client.get(reverse("activities:add", kwargs={"plan_pk": trip.pk})).status_code == status
    assert client.get(reverse("activities:edit", kwargs=kwargs)).status_code == status
    assert client.get(reverse("activities:delete", kwargs=kwargs)).status_code == status


def test_viewer_sees_the_itinerary_read_only(client, trip, day1, viewer):
    """A viewer's plan page has the itinerary without a control that changes it."""
    client.force_login(viewer)
    response = client.get(trip.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Breakfast" in html
    assert "Quick add" not in html
    assert "/move/" not in html
    assert "draggable" not in html
    assert 'method="post"' not in html.split('id="itinerary"')[1].split("</section>")[0]


def test_stranger_cannot_see_the_itinerary(client, trip, stranger):
    client.force_login(stranger)
    response = client.get(reverse("activities:itinerary", kwargs={"pk": trip.pk}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_activity_of_another_plan_is_404_even_for_an_editor(client, trip, editor):
    other = PlanActivityFactory(title="Not yours")
    client.force_login(editor)
    url = reverse("activities:edit", kwargs={"plan_pk": trip.pk, "pk": other.pk})
    assert client.post(url, {"title": "Mine now", "activity_type": "other"}).status_code == 404
    other.refresh_from_db()
    assert other.title == "Not yours"


def test_editor_adds_an_activity_with_metadata_fields(client, trip, editor):
    client.force_login(editor)
    response = client.post(
        reverse("activities:add", kwargs={"plan_pk": trip.pk}),
        {
            "title": "Louvre",
            "activity_type": "attraction",
            "scheduled_date": "2030-06-02",
            "start_time": "09:00",
            "end_time": "12:00",
            "latitude": "48.8606",
            "longitude": "2.3376",
            "estimated_cost": "22.00",
            "tags": "museum, art, museum",
            "pinned": "on",
            "booking_reference": "ABC123",
            "contact_email": "info@louvre.fr",
            "hours_monday_open": "09:00",
            "hours_monday_close": "18:00",
            "next": f"/plans/{trip.pk}/",
        },
    )
    activity = PlanActivity.objects.get(title="Louvre")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/plans/{trip.pk}/#activity-{activity.pk}"
    assert activity.scheduled_date == DAY2
    assert activity.estimated_cost == Decimal("22.00")
    assert activity.metadata == {
        "tags": ["museum", "art"],
        "pinned": True,
        "booking_info": {"confirmation_number": "ABC123"},
        "contact_info": {"email": "info@louvre.fr"},
        "opening_hours": {"monday": {"open": "09:00", "close": "18:00"}},
    }


def test_invalid_activity_is_shown_again_with_inline_errors(client, trip, user):
    client.force_login(user)
    response = client.post(
        reverse("activities:add", kwargs={"plan_pk": trip.pk}),
        {
            "title": "Too late",
            "activity_type": "other",
            "scheduled_date": "2030-07-01",
            "start_time": "10:00",
            "end_time": "09:00",
            "latitude": "12",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {
        "scheduled_date": ["Pick a date within the trip, from June 1, 2030 to June 5, 2030."],
        "end_time": ["End time must be after the start time."],
        "longitude": ["Give both latitude and longitude, or neither."],
    }
    assert 'value="Too late"' in response.content.decode()
    response = client.post(
        reverse("activities:add", kwargs={"plan_pk": trip.pk}),
        {"title": "Half open", "activity_type": "other", "hours_tuesday_open": "09:00"},
    )
    assert response.context["form"].errors == {
        "hours_tuesday_close": ["Give both the opening and the closing time, or neither."],
    }
    assert not PlanActivity.objects.exists()


def test_edit_keeps_metadata_the_form_does_not_show(client, trip, user):
    activity = PlanActivityFactory(
        plan=trip, title="Old", metadata={"original_date": "2030-06-01", "reviews": {"rating": 4}}
    )
    client.force_login(user)
    response = client.post(
        reverse("activities:edit", kwargs={"plan_pk": trip.pk, "pk": activity.pk}),
        {"title": "New", "activity_type": "restaurant", "scheduled_date": "2030-06-01"},
    )
    assert response.status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert (activity.title, activity.activity_type) == ("New", "restaurant")
    assert activity.metadata == {"original_date": "2030-06-01", "reviews": {"rating": 4}}


def test_quick_add_move_buttons_complete_delay_and_delete(client, trip, day1, user):
    client.force_login(user)
    breakfast, museum, dinner = day1
    p = {"plan_pk": trip.pk}

    client.post(reverse("activities:quick-add", kwargs=p), {"title": "Picnic", "day": "2030-06-01"})
    client.post(reverse("activities:move-step", kwargs={**p, "pk": dinner.pk}), {"direction": "up"})
    client.post(reverse("activities:complete", kwargs={**p, "pk": museum.pk}), {"completed": "1"})
    client.post(
        reverse("activities:delay", kwargs={**p, "pk": breakfast.pk}), {"day": "2030-06-03"}
    )
    order = list(
        PlanActivity.objects.filter(plan=trip, scheduled_date=START)
        .order_by("order_index")
        .values_list("order_index", "title", "is_completed")
    )
    assert order == [(0, "Dinner", False), (1, "Museum", True), (2, "Picnic", False)]
    breakfast.refresh_from_db()
    assert breakfast.scheduled_date == dt.date(2030, 6, 3)
    assert breakfast.metadata["original_date"] == "2030-06-01"

    response = client.post(reverse("activities:delete", kwargs={**p, "pk": dinner.pk}))
    assert response.status_code == HTTPStatus.FOUND
    assert list(
        PlanActivity.objects.filter(plan=trip, scheduled_date=START)
        .order_by("order_index")
        .values_list("order_index", "title")
    ) == [(0, "Museum"), (1, "Picnic")]


def test_move_to_unscheduled_and_back(client, trip, day1, user):
    client.force_login(user)
    url = reverse("activities:move-day", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    client.post(url, {"day": "unscheduled"})
    day1[0].refresh_from_db()
    assert day1[0].scheduled_date is None
    client.post(url, {"day": "2030-06-05"})
    day1[0].refresh_from_db()
    assert day1[0].scheduled_date == dt.date(2030, 6, 5)


def test_move_outside_the_trip_explains_and_changes_nothing(client, trip, day1, user):
    client.force_login(user)
    url = reverse("activities:move-day", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    response = client.post(url, {"day": "2031-01-01"}, follow=True)
    assert "Pick a date within the trip" in response.content.decode()
    day1[0].refresh_from_db()
    assert day1[0].scheduled_date == START


def test_drag_and_drop_reorder_endpoint(client, trip, day1, user):
    client.force_login(user)
    breakfast, museum, dinner = day1
    url = reverse("activities:reorder", kwargs={"plan_pk": trip.pk})
    body = {"days": {"2030-06-01": [dinner.pk, breakfast.pk], "2030-06-02": [museum.pk]}}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"ok": True}
    museum.refresh_from_db()
    assert (museum.scheduled_date, museum.order_index) == (DAY2, 0)
    assert list(
        PlanActivity.objects.filter(plan=trip, scheduled_date=START)
        .order_by("order_index")
        .values_list("pk", flat=True)
    ) == [dinner.pk, breakfast.pk]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", HTTPStatus.BAD_REQUEST),
        ('{"days": []}', HTTPStatus.BAD_REQUEST),
        ('{"days": {"tomorrow": [1]}}', HTTPStatus.BAD_REQUEST),
        ('{"days": {"2030-06-01": ["x"]}}', HTTPStatus.BAD_REQUEST),
        ('{"days": {"2030-06-01": []}}', HTTPStatus.CONFLICT),
    ],
)
def test_bad_reorder_bodies_get_a_clear_error(client, trip, day1, user, body, status):
    client.force_login(user)
    before = snapshot(trip)
    url = reverse("activities:reorder", kwargs={"plan_pk": trip.pk})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["error"]
    assert snapshot(trip) == before


def test_import_button_is_idempotent(client, trip, user):
    trip.plan_data = {
        "itinerary": [{"day": 2, "activities": [{"activity": "Louvre", "time": "10:00"}]}]
    }
    trip.save()
    client.force_login(user)
    url = reverse("activities:import", kwargs={"plan_pk": trip.pk})
    client.post(url)
    response = client.post(url, follow=True)
    assert "already in the activities" in response.content.decode()
    assert list(PlanActivity.objects.values_list("title", "scheduled_date")) == [("Louvre", DAY2)]


def test_next_pointing_elsewhere_is_ignored(client, trip, day1, user):
    client.force_login(user)
    url = reverse("activities:complete", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    response = client.post(url, {"completed": "1", "next": "https://evil.example/"})
    assert response["Location"] == (
        f"/plans/{trip.pk}/?changed={day1[0].pk}&change=done#activity-{day1[0].pk}"
    )


@pytest.mark.parametrize("target", ["itinerary", "a\x00b", "plans"])
def test_next_that_is_not_a_path_goes_back_to_the_plan(client, trip, day1, user, target):
    """A `next` without a leading slash was read as a URL name to reverse: a 500."""
    client.force_login(user)
    url = reverse("activities:complete", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    response = client.post(url, {"completed": "1", "next": target})
    assert response["Location"] == (
        f"/plans/{trip.pk}/?changed={day1[0].pk}&change=done#activity-{day1[0].pk}"
    )


def test_plan_page_itinerary_shows_conflicts_budget_and_map(client, trip, user):
    PlanActivityFactory(
        plan=trip,
        title="Castle",
        start_time=dt.time(10),
        end_time=dt.time(12),
        latitude=Decimal("38.7139"),
        longitude=Decimal("-9.1335"),
        estimated_cost=Decimal("1600"),
    )
    PlanActivityFactory(plan=trip, title="Tram", start_time=dt.time(11), duration_minutes=30)
    client.force_login(user)
    html = client.get(trip.get_absolute_url()).content.decode()
    assert "1 time clash" in html
    assert "Overlaps with Tram." in html
    assert "Over budget" in html
    assert 'id="itinerary-map"' in html
    assert '"number": 1' in html
    assert "vendor/leaflet/leaflet.js" in html


def test_map_is_hidden_without_coordinates(client, trip, day1, user):
    client.force_login(user)
    html = client.get(trip.get_absolute_url()).content.decode()
    assert "itinerary-map" not in html
    assert "leaflet" not in html


def test_include_renders_read_only_for_a_share_link(rf, trip, day1, django_assert_max_num_queries):
    """The shared page includes the itinerary with can_edit False and its token."""
    from django.template import engines

    trip.share_token = "t" * 43
    template = engines["django"].from_string('{% include "activities/_plan_itinerary.html" %}')
    request = rf.get(f"/s/{trip.share_token}/")
    with django_assert_max_num_queries(4):
        html = template.render(
            {"plan": trip, "can_edit": False, "share_token": trip.share_token}, request
        )
    assert f"/s/{trip.share_token}/calendar.ics" in html
    assert "Breakfast" in html
    assert "<form" not in html


@pytest.mark.parametrize("day", ["a\x00b", "2030-02-31", "tomorrow"])
def test_add_form_with_a_day_that_cannot_be_is_the_empty_form(client, trip, user, day):
    """Regression: `?day=` was cleaned by DayField outside a form, so its ValidationError
    (a NUL byte, 31 February, any text) escaped the view as a 500."""
    client.force_login(user)
    response = client.get(reverse("activities:add", kwargs={"plan_pk": trip.pk}), {"day": day})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"]["scheduled_date"].value() is None

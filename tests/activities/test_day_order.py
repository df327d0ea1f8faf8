"""Days in time order: every list of a day's activities follows `activities.models.day_order`."""

from __future__ import annotations

import datetime as dt
import json
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from activities import services
from activities.models import PlanActivity, in_day_order
from activities.selectors import activity_list_ordered
from plans.projection import public_projection
from tests.activities.conftest import START
from tests.api_helpers import client_for

pytestmark = pytest.mark.django_db

LISBON = {"latitude": "38.69160000", "longitude": "-9.21600000"}


def add(plan, title, at=None, day=START):
    data = {"title": title, "scheduled_date": day, "start_time": at, **LISBON}
    return services.activity_create(plan=plan, data=data)


def titles(plan, day=START) -> list[str]:
    return [a.title for a in activity_list_ordered(plan=plan) if a.scheduled_date == day]


@pytest.fixture
def belem_then_lunch(trip):
    """Belem Tower at 14:00 added first, lunch at 12:30 added after it (the reported day)."""
    return add(trip, "Belem Tower", dt.time(14)), add(trip, "Lunch", dt.time(12, 30))


def test_a_day_added_out_of_time_order_is_shown_in_time_order_everywhere(
    client, trip, user, belem_then_lunch
):
    expected = ["Lunch", "Belem Tower"]
    client.force_login(user)

    printed = client.get(reverse("activities:itinerary", kwargs={"pk": trip.pk})).content.decode()
    assert re.findall(r"<h3>(Lunch|Belem Tower)</h3>", printed) == expected

    page = client.get(trip.get_absolute_url()).content.decode()
    rows = re.findall(r'id="activity-\d+".*?>(Lunch|Belem Tower)<', page, re.S)
    assert [t for t in dict.fromkeys(rows)] == expected
    markers = json.loads(
        re.search(r'id="itinerary-markers"[^>]*>(.*?)</script>', page, re.S).group(1)
    )
    assert [(m["number"], m["title"]) for m in markers] == [(1, "Lunch"), (2, "Belem Tower")]

    api = client_for(user).get(f"/api/v1/plans/{trip.pk}/activities/").json()
    assert [row["title"] for row in api["results"]] == expected

    ics = Calendar.from_ical(client.get(f"/plans/{trip.pk}/calendar.ics").content)
    assert [str(event["SUMMARY"]) for event in ics.walk("VEVENT")] == expected

    assert [a.title for a in public_projection(trip).activities] == expected


def test_untimed_activities_keep_their_places_and_new_ones_come_after_the_timed(trip):
    add(trip, "Pack a picnic")  # placed first by the traveller: it leads the day
    add(trip, "Belem Tower", dt.time(14))
    add(trip, "Buy pastéis")  # placed right after Belem Tower: stays right after it
    add(trip, "Lunch", dt.time(12, 30))
    services.activity_quick_add(plan=trip, title="Postcards", day=START)
    assert titles(trip) == ["Pack a picnic", "Lunch", "Belem Tower", "Buy pastéis", "Postcards"]


def test_moving_a_timed_activity_above_an_earlier_one_asks_for_a_time_instead(
    client, trip, user, belem_then_lunch
):
    belem, lunch = belem_then_lunch
    with pytest.raises(ValidationError, match="“Belem Tower” at 14:00 cannot come before “Lunch”"):
        services.activity_move_step(activity=belem, offset=-1)
    assert titles(trip) == ["Lunch", "Belem Tower"]

    client.force_login(user)
    step = reverse("activities:move-step", kwargs={"plan_pk": trip.pk, "pk": belem.pk})
    shown = client.post(step, {"direction": "up"}, follow=True).content.decode()
    assert "change a time to move it" in shown
    drag = client.post(
        reverse("activities:reorder", kwargs={"plan_pk": trip.pk}),
        json.dumps({"days": {START.isoformat(): [belem.pk, lunch.pk]}}),
        content_type="application/json",
    )
    assert drag.status_code == HTTPStatus.CONFLICT
    assert "change a time to move it" in drag.json()["error"]
    api = client_for(user).post(
        f"/api/v1/plans/{trip.pk}/activities/reorder/",
        {"days": [{"date": START.isoformat(), "activity_ids": [belem.pk, lunch.pk]}]},
        format="json",
    )
    assert api.status_code == HTTPStatus.BAD_REQUEST
    assert "change a time to move it" in json.dumps(api.json())
    assert titles(trip) == ["Lunch", "Belem Tower"]
    belem.refresh_from_db()
    assert belem.start_time == dt.time(14)


def test_untimed_activities_move_freely_between_timed_ones(trip, belem_then_lunch):
    note = add(trip, "Buy pastéis")
    services.activity_move_step(activity=note, offset=-1)
    assert titles(trip) == ["Lunch", "Buy pastéis", "Belem Tower"]
    services.activity_move_step(activity=note, offset=-1)
    assert titles(trip) == ["Buy pastéis", "Lunch", "Belem Tower"]


def test_a_timed_activity_moved_to_another_day_lands_at_its_time(trip):
    day2 = START + dt.timedelta(days=1)
    add(trip, "Breakfast", dt.time(9), day=day2)
    add(trip, "Dinner", dt.time(20), day=day2)
    lunch = add(trip, "Lunch", dt.time(12, 30))
    services.activity_delay(activity=lunch, day=day2)
    assert titles(trip, day2) == ["Breakfast", "Lunch", "Dinner"]
    assert list(
        PlanActivity.objects.filter(plan=trip, scheduled_date=day2)
        .order_by("order_index")
        .values_list("title", flat=True)
    ) == ["Breakfast", "Lunch", "Dinner"]


times = st.one_of(st.none(), st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 30])))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.lists(st.tuples(times, st.integers(0, 6)), min_size=1, max_size=8))
def test_any_day_is_listed_in_time_order_and_keeps_untimed_ones_in_place(trip, day):
    """Generated days (times or none, manual positions with gaps and ties) list timed items
    by time and untimed ones in their manual order, in SQL and in memory alike."""
    PlanActivity.objects.filter(plan=trip).delete()
    PlanActivity.objects.bulk_create(
        PlanActivity(plan=trip, title=f"#{n}", scheduled_date=START, start_time=at, order_index=i)
        for n, (at, i) in enumerate(day)
    )
    listed = list(activity_list_ordered(plan=trip))
    timed = [a.start_time for a in listed if a.start_time is not None]
    assert timed == sorted(timed)
    untimed = [(a.order_index, a.pk) for a in listed if a.start_time is None]
    assert untimed == sorted(untimed)
    assert in_day_order(reversed(listed)) == listed

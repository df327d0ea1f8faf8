"""After moving or ticking an activity, the itinerary says what changed beside it (the page
opens at the activity) with an Undo that posts the reverse action."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db

DAY2 = START + dt.timedelta(days=1)


@pytest.fixture
def day1(trip):
    return [
        PlanActivityFactory(plan=trip, title=title, scheduled_date=START, order_index=i)
        for i, title in enumerate(["Breakfast", "Tram 28", "Dinner"])
    ]


def _titles(day):
    return list(
        PlanActivity.objects.filter(scheduled_date=day)
        .order_by("order_index")
        .values_list("title", flat=True)
    )


def _undo_form(html: str) -> tuple[str, dict]:
    """The notice's form: its action and hidden fields."""
    notice = re.search(r'<div class="activity-notice" role="status">(.*?)</div>', html, re.S)
    assert notice, "no notice on the page"
    action = re.search(r'action="([^"]+)"', notice.group(1)).group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', notice.group(1)))
    return action.replace("&amp;", "&"), fields


def test_moving_to_another_day_says_so_and_undo_puts_it_back_in_its_place(client, user, trip, day1):
    client.force_login(user)
    tram = day1[1]
    url = reverse("activities:move-day", kwargs={"plan_pk": trip.pk, "pk": tram.pk})
    response = client.post(url, {"day": DAY2.isoformat(), "next": trip.get_absolute_url()})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (
        f"{trip.get_absolute_url()}?changed={tram.pk}&change=moved"
        f"&from={START.isoformat()}&at=1#activity-{tram.pk}"
    )
    assert _titles(DAY2) == ["Tram 28"]

    page = client.get(response["Location"]).content.decode()
    assert "Moved “Tram 28” to Day 2 · " in page
    action, fields = _undo_form(page)
    assert action == reverse("activities:move-day", kwargs={"plan_pk": trip.pk, "pk": tram.pk})
    assert fields["day"] == START.isoformat()
    assert fields["position"] == "1"

    undone = client.post(action, fields)
    assert _titles(START) == ["Breakfast", "Tram 28", "Dinner"]
    assert _titles(DAY2) == []
    # The undo's own notice replaces the first one: the query does not pile up.
    assert undone["Location"].count("changed=") == 1
    assert "Moved “Tram 28” to Day 1 · " in client.get(undone["Location"]).content.decode()


def test_moving_up_says_so_and_undo_moves_it_down(client, user, trip, day1):
    client.force_login(user)
    tram = day1[1]
    url = reverse("activities:move-step", kwargs={"plan_pk": trip.pk, "pk": tram.pk})
    response = client.post(url, {"direction": "up", "next": trip.get_absolute_url()})
    assert _titles(START) == ["Tram 28", "Breakfast", "Dinner"]
    page = client.get(response["Location"]).content.decode()
    assert "Moved “Tram 28” up." in page
    action, fields = _undo_form(page)
    assert fields["direction"] == "down"
    client.post(action, fields)
    assert _titles(START) == ["Breakfast", "Tram 28", "Dinner"]


def test_marking_done_says_so_and_undo_marks_it_not_done(client, user, trip, day1):
    client.force_login(user)
    url = reverse("activities:complete", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    response = client.post(url, {"completed": "1", "next": trip.get_absolute_url()})
    page = client.get(response["Location"]).content.decode()
    assert "Marked “Breakfast” as done." in page
    action, fields = _undo_form(page)
    client.post(action, fields)
    day1[0].refresh_from_db()
    assert not day1[0].is_completed


def test_a_notice_names_only_this_plans_activities_and_only_for_editors(
    client, user, trip, day1, viewer
):
    """A crafted address naming another plan's activity shows nothing; readers get no Undo."""
    other = PlanActivityFactory(plan=PlanFactory(), title="Secret", scheduled_date=None)
    client.force_login(user)
    page = client.get(f"{trip.get_absolute_url()}?changed={other.pk}&change=done")
    assert page.status_code == HTTPStatus.OK
    assert "Secret" not in page.content.decode()
    assert "activity-notice" not in page.content.decode()

    client.force_login(viewer)
    page = client.get(f"{trip.get_absolute_url()}?changed={day1[0].pk}&change=done")
    assert "activity-notice" not in page.content.decode()


def test_deleting_goes_back_to_the_day(client, user, trip, day1):
    client.force_login(user)
    url = reverse("activities:delete", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    response = client.post(url, {"next": trip.get_absolute_url()})
    assert response["Location"] == f"{trip.get_absolute_url()}#day-{START.isoformat()}"


def test_each_day_is_a_section_with_its_totals_and_its_own_add_form(client, user, trip, day1):
    client.force_login(user)
    html = client.get(trip.get_absolute_url()).content.decode()
    day = html.split(f'id="day-{START.isoformat()}"', 1)[1].split(
        '<section class="itinerary-day', 1
    )[0]
    assert '<details class="day-details" open' in day
    assert "3 activities" in day
    assert f'<input type="hidden" name="day" value="{START.isoformat()}">' in day
    assert "Add to Day 1" in day
    empty = html.split(f'id="day-{DAY2.isoformat()}"', 1)[1].split("</section>", 1)[0]
    assert "Nothing planned yet: add a place below or let the planner fill this day." in empty
    assert f'href="#day-{DAY2.isoformat()}"' in html  # the jump list


def test_free_time_between_timed_activities_is_shown(client, user, trip):
    PlanActivityFactory(
        plan=trip,
        title="Castle",
        scheduled_date=START,
        start_time=dt.time(10),
        end_time=dt.time(11, 30),
        order_index=0,
    )
    PlanActivityFactory(
        plan=trip, title="Lunch", scheduled_date=START, start_time=dt.time(13), order_index=1
    )
    PlanActivityFactory(
        plan=trip, title="Tram", scheduled_date=START, start_time=dt.time(13, 10), order_index=2
    )
    client.force_login(user)
    html = client.get(trip.get_absolute_url()).content.decode()
    assert re.findall(r'<li class="activity-gap"[^>]*>([^<]*)</li>', html) == ["1 h 30 min free"]

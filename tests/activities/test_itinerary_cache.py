"""The itinerary is rendered once per state of the plan and its activities, then reused.

Whatever changes the plan, an activity or what the viewer may do, the next view shows it as a
fresh render would; each visitor still gets their own CSRF token and only the controls their
role allows.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import PlanActivity
from activities.templatetags.itinerary import ITINERARY_TEMPLATE
from plans.models import PlanMember, Role
from plans.services import member_change_role, member_remove, plan_update, share_link_enable
from tests.activities.conftest import START
from tests.activities.test_views import send, write_requests
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def day1(trip):
    return [
        PlanActivityFactory(
            plan=trip,
            title=title,
            scheduled_date=START,
            order_index=i,
            latitude=Decimal("38.71"),
            longitude=Decimal("-9.14"),
        )
        for i, title in enumerate(["Breakfast", "Museum", "Dinner"])
    ]


def rendered_itinerary(response) -> bool:
    return ITINERARY_TEMPLATE in {t.name for t in response.templates}


def page(response) -> str:
    """The page with its CSRF tokens blanked (Django masks the token anew per request)."""
    assert response.status_code == HTTPStatus.OK
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def itinerary(html: str) -> str:
    """The itinerary section of a page (messages and the rest of the page vary apart)."""
    start = html.index('<section id="itinerary"')
    return html[start : html.index('<script src="/static/js/itinerary.js"', start)]


def itinerary_rendered_afresh(client, url) -> str:
    caches["itinerary"].clear()
    response = client.get(url)
    assert rendered_itinerary(response)
    return itinerary(page(response))


def test_a_second_view_reuses_the_rendered_itinerary(client, user, trip, day1):
    client.force_login(user)
    first = client.get(trip.get_absolute_url())
    second = client.get(trip.get_absolute_url())
    assert rendered_itinerary(first)
    assert not rendered_itinerary(second)
    assert page(second) == page(first)
    assert "Museum" in page(second)


# write_requests' endpoints, in its order.
WRITES = [
    "add",
    "quick-add",
    "edit",
    "delete",
    "move-step",
    "move-day",
    "delay",
    "complete",
    "import",
    "reorder",
]


@pytest.mark.parametrize("write", WRITES)
def test_every_itinerary_change_on_the_website_shows_on_the_next_view(
    client, user, trip, day1, write
):
    trip.plan_data = {"itinerary": [{"day": 1, "activities": [{"activity": "Imported"}]}]}
    trip.save()
    client.force_login(user)
    url = trip.get_absolute_url()
    before = itinerary(page(client.get(url)))
    writes = write_requests(trip, day1[0])
    assert len(writes) == len(WRITES), "a new write endpoint: add it to WRITES"
    method, write_url, data = writes[WRITES.index(write)]
    if write == "reorder":
        data = {"days": {START.isoformat(): [activity.pk for activity in reversed(day1)]}}
    assert send(client, method, write_url, data).status_code < HTTPStatus.BAD_REQUEST
    after = client.get(url)
    assert rendered_itinerary(after)
    assert itinerary(page(after)) != before
    assert itinerary(page(after)) == itinerary_rendered_afresh(client, url)


def test_plan_changes_show_on_the_next_view(client, user, trip, day1):
    """Trip dates and currency shape the days and the budget."""
    client.force_login(user)
    url = trip.get_absolute_url()
    client.get(url)
    plan_update(plan=trip, end_date=START + dt.timedelta(days=6), currency="USD")
    after = client.get(url)
    assert rendered_itinerary(after)
    assert "Day 7" in itinerary(page(after))
    assert itinerary(page(after)) == itinerary_rendered_afresh(client, url)


@pytest.mark.parametrize("how", ["update", "save"])
def test_writes_outside_the_services_show_on_the_next_view(client, user, trip, day1, how):
    """A queryset update that sets updated_at (as every service does), or a model save."""
    client.force_login(user)
    url = trip.get_absolute_url()
    client.get(url)
    if how == "update":
        PlanActivity.objects.filter(pk=day1[1].pk).update(
            title="Tile museum", updated_at=timezone.now()
        )
    else:
        day1[1].title = "Tile museum"
        day1[1].save()
    assert "Tile museum" in itinerary(page(client.get(url)))


def test_each_visitor_gets_a_working_csrf_token_of_their_own(trip, day1, user, editor):
    """The editor's page comes from the owner's render, with the editor's token in it."""
    owner_client = Client(enforce_csrf_checks=True)
    owner_client.force_login(user)
    editor_client = Client(enforce_csrf_checks=True)
    editor_client.force_login(editor)
    url = trip.get_absolute_url()
    assert rendered_itinerary(owner_client.get(url))
    response = editor_client.get(url)
    assert not rendered_itinerary(response)
    html = response.content.decode()
    tokens = set(TOKEN.findall(html))
    assert len(tokens) == 1  # the itinerary's forms carry the same token as the page's others
    token = tokens.pop()
    complete = reverse("activities:complete", kwargs={"plan_pk": trip.pk, "pk": day1[0].pk})
    posted = editor_client.post(complete, {"csrfmiddlewaretoken": token, "completed": "1"})
    assert posted.status_code == HTTPStatus.FOUND
    day1[0].refresh_from_db()
    assert day1[0].is_completed


def test_readers_never_get_the_editors_controls(client, user, trip, day1, viewer):
    """Viewers and share-link readers after the owner's view: the read-only itinerary."""
    share_link_enable(plan=trip)
    client.force_login(user)
    assert "Quick add" in itinerary(page(client.get(trip.get_absolute_url())))
    client.force_login(viewer)
    for url in (trip.get_absolute_url(), reverse("plans:shared", args=[trip.share_token])):
        section = itinerary(page(client.get(url)))
        assert "Museum" in section
        assert "Quick add" not in section
        assert "draggable" not in section
        assert 'method="post"' not in section


def test_permission_changes_show_on_the_next_view(client, user, trip, day1, viewer):
    """A viewer made editor gets the controls on their next view, and loses them when made
    viewer again; a removed member gets 404. Each view is what a fresh render shows."""
    url = trip.get_absolute_url()
    owner = Client()
    owner.force_login(user)
    owner.get(url)  # the editor's itinerary is kept
    client.force_login(viewer)
    assert "Quick add" not in itinerary(page(client.get(url)))
    member = PlanMember.objects.get(plan=trip, user=viewer)
    member_change_role(member=member, role=Role.EDITOR)
    section = itinerary(page(client.get(url)))
    assert "Quick add" in section
    assert section == itinerary_rendered_afresh(client, url)
    client.get(url)  # kept again
    member_change_role(member=member, role=Role.VIEWER)
    section = itinerary(page(client.get(url)))
    assert "Quick add" not in section
    assert 'method="post"' not in section
    assert section == itinerary_rendered_afresh(client, url)
    member_remove(member=member)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_settings_change_drops_rendered_itineraries(client, user, trip, day1, settings):
    client.force_login(user)
    url = trip.get_absolute_url()
    client.get(url)
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert "tiles.example.org" in itinerary(page(client.get(url)))


def test_the_pages_own_address_is_part_of_what_is_reused(client, user, trip, day1):
    """Forms send travellers back where they were, and the planner's undo shows only on its URL."""
    client.force_login(user)
    url = trip.get_absolute_url()
    assert "planner-undo" not in itinerary(page(client.get(url)))
    section = itinerary(page(client.get(f"{url}?undo=7")))
    assert "planner-undo" in section
    assert 'name="next" value="/plans/' in section
    assert "?undo=7" in section


def test_an_itinerary_over_the_size_cap_is_rendered_on_every_view(
    client, user, trip, day1, settings
):
    """Plans have no cap on activities: a process keeps none of their itineraries above
    ITINERARY_CACHE_MAX_KB, and shows them all the same."""
    settings.ITINERARY_CACHE_MAX_KB = 1
    client.force_login(user)
    for _ in range(2):
        response = client.get(trip.get_absolute_url())
        assert rendered_itinerary(response)
        assert "Museum" in itinerary(page(response))

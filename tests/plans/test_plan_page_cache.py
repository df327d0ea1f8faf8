"""The plan page keeps parts of itself (the itinerary, the document, the recent changes):
whatever changes, the next view shows it exactly as a fresh render, each visitor sees only
what their role allows, and every form carries the visitor's own CSRF token."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services as activity_services
from plans import services
from tests.factories import PlanFactory, UserFactory
from tests.plans.conftest import verify

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_caches():
    for name in ("fragments", "itinerary"):
        caches[name].clear()


def page(response) -> str:
    """The page with its CSRF tokens blanked (Django masks the token anew per request)."""
    assert response.status_code == HTTPStatus.OK
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def fresh(client, url) -> str:
    for name in ("fragments", "itinerary"):
        caches[name].clear()
    return page(client.get(url))


def shows_change(client, url, change) -> str:
    """Views the page, makes the change, views it twice (the first view may carry a message):
    the second is what a fresh render shows. Returns it."""
    before = page(client.get(url))
    change()
    client.get(url)
    after = page(client.get(url))
    assert after != before
    assert after == fresh(client, url)
    return after


@pytest.fixture
def owner_client(client, people):
    client.force_login(people["owner"])
    return client


def test_plan_edits_show_on_the_next_view(owner_client, people):
    plan = people["plan"]
    url = plan.get_absolute_url()
    after = shows_change(
        owner_client,
        url,
        lambda: services.plan_update(plan=plan, title="Lisbon in spring", budget="1234.50"),
    )
    assert "Lisbon in spring" in after
    after = shows_change(
        owner_client,
        url,
        lambda: services.plan_update(
            plan=plan, plan_data={"notes": [{"text": "Bring a hat", "private": True}]}
        ),
    )
    assert "Bring a hat" in after


@pytest.mark.parametrize(
    ("action", "data", "shown"),
    [
        ("archive", {}, ">Archived</span>"),
        ("unarchive", {}, ">Archive</button>"),
        ("visibility", {"visibility": "link"}, ">Anyone with the link</span>"),
        ("visibility", {"visibility": "members"}, ">Only members</span>"),
    ],
)
def test_status_changes_on_the_website_show_on_the_next_view(
    owner_client, people, action, data, shown
):
    plan = people["plan"]
    if action == "unarchive":
        services.plan_archive(plan=plan)
    if data.get("visibility") == "members":
        services.share_link_enable(plan=plan)
    url = plan.get_absolute_url()
    after = shows_change(
        owner_client,
        url,
        lambda: owner_client.post(reverse(f"plans:{action}", args=[plan.pk]), data),
    )
    assert shown in after


def test_moderation_shows_on_the_next_view(owner_client, people):
    plan = people["plan"]
    moderator = UserFactory(is_staff=True)
    after = shows_change(
        owner_client,
        plan.get_absolute_url(),
        lambda: services.plan_hide(plan=plan, moderator=moderator, reason="Spam links"),
    )
    assert "Spam links" in after


def test_the_owners_new_name_shows_on_the_next_view(client, people):
    """The header names the owner: a profile edit never touches the plan's row."""
    plan, owner = people["plan"], people["owner"]
    client.force_login(people["viewer"])

    def rename():
        owner.display_name = "Ana the Planner"
        owner.save()

    assert "Ana the Planner" in shows_change(client, plan.get_absolute_url(), rename)


def test_days_to_go_follow_the_calendar(owner_client, people):
    """Two minutes apart, across midnight: the kept summary has not expired, the count moved."""
    plan = people["plan"]
    evening = dt.datetime(2027, 1, 1, 23, 59, tzinfo=dt.UTC)
    with time_machine.travel(evening, tick=False):
        owner_client.force_login(people["owner"])  # a session of that day
        services.plan_update(
            plan=plan, start_date=dt.date(2027, 1, 11), end_date=dt.date(2027, 1, 13)
        )
        url = plan.get_absolute_url()
        assert "10 days" in page(owner_client.get(url))
    with time_machine.travel(evening + dt.timedelta(minutes=2), tick=False):
        after_midnight = page(owner_client.get(url))
        assert "9 days" in after_midnight
        assert after_midnight == fresh(owner_client, url)


@pytest.mark.parametrize("who", ["editor", "viewer", "stranger"])
def test_each_role_gets_its_own_controls_after_the_owner(client, people, who):
    """The owner's kept summary (delete, archive, share) never reaches a member or a stranger,
    nor do private notes reach a stranger."""
    plan = people["plan"]
    services.plan_update(
        plan=plan, plan_data={"notes": [{"text": "Door code 1234", "private": True}]}
    )
    services.plan_publish(plan=plan, user=verify(people["owner"]), public=True)
    url = plan.get_absolute_url()
    owner = Client()
    owner.force_login(people["owner"])
    assert "Delete</a>" in page(owner.get(url))
    client.force_login(people[who])
    theirs = page(client.get(url))
    assert theirs == fresh(client, url)
    assert "Delete</a>" not in theirs
    assert ("Edit plan" in theirs) is (who == "editor")
    assert ("Door code 1234" in theirs) is (who != "stranger")


# What the cache's CSRF placeholder read before the kept parts were cut at the token instead.
OLD_PLACEHOLDER = "cached-fragment-csrf-token"
POST_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.DOTALL)


def test_text_that_reads_like_a_csrf_placeholder_is_shown_as_typed(people):
    """An activity title and a plan note that read the old placeholder are shown verbatim to a
    visitor served from the kept itinerary; every form on the page carries that visitor's
    own token, and posting with it works."""
    plan, owner, editor = people["plan"], people["owner"], people["editor"]
    services.plan_update(plan=plan, plan_data={"notes": [{"text": f"Note {OLD_PLACEHOLDER}"}]})
    activity_services.activity_quick_add(
        plan=plan, title=f"Title {OLD_PLACEHOLDER}", day=plan.start_date
    )
    activity = plan.activities.get()
    url = plan.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first.force_login(owner)
    first.get(url)  # keeps the itinerary, the document and the changes
    second = Client(enforce_csrf_checks=True)
    second.force_login(editor)
    response = second.get(url)
    html = response.content.decode()
    assert page(response) == fresh(second, url)
    assert f"<strong>Title {OLD_PLACEHOLDER}</strong>" in html
    assert f"<li>Note {OLD_PLACEHOLDER}</li>" in html
    tokens = TOKEN.findall(html)
    assert len(set(tokens)) == 1
    token = tokens[0]
    assert html.count(token) == len(tokens)  # nowhere but in the token inputs
    forms = POST_FORM.findall(html)
    assert len(forms) == len(tokens) >= 4  # logout, duplicate, leave, quick add, the activity
    assert all(f'name="csrfmiddlewaretoken" value="{token}"' in form for form in forms)
    complete = reverse("activities:complete", kwargs={"plan_pk": plan.pk, "pk": activity.pk})
    posted = second.post(complete, {"csrfmiddlewaretoken": token, "completed": "1"})
    assert posted.status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert activity.is_completed
    posted = second.post(
        reverse("activities:quick-add", args=[plan.pk]),
        {"csrfmiddlewaretoken": token, "title": "Tram 28", "day": plan.start_date.isoformat()},
    )
    assert posted.status_code == HTTPStatus.FOUND
    assert plan.activities.filter(title="Tram 28").exists()


def test_a_public_plan_seen_twice_by_a_stranger(people):
    """The kept page, with the report link and no controls, in each of two sessions."""
    plan = PlanFactory(status="published", is_public=True)
    url = plan.get_absolute_url()
    pages = []
    for _ in range(2):
        client = Client()
        client.force_login(people["stranger"])
        pages.append(page(client.get(url)))
    assert pages[0] == pages[1] == fresh(client, url)
    assert "Report this plan" in pages[0]
    assert "Edit plan" not in pages[0]


def test_recent_changes_follow_each_editors_time_zone_and_new_changes(client, people):
    """The list is kept per changes and time zone: an editor in Tokyo and the owner in UTC each
    see their own times, and a new change is on the next view."""
    plan, owner, editor = people["plan"], people["owner"], people["editor"]
    editor.timezone = "Asia/Tokyo"
    editor.save()
    services.plan_update(plan=plan, title="First title")
    url = plan.get_absolute_url()
    other = Client()
    other.force_login(owner)
    client.force_login(editor)
    theirs, ours = page(client.get(url)), page(other.get(url))
    zone = re.compile(r'<time class="muted" datetime="[^"]+([+-]\d\d:\d\d)"')
    assert (zone.search(theirs)[1], zone.search(ours)[1]) == ("+09:00", "+00:00")
    services.plan_update(plan=plan, title="Second title")
    after = page(other.get(url))
    assert after.count("<li><strong>") > ours.count("<li><strong>")
    assert after == fresh(other, url)
    assert page(client.get(url)) == fresh(client, url)


def _recent_changes(html: str) -> str:
    return html[html.index('id="recent-changes"') :].split("</section>", 1)[0]


def test_recent_changes_follow_activity_writes(owner_client, people):
    """The kept list moves with the activities' digest: an activity added, changed and removed
    each shows on the next view, as a fresh render shows it, with no plan write between."""
    plan = people["plan"]
    url = plan.get_absolute_url()
    day = plan.start_date
    added = shows_change(
        owner_client,
        url,
        lambda: activity_services.activity_quick_add(plan=plan, title="Tram 28", day=day),
    )
    assert "</strong> added “Tram 28”" in _recent_changes(added)
    activity = plan.activities.get()
    changed = shows_change(
        owner_client,
        url,
        lambda: activity_services.activity_update(activity=activity, data={"title": "Tram 12"}),
    )
    assert "</strong> changed “Tram 12”" in _recent_changes(changed)
    removed = shows_change(
        owner_client, url, lambda: activity_services.activity_delete(activity=activity)
    )
    assert "</strong> removed “Tram 12”" in _recent_changes(removed)
    assert _recent_changes(removed).count("“Tram 12”") == 2  # changed, then removed


def test_a_kept_change_list_reads_no_history(owner_client, people):
    """Viewed again with nothing changed, the page reads neither history table."""
    plan = people["plan"]
    services.plan_update(plan=plan, title="Renamed")
    url = plan.get_absolute_url()
    first = page(owner_client.get(url))
    assert _recent_changes(first).count("<li>") == 2  # created, renamed
    with CaptureQueriesContext(connection) as queries:
        again = page(owner_client.get(url))
    assert again == first
    assert not [q for q in queries.captured_queries if "historical" in q["sql"]]

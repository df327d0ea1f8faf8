"""{% fragment %}: parts of a page kept per state of what they show, with the visitor's own
CSRF token; and the plan page's summary and document kept that way."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import get_token
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from plans import services
from plans.models import Role
from plans.templatetags.fragments import CSRF_PLACEHOLDER
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory
from tests.plans.conftest import verify

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_caches():
    for name in ("fragments", "itinerary"):
        caches[name].clear()


def _render(source: str, **values) -> str:
    request = RequestFactory().get("/")
    get_token(request)  # as CsrfViewMiddleware leaves it: the page has a token to give
    template = Template("{% load fragments %}" + source)
    return template.render(RequestContext(request, values))


def test_a_fragment_is_rendered_once_per_set_of_values():
    source = '{% fragment "f" a %}{{ a }}-{{ b }}{% endfragment %}'
    assert _render(source, a=1, b=1) == "1-1"
    assert _render(source, a=1, b=2) == "1-1"  # b is not a key: the kept fragment
    assert _render(source, a=2, b=2) == "2-2"
    assert _render('{% fragment "g" a %}{{ a }}-{{ b }}{% endfragment %}', a=1, b=3) == "1-3"


def test_each_render_gets_its_own_csrf_token():
    source = '{% fragment "form" 1 %}<form>{% csrf_token %}</form>{% endfragment %}'
    first, second = _render(source), _render(source)
    assert CSRF_PLACEHOLDER not in first + second
    assert TOKEN.search(first)[1] != TOKEN.search(second)[1]


def test_the_time_zone_and_the_language_are_part_of_the_key(translations):
    source = '{% fragment "when" 1 %}{{ when|date:"D H:i" }}{% endfragment %}'
    when = dt.datetime(2027, 3, 5, 22, 0, tzinfo=dt.UTC)
    seen = [_render(source, when=when)]
    with timezone.override("Asia/Tokyo"):
        seen.append(_render(source, when=when))
    with translation_override("de"):
        seen.append(_render(source, when=when))
    assert seen == ["Fri 22:00", "Sat 07:00", "Fr 22:00"]


def translation_override(language: str):
    from django.utils import translation

    return translation.override(language)


def test_a_settings_change_empties_the_cache(settings):
    source = '{% fragment "f" 1 %}{{ b }}{% endfragment %}'
    assert _render(source, b="old") == "old"
    settings.USE_THOUSAND_SEPARATOR = True
    assert _render(source, b="new") == "new"


def test_without_a_request_the_fragment_is_rendered_each_time():
    """No CSRF token to put back (an email, say): nothing is kept."""
    template = Template('{% load fragments %}{% fragment "f" 1 %}{{ b }}{% endfragment %}')
    assert template.render(Context({"b": 1})) == "1"
    assert template.render(Context({"b": 2})) == "2"


@pytest.mark.parametrize(
    "source", ["{% fragment %}{% endfragment %}", "{% fragment name a %}{% endfragment %}"]
)
def test_a_fragment_needs_a_quoted_name_and_values(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}" + source)


# --- the plan page ---------------------------------------------------------------------------


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


@pytest.mark.parametrize("action", ["archive", "unarchive", "publish", "unpublish"])
def test_status_changes_on_the_website_show_on_the_next_view(owner_client, people, action):
    plan = people["plan"]
    if action == "unarchive":
        services.plan_archive(plan=plan)
    if action == "unpublish":
        services.plan_publish(plan=plan, user=people["owner"], public=False)
    url = plan.get_absolute_url()
    data = {"is_public": ""} if action == "publish" else {}
    after = shows_change(
        owner_client,
        url,
        lambda: owner_client.post(reverse(f"plans:{action}", args=[plan.pk]), data),
    )
    badge = {"archive": "Archived", "publish": "Published"}.get(action, "Draft")
    assert f">{badge}</span>" in after


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


def test_a_kept_summary_carries_each_visitors_working_csrf_token(people):
    """A second visitor's page comes from the kept fragment, and its forms post."""
    plan = people["plan"]
    PlanMemberFactory(plan=plan, role=Role.EDITOR, user=UserFactory())
    url = plan.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first.force_login(people["owner"])
    first.get(url)
    second = Client(enforce_csrf_checks=True)
    second.force_login(people["owner"])
    html = second.get(url).content.decode()
    assert CSRF_PLACEHOLDER not in html
    archive = re.search(
        r'action="' + reverse("plans:archive", args=[plan.pk]) + r'"[^>]*>\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
    )
    response = second.post(
        reverse("plans:archive", args=[plan.pk]), {"csrfmiddlewaretoken": archive[1]}
    )
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.status == "archived"


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
    assert "· “Tram 28”" in _recent_changes(added)
    activity = plan.activities.get()
    changed = shows_change(
        owner_client,
        url,
        lambda: activity_services.activity_update(activity=activity, data={"title": "Tram 12"}),
    )
    assert "· “Tram 12”" in _recent_changes(changed)
    removed = shows_change(
        owner_client, url, lambda: activity_services.activity_delete(activity=activity)
    )
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

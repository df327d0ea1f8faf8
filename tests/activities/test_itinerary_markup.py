"""The itinerary's no-JS controls, as a browser without JavaScript would submit them.

Each activity's POST buttons share one hidden form (csrf + next) through the `form` attribute
and choose their route with `formaction`; these tests read the rendered page the way a browser
resolves those attributes, then send what it would send.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from activities.models import ActivityType, PlanActivity
from activities.templatetags import itinerary
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db

LAST_DAY = START + dt.timedelta(days=4)


class Controls(HTMLParser):
    """Forms by id, and buttons and selects with the form they belong to."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict] = {}
        self.buttons: list[dict] = []
        self.selects: list[dict] = []
        self.labels: dict[str, str] = {}
        self._open: list[tuple[str, dict]] = []
        self._label_for: str | None = None
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            attrs["fields"] = {}
            self._form = attrs
            if "id" in attrs:
                self.forms[attrs["id"]] = attrs
        elif tag == "input" and attrs.get("type") == "hidden" and self._form is not None:
            self._form["fields"][attrs["name"]] = attrs["value"]
        elif tag == "button" and "form" in attrs:
            self._open.append(("button", {**attrs, "text": ""}))
        elif tag == "select" and "form" in attrs:
            self.selects.append({**attrs, "options": [], "selected": None})
        elif tag == "option" and self.selects:
            self.selects[-1]["options"].append(attrs["value"])
            if "selected" in attrs:
                self.selects[-1]["selected"] = attrs["value"]
        elif tag == "label":
            self._label_for = attrs.get("for")

    def handle_data(self, data):
        if self._open:
            self._open[-1][1]["text"] += data
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button" and self._open:
            button = self._open.pop()[1]
            button["text"] = " ".join(button["text"].split())
            self.buttons.append(button)
        elif tag == "label":
            self._label_for = None

    def submit(self, text: str) -> tuple[str, dict]:
        """(url, data) a browser posts when the button named `text` is pressed."""
        (button,) = [b for b in self.buttons if b["text"] == text and "disabled" not in b]
        form = self.forms[button["form"]]
        data = dict(form["fields"])
        for select in self.selects:
            if select["form"] == button["form"]:
                data[select["name"]] = (
                    select["chosen"] if "chosen" in select else select["selected"]
                )
        if button.get("name"):
            data[button["name"]] = button["value"]
        return button.get("formaction") or form["action"], data


@pytest.fixture
def page(client, user, trip):
    def load() -> Controls:
        response = client.get(trip.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        controls = Controls()
        controls.feed(response.content.decode())
        return controls

    client.force_login(user)
    return load


def test_every_control_posts_to_its_own_route_with_csrf_and_the_way_back(page, trip):
    """Done, up/down, move and delay each reach their activity's route, carrying the CSRF
    token and `next` (this page) from the activity's shared form; the day select is labelled."""
    walk = PlanActivityFactory(plan=trip, title="Walk", scheduled_date=START, order_index=0)
    PlanActivityFactory(plan=trip, title="Lunch", scheduled_date=START, order_index=1)
    controls = page()
    a = {"plan_pk": trip.pk, "pk": walk.pk}
    expected = {
        "Mark “Walk” as done": ("activities:complete", {"completed": "1"}),
        "↓Move “Walk” down": ("activities:move-step", {"direction": "down"}),
    }
    for text, (route, fields) in expected.items():
        url, data = controls.submit(text)
        assert url == reverse(route, kwargs=a)
        assert data["next"] == trip.get_absolute_url()
        assert data["csrfmiddlewaretoken"]
        assert fields.items() <= data.items()
    (select,) = [s for s in controls.selects if s["form"] == f"act-{walk.pk}"]
    assert controls.labels[select["id"]] == "Move to"
    assert select["selected"] == START.isoformat()
    assert select["options"][-1] == "unscheduled"
    moves = [b for b in controls.buttons if b["form"] == f"act-{walk.pk}"]
    routes = {b["text"]: b.get("formaction") for b in moves}
    assert routes["Move"] == reverse("activities:move-day", kwargs=a)
    assert routes["Delay"] == reverse("activities:delay", kwargs=a)


def test_buttons_do_what_they_say_without_javascript(client, page, trip):
    """Pressing Done, then Delay to the second day, through the posted form data."""
    walk = PlanActivityFactory(plan=trip, title="Walk", scheduled_date=START, order_index=0)
    url, data = page().submit("Mark “Walk” as done")
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (
        f"{trip.get_absolute_url()}?changed={walk.pk}&change=done#activity-{walk.pk}"
    )
    walk.refresh_from_db()
    assert walk.is_completed

    controls = page()
    (select,) = [s for s in controls.selects if s["form"] == f"act-{walk.pk}"]
    select["chosen"] = (START + dt.timedelta(days=1)).isoformat()
    url, data = controls.submit("Delay")
    client.post(url, data)
    walk = PlanActivity.objects.get(pk=walk.pk)
    assert walk.scheduled_date == START + dt.timedelta(days=1)
    assert walk.metadata["original_date"] == START.isoformat()


def test_delay_is_offered_only_where_a_later_day_exists(page, trip):
    """On the trip's last day and for unscheduled activities there is nothing to delay to."""
    PlanActivityFactory(plan=trip, title="Farewell", scheduled_date=LAST_DAY)
    PlanActivityFactory(plan=trip, title="Someday", scheduled_date=None)
    controls = page()
    assert [b for b in controls.buttons if b["text"] == "Delay"] == []
    assert len([b for b in controls.buttons if b["text"] == "Move"]) == 2


def test_what_travellers_typed_is_shown_as_text_never_as_markup(client, user, trip):
    """Title, place, description, clash names and the page's own query string are escaped
    everywhere an activity row repeats them (the rows are built in Python, not a template)."""
    nasty = '<img src=x onerror="alert(1)">&'
    PlanActivityFactory(
        plan=trip,
        title=nasty,
        location_name=nasty,
        description=f"{nasty}\nsecond line",
        scheduled_date=START,
        start_time=dt.time(9),
        duration_minutes=60,
        metadata={"original_date": nasty},
    )
    PlanActivityFactory(
        plan=trip,
        title="Lunch",
        scheduled_date=START,
        start_time=dt.time(9, 30),
        end_time=dt.time(11),
    )
    client.force_login(user)
    response = client.get(trip.get_absolute_url() + '?x="><b>')
    html = response.content.decode()
    assert "<img" not in html
    assert '"><b>' not in html
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;"
    # title (strong, done button, up, down, edit, move or delay, delete), place, description,
    # delayed-from badge, and the clash note on Lunch and in the conflicts list
    assert html.count(escaped) >= 12
    assert f"{escaped}<br>second line" in html
    assert "?next=/plans/" in html
    assert "%22%3E%3Cb%3E" in html


@pytest.mark.parametrize("grouped", [False, True])
def test_rows_show_each_type_and_number_as_the_template_would(
    client, user, trip, settings, grouped
):
    """Each type's badge is its label, and numbers follow USE_THOUSAND_SEPARATOR, as
    `{{ activity.get_activity_type_display }}` and `{{ activity.duration_minutes }}` print them."""
    settings.USE_THOUSAND_SEPARATOR = grouped
    activities = [
        PlanActivityFactory(
            plan=trip,
            scheduled_date=START,
            order_index=index,
            activity_type=kind,
            duration_minutes=1500 + index,
        )
        for index, kind in enumerate(ActivityType)
    ]
    client.force_login(user)
    body = client.get(trip.get_absolute_url()).content.decode()
    for activity in activities:
        row = body[body.index(f'id="activity-{activity.pk}"') :]
        row = row[: row.index("</li>")]
        assert f'<span class="badge">{activity.get_activity_type_display()}</span>' in row
        minutes = f"1,{500 + activity.order_index}" if grouped else str(activity.duration_minutes)
        assert f"· {minutes} min" in row


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize(
    "value",
    [
        0,
        7,
        -3,
        1500,
        True,
        "Café <b>",
        SafeString("<i>x</i>"),
        gettext_lazy("Plans"),
        Decimal("1234.50"),
        dt.date(2030, 6, 1),
        ActivityType.RESTAURANT,
    ],
)
def test_row_text_is_what_the_template_prints(settings, value, grouped):
    settings.USE_THOUSAND_SEPARATOR = grouped
    assert itinerary._text(value) == Template("{{ value }}").render(Context({"value": value}))

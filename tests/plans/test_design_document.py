"""The design's own plan_data example, verbatim, through every door: API, website, export and
re-import, and the itinerary import. Compared as parsed JSON with numbers as decimals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from plans import services
from plans.models import Plan
from tests.api_helpers import client_for, verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DESIGN_FILE = Path(__file__).parent / "fixtures" / "design_plan_data.json"
PLANS = "/api/v1/plans/"
TRIP = {"title": "Paris", "start_date": "2024-06-01", "end_date": "2024-06-03"}


def design() -> dict:
    return json.loads(DESIGN_FILE.read_text(), parse_float=Decimal)


def as_decimals(value):
    """`value` as parsed JSON with every non-integer number a Decimal, to compare exactly."""
    return json.loads(json.dumps(value, default=str), parse_float=Decimal)


def post_design(client):
    body = '{"title": "Paris", "start_date": "2024-06-01", "end_date": "2024-06-03", '
    body += f'"plan_data": {DESIGN_FILE.read_text()}}}'
    return client.post(PLANS, data=body, content_type="application/json")


def test_the_api_accepts_the_design_document_and_gives_it_back_as_written():
    client = client_for(verified(UserFactory()))
    created = post_design(client)
    assert created.status_code == HTTPStatus.CREATED, created.content
    assert json.loads(created.content, parse_float=Decimal)["plan_data"] == design()
    read = client.get(f"{PLANS}{created.json()['id']}/")
    assert json.loads(read.content, parse_float=Decimal)["plan_data"] == design()
    stored = Plan.objects.get().plan_data
    assert as_decimals(stored) == design()


def test_earlier_spellings_are_accepted_and_come_back_canonical():
    """Text durations, text arrival details and `public_transit` still work, rewritten."""
    legacy = design()
    legacy["transportation"] = {
        "arrival": {"method": "flight", "details": "AF 1234, lands 11:05"},
        "local": {"methods": ["walking", "public_transit"]},
    }
    legacy["itinerary"][0]["activities"] = [
        {"activity": "Eiffel Tower", "duration": "2 hours", "cost": Decimal("15.00")},
        {"activity": "Louvre", "duration": "2 hrs 15 mins"},
        {"activity": "Seine walk", "duration": "most of the afternoon"},
    ]
    client = client_for(verified(UserFactory()))
    created = client.post(
        PLANS,
        data=json.dumps({**TRIP, "plan_data": legacy}, default=float),
        content_type="application/json",
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    expected = design()
    expected["transportation"] = {
        "arrival": {"method": "flight", "details": {"description": "AF 1234, lands 11:05"}},
        "local": {"methods": ["walking", "public_transport"]},
    }
    expected["itinerary"][0]["activities"] = [
        {"activity": "Eiffel Tower", "duration": 120, "cost": Decimal("15.00")},
        {"activity": "Louvre", "duration": 135},
        {"activity": "Seine walk", "duration_text": "most of the afternoon"},
    ]
    assert json.loads(created.content, parse_float=Decimal)["plan_data"] == expected

    # The same through PATCH: the old shape in, the canonical one stored and answered.
    url = f"{PLANS}{created.json()['id']}/"
    changed = client.patch(
        url,
        {"plan_data": {"transportation": {"arrival": {"details": "By train"}}}},
        format="json",
    )
    assert changed.status_code == HTTPStatus.OK, changed.content
    assert changed.json()["plan_data"] == {
        "transportation": {"arrival": {"details": {"description": "By train"}}}
    }


@pytest.mark.parametrize(
    "query",
    [
        {"transportation": {"local": {"methods": ["public_transport"]}}},
        {"transportation": {"local": {"methods": ["public_transit"]}}},
        {"itinerary": [{"activities": [{"duration": "2 hours"}]}]},
        {"itinerary": [{"activities": [{"duration": 120}]}]},
    ],
)
def test_plan_data_contains_finds_the_design_document_in_either_spelling(query):
    client = client_for(verified(UserFactory()))
    plan_id = post_design(client).json()["id"]
    found = client.get(PLANS, {"plan_data_contains": json.dumps(query)})
    assert found.status_code == HTTPStatus.OK
    assert [plan["id"] for plan in found.json()["results"]] == [plan_id]


def test_a_duration_that_is_not_minutes_is_a_field_error():
    client = client_for(verified(UserFactory()))
    document = design()
    document["itinerary"][0]["activities"][0]["duration"] = 90.5
    response = client.post(
        PLANS,
        data=json.dumps({**TRIP, "plan_data": document}, default=float),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["plan_data.itinerary[0].activities[0].duration"] == [
        "must be of type integer"
    ]
    assert not Plan.objects.exists()


def test_export_and_re_import_keep_the_design_document():
    owner = verified(UserFactory())
    client = client_for(owner)
    plan_id = post_design(client).json()["id"]
    exported = client.get(f"{PLANS}{plan_id}/export/")
    assert exported.status_code == HTTPStatus.OK
    assert json.loads(exported.content, parse_float=Decimal)["plan_data"] == design()

    imported = client.post(
        f"{PLANS}import/", data=exported.content, content_type="application/json"
    )
    assert imported.status_code == HTTPStatus.CREATED, imported.content
    assert json.loads(imported.content, parse_float=Decimal)["plan_data"] == design()
    again = client.get(f"{PLANS}{imported.json()['id']}/export/")
    assert json.loads(again.content, parse_float=Decimal) == json.loads(
        exported.content, parse_float=Decimal
    )


def test_the_design_itinerary_imports_into_activities_with_duration_and_cost():
    owner = verified(UserFactory())
    client = client_for(owner)
    plan_id = post_design(client).json()["id"]
    response = client.post(f"{PLANS}{plan_id}/activities/import/")
    assert response.json() == {"created": 1, "skipped": 0, "problems": []}
    activity = PlanActivity.objects.get(plan_id=plan_id)
    assert (
        activity.title,
        activity.location_name,
        activity.scheduled_date,
        activity.start_time,
        activity.duration_minutes,
        activity.estimated_cost,
    ) == (
        "Visit Eiffel Tower",
        "Champ de Mars, Paris",
        dt.date(2024, 6, 1),
        dt.time(9, 0),
        120,
        Decimal("15.00"),
    )


class _FormFields(HTMLParser):
    """What a browser submits for the page's plan form, left as the page shows it."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = "plan-form" in (attributes.get("class") or "")
        if not self._in_form or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
            elif kind not in ("submit", "button"):
                self.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            if self._textarea is not None:
                # Browsers drop the newline right after <textarea>.
                name, text = self.fields[-1]
                self.fields[-1] = (name, text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select":
            self._select = None


def _submitted(body: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(body)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def test_saving_the_website_form_unchanged_keeps_the_design_document(client):
    owner = UserFactory()
    plan = services.plan_create(
        owner=owner,
        title="Paris",
        start_date=dt.date(2024, 6, 1),
        end_date=dt.date(2024, 6, 3),
        plan_data=json.loads(DESIGN_FILE.read_text()),
    )
    client.force_login(owner)
    url = reverse("plans:edit", args=[plan.pk])
    page = client.get(url)
    data = _submitted(page.content.decode())
    assert data["title"] == ["Paris"]
    assert data["transportation-local_methods"] == ["walking", "public_transport"]

    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["editor"].main.errors
    plan.refresh_from_db()
    assert plan.version == 2
    assert as_decimals(plan.plan_data) == design()


def test_the_website_form_edits_arrival_details_in_the_canonical_shape(client):
    owner = UserFactory()
    plan = services.plan_create(
        owner=owner, title="Paris", plan_data=json.loads(DESIGN_FILE.read_text())
    )
    client.force_login(owner)
    url = reverse("plans:edit", args=[plan.pk])
    data = _submitted(client.get(url).content.decode())
    data["transportation-arrival_details"] = ["AF 1234, lands 11:05"]
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.plan_data["transportation"] == {
        "arrival": {"method": "flight", "details": {"description": "AF 1234, lands 11:05"}},
        "local": {"methods": ["walking", "public_transport"]},
    }
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "<dd>AF 1234, lands 11:05</dd>" in page
    # The rest of the document is as it was.
    assert plan.plan_data["itinerary"] == json.loads(DESIGN_FILE.read_text())["itinerary"]
    assert plan.plan_data["notes"] == "Remember to book restaurants in advance"


def test_the_plan_page_shows_each_outline_item_with_its_duration_and_cost(client):
    owner = UserFactory()
    document = json.loads(DESIGN_FILE.read_text())
    document["itinerary"][0]["activities"] += [
        {"activity": "Picnic", "duration": "1h30", "cost": 0},
        {"activity": "Seine walk", "duration": "most of the evening"},
        {"activity": "Stroll"},
    ]
    plan = services.plan_create(owner=owner, title="Paris", currency="EUR", plan_data=document)
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "<li>09:00 Visit Eiffel Tower · Champ de Mars, Paris · 2 h · €15.00</li>" in page
    assert "<li>Picnic · 1 h 30 min · €0.00</li>" in page
    assert "<li>Seine walk · most of the evening</li>" in page
    assert "<li>Stroll</li>" in page

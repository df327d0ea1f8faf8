"""Outsiders see a plan's public projection, and only that, in every format (issue 26).

One plan holds every kind of private data. The projection is checked whole; then the share
page, the public page, the itinerary page, the public and shared API, both calendar files and
an outsider's copy are each checked to carry the projection's fields and none of the private
values, and to agree with each other on the activities.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from decimal import Decimal
from http import HTTPStatus

import icalendar
import pytest
from django.urls import reverse

from plans.models import Plan, Role
from plans.projection import DEFAULT_SECTIONS, PublicActivity, PublicPlan, public_projection
from tests.api_helpers import client_for
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.date(2030, 6, 1)

# Every private value the plan holds, as it would be written out anywhere.
PRIVATE = {
    "owner's email": "ada.owner@example.com",
    "member's email": "max.member@example.com",
    "private note": "Door code 4512",
    "confirmation number": "HLM-48213",
    "place's contact": "+33 1 55 00 19 99",
    "flight reference": "BP-99120",
    "hotel reference": "HOT-77810",
    "booked activity reference": "ACT-31337",
    "cost of a booking": "8641.25",
    "plan's extra": "EXTRA-5150",
    "actual cost": "777.00",
    "activity's booking": "LV-5521",
    "activity's booking notes": "Ask for Pierre",
    "activity's extra": "ACT-EXTRA-2718",
}

PLAN_DATA = {
    "preferences": {"travel_style": "cultural", "pace": "moderate"},
    "accommodation": {
        "type": "hotel",
        "booking_details": {
            "name": "Hotel Le Marais",
            "check_in": "2030-06-01",
            "check_out": "2030-06-05",
            "confirmation_number": "HLM-48213",
            "contact": "+33 1 55 00 19 99",
        },
    },
    "notes": [
        {"text": "Door code 4512", "private": True},
        {"text": "Book the Louvre tickets online", "private": False},
    ],
    "external_bookings": {
        "flights": [
            {
                "airline": "Air France",
                "flight_number": "AF1234",
                "date": "2030-06-01",
                "booking_reference": "BP-99120",
                "cost": 8641.25,
            }
        ],
        "hotels": [{"name": "Hotel Le Marais", "booking_reference": "HOT-77810"}],
        "activities": [{"name": "Seine cruise", "booking_reference": "ACT-31337"}],
    },
    "extra": {"wifi_password": "EXTRA-5150"},
}


@pytest.fixture
def secretive():
    """A public, shared plan with every kind of private data, and one member."""
    # At home in Tokyo, planning Paris: the itinerary is on Paris's clock.
    owner = UserFactory(email="ada.owner@example.com", display_name="Ada", timezone="Asia/Tokyo")
    plan = PlanFactory(
        user=owner,
        timezone="Europe/Paris",
        title="Paris in June",
        description="Museums and the river.",
        destination="Paris",
        start_date=START,
        end_date=START + dt.timedelta(days=4),
        budget=Decimal("2000.00"),
        currency="EUR",
        status="published",
        is_public=True,
        share_token="p" * 43,
        plan_data=PLAN_DATA,
    )
    PlanMemberFactory(
        plan=plan, role=Role.VIEWER, user=UserFactory(email=PRIVATE["member's email"])
    )
    PlanActivityFactory(
        plan=plan,
        title="Louvre Museum visit",
        activity_type="attraction",
        location_name="Louvre",
        latitude=Decimal("48.86061100"),
        longitude=Decimal("2.33764400"),
        scheduled_date=START + dt.timedelta(days=1),
        start_time=dt.time(10, 0),
        end_time=dt.time(12, 30),
        estimated_cost=Decimal("22.00"),
        actual_cost=Decimal("777.00"),
        is_completed=True,
        metadata={
            "tags": ["art"],
            "booking_info": {"confirmation_number": "LV-5521", "notes": "Ask for Pierre"},
            "extra": {"door": "ACT-EXTRA-2718"},
        },
        order_index=0,
    )
    PlanActivityFactory(
        plan=plan,
        title="Seine cruise",
        activity_type="activity",
        scheduled_date=START + dt.timedelta(days=2),
        start_time=dt.time(18, 0),
        duration_minutes=90,
        estimated_cost=Decimal("15.00"),
        order_index=0,
    )
    PlanActivityFactory(
        plan=plan, title="Picnic someday", scheduled_date=None, estimated_cost=None, order_index=0
    )
    return Plan.objects.select_related("user").get(pk=plan.pk)


def _assert_nothing_private(text: str) -> None:
    leaked = {name: value for name, value in PRIVATE.items() if value in text}
    assert leaked == {}


def test_the_projection_holds_only_public_fields(secretive):
    """The whole projection: the redacted document, the owner's public name, and activities
    without booking, extra, actual cost or completion."""
    projection = public_projection(secretive)
    assert projection.plan_data == {
        "preferences": {"travel_style": "cultural", "pace": "moderate"},
        "accommodation": {
            "type": "hotel",
            "booking_details": {
                "name": "Hotel Le Marais",
                "check_in": "2030-06-01",
                "check_out": "2030-06-05",
            },
        },
        "notes": [{"text": "Book the Louvre tickets online", "private": False}],
        "external_bookings": {
            "flights": [{"airline": "Air France", "flight_number": "AF1234", "date": "2030-06-01"}],
            "hotels": [{"name": "Hotel Le Marais"}],
            "activities": [{"name": "Seine cruise"}],
        },
    }
    assert projection.owner.public_name == "Ada"
    assert projection.timezone == "Europe/Paris"
    assert [a.title for a in projection.activities] == [
        "Louvre Museum visit",
        "Seine cruise",
        "Picnic someday",
    ]
    louvre = projection.activities[0]
    assert louvre.metadata == {"tags": ["art"]}
    assert (louvre.actual_cost, louvre.is_completed) == (None, None)
    assert louvre.estimated_cost == Decimal("22.00")
    _assert_nothing_private(repr(projection))


def test_sections_widen_and_narrow_the_projection(secretive, django_assert_num_queries):
    """Later features pass their sections; unknown names are a mistake, not a silent no-op."""
    wide = public_projection(
        secretive, sections=DEFAULT_SECTIONS | {"actual_costs", "completion", "private_notes"}
    )
    assert (wide.activities[0].actual_cost, wide.activities[0].is_completed) == (
        Decimal("777.00"),
        True,
    )
    assert {"text": "Door code 4512", "private": True} in wide.notes
    assert wide.plan_data["external_bookings"]["flights"][0]["cost"] == 8641.25
    with django_assert_num_queries(0):
        narrow = public_projection(secretive, sections=frozenset({"document"}))
    assert narrow.activities == ()
    assert public_projection(secretive, sections=frozenset()).plan_data == {}
    with pytest.raises(ValueError, match="members"):
        public_projection(secretive, sections=DEFAULT_SECTIONS | {"members"})


# --- what each format shows -------------------------------------------------------------------

ACTIVITY = re.compile(
    r'<li class="activity" id="activity-(?P<id>\d+)".*?<strong>(?P<title>[^<]*)</strong>'
    r'.*?<p class="activity-meta muted">(?P<meta>.*?)</p>',
    re.S,
)


def _itinerary_rows(html: str) -> list[tuple[str, int, str, str]]:
    """(day key, activity id, title, estimate text) of each activity shown, in order."""
    rows = []
    for day in re.split(r'(?=<section class="itinerary-day card")', html)[1:]:
        key = re.match(r'<section class="itinerary-day card" id="day-([^"]+)"', day).group(1)
        for match in ACTIVITY.finditer(day):
            estimate = re.search(r"est\. ([^<]+)</span>", match["meta"])
            rows.append(
                (key, int(match["id"]), match["title"], estimate.group(1) if estimate else "")
            )
    return rows


def _projected_rows(projection: PublicPlan) -> list[tuple[str, int, str, str]]:
    def estimate(activity: PublicActivity) -> str:
        return "" if activity.estimated_cost is None else f"€{activity.estimated_cost}"

    return [
        (
            a.scheduled_date.isoformat() if a.scheduled_date else "unscheduled",
            a.id,
            a.title,
            estimate(a),
        )
        for a in projection.activities
    ]


DOCUMENT_ACTIVITY = re.compile(
    r'<li class="document-activity" id="activity-(?P<id>\d+)">.*?<h3>(?P<title>[^<]*)</h3>', re.S
)


def _document_rows(html: str) -> list[tuple[str, int, str]]:
    """(day key, activity id, title) of each activity of the printed itinerary, in order."""
    rows = []
    for day in re.split(r'(?=<section class="document-day")', html)[1:]:
        key = re.match(r'<section class="document-day" id="day-([^"]+)"', day).group(1)
        rows.extend(
            (key, int(match["id"]), match["title"]) for match in DOCUMENT_ACTIVITY.finditer(day)
        )
    return rows


def _assert_page_is_the_projection(html: str, projection: PublicPlan, *, whole: bool) -> None:
    _assert_nothing_private(html)
    for words in ("paid", "Spent so far", " done", "activity-done", "Done", "check-button", "✓"):
        assert words not in html
    if whole:
        assert _itinerary_rows(html) == _projected_rows(projection)
    else:  # the printed itinerary: days and activities, without costs
        assert _document_rows(html) == [row[:3] for row in _projected_rows(projection)]
        assert _document_rows(html)
    assert projection.title in html
    if whole:  # the plan's header and document, besides the itinerary
        assert "Planned by</dt><dd>Ada</dd>" in html
        assert "Book the Louvre tickets online" in html
        assert "Hotel Le Marais" in html
        assert "€2,000.00" in html


def _pages(secretive) -> dict[str, str]:
    return {
        "share page": reverse("plans:shared", args=[secretive.share_token]),
        "public page": secretive.get_absolute_url(),
        "itinerary page": reverse("activities:itinerary", args=[secretive.pk]),
    }


# The itinerary page asks anonymous visitors to sign in first.
OUTSIDERS_PAGES = [
    ("share page", "anonymous"),
    ("share page", "stranger"),
    ("public page", "anonymous"),
    ("public page", "stranger"),
    ("itinerary page", "stranger"),
]


@pytest.mark.parametrize(("page", "visitor"), OUTSIDERS_PAGES)
def test_outsiders_pages_show_the_projection_and_nothing_private(client, secretive, page, visitor):
    """Regression: the share and public pages showed "paid €777.00", "Spent so far" and the
    completion marks of the plan's members."""
    if visitor == "stranger":
        client.force_login(UserFactory(email="stranger@example.com"))
    response = client.get(_pages(secretive)[page])
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.context["plan"], PublicPlan)
    _assert_page_is_the_projection(
        response.content.decode(), public_projection(secretive), whole=page != "itinerary page"
    )


def test_members_keep_their_whole_plan_page(client, secretive):
    """The projection is for outsiders: members still see spending, completion and notes."""
    client.force_login(secretive.user)
    html = client.get(secretive.get_absolute_url()).content.decode()
    assert "paid €777.00" in html
    assert "Spent so far" in html
    assert "Door code 4512" in html
    assert "HLM-48213" in html


def _api(secretive) -> dict[str, dict]:
    anonymous = client_for(None)
    bodies = {}
    for name, url in (
        ("public API", f"/api/v1/public/plans/{secretive.pk}/"),
        ("shared API", f"/api/v1/shared/{secretive.share_token}/"),
    ):
        response = anonymous.get(url)
        assert response.status_code == HTTPStatus.OK
        _assert_nothing_private(response.content.decode())
        bodies[name] = response.json()
    return bodies


def test_public_and_shared_api_serialise_the_projection_field_by_field(secretive):
    """Regression: the public API wrote the place's contact and what the flight cost."""
    projection = public_projection(secretive)
    plan_fields = {field.name for field in dataclasses.fields(PublicPlan)}
    activity_fields = {field.name for field in dataclasses.fields(PublicActivity)}
    for name, body in _api(secretive).items():
        assert set(body) <= plan_fields, name
        assert body["owner"] == {"id": secretive.user_id, "name": "Ada"}
        assert body["plan_data"] == projection.plan_data
        for key in ("id", "title", "description", "destination", "currency", "status"):
            assert body[key] == getattr(projection, key), key
        assert (body["start_date"], body["end_date"], body["budget"]) == (
            "2030-06-01",
            "2030-06-05",
            "2000.00",
        )
        assert len(body["activities"]) == len(projection.activities)
        for written, activity in zip(body["activities"], projection.activities, strict=True):
            assert set(written) <= activity_fields
            assert written["id"] == activity.id
            assert written["title"] == activity.title
            assert written["metadata"] == activity.metadata
            assert written["scheduled_date"] == (
                activity.scheduled_date and activity.scheduled_date.isoformat()
            )
            assert written["estimated_cost"] == (
                activity.estimated_cost and str(activity.estimated_cost)
            )


def test_the_gallery_api_lists_projections_without_activities(secretive):
    body = client_for(None).get("/api/v1/public/plans/").json()
    _assert_nothing_private(json.dumps(body))
    (listed,) = body["results"]
    assert listed["plan_data"] == public_projection(secretive).plan_data
    assert "activities" not in listed


def _events(response) -> list[tuple[str, dt.date, str]]:
    assert response.status_code == HTTPStatus.OK
    _assert_nothing_private(response.content.decode())
    calendar = icalendar.Calendar.from_ical(response.content)
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        day = start.date() if isinstance(start, dt.datetime) else start
        events.append((str(event["uid"]), day, str(event["summary"])))
    return sorted(events, key=lambda event: (event[1], event[0]))


@pytest.mark.parametrize("calendar", ["shared calendar", "public calendar"])
def test_outsiders_calendars_are_the_projections_scheduled_activities(client, secretive, calendar):
    projection = public_projection(secretive)
    url = {
        "shared calendar": reverse("activities:shared-calendar", args=[secretive.share_token]),
        "public calendar": reverse("activities:calendar", args=[secretive.pk]),
    }[calendar]
    assert _events(client.get(url)) == [
        (f"activity-{a.id}@wayfarer.app", a.scheduled_date, a.title)
        for a in projection.activities
        if a.scheduled_date
    ]


def test_every_format_agrees_on_the_activities(client, secretive):
    """Same activities, days and estimates on the pages, in the APIs and in the calendar."""
    expected = _projected_rows(public_projection(secretive))
    for page, url in _pages(secretive).items():
        client.force_login(UserFactory())
        html = client.get(url).content.decode()
        if page == "itinerary page":  # printed: no costs
            assert _document_rows(html) == [row[:3] for row in expected]
        else:
            assert _itinerary_rows(html) == expected, url
    for name, body in _api(secretive).items():
        written = [
            (
                a["scheduled_date"] or "unscheduled",
                a["id"],
                a["title"],
                f"€{a['estimated_cost']}" if a["estimated_cost"] else "",
            )
            for a in body["activities"]
        ]
        assert written == expected, name
    events = _events(client.get(reverse("activities:shared-calendar", args=["p" * 43])))
    assert [(day.isoformat(), title) for _, day, title in events] == [
        (key, title) for key, _, title, _ in expected if key != "unscheduled"
    ]


def test_an_outsiders_copy_holds_only_the_projection(client, secretive):
    """Regression: a copy through a share link kept each activity's `extra`."""
    visitor = UserFactory()
    client.force_login(visitor)
    client.post(reverse("plans:shared-duplicate", args=[secretive.share_token]))
    copy = Plan.objects.get(user=visitor)
    projection = public_projection(secretive)
    assert copy.plan_data == projection.plan_data
    copied = list(copy.activities.all())
    assert [(a.title, a.scheduled_date, a.estimated_cost, a.metadata) for a in copied] == [
        (a.title, a.scheduled_date, a.estimated_cost, a.metadata) for a in projection.activities
    ]
    assert {(a.actual_cost, a.is_completed) for a in copied} == {(None, False)}
    _assert_nothing_private(repr(public_projection(copy)))


@pytest.mark.parametrize("count", [1, 40])
def test_public_page_queries_do_not_grow_with_activities(
    client, secretive, count, django_assert_max_num_queries
):
    """An outsider's public page: the plan, then its activities (one query), inside the
    request's savepoint pair, however long the itinerary is."""
    PlanActivityFactory.create_batch(count, plan=secretive, estimated_cost=Decimal("1.00"))
    with django_assert_max_num_queries(4):
        response = client.get(secretive.get_absolute_url())
    assert response.content.decode().count('<li class="activity"') == count + 3

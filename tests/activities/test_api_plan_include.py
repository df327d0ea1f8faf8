"""`GET /api/v1/plans/{id}/?include=activities`: a plan and its itinerary in one request."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest

from activities.api import views
from tests.api_helpers import START, client_for, people
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db


def detail(plan, include: str | None = "activities") -> str:
    url = f"/api/v1/plans/{plan.pk}/"
    return url if include is None else f"{url}?include={include}"


@pytest.fixture
def cast(db):
    cast = people()
    plan = cast["plan"]
    PlanActivityFactory(plan=plan, title="Unscheduled", scheduled_date=None)
    PlanActivityFactory(plan=plan, title="Day 2", scheduled_date=START + dt.timedelta(days=1))
    PlanActivityFactory(
        plan=plan,
        title="Day 1, morning",
        scheduled_date=START,
        start_time=dt.time(9, 30),
        end_time=dt.time(11, 0, 0, 250000),
        estimated_cost="12.50",
        latitude="38.71234567",
        longitude="-9.13933300",
        metadata={"tags": ["art"], "booking_info": {"status": "confirmed"}},
    )
    PlanActivityFactory(title="Other plan's")  # on a plan of its own
    return cast


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_the_plan_and_its_activities_as_the_activities_list_shows_them(cast, role):
    """The plan's fields as without `include`, and the activities exactly as the activities
    list writes them, in itinerary order."""
    client = client_for(cast[role])
    plan = cast["plan"]
    response = client.get(detail(plan))
    assert response.status_code == HTTPStatus.OK
    body = response.json()

    plain = client.get(detail(plan, include=None)).json()
    assert "activities" not in plain
    assert {key: body[key] for key in plain} == plain
    listed = client.get(f"/api/v1/plans/{plan.pk}/activities/?page_size=100").json()["results"]
    assert body["activities"] == listed
    assert [a["title"] for a in body["activities"]] == ["Day 1, morning", "Day 2", "Unscheduled"]
    assert body["activities_next"] is None


def test_strangers_get_404_and_anonymous_401(cast):
    plan = cast["plan"]
    assert client_for(cast["stranger"]).get(detail(plan)).status_code == HTTPStatus.NOT_FOUND
    assert client_for().get(detail(plan)).status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ("members", "The only thing a plan can include is “activities”."),
        ("activities,members", "The only thing a plan can include is “activities”."),
        ("Activities", "The only thing a plan can include is “activities”."),
        ("", "Give a value, or leave the parameter out."),
        ("activities&include=members", "Give this parameter only once."),
        ("members&include=activities", "Give this parameter only once."),
    ],
)
def test_anything_else_to_include_is_a_400_naming_the_parameter(cast, include, message):
    response = client_for(cast["owner"]).get(detail(cast["plan"], include=include))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"include": [message]}


def test_a_read_only_token_may_include_the_activities(cast):
    response = client_for(cast["viewer"], scope="read").get(detail(cast["plan"]))
    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["activities"]) == 3


def test_past_the_included_activities_the_next_link_lists_the_rest(cast, monkeypatch):
    monkeypatch.setattr(views, "INCLUDED_ACTIVITIES", 2)
    client = client_for(cast["owner"])
    body = client.get(detail(cast["plan"])).json()
    assert [a["title"] for a in body["activities"]] == ["Day 1, morning", "Day 2"]
    assert body["activities_next"].startswith("http://testserver/api/v1/plans/")
    rest = client.get(body["activities_next"]).json()
    assert [a["title"] for a in rest["results"]] == ["Unscheduled"]


def test_the_etag_changes_with_any_activity_and_still_guards_plan_writes(cast):
    """A 304 never hides an added, changed or deleted activity; as If-Match the ETag stands
    for the plan's own version."""
    client = client_for(cast["owner"])
    plan = cast["plan"]
    first = client.get(detail(plan))
    etag = first["ETag"]
    assert etag.startswith(f'"{plan.pk}-{plan.version}-')
    assert etag != client.get(detail(plan, include=None))["ETag"]
    assert client.get(detail(plan), HTTP_IF_NONE_MATCH=etag).status_code == 304

    activity = first.json()["activities"][0]
    url = f"/api/v1/plans/{plan.pk}/activities/{activity['id']}/"
    assert client.patch(url, {"title": "Moved"}, format="json").status_code == HTTPStatus.OK
    changed = client.get(detail(plan), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == HTTPStatus.OK
    assert changed.json()["activities"][0]["title"] == "Moved"
    assert client.get(detail(plan), HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304

    assert client.delete(url).status_code == HTTPStatus.NO_CONTENT
    assert client.get(detail(plan), HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200
    added = client.post(f"/api/v1/plans/{plan.pk}/activities/", {"title": "New"}, format="json")
    assert added.status_code == HTTPStatus.CREATED
    now = client.get(detail(plan))
    assert now["ETag"] not in (etag, changed["ETag"])

    patched = client.patch(
        detail(plan, None), {"title": "A"}, format="json", HTTP_IF_MATCH=now["ETag"]
    )
    assert patched.status_code == HTTPStatus.OK
    stale = client.patch(
        detail(plan, None), {"title": "B"}, format="json", HTTP_IF_MATCH=now["ETag"]
    )
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED


def test_an_activity_past_the_included_ones_coming_or_going_changes_the_etag(cast, monkeypatch):
    """At exactly the limit, one more activity (sorted last) changes only `activities_next`:
    the ETag must change with it, both ways."""
    monkeypatch.setattr(views, "INCLUDED_ACTIVITIES", 3)
    client = client_for(cast["owner"])
    plan = cast["plan"]
    full = client.get(detail(plan))
    assert full.json()["activities_next"] is None

    extra = PlanActivityFactory(
        plan=plan, title="Later", scheduled_date=None, order_index=2**31 - 1
    )
    more = client.get(detail(plan), HTTP_IF_NONE_MATCH=full["ETag"])
    assert more.status_code == HTTPStatus.OK
    assert more.json()["activities_next"] is not None
    assert [a["title"] for a in more.json()["activities"]] == [
        a["title"] for a in full.json()["activities"]
    ]

    extra.delete()
    back = client.get(detail(plan), HTTP_IF_NONE_MATCH=more["ETag"])
    assert back.status_code == HTTPStatus.OK
    assert back.json()["activities_next"] is None
    assert back["ETag"] == full["ETag"]


def test_weak_and_composite_tags(cast):
    """If-None-Match compares weakly; If-Match strongly, and only plan writes read the
    composite form (an activity's If-Match with such a tag is stale)."""
    client = client_for(cast["owner"])
    plan = cast["plan"]
    etag = client.get(detail(plan))["ETag"]
    assert client.get(detail(plan), HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    weak = client.patch(
        detail(plan, None), {"title": "A"}, format="json", HTTP_IF_MATCH=f"W/{etag}"
    )
    assert weak.status_code == HTTPStatus.PRECONDITION_FAILED

    activity = client.get(detail(plan)).json()["activities"][0]
    url = f"/api/v1/plans/{plan.pk}/activities/{activity['id']}/"
    borrowed = f'"{activity["id"]}-{activity["version"]}-0123456789abcdef"'
    stale = client.patch(url, {"title": "B"}, format="json", HTTP_IF_MATCH=borrowed)
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED

    assert client.delete(detail(plan, None), HTTP_IF_MATCH=etag).status_code == 204

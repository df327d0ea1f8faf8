"""The unfiltered "my plans" list is read as rows (selectors.AccessiblePlanRows).

Its pages must be exactly what the ORM's queryset gives: `?ordering=-updated_at` names the
same order as a filter, which sends the request down the queryset path, so each page is
compared over HTTP with its twin.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from plans import services as plan_services
from plans.models import Plan, Role
from tests.api_helpers import client_for, verified
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
THROUGH_THE_QUERYSET = {"ordering": "-updated_at"}
TIED = ["Draft", "Dateless", "Published"]


@pytest.fixture
def traveller():
    """A traveller in Tokyo with every kind of plan the list shows, and some it must not."""
    me = verified(UserFactory(timezone="Asia/Tokyo"))
    named = UserFactory(display_name="Ana")
    first_name_only = UserFactory(display_name="", first_name="Bruno")
    no_name = UserFactory(username="nameless", display_name="", first_name="")

    PlanFactory(user=me, title="Draft", plan_data={"notes": [{"text": "ü", "private": True}]})
    PlanFactory(user=me, title="Dateless", start_date=None, end_date=None, budget=None)
    PlanFactory(user=me, title="Published", status=Plan.Status.PUBLISHED, is_public=True)
    PlanFactory(user=me, title="Archived", status=Plan.Status.ARCHIVED)
    PlanFactory(user=me, title="Hidden", moderation_status=Plan.Moderation.HIDDEN)
    plan_services.share_link_enable(plan=PlanFactory(user=me, title="Shared"))
    # A membership row on one's own plan: still listed once, as the owner.
    PlanMemberFactory(plan=PlanFactory(user=me, title="Own, also a member"), user=me)
    for owner, role in [(named, Role.EDITOR), (first_name_only, Role.VIEWER), (no_name, "viewer")]:
        PlanMemberFactory(plan=PlanFactory(user=owner), user=me, role=role)
    PlanFactory(user=named, title="Not mine", status=Plan.Status.PUBLISHED, is_public=True)
    PlanMemberFactory(plan=PlanFactory(user=named, title="Someone else's"))

    # Equal change times (bulk loads make them): the id breaks the tie, on both paths. The
    # trigger that stamps every update is off for this one (DDL, rolled back with the test).
    same_time = timezone.now() - dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks, so ALTER may run
        cursor.execute("ALTER TABLE plans_plan DISABLE TRIGGER plans_plan_updated_at")
        Plan.objects.filter(title__in=TIED).update(updated_at=same_time)
        cursor.execute("ALTER TABLE plans_plan ENABLE TRIGGER plans_plan_updated_at")
    return me


def _without_ordering(link: str | None) -> list | None:
    if link is None:
        return None
    query = [(k, v) for k, v in parse_qsl(urlsplit(link).query) if k != "ordering"]
    return sorted(query)


def _comparable(body: dict) -> dict:
    return {
        **body,
        "next": _without_ordering(body["next"]),
        "previous": _without_ordering(body["previous"]),
    }


@pytest.mark.parametrize("page_size", [1, 3, 4, 100])
def test_every_page_equals_the_querysets(traveller, page_size):
    client = client_for(traveller)
    expected_count = Plan.objects.accessible_to(traveller).count()
    assert expected_count == 10
    pages = -(-expected_count // page_size)
    for page in range(1, pages + 1):
        params = {"page_size": page_size, "page": page}
        rows = client.get(PLANS, params)
        queryset = client.get(PLANS, {**params, **THROUGH_THE_QUERYSET})
        assert rows.status_code == queryset.status_code == HTTPStatus.OK
        assert _comparable(rows.json()) == _comparable(queryset.json())
        assert rows.json()["count"] == expected_count


def test_the_rows_carry_what_a_member_sees(traveller):
    """Spot checks beside the comparison: roles, owners' names, links, times in UTC."""
    body = client_for(traveller).get(PLANS, {"page_size": 100}).json()
    by_title = {plan["title"]: plan for plan in body["results"]}
    assert [plan["title"] for plan in body["results"]].count("Own, also a member") == 1
    assert by_title["Own, also a member"]["role"] == Role.OWNER
    assert "Not mine" not in by_title
    assert "Someone else's" not in by_title
    shared = [plan for plan in body["results"] if plan["owner"]["id"] != traveller.pk]
    assert sorted(plan["owner"]["name"] for plan in shared) == ["Ana", "Bruno", "nameless"]
    assert {plan["role"] for plan in shared} == {Role.EDITOR, Role.VIEWER}
    assert by_title["Shared"]["is_shared"] is True
    assert by_title["Draft"]["is_shared"] is False
    assert by_title["Draft"]["plan_data"] == {"notes": [{"text": "ü", "private": True}]}
    assert by_title["Dateless"]["budget"] is None
    assert by_title["Draft"]["updated_at"].endswith("Z")  # the API's times, whatever the profile
    assert [plan["title"] for plan in body["results"]][-3:] == TIED[::-1]  # newest id first


def test_a_full_page_costs_no_count_query(traveller, django_assert_num_queries):
    client = client_for(traveller)
    client.get(PLANS)  # the token's first use is recorded once
    # the request's savepoint and its release, token, rate-limit upsert, page (and count)
    with django_assert_num_queries(5):
        full = client.get(PLANS, {"page_size": 4, "page": 2}).json()
    assert len(full["results"]) == 4
    assert full["count"] == 10


def test_past_the_last_page_is_404_and_an_empty_list_is_a_page(traveller):
    client = client_for(traveller)
    assert client.get(PLANS, {"page_size": 5, "page": 3}).status_code == HTTPStatus.NOT_FOUND
    empty = client_for(UserFactory()).get(PLANS).json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}


def test_query_string_rules_still_apply(traveller):
    response = client_for(traveller).get(f"{PLANS}?page=1&page=2")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"page": ["Give this parameter only once."]}

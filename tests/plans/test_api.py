"""The plans API: CRUD, roles, filters, pagination, ETags, members, sharing and the gallery."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http import HTTPStatus

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from plans import services as plan_services
from plans.models import Plan, PlanMember, Role
from tests.api_helpers import client_for, people, verified
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"


def detail(plan) -> str:
    return f"{PLANS}{plan.pk}/"


@pytest.fixture
def cast(db):
    return people()


# --- CRUD ----------------------------------------------------------------------------------


def test_create_read_update_delete_a_plan():
    """The owner creates a draft, reads it back whole, changes it and deletes it."""
    owner = verified(UserFactory())
    client = client_for(owner)

    created = client.post(
        PLANS,
        {
            "title": "Lisbon",
            "destination": "Lisbon",
            "start_date": "2030-05-02",
            "end_date": "2030-05-05",
            "budget": "900.00",
            "currency": "EUR",
            "plan_data": {"preferences": {"group_size": 2}},
        },
        format="json",
    )
    assert created.status_code == HTTPStatus.CREATED, created.json()
    body = created.json()
    plan = Plan.objects.get()
    assert body == {
        "id": plan.pk,
        "title": "Lisbon",
        "description": "",
        "destination": "Lisbon",
        "start_date": "2030-05-02",
        "end_date": "2030-05-05",
        "budget": "900.00",
        "currency": "EUR",
        "timezone": "UTC",
        "status": "draft",
        "is_public": False,
        "is_shared": False,
        "plan_data": {"preferences": {"group_size": 2}},
        "owner": {"id": owner.pk, "name": owner.public_name},
        "role": "owner",
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert created["ETag"] == f'"{plan.pk}-1"'
    assert plan.user == owner

    read = client.get(detail(plan))
    assert read.status_code == HTTPStatus.OK
    assert read.json() == body

    changed = client.patch(detail(plan), {"title": "Lisbon and Sintra"}, format="json")
    assert changed.status_code == HTTPStatus.OK
    assert changed.json()["title"] == "Lisbon and Sintra"
    assert changed.json()["version"] == 2
    assert changed["ETag"] == f'"{plan.pk}-2"'

    replaced = client.put(detail(plan), {"title": "Porto", "currency": "EUR"}, format="json")
    assert replaced.status_code == HTTPStatus.OK
    assert replaced.json()["title"] == "Porto"

    deleted = client.delete(detail(plan))
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert not Plan.objects.exists()


def test_owner_comes_from_the_token_not_the_body(cast):
    """Clients cannot create plans for someone else."""
    client = client_for(cast["editor"])
    response = client.post(PLANS, {"title": "Mine", "user": cast["owner"].pk}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    assert Plan.objects.get(pk=response.json()["id"]).user == cast["editor"]


def test_plan_data_errors_are_keyed_by_json_path():
    client = client_for(UserFactory())
    response = client.post(
        PLANS,
        {"title": "Bad", "plan_data": {"preferences": {"group_size": 0}, "surprise": 1}},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "plan_data.preferences.group_size": ["must be at least 1"],
        "plan_data.surprise": ["is not an allowed field"],
    }
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "start_date": "2030-05-05", "end_date": "2030-05-01"}, "end_date"),
        ({"title": "x", "currency": "euro"}, "currency"),
        ({"title": "x", "budget": "-1"}, "budget"),
        ({"title": "x", "plan_data": []}, "plan_data"),
        ({"title": ""}, "title"),
    ],
)
def test_model_rules_give_field_errors(payload, field):
    response = client_for(UserFactory()).post(PLANS, payload, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_nul_characters_are_a_400_not_a_database_error():
    response = client_for(UserFactory()).post(
        PLANS, {"title": "ok", "plan_data": {"extra": {"a": "b\x00"}}}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


# --- the role matrix -------------------------------------------------------------------------


ROUTES = [
    ("get", "{plan}", None),
    ("patch", "{plan}", {"title": "New"}),
    ("put", "{plan}", {"title": "New"}),
    ("delete", "{plan}", None),
    ("post", "{plan}share/", {}),
    ("delete", "{plan}share/", None),
    ("get", "{plan}members/", None),
    ("post", "{plan}members/", {"user": 1}),
    ("patch", "{plan}members/", {"user": 1, "role": "viewer"}),
    ("delete", "{plan}members/?user=1", None),
    ("get", "{plan}export/", None),
]
# What each role gets: None means "the route's success status".
EXPECTED = {
    "stranger": {route: HTTPStatus.NOT_FOUND for route in range(len(ROUTES))},
    "viewer": {0: None, 10: None} | {i: HTTPStatus.FORBIDDEN for i in range(1, 10)},
    "editor": {0: None, 1: None, 2: None, 10: None}
    | {i: HTTPStatus.FORBIDDEN for i in range(3, 10)},
}


@pytest.mark.parametrize("role", ["stranger", "viewer", "editor"])
def test_role_matrix_on_every_plan_route(cast, role):
    """Strangers get 404 everywhere; viewers read; editors also edit; neither manages."""
    client = client_for(cast[role])
    base = detail(cast["plan"])
    for index, (method, template, body) in enumerate(ROUTES):
        response = getattr(client, method)(template.format(plan=base), body, format="json")
        expected = EXPECTED[role][index]
        if expected is None:
            assert response.status_code < 300, (method, template, response.content)
        else:
            assert response.status_code == expected, (method, template, response.content)
    assert Plan.objects.filter(pk=cast["plan"].pk).exists()


def test_anonymous_gets_401_and_read_tokens_get_403_on_writes(cast):
    base = detail(cast["plan"])
    anonymous = client_for(None)
    for method, template, body in ROUTES:
        response = getattr(anonymous, method)(template.format(plan=base), body, format="json")
        assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert anonymous.get(PLANS).status_code == HTTPStatus.UNAUTHORIZED

    reader = client_for(cast["owner"], scope="read")
    assert reader.get(base).status_code == HTTPStatus.OK
    for method, template, body in ROUTES:
        if method == "get":
            continue
        response = getattr(reader, method)(template.format(plan=base), body, format="json")
        assert response.status_code == HTTPStatus.FORBIDDEN, (method, template)
    assert reader.post(PLANS, {"title": "x"}, format="json").status_code == HTTPStatus.FORBIDDEN


def test_public_plans_of_others_are_404_on_the_private_routes(cast):
    """/plans/{id}/ shows private notes, so a public plan is not reachable there by outsiders."""
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(is_public=True, status="published")
    assert client_for(cast["stranger"]).get(detail(plan)).status_code == HTTPStatus.NOT_FOUND


# --- conditional requests ---------------------------------------------------------------------


def test_if_none_match_gives_304_and_if_match_412(cast):
    plan = cast["plan"]
    client = client_for(cast["owner"])
    first = client.get(detail(plan))
    etag = first["ETag"]
    assert etag == f'"{plan.pk}-{plan.version}"'

    not_modified = client.get(detail(plan), HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
    assert not_modified.content == b""

    ok = client.patch(detail(plan), {"title": "A"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == HTTPStatus.OK
    assert client.get(detail(plan), HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.OK

    stale = client.patch(detail(plan), {"title": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    assert client.put(
        detail(plan), {"title": "B"}, format="json", HTTP_IF_MATCH=etag
    ).status_code == (HTTPStatus.PRECONDITION_FAILED)
    assert (
        client.delete(detail(plan), HTTP_IF_MATCH=etag).status_code
        == HTTPStatus.PRECONDITION_FAILED
    )
    assert client.delete(detail(plan), HTTP_IF_MATCH='W/"1-1"').status_code == 412
    plan.refresh_from_db()
    assert plan.title == "A"

    assert client.delete(detail(plan), HTTP_IF_MATCH=ok["ETag"]).status_code == 204


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_patches_with_one_etag_let_exactly_one_through():
    """The version check is in the UPDATE itself: one 200, nineteen 412."""
    owner = verified(UserFactory())
    plan = PlanFactory(user=owner)
    clients = [client_for(owner) for _ in range(20)]
    etag = clients[0].get(detail(plan))["ETag"]
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def patch(client, index):
        try:
            barrier.wait()
            response = client.patch(
                detail(plan), {"title": f"Writer {index}"}, format="json", HTTP_IF_MATCH=etag
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=patch, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [412] * 19
    plan.refresh_from_db()
    assert plan.version == 2


# --- filters ---------------------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == HTTPStatus.OK, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_filter_narrows_the_list():
    owner = verified(UserFactory())
    other = UserFactory()
    paris = PlanFactory(
        user=owner,
        title="Spring in Paris",
        destination="Paris",
        status="published",
        is_public=True,
        plan_data={"preferences": {"travel_style": "food", "pace": "relaxed"}},
    )
    rome = PlanFactory(
        user=owner,
        title="Rome",
        description="Pasta and ruins",
        destination="Rome",
        start_date=dt.date(2040, 5, 1),
        end_date=dt.date(2040, 5, 5),
        plan_data={"preferences": {"travel_style": "cultural"}},
    )
    shared_edit = PlanFactory(user=other, destination="Oslo")
    shared_view = PlanFactory(user=other, destination="Bergen", status="archived")
    PlanMemberFactory(plan=shared_edit, user=owner, role=Role.EDITOR)
    PlanMemberFactory(plan=shared_view, user=owner, role=Role.VIEWER)
    PlanFactory(user=other, destination="Paris")  # not mine: never listed
    client = client_for(owner)

    def get(**params):
        return _ids(client.get(PLANS, params))

    assert get() == {paris.pk, rome.pk, shared_edit.pk, shared_view.pk}
    assert get(status="published") == {paris.pk}
    assert get(status="archived") == {shared_view.pk}
    assert get(destination="PAR") == {paris.pk}
    assert get(start_date_after="2035-01-01") == {rome.pk}
    assert get(start_date_before="2035-01-01") == {paris.pk, shared_edit.pk, shared_view.pk}
    assert get(is_public="true") == {paris.pk}
    assert get(search="pasta") == {rome.pk}
    assert get(search="spring paris") == {paris.pk}
    assert get(role="owner") == {paris.pk, rome.pk}
    assert get(role="editor") == {shared_edit.pk}
    assert get(role="viewer") == {shared_view.pk}
    assert get(plan_data_contains='{"preferences": {"travel_style": "food"}}') == {paris.pk}
    assert get(plan_data_contains="{}") == {paris.pk, rome.pk, shared_edit.pk, shared_view.pk}
    cut = Plan.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    client.patch(detail(rome), {"title": "Rome again"}, format="json")
    assert get(updated_since=(cut + dt.timedelta(microseconds=1)).isoformat()) == {rome.pk}


@pytest.mark.parametrize("ordering", ["updated_at", "start_date", "title", "created_at"])
def test_ordering_both_ways(ordering):
    owner = verified(UserFactory())
    for title in ["b", "a", "c"]:
        PlanFactory(user=owner, title=title)
    client = client_for(owner)
    forward = [r["id"] for r in client.get(PLANS, {"ordering": ordering}).json()["results"]]
    backward = [r["id"] for r in client.get(PLANS, {"ordering": f"-{ordering}"}).json()["results"]]
    assert forward == list(reversed(backward))
    if ordering == "title":
        titles = [r["title"] for r in client.get(PLANS, {"ordering": "title"}).json()["results"]]
        assert titles == ["a", "b", "c"]


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '"text"', "3"])
def test_plan_data_contains_needs_a_json_object(value):
    response = client_for(UserFactory()).get(PLANS, {"plan_data_contains": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["plan_data_contains"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"role": "king"}, "role"),
        ({"ordering": "x"}, "ordering"),
        ({"is_public": "-1"}, "is_public"),
        ({"updated_since": "yesterday"}, "updated_since"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(params, field):
    response = client_for(UserFactory()).get(PLANS, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_plan_data_contains_uses_the_gin_index():
    """On a table big enough for the planner to care, `@>` is answered from the GIN index."""
    owner = UserFactory()
    styles = ["food", "cultural", "nature", "relaxation", "adventure"]
    Plan.objects.bulk_create(
        Plan(
            user=owner,
            title=f"Plan {i}",
            plan_data={
                "preferences": {"travel_style": styles[i % 5], "group_size": i % 40 + 1},
                # Realistic document sizes: a table of many pages, as in production.
                "extra": {"n": i, "notes": f"Day plans and ideas number {i}. " * 20},
            },
        )
        for i in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_plan")
    plan = Plan.objects.filter(plan_data__contains={"extra": {"n": 4321}}).order_by().explain()
    assert "plans_plan_data_gin" in plan
    assert Plan.objects.filter(plan_data__contains={"extra": {"n": 4321}}).count() == 1


# --- pagination and query counts --------------------------------------------------------------


def test_pagination_defaults_bounds_and_out_of_range():
    owner = verified(UserFactory())
    PlanFactory.create_batch(23, user=owner)
    client = client_for(owner)

    first = client.get(PLANS).json()
    assert first["count"] == 23
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/plans/?page=2")

    second = client.get(PLANS, {"page": 2}).json()
    assert len(second["results"]) == 3
    assert second["next"] is None

    assert len(client.get(PLANS, {"page_size": 5}).json()["results"]) == 5
    assert client.get(PLANS, {"page": 3}).status_code == HTTPStatus.NOT_FOUND
    assert client.get(PLANS, {"page": "zero"}).status_code == HTTPStatus.NOT_FOUND


def test_page_size_is_capped_at_100():
    """page_size=100 is honoured; anything larger is capped at 100 (documented)."""
    owner = verified(UserFactory())
    Plan.objects.bulk_create(Plan(user=owner, title=f"P{i}") for i in range(105))
    client = client_for(owner)
    assert len(client.get(PLANS, {"page_size": 100}).json()["results"]) == 100
    assert len(client.get(PLANS, {"page_size": 101}).json()["results"]) == 100


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

    # Equal change times (bulk loads make them): the id breaks the tie. The trigger that
    # stamps every update is off for this one (DDL, rolled back with the test).
    same_time = timezone.now() - dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks, so ALTER may run
        cursor.execute("ALTER TABLE plans_plan DISABLE TRIGGER plans_plan_updated_at")
        Plan.objects.filter(title__in=TIED).update(updated_at=same_time)
        cursor.execute("ALTER TABLE plans_plan ENABLE TRIGGER plans_plan_updated_at")
    return me


def test_my_plans_lists_each_plan_once_with_my_role_and_its_owner(traveller):
    """Owned plans (hidden and archived too) and plans shared with me, never anyone else's;
    newest change first, the id breaking ties; times in UTC whatever the profile."""
    body = client_for(traveller).get(PLANS, {"page_size": 100}).json()
    titles = [plan["title"] for plan in body["results"]]
    by_title = {plan["title"]: plan for plan in body["results"]}
    assert body["count"] == len(titles) == 10
    assert titles.count("Own, also a member") == 1
    assert by_title["Own, also a member"]["role"] == Role.OWNER
    assert {"Hidden", "Archived"} <= set(titles)
    assert "Not mine" not in by_title
    assert "Someone else's" not in by_title
    shared = [plan for plan in body["results"] if plan["owner"]["id"] != traveller.pk]
    # A chosen name, else the neutral one: never a first name or username nobody chose to show.
    bruno, nameless = User.objects.get(first_name="Bruno"), User.objects.get(username="nameless")
    neutral = sorted(f"Traveller {user.name_tag}" for user in (bruno, nameless))
    assert sorted(plan["owner"]["name"] for plan in shared) == ["Ana", *neutral]
    assert {plan["role"] for plan in shared} == {Role.EDITOR, Role.VIEWER}
    assert by_title["Shared"]["is_shared"] is True
    assert by_title["Draft"]["is_shared"] is False
    assert by_title["Draft"]["plan_data"] == {"notes": [{"text": "ü", "private": True}]}
    assert by_title["Dateless"]["budget"] is None
    assert by_title["Draft"]["updated_at"].endswith("Z")
    assert titles[-3:] == TIED[::-1]  # newest id first


@pytest.mark.parametrize("page_size", [1, 3, 4])
def test_my_plans_pages_cover_the_list_once_in_order(traveller, page_size):
    client = client_for(traveller)
    whole = [plan["id"] for plan in client.get(PLANS, {"page_size": 100}).json()["results"]]
    paged, page, body = [], 1, {"next": True}
    while body["next"]:
        body = client.get(PLANS, {"page_size": page_size, "page": page}).json()
        assert body["count"] == 10
        paged += [plan["id"] for plan in body["results"]]
        page += 1
    assert paged == whole
    assert (
        client.get(PLANS, {"page_size": page_size, "page": page}).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_an_empty_list_is_a_page_and_query_string_rules_apply(traveller):
    empty = client_for(UserFactory()).get(PLANS).json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}
    response = client_for(traveller).get(f"{PLANS}?page=1&page=2")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"page": ["Give this parameter only once."]}


@pytest.mark.parametrize("rows", [1, 30])
def test_list_and_detail_query_counts_do_not_grow(rows, django_assert_num_queries):
    """The same number of queries for 1 and 30 plans of each kind."""
    owner = verified(UserFactory())
    other = UserFactory()
    for _ in range(rows):
        PlanFactory(user=owner)
        PlanMemberFactory(plan=PlanFactory(user=other), user=owner, role=Role.EDITOR)
    client = client_for(owner)
    client.get(PLANS)  # the first request also records the token's first use
    # the request's savepoint and its release, token, rate-limit upsert, page (no count: the
    # page is not full, so its rows are the count)
    with django_assert_num_queries(5):
        assert client.get(PLANS, {"page_size": 100}).status_code == HTTPStatus.OK
    plan = Plan.objects.filter(user=owner).first()
    with django_assert_num_queries(5):
        assert client.get(detail(plan)).status_code == HTTPStatus.OK


def test_responses_carry_rate_limit_headers():
    response = client_for(UserFactory()).get(PLANS)
    assert int(response["RateLimit-Limit"]) > 0
    assert int(response["RateLimit-Remaining"]) >= 0
    assert "RateLimit-Reset" in response


# --- members -----------------------------------------------------------------------------------


def test_owner_manages_members_by_co_traveller_id(cast):
    owner, plan = cast["owner"], cast["plan"]
    friend = UserFactory()
    PlanMemberFactory(plan=PlanFactory(user=owner), user=friend)  # they travelled together
    client = client_for(owner)
    url = f"{detail(plan)}members/"

    listed = client.get(url).json()
    assert listed["count"] == 2
    assert {row["user"]["id"] for row in listed["results"]} == {
        cast["editor"].pk,
        cast["viewer"].pk,
    }
    assert "email" not in json.dumps(listed)

    added = client.post(url, {"user": friend.pk, "role": "editor"}, format="json")
    assert added.status_code == HTTPStatus.CREATED
    assert added.json()["role"] == "editor"

    changed = client.patch(url, {"user": friend.pk, "role": "viewer"}, format="json")
    assert changed.status_code == HTTPStatus.OK
    assert PlanMember.objects.get(plan=plan, user=friend).role == "viewer"

    removed = client.delete(f"{url}?user={friend.pk}")
    assert removed.status_code == HTTPStatus.NO_CONTENT
    assert not PlanMember.objects.filter(plan=plan, user=friend).exists()


def test_unknown_and_unrelated_user_ids_look_the_same(cast):
    """A stranger's id is answered exactly like an id that does not exist."""
    client = client_for(cast["owner"])
    url = f"{detail(cast['plan'])}members/"
    unrelated = client.post(url, {"user": cast["stranger"].pk}, format="json")
    missing = client.post(url, {"user": 987654321}, format="json")
    assert unrelated.status_code == missing.status_code == HTTPStatus.BAD_REQUEST
    assert unrelated.json() == missing.json()
    not_member = client.patch(url, {"user": cast["stranger"].pk, "role": "viewer"}, format="json")
    assert not_member.status_code == HTTPStatus.BAD_REQUEST
    assert not PlanMember.objects.filter(user=cast["stranger"]).exists()


# --- sharing and the public gallery -------------------------------------------------------------

SECRETS = {
    "notes": [{"text": "Door code 4821", "private": True}, {"text": "Bring shoes"}],
    "accommodation": {"booking_details": {"name": "Hotel", "confirmation_number": "HLM-48213"}},
    "extra": {"mine": "only"},
}


def test_share_link_enable_rotate_revoke_and_read_without_sign_in(cast):
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(plan_data=SECRETS)
    client = client_for(cast["owner"])
    url = f"{detail(plan)}share/"

    enabled = client.post(url, {}, format="json").json()
    assert client.post(url, {}, format="json").json() == enabled  # enabling keeps the link
    assert enabled["url"].endswith(f"/s/{enabled['token']}/")
    shared = client_for(None).get(f"/api/v1/shared/{enabled['token']}/")
    assert shared.status_code == HTTPStatus.OK
    text = json.dumps(shared.json())
    assert "4821" not in text
    assert "HLM-48213" not in text
    assert "only" not in text
    assert cast["owner"].email not in text
    assert shared.json()["plan_data"]["notes"] == [{"text": "Bring shoes", "private": False}]
    assert "RateLimit-Limit" in shared

    rotated = client.post(url, {"rotate": True}, format="json").json()
    assert rotated["token"] != enabled["token"]
    old = client_for(None).get(f"/api/v1/shared/{enabled['token']}/")
    assert old.status_code == HTTPStatus.NOT_FOUND

    assert client.delete(url).status_code == HTTPStatus.NO_CONTENT
    gone = client_for(None).get(f"/api/v1/shared/{rotated['token']}/")
    assert gone.status_code == HTTPStatus.NOT_FOUND


def test_share_links_are_on_the_public_address(cast, settings):
    """The API's share links are on PUBLIC_URL, not the host the request came in on."""
    settings.PUBLIC_URL = "https://trips.example.org"
    client = client_for(cast["owner"])
    link = client.post(
        f"{detail(cast['plan'])}share/", {}, format="json", HTTP_HOST="localhost:8001"
    ).json()
    assert link["url"] == f"https://trips.example.org/s/{link['token']}/"
    assert link["api_url"] == f"https://trips.example.org/api/v1/shared/{link['token']}/"


@pytest.mark.parametrize("token", ["nope", "a" * 65, "bad token!"])
def test_unknown_share_tokens_are_404(token):
    assert client_for(None).get(f"/api/v1/shared/{token}/").status_code == HTTPStatus.NOT_FOUND


def test_share_lookups_are_throttled_per_ip(cast, settings):
    """The share quota counts per client IP on top of the default API quota."""
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "share": {"ip": "2/hour"}}
    token = client_for(cast["owner"]).post(f"{detail(cast['plan'])}share/").json()["token"]
    client = client_for(None)
    responses = [client.get(f"/api/v1/shared/{token}/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[2]["Retry-After"]) > 0


def test_public_gallery_lists_only_public_published_plans_redacted():
    owner = verified(UserFactory())
    public = PlanFactory(user=owner, status="published", is_public=True, plan_data=SECRETS)
    PlanFactory(user=owner, status="draft", is_public=True)
    PlanFactory(user=owner, status="published", is_public=False)
    anonymous = client_for(None)

    listed = anonymous.get("/api/v1/public/plans/")
    assert listed.status_code == HTTPStatus.OK
    assert _ids(listed) == {public.pk}
    item = anonymous.get(f"/api/v1/public/plans/{public.pk}/")
    assert item.status_code == HTTPStatus.OK
    for response in (listed, item):
        text = json.dumps(response.json())
        assert "4821" not in text
        assert "HLM-48213" not in text
        assert owner.email not in text
    assert item.json()["owner"] == {"id": owner.pk, "name": owner.public_name}
    hidden = PlanFactory(user=owner)
    assert anonymous.get(f"/api/v1/public/plans/{hidden.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_public_gallery_has_no_document_containment_filter():
    """Containment could probe the hidden parts of a public document; the filter is not offered."""
    PlanFactory(status="published", is_public=True, plan_data=SECRETS)
    response = client_for(None).get(
        "/api/v1/public/plans/",
        {"plan_data_contains": '{"notes": [{"text": "Door code 4821"}]}'},
    )
    assert response.json()["count"] == 1  # ignored: not a filter here


# --- publishing --------------------------------------------------------------------------------


def _state(plan) -> tuple[str, bool]:
    plan.refresh_from_db()
    return plan.status, plan.is_public


@pytest.mark.parametrize(
    ("before", "body", "after", "reason"),
    [
        (("draft", False), {"status": "published"}, ("published", False), "plan published"),
        (
            ("draft", False),
            {"status": "published", "is_public": True},
            ("published", True),
            "plan published",
        ),
        (("published", False), {"is_public": True}, ("published", True), "plan published"),
        (("published", True), {"is_public": False}, ("published", False), "plan made private"),
        (("published", True), {"status": "draft"}, ("draft", False), "plan back to draft"),
        (("published", True), {"status": "archived"}, ("archived", False), "plan archived"),
        (("draft", False), {"status": "archived"}, ("archived", False), "plan archived"),
        (("archived", False), {"status": "draft"}, ("draft", False), "plan restored from archive"),
        (
            ("archived", False),
            {"status": "published", "is_public": True},
            ("published", True),
            "plan published",
        ),
    ],
)
def test_owner_publishes_unpublishes_archives_and_lists_through_patch(
    cast, before, body, after, reason
):
    """Each transition goes through its service: the new state, a new ETag, a history row."""
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(status=before[0], is_public=before[1])
    plan.refresh_from_db()
    response = client_for(cast["owner"]).patch(
        detail(plan), body, format="json", HTTP_IF_MATCH=f'"{plan.pk}-{plan.version}"'
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    assert (response.json()["status"], response.json()["is_public"]) == after
    assert _state(plan) == after
    assert response["ETag"] == f'"{plan.pk}-{plan.version}"'
    assert plan.version == 2
    assert Plan.history.filter(id=plan.pk).latest("history_id").history_change_reason == reason
    listed = client_for().get("/api/v1/public/plans/").json()["results"]
    assert [row["id"] for row in listed] == ([plan.pk] if after == ("published", True) else [])


def test_listing_publicly_needs_a_verified_email(cast):
    """An unverified owner gets a 400 on `is_public`, and nothing else in the request is kept."""
    plan = cast["plan"]
    client = client_for(cast["owner"])
    cast["owner"].emailaddress_set.update(verified=False)
    response = client.patch(
        detail(plan),
        {"title": "Renamed", "status": "published", "is_public": True},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "is_public": ["Please verify your email address before sharing a plan publicly."]
    }
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.is_public, plan.version) == ("Lisbon", "draft", False, 1)
    published = client.patch(detail(plan), {"status": "published"}, format="json")
    assert published.status_code == HTTPStatus.OK, "publishing unlisted needs no verification"


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_only_a_published_plan_can_be_listed(cast, status):
    """`is_public` on a draft or archived plan is a 400 saying what to send instead."""
    plan = cast["plan"]
    response = client_for(cast["owner"]).patch(
        detail(plan), {"status": status, "is_public": True}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "is_public": [
            "Only a published plan can be listed in the public gallery: set the status to "
            "“published” as well."
        ]
    }
    assert _state(plan) == ("draft", False)


@pytest.mark.parametrize("body", [{"status": "published"}, {"is_public": True}])
def test_editors_may_not_change_status_or_listing(cast, body):
    """Publishing is the owner's decision: editors get 403 and nothing changes."""
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(status="published")
    response = client_for(cast["editor"]).patch(
        detail(plan), {**body, "title": "Renamed", "status": "archived"}, format="json"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json() == {
        "detail": "Only the plan's owner can publish, archive or list it in the public gallery."
    }
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.is_public) == ("Lisbon", "published", False)


def test_editors_may_send_back_the_current_status(cast):
    """A PUT echoing what GET returned is fine for an editor: only changes are the owner's."""
    client = client_for(cast["editor"])
    current = client.get(detail(cast["plan"])).json()
    response = client.put(
        detail(cast["plan"]),
        {**{k: current[k] for k in ("title", "status", "is_public", "currency")}, "title": "X"},
        format="json",
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json()["title"] == "X"


def test_a_stale_if_match_on_publishing_is_412(cast):
    """Publication changes are conditional writes like the rest."""
    plan = cast["plan"]
    client = client_for(cast["owner"])
    client.patch(detail(plan), {"title": "Renamed"}, format="json")
    response = client.patch(
        detail(plan), {"status": "published"}, format="json", HTTP_IF_MATCH=f'"{plan.pk}-1"'
    )
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert _state(plan) == ("draft", False)


def test_a_plan_can_be_created_published_and_listed(cast):
    """POST accepts the publication fields too, with the same rules."""
    client = client_for(cast["owner"])
    response = client.post(
        PLANS, {"title": "Out now", "status": "published", "is_public": True}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert (response.json()["status"], response.json()["is_public"]) == ("published", True)
    cast["owner"].emailaddress_set.update(verified=False)
    refused = client.post(PLANS, {"title": "Too soon", "is_public": True}, format="json")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert set(refused.json()) == {"is_public"}
    assert not Plan.objects.filter(title="Too soon").exists()


# --- moderation ----------------------------------------------------------------------------


def _public_api(plan) -> dict[str, int | bool]:
    """What an anonymous client of the public API sees of the plan."""
    anonymous = client_for()
    listed = anonymous.get("/api/v1/public/plans/", {"search": plan.title})
    assert listed.status_code == HTTPStatus.OK
    return {
        "in the gallery list": plan.pk in [row["id"] for row in listed.json()["results"]],
        "gallery detail": anonymous.get(f"/api/v1/public/plans/{plan.pk}/").status_code,
        "shared link": anonymous.get(f"/api/v1/shared/{plan.share_token}/").status_code,
    }


def test_a_hidden_plan_leaves_the_public_api_and_comes_back_when_unhidden(cast):
    """Moderators hiding a plan take it out of the gallery list, its gallery detail and its
    share link (404 as if it never existed); unhiding restores all three. Its owner still
    reads it on the private route throughout."""
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(status="published", is_public=True, share_token="s" * 43)
    plan.refresh_from_db()
    visible = {
        "in the gallery list": True,
        "gallery detail": HTTPStatus.OK,
        "shared link": HTTPStatus.OK,
    }
    assert _public_api(plan) == visible

    moderator = UserFactory(is_staff=True)
    plan_services.plan_hide(plan=plan, moderator=moderator, reason="Personal data")
    assert _public_api(plan) == {
        "in the gallery list": False,
        "gallery detail": HTTPStatus.NOT_FOUND,
        "shared link": HTTPStatus.NOT_FOUND,
    }
    assert client_for(cast["owner"]).get(detail(plan)).status_code == HTTPStatus.OK

    plan_services.plan_unhide(plan=Plan.objects.get(pk=plan.pk), moderator=moderator)
    assert _public_api(plan) == visible


def test_a_hidden_plan_shared_only_by_link_is_404_on_the_link(cast):
    """A private plan with a share link: hiding closes the link too."""
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(share_token="p" * 43)
    plan.refresh_from_db()
    assert client_for().get(f"/api/v1/shared/{plan.share_token}/").status_code == HTTPStatus.OK
    plan_services.plan_hide(plan=plan, moderator=UserFactory(is_staff=True), reason="Spam")
    response = client_for().get(f"/api/v1/shared/{plan.share_token}/")
    assert response.status_code == HTTPStatus.NOT_FOUND

"""The activities API: CRUD, roles, filters, reorder, import, budget, conflicts, export/import."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest

from activities.models import PlanActivity
from plans.models import Plan, Role
from tests.api_helpers import START, client_for, people, verified
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db):
    return people()


def activities_url(plan) -> str:
    return f"/api/v1/plans/{plan.pk}/activities/"


def test_activity_crud_with_etags(cast):
    plan = cast["plan"]
    client = client_for(cast["editor"])
    created = client.post(
        activities_url(plan),
        {
            "title": "Tram 28",
            "activity_type": "transport",
            "scheduled_date": "2030-06-02",
            "start_time": "09:00",
            "end_time": "10:00",
            "estimated_cost": "3.00",
            "metadata": {"tags": ["tram"]},
        },
        format="json",
    )
    assert created.status_code == HTTPStatus.CREATED, created.json()
    activity = PlanActivity.objects.get()
    body = created.json()
    assert body == {
        "id": activity.pk,
        "plan": plan.pk,
        "title": "Tram 28",
        "description": "",
        "activity_type": "transport",
        "location_name": "",
        "latitude": None,
        "longitude": None,
        "address": "",
        "scheduled_date": "2030-06-02",
        "start_time": "09:00:00",
        "end_time": "10:00:00",
        "timezone": "",
        "duration_minutes": None,
        "estimated_cost": "3.00",
        "actual_cost": None,
        "is_completed": False,
        "metadata": {"tags": ["tram"]},
        "starts_at": "2030-06-02T09:00:00+00:00",
        "ends_at": "2030-06-02T10:00:00+00:00",
        "order_index": 0,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    url = f"{activities_url(plan)}{activity.pk}/"
    etag = created["ETag"]
    assert etag.startswith(f'"{activity.pk}-1-')
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED

    done = client.patch(url, {"is_completed": True}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == HTTPStatus.OK
    assert done.json()["is_completed"] is True
    stale = client.patch(url, {"title": "Late"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == HTTPStatus.PRECONDITION_FAILED
    assert PlanActivity.objects.get().title == "Tram 28"

    replaced = client.put(url, {"title": "Tram 12"}, format="json", HTTP_IF_MATCH=done["ETag"])
    assert replaced.status_code == HTTPStatus.OK
    assert client.delete(url, HTTP_IF_MATCH=replaced["ETag"]).status_code == 204
    assert not PlanActivity.objects.exists()


def test_validation_errors_are_field_maps(cast):
    client = client_for(cast["owner"])
    response = client.post(
        activities_url(cast["plan"]),
        {
            "title": "x",
            "scheduled_date": "2031-01-01",
            "start_time": "10:00",
            "end_time": "09:00",
            "metadata": {"reviews": {"rating": 9}},
        },
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"scheduled_date", "end_time", "metadata.reviews.rating"}
    assert not PlanActivity.objects.exists()


def test_role_matrix_on_activity_routes(cast):
    plan = cast["plan"]
    activity = PlanActivityFactory(plan=plan, scheduled_date=START)
    base = activities_url(plan)
    writes = [
        ("post", base, {"title": "New"}),
        ("patch", f"{base}{activity.pk}/", {"title": "New"}),
        ("put", f"{base}{activity.pk}/", {"title": "New"}),
        (
            "post",
            f"{base}reorder/",
            {"days": [{"date": "2030-06-01", "activity_ids": [activity.pk]}]},
        ),
        ("post", f"{base}import/", {}),
        ("delete", f"{base}{activity.pk}/", None),
    ]
    reads = [
        base,
        f"{base}{activity.pk}/",
        f"/api/v1/plans/{plan.pk}/budget/",
        f"/api/v1/plans/{plan.pk}/conflicts/",
    ]
    stranger, viewer = client_for(cast["stranger"]), client_for(cast["viewer"])
    reader = client_for(cast["owner"], scope="read")
    anonymous = client_for(None)
    for url in reads:
        assert stranger.get(url).status_code == HTTPStatus.NOT_FOUND
        assert viewer.get(url).status_code == HTTPStatus.OK
        assert reader.get(url).status_code == HTTPStatus.OK
        assert anonymous.get(url).status_code == HTTPStatus.UNAUTHORIZED
    for method, url, body in writes:
        call = {"format": "json"}
        assert getattr(stranger, method)(url, body, **call).status_code == 404, url
        assert getattr(viewer, method)(url, body, **call).status_code == 403, url
        assert getattr(reader, method)(url, body, **call).status_code == 403, url
        assert getattr(anonymous, method)(url, body, **call).status_code == 401, url
    activity.refresh_from_db()
    assert activity.version == 1
    editor = client_for(cast["editor"])
    for method, url, body in writes:
        assert getattr(editor, method)(url, body, format="json").status_code < 300, url


def test_activities_of_another_plan_are_404(cast):
    elsewhere = PlanActivityFactory(plan=PlanFactory(user=cast["owner"]))
    url = f"{activities_url(cast['plan'])}{elsewhere.pk}/"
    assert client_for(cast["owner"]).get(url).status_code == HTTPStatus.NOT_FOUND


def test_filters(cast):
    plan = cast["plan"]
    a = PlanActivityFactory(plan=plan, scheduled_date=START, activity_type="restaurant")
    b = PlanActivityFactory(plan=plan, scheduled_date=START + dt.timedelta(days=2))
    c = PlanActivityFactory(plan=plan, scheduled_date=None, is_completed=True)
    client = client_for(cast["viewer"])

    def ids(**params):
        response = client.get(activities_url(plan), params)
        assert response.status_code == HTTPStatus.OK, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [a.pk, b.pk, c.pk]
    assert ids(day="2030-06-01") == [a.pk]
    assert ids(activity_type="restaurant") == [a.pk]
    assert ids(is_completed="true") == [c.pk]
    assert ids(date_after="2030-06-02") == [b.pk]
    assert ids(date_before="2030-06-02") == [a.pk]
    assert client.get(activities_url(plan), {"day": "soon"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_constant(cast, rows, django_assert_num_queries):
    PlanActivityFactory.create_batch(rows, plan=cast["plan"])
    client = client_for(cast["owner"])
    client.get(activities_url(cast["plan"]))
    # savepoint, release, token, rate limit, plan, page (not full: no count)
    with django_assert_num_queries(6):
        client.get(activities_url(cast["plan"]), {"page_size": 100})
    activity = PlanActivity.objects.first()
    with django_assert_num_queries(6):
        client.get(f"{activities_url(cast['plan'])}{activity.pk}/")


def test_reorder_is_atomic_and_rejects_foreign_ids(cast):
    plan = cast["plan"]
    first, second = (PlanActivityFactory(plan=plan, scheduled_date=START) for _ in range(2))
    foreign = PlanActivityFactory(plan=PlanFactory(user=cast["owner"]))
    client = client_for(cast["owner"])
    url = f"{activities_url(plan)}reorder/"

    swapped = client.post(
        url,
        {"days": [{"date": "2030-06-01", "activity_ids": [second.pk, first.pk]}]},
        format="json",
    )
    assert swapped.status_code == HTTPStatus.OK
    assert swapped.json() == {
        "days": [{"date": "2030-06-01", "activity_ids": [second.pk, first.pk]}]
    }

    for days in (
        [{"date": "2030-06-01", "activity_ids": [first.pk, second.pk, foreign.pk]}],
        [{"date": "2030-06-01", "activity_ids": [first.pk]}],  # leaves one out
        [{"date": "2030-06-01", "activity_ids": [first.pk, first.pk, second.pk]}],
        [
            {"date": "2030-06-01", "activity_ids": [first.pk, second.pk]},
            {"date": "2030-06-01", "activity_ids": []},
        ],
    ):
        response = client.post(url, {"days": days}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST, days
    order = list(
        PlanActivity.objects.filter(plan=plan).order_by("order_index").values_list("pk", flat=True)
    )
    assert order == [second.pk, first.pk]


def test_import_budget_and_conflicts(cast):
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(
        plan_data={
            "itinerary": [
                {
                    "day": 1,
                    "activities": [
                        {"time": "09:00", "activity": "Castle", "duration": "2 hours", "cost": 15},
                        {"time": "10:00", "activity": "Tiles museum", "duration": "1 hour"},
                    ],
                }
            ]
        }
    )
    client = client_for(cast["editor"])
    imported = client.post(f"{activities_url(plan)}import/")
    assert imported.json() == {"created": 2, "skipped": 0, "problems": []}
    again = client.post(f"{activities_url(plan)}import/")
    assert again.json() == {"created": 0, "skipped": 2, "problems": []}

    budget = client.get(f"/api/v1/plans/{plan.pk}/budget/").json()
    assert budget["estimated"] == "15.00"
    assert budget["budget"] == "1500.00"
    assert budget["count"] == 2
    assert budget["by_day"][0]["scheduled_date"] == "2030-06-01"

    conflicts = client.get(f"/api/v1/plans/{plan.pk}/conflicts/").json()
    assert conflicts["count"] == 1
    titles = {conflicts["results"][0]["first"]["title"], conflicts["results"][0]["second"]["title"]}
    assert titles == {"Castle", "Tiles museum"}


def test_shared_plan_hides_bookings_and_actual_costs(cast):
    plan = cast["plan"]
    PlanActivityFactory(
        plan=plan,
        actual_cost="99.00",
        is_completed=True,
        metadata={"booking_info": {"confirmation_number": "ZX-1"}, "tags": ["fun"]},
    )
    token = client_for(cast["owner"]).post(f"/api/v1/plans/{plan.pk}/share/").json()["token"]
    body = client_for(None).get(f"/api/v1/shared/{token}/").json()
    assert body["activities"][0]["metadata"] == {"tags": ["fun"]}
    assert "actual_cost" not in body["activities"][0]
    assert "is_completed" not in body["activities"][0]
    assert "ZX-1" not in str(body)


# --- export and import ------------------------------------------------------------------------


def test_export_import_export_round_trips_exactly(cast, design_example):
    """Everything but ids, owner, versions, timestamps, order_index and sharing state survives."""
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(
        plan_data=design_example,
        start_date=dt.date(2025, 6, 1),
        end_date=dt.date(2025, 6, 5),
        description="Two museums and a cruise",
    )
    PlanActivityFactory(
        plan=plan,
        scheduled_date=dt.date(2025, 6, 2),
        title="Louvre",
        latitude="48.86061100",
        longitude="2.33764400",
        start_time=dt.time(10, 0),
        estimated_cost="22.00",
        actual_cost="22.00",
        is_completed=True,
        metadata={"booking_info": {"confirmation_number": "LV-1"}, "tags": ["art"]},
        order_index=0,
    )
    PlanActivityFactory(plan=plan, scheduled_date=dt.date(2025, 6, 2), title="Lunch", order_index=1)
    PlanActivityFactory(plan=plan, scheduled_date=None, title="Someday", order_index=0)
    importer = verified(UserFactory())
    importer.travel_preferences = {"pace": "fast"}  # must not leak into the imported document
    importer.save()

    exported = client_for(cast["viewer"]).get(f"/api/v1/plans/{plan.pk}/export/")
    assert exported.status_code == HTTPStatus.OK
    document = exported.json()
    assert document["format"] == "wayfarer-plan/1"
    assert document["plan_data"] == design_example
    assert [a["title"] for a in document["activities"]] == ["Louvre", "Lunch", "Someday"]

    client = client_for(importer)
    created = client.post("/api/v1/plans/import/", document, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.json()
    copy = Plan.objects.get(pk=created.json()["id"])
    assert copy.user == importer
    assert copy.status == "draft"
    assert not copy.is_public
    assert copy.share_token is None
    again = client.get(f"/api/v1/plans/{copy.pk}/export/").json()
    assert again == document


def test_import_with_any_error_creates_nothing(cast):
    document = client_for(cast["owner"]).get(f"/api/v1/plans/{cast['plan'].pk}/export/").json()
    document["activities"] = [
        {"title": "Fine", "scheduled_date": None},
        {"title": "Broken", "start_time": "10:00", "end_time": "09:00"},
    ]
    before = Plan.objects.count()
    response = client_for(cast["owner"]).post("/api/v1/plans/import/", document, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "activities[1].end_time" in response.json()
    assert Plan.objects.count() == before
    assert PlanActivity.objects.count() == 0


def test_export_is_for_members_only(cast):
    plan = cast["plan"]
    Plan.objects.filter(pk=plan.pk).update(is_public=True, status="published")
    response = client_for(cast["stranger"]).get(f"/api/v1/plans/{plan.pk}/export/")
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- moving an activity to another plan ------------------------------------------------------


def _day(plan, day):
    """(order_index, title) of a day of a plan, as stored."""
    return list(
        PlanActivity.objects.filter(plan=plan, scheduled_date=day)
        .order_by("order_index")
        .values_list("order_index", "title")
    )


@pytest.fixture
def move(cast):
    """Two activities on the first day of `plan`, and a second plan of the owner's on the same
    dates that already holds one activity that day."""
    plan = cast["plan"]
    first = PlanActivityFactory(plan=plan, title="Tram", scheduled_date=START, order_index=0)
    second = PlanActivityFactory(plan=plan, title="Museum", scheduled_date=START, order_index=1)
    target = PlanFactory(
        user=cast["owner"], start_date=START, end_date=START + dt.timedelta(days=4), title="Porto"
    )
    PlanActivityFactory(plan=target, title="Port cellar", scheduled_date=START, order_index=0)
    return {**cast, "first": first, "second": second, "target": target}


def _url(activity) -> str:
    return f"/api/v1/plans/{activity.plan_id}/activities/{activity.pk}/"


def test_owner_moves_an_activity_to_the_end_of_its_day_in_another_own_plan(move):
    """The activity joins the end of the same day in the target plan, the source day closes
    up, the version goes up and the move is in the history."""
    first, target = move["first"], move["target"]
    response = client_for(move["owner"]).patch(
        _url(first), {"plan": target.pk}, format="json", HTTP_IF_MATCH=f'"{first.pk}-1"'
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    body = response.json()
    assert (body["plan"], body["scheduled_date"], body["order_index"], body["version"]) == (
        target.pk,
        "2030-06-01",
        1,
        2,
    )
    assert response["ETag"].startswith(f'"{first.pk}-2-')
    assert _day(target, START) == [(0, "Port cellar"), (1, "Tram")]
    assert _day(move["plan"], START) == [(0, "Museum")]
    latest = PlanActivity.history.filter(id=first.pk).latest("history_id")
    assert (latest.plan_id, latest.history_change_reason) == (
        target.pk,
        "activity moved here from another plan",
    )
    moved = client_for(move["owner"]).get(f"/api/v1/plans/{target.pk}/activities/{first.pk}/")
    assert moved.status_code == HTTPStatus.OK
    assert client_for(move["owner"]).get(_url(move["second"])).status_code == HTTPStatus.OK


def test_a_day_outside_the_target_plan_leaves_the_activity_unscheduled(move):
    """A day the target trip does not have cannot be kept: the activity arrives unscheduled,
    unless the request also names a day of the target trip."""
    target = PlanFactory(
        user=move["owner"], start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 1, 3)
    )
    client = client_for(move["owner"])
    response = client.patch(_url(move["first"]), {"plan": target.pk}, format="json")
    assert response.status_code == HTTPStatus.OK, response.json()
    assert (response.json()["scheduled_date"], response.json()["order_index"]) == (None, 0)

    response = client.patch(
        _url(move["second"]), {"plan": target.pk, "scheduled_date": "2031-01-02"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json()["scheduled_date"] == "2031-01-02"

    third = PlanActivityFactory(plan=move["plan"], title="Late", scheduled_date=START)
    response = client.patch(
        _url(third), {"plan": target.pk, "scheduled_date": "2030-06-02"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"scheduled_date"}
    assert PlanActivity.objects.get(pk=third.pk).plan_id == move["plan"].pk


def test_an_editor_of_both_plans_can_move_between_them(move):
    """Editing rights on both plans are enough; ownership is not needed."""
    PlanMemberFactory(plan=move["target"], user=move["editor"], role=Role.EDITOR)
    response = client_for(move["editor"]).patch(
        _url(move["first"]), {"plan": move["target"].pk, "title": "Tram 28"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    moved = PlanActivity.objects.get(pk=move["first"].pk)
    assert (moved.plan_id, moved.title) == (move["target"].pk, "Tram 28")


@pytest.mark.parametrize("target_role", ["viewer", "stranger", "missing"])
def test_a_plan_the_caller_cannot_edit_is_answered_like_a_missing_one(move, target_role):
    """Viewer of the target, a stranger's plan and a nonexistent id: the same 400, and
    nothing changes anywhere."""
    if target_role == "viewer":
        PlanMemberFactory(plan=move["target"], user=move["editor"], role=Role.VIEWER)
        target_id = move["target"].pk
    elif target_role == "stranger":
        target_id = PlanFactory(start_date=START, end_date=START).pk
    else:
        target_id = Plan.objects.order_by("-pk").first().pk + 1000
    response = client_for(move["editor"]).patch(
        _url(move["first"]), {"plan": target_id, "title": "Gone"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"plan": ["No plan with this id among the plans you can edit."]}
    first = PlanActivity.objects.get(pk=move["first"].pk)
    assert (first.plan_id, first.title, first.version) == (move["plan"].pk, "Tram", 1)
    assert _day(move["target"], START) == [(0, "Port cellar")]


@pytest.mark.parametrize("value", ["abc", True, [1], {"id": 1}])
def test_a_plan_that_is_not_an_id_is_a_400(move, value):
    """Anything but an integer id is a field error, never a 500."""
    response = client_for(move["owner"]).patch(_url(move["first"]), {"plan": value}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"plan"}


def test_a_stale_if_match_on_a_move_is_412_and_nothing_moves(move):
    """The move is a conditional write like any other."""
    first = move["first"]
    client = client_for(move["owner"])
    assert (
        client.patch(_url(first), {"title": "Tram 28"}, format="json").status_code == HTTPStatus.OK
    )
    response = client.patch(
        _url(first), {"plan": move["target"].pk}, format="json", HTTP_IF_MATCH=f'"{first.pk}-1"'
    )
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert PlanActivity.objects.get(pk=first.pk).plan_id == move["plan"].pk
    assert _day(move["target"], START) == [(0, "Port cellar")]


def test_a_viewer_of_the_source_plan_cannot_move_out_of_it(move):
    """Moving out is a write on the source plan: viewers get 403 as for any edit."""
    PlanMemberFactory(plan=move["target"], user=move["viewer"], role=Role.EDITOR)
    response = client_for(move["viewer"]).patch(
        _url(move["first"]), {"plan": move["target"].pk}, format="json"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert PlanActivity.objects.get(pk=move["first"].pk).plan_id == move["plan"].pk


def test_naming_the_same_plan_is_an_ordinary_update(move):
    """`plan` equal to the current plan changes nothing about where the activity is."""
    response = client_for(move["owner"]).put(
        _url(move["second"]), {"plan": move["plan"].pk, "title": "Gallery"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    assert _day(move["plan"], START) == [(0, "Tram"), (1, "Gallery")]

"""The day planner's API: dry runs change nothing, applies write, undo restores; permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import TokenScope
from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db

THURSDAY_ONLY = {"thursday": {"open": "09:00", "close": "17:00"}}


def bearer(user, scope=TokenScope.READ_WRITE):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    _, secret = account_services.token_create(user=user, name="planner", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def url(trip, what="schedule"):
    if what == "schedule":
        return f"/api/v1/plans/{trip.pk}/schedule/"
    if what == "undo":
        return f"/api/v1/plans/{trip.pk}/schedule/undo/"
    return f"/api/v1/plans/{trip.pk}/days/{what}/optimize/"


def snapshot(trip):
    return list(
        PlanActivity.objects.filter(plan=trip)
        .order_by("pk")
        .values_list(
            "pk", "scheduled_date", "start_time", "end_time", "order_index", "version", "metadata"
        )
    )


def planner_history(trip):
    return PlanActivity.history.filter(
        plan_id=trip.pk, history_change_reason__startswith="planner:"
    )


@pytest.fixture
def unscheduled(trip):
    """Three sights near each other, one market closed every trip weekday, one marathon."""
    sights = [
        PlanActivityFactory(
            plan=trip,
            title=f"Sight {n}",
            scheduled_date=None,
            latitude=Decimal("48.85"),
            longitude=Decimal(f"2.3{n}"),
            duration_minutes=60,
        )
        for n in range(3)
    ]
    market = PlanActivityFactory(
        plan=trip,
        title="Thursday market",
        scheduled_date=None,
        duration_minutes=60,
        metadata={"opening_hours": THURSDAY_ONLY},
    )
    marathon = PlanActivityFactory(
        plan=trip, title="Marathon", scheduled_date=None, duration_minutes=13 * 60
    )
    return {"sights": sights, "market": market, "marathon": marathon}


def test_dry_run_is_the_default_and_changes_nothing(trip, unscheduled):
    """A dry run returns the whole proposal and writes no activity and no history."""
    client = bearer(trip.user)
    before = snapshot(trip)
    response = client.post(url(trip), {}, format="json")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert snapshot(trip) == before
    assert not planner_history(trip).exists()
    assert (body["applied"], body["batch_id"], body["changed"]) == (False, None, 0)
    assert (body["kind"], body["plan"], body["day"], body["include_scheduled"]) == (
        "schedule",
        trip.pk,
        None,
        False,
    )
    assert body["unplaced"] == [
        {
            "id": unscheduled["market"].pk,
            "title": "Thursday market",
            "reason": "closed on every day of the trip",
        },
        {
            "id": unscheduled["marathon"].pk,
            "title": "Marathon",
            "reason": "longer than the day window",
        },
    ]
    moved = {a["id"]: a for a in body["activities"]}
    for sight in unscheduled["sights"]:
        entry = moved[sight.pk]
        assert entry["from"] is None
        assert entry["moved"] is True
        assert entry["pinned"] is False
        assert set(entry["to"]) == {"date", "start", "end"}
    assert body["totals"]["moved"] == 3
    assert body["totals"]["travel_saved_minutes"] == (
        body["totals"]["travel_before_minutes"] - body["totals"]["travel_after_minutes"]
    )
    assert len(body["fingerprint"]) == 32


def test_apply_then_undo_restores_exactly(trip, unscheduled):
    """dry_run false applies the previewed proposal; undo puts everything back."""
    client = bearer(trip.user)
    before = snapshot(trip)
    preview = client.post(url(trip), {"dry_run": True}, format="json").json()
    response = client.post(
        url(trip), {"dry_run": False, "fingerprint": preview["fingerprint"]}, format="json"
    )
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["applied"] is True
    assert body["changed"] == 3
    assert body["activities"] == preview["activities"]
    for entry in body["activities"]:
        row = PlanActivity.objects.get(pk=entry["id"])
        assert row.scheduled_date.isoformat() == entry["to"]["date"]
        assert row.start_time.strftime("%H:%M") == entry["to"]["start"]

    undo = client.post(url(trip, "undo"), {}, format="json")
    assert undo.status_code == HTTPStatus.OK
    assert undo.json() == {"batch_id": body["batch_id"], "restored": 3}
    restored = [row[:5] for row in snapshot(trip)]
    assert restored == [row[:5] for row in before]
    again = client.post(url(trip, "undo"), {}, format="json")
    assert again.status_code == HTTPStatus.CONFLICT
    assert again.json() == {"detail": "There is no planner change to undo."}


def test_stale_fingerprint_is_a_conflict_with_the_fresh_proposal(trip, unscheduled):
    """An edit after the dry run makes the apply answer 409 and change nothing."""
    client = bearer(trip.user)
    preview = client.post(url(trip), {}, format="json").json()
    PlanActivityFactory(plan=trip, title="Added meanwhile", scheduled_date=None)
    before = snapshot(trip)
    response = client.post(
        url(trip), {"dry_run": False, "fingerprint": preview["fingerprint"]}, format="json"
    )
    assert response.status_code == HTTPStatus.CONFLICT
    body = response.json()
    assert "changed since this preview" in body["detail"]
    assert body["proposal"]["fingerprint"] != preview["fingerprint"]
    assert snapshot(trip) == before


def test_optimize_day_dry_run_and_apply_keep_pins(trip):
    """A zig-zag day gets a shorter order; the pinned lunch keeps its time."""
    for i, lon in enumerate(["2.30", "2.40", "2.35", "2.45"]):
        PlanActivityFactory(
            plan=trip,
            title=f"Stop {lon}",
            scheduled_date=START,
            order_index=i,
            latitude=Decimal("48.85"),
            longitude=Decimal(lon),
            duration_minutes=45,
        )
    lunch = PlanActivityFactory(
        plan=trip,
        title="Lunch",
        scheduled_date=START,
        start_time=dt.time(12),
        end_time=dt.time(13),
        order_index=4,
    )
    client = bearer(trip.user)
    before = snapshot(trip)
    preview = client.post(url(trip, START.isoformat()), {}, format="json")
    assert preview.status_code == HTTPStatus.OK
    assert snapshot(trip) == before
    body = preview.json()
    assert body["kind"] == "day"
    assert body["day"] == START.isoformat()
    assert body["totals"]["travel_saved_minutes"] > 0
    applied = client.post(url(trip, START.isoformat()), {"dry_run": False}, format="json")
    assert applied.status_code == HTTPStatus.OK
    assert applied.json()["applied"] is True
    lunch_after = PlanActivity.objects.get(pk=lunch.pk)
    assert (lunch_after.scheduled_date, lunch_after.start_time, lunch_after.end_time) == (
        START,
        dt.time(12),
        dt.time(13),
    )


def test_bad_bodies_and_days_are_rejected(trip):
    """Wrong types are 400 with field messages; an impossible date is 404."""
    client = bearer(trip.user)
    response = client.post(url(trip), {"dry_run": "perhaps"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"dry_run"}
    assert client.post(url(trip, "2030-02-30"), {}, format="json").status_code == 404
    response = client.post(url(trip, "undo"), {"batch_id": "nope"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"batch_id"}


@pytest.mark.parametrize("what", ["schedule", "undo", "2030-06-01"])
def test_who_may_plan(trip, editor, viewer, stranger, what):
    """Editors may; viewers 403; strangers 404; read tokens 403; anonymous 401."""
    target = url(trip, what)
    assert APIClient().post(target, {}, format="json").status_code == HTTPStatus.UNAUTHORIZED
    assert bearer(stranger).post(target, {}, format="json").status_code == HTTPStatus.NOT_FOUND
    assert bearer(viewer).post(target, {}, format="json").status_code == HTTPStatus.FORBIDDEN
    read_only = bearer(trip.user, scope=TokenScope.READ).post(target, {}, format="json")
    assert read_only.status_code == HTTPStatus.FORBIDDEN
    allowed = {HTTPStatus.OK, HTTPStatus.CONFLICT}  # undo with nothing to undo is 409
    assert bearer(editor).post(target, {}, format="json").status_code in allowed


def test_schema_documents_the_planner(client):
    """The OpenAPI schema lists the three endpoints with their 409 responses."""
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    paths = response.json()["paths"]
    for path in [
        "/api/v1/plans/{id}/schedule/",
        "/api/v1/plans/{id}/schedule/undo/",
        "/api/v1/plans/{id}/days/{day}/optimize/",
    ]:
        assert "409" in paths[path]["post"]["responses"]

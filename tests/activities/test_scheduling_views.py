"""The day planner on the website: buttons, preview, apply, undo, permissions, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import PlanActivity
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db


def snapshot(trip):
    return list(
        PlanActivity.objects.filter(plan=trip)
        .order_by("pk")
        .values_list("pk", "scheduled_date", "start_time", "end_time", "order_index")
    )


@pytest.fixture
def unscheduled(trip):
    return [
        PlanActivityFactory(
            plan=trip,
            title=f"Sight {n}",
            scheduled_date=None,
            latitude=Decimal("48.85"),
            longitude=Decimal(f"2.3{n}"),
            duration_minutes=60,
        )
        for n in range(4)
    ] + [
        PlanActivityFactory(
            plan=trip,
            title="Thursday market",
            scheduled_date=None,
            metadata={"opening_hours": {"thursday": {"open": "08:00", "close": "12:00"}}},
        )
    ]


def schedule_url(trip):
    return reverse("activities:schedule", kwargs={"pk": trip.pk})


def test_itinerary_offers_the_planner_to_editors_only(client, trip, unscheduled, viewer):
    """Owners see Plan my days (with the re-plan option) and Optimise this day; viewers do not."""
    PlanActivityFactory.create_batch(2, plan=trip, scheduled_date=START)
    page = trip.get_absolute_url()
    client.force_login(trip.user)
    html = client.get(page).content.decode()
    assert "Plan my days" in html
    assert "Also re-plan activities I already placed (times I set stay)" in html
    assert reverse("activities:optimise-day", kwargs={"pk": trip.pk, "day": "2030-06-01"}) in html
    client.force_login(viewer)
    html = client.get(page).content.decode()
    assert "Plan my days" not in html
    assert "Optimise this day" not in html


def test_preview_apply_undo(client, trip, unscheduled):
    """Preview shows the moves and reasons; Apply writes; Undo puts everything back."""
    client.force_login(trip.user)
    before = snapshot(trip)
    preview = client.get(schedule_url(trip))
    assert preview.status_code == HTTPStatus.OK
    html = preview.content.decode()
    assert snapshot(trip) == before
    for sight in unscheduled[:4]:
        assert sight.title in html
    assert "Thursday market</strong>: closed on every day of the trip" in html
    proposal = preview.context["proposal"]
    assert len(proposal.moves) == 4

    applied = client.post(schedule_url(trip), {"fingerprint": proposal.fingerprint})
    assert applied.status_code == HTTPStatus.FOUND
    batch = PlanActivity.history.filter(history_change_reason__startswith="planner:apply:").first()
    batch_id = batch.history_change_reason.rsplit(":", 1)[1]
    assert applied["Location"].endswith(f"?undo={batch_id}#itinerary")
    assert snapshot(trip) != before
    page = client.get(applied["Location"])
    html = page.content.decode()
    assert "4 activities rescheduled" in html
    assert f'name="batch" value="{batch_id}"' in html

    undone = client.post(
        reverse("activities:schedule-undo", kwargs={"pk": trip.pk}), {"batch": batch_id}
    )
    assert undone.status_code == HTTPStatus.FOUND
    assert snapshot(trip) == before
    assert (
        "4 activities are back where they were" in client.get(undone["Location"]).content.decode()
    )


def test_stale_preview_is_shown_again_not_applied(client, trip, unscheduled):
    """Apply after someone edited the itinerary re-shows an updated preview and changes nothing."""
    client.force_login(trip.user)
    fingerprint = client.get(schedule_url(trip)).context["proposal"].fingerprint
    PlanActivityFactory(plan=trip, title="Added by a friend", scheduled_date=None)
    before = snapshot(trip)
    response = client.post(schedule_url(trip), {"fingerprint": fingerprint})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "changed since this preview" in response.content.decode()
    assert "Added by a friend" in response.content.decode()
    assert snapshot(trip) == before
    assert client.post(schedule_url(trip), {}).status_code == HTTPStatus.CONFLICT


def test_optimise_day_preview_and_apply(client, trip):
    """The day's preview lists the new order; Apply keeps the pinned lunch at noon."""
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
        plan=trip, title="Lunch", scheduled_date=START, start_time=dt.time(12), order_index=4
    )
    client.force_login(trip.user)
    target = reverse("activities:optimise-day", kwargs={"pk": trip.pk, "day": "2030-06-01"})
    preview = client.get(target)
    assert preview.status_code == HTTPStatus.OK
    assert "Optimise day 1" in preview.content.decode()
    proposal = preview.context["proposal"]
    assert proposal.travel_saved_minutes > 0
    response = client.post(target, {"fingerprint": proposal.fingerprint})
    assert response.status_code == HTTPStatus.FOUND
    lunch.refresh_from_db()
    assert lunch.start_time == dt.time(12)
    bad = reverse("activities:optimise-day", kwargs={"pk": trip.pk, "day": "2030-13-01"})
    assert client.get(bad).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("stranger", HTTPStatus.NOT_FOUND),
        ("viewer", HTTPStatus.FORBIDDEN),
        ("editor", None),
    ],
)
def test_only_editors_and_owner_may_plan(client, trip, unscheduled, who, expected, request):
    """Viewers 403, strangers 404, anonymous to login; nothing changes for any of them."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    day = reverse("activities:optimise-day", kwargs={"pk": trip.pk, "day": "2030-06-01"})
    undo = reverse("activities:schedule-undo", kwargs={"pk": trip.pk})
    before = snapshot(trip)
    fingerprint = "x"
    if expected is None:
        preview = client.get(schedule_url(trip))
        assert preview.status_code == HTTPStatus.OK
        fingerprint = preview.context["proposal"].fingerprint
    for method, target, data in [
        ("get", schedule_url(trip), {}),
        ("get", day, {}),
        ("post", schedule_url(trip), {"fingerprint": fingerprint}),
        ("post", undo, {}),
    ]:
        response = getattr(client, method)(target, data)
        if expected is not None:
            assert response.status_code == expected
            assert snapshot(trip) == before
        else:
            assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}
    if expected is None:
        assert snapshot(trip) == before  # applied, then undone


def test_preview_query_count_is_bounded(client, trip, django_assert_max_num_queries):
    """The preview costs the same few queries for 5 or 40 activities."""
    client.force_login(trip.user)
    for count in (5, 40):
        PlanActivityFactory.create_batch(
            count,
            plan=trip,
            scheduled_date=None,
            latitude=Decimal("48.85"),
            longitude=Decimal("2.35"),
            duration_minutes=30,
        )
        with django_assert_max_num_queries(8):
            assert client.get(schedule_url(trip)).status_code == HTTPStatus.OK

"""Query budgets every release keeps (issue 11), whatever the number of rows.

Each budget is checked at two sizes: queries may not grow with the rows on the page or in the
plan. The speed targets themselves are measured by `make bench`, never asserted here.
In tests the API throttle counts on the `default` connection, so its upsert is in the count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import PlanActivity
from plans.admin import EstimatedCountPaginator, PlanAdmin
from plans.models import Plan
from tests.api_helpers import client_for
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.date(2031, 5, 1)


def _activities(plan: Plan, count: int) -> None:
    PlanActivity.objects.bulk_create(
        PlanActivity(
            plan=plan,
            title=f"Stop {n}",
            activity_type=["attraction", "restaurant", "activity"][n % 3],
            scheduled_date=START + dt.timedelta(days=n % 5),
            start_time=dt.time(8 + n // 5 % 12),
            duration_minutes=60,
            estimated_cost=Decimal("12.50"),
            latitude=Decimal("38.7"),
            longitude=Decimal("-9.1"),
            order_index=n // 5,
        )
        for n in range(count)
    )


@pytest.fixture
def trip(user):
    plan = PlanFactory(user=user, start_date=START, end_date=START + dt.timedelta(days=4))
    PlanMemberFactory(plan=plan)
    return plan


@pytest.mark.parametrize("count", [1, 50])
def test_plan_page_queries_do_not_grow_with_activities(
    client, user, trip, count, django_assert_max_num_queries
):
    """The plan page with 50 activities costs the same queries as with one: 6 with the
    savepoint pair (session, user, the plan with its activities' digest and count of pending
    invitations, members) when its kept parts are current; 9 when the itinerary, the
    change list and the header's spent sum are rendered, which also read the activities
    (twice) and the two history tables."""
    _activities(trip, count)
    client.force_login(user)
    client.get(trip.get_absolute_url())  # the once-a-minute session touch happens here
    for name in ("itinerary", "fragments"):
        caches[name].clear()
    with django_assert_max_num_queries(9):
        rendered = client.get(trip.get_absolute_url())
    with django_assert_max_num_queries(6):
        reused = client.get(trip.get_absolute_url())
    for response in (rendered, reused):
        assert response.status_code == HTTPStatus.OK
        assert response.content.decode().count('id="activity-') == count
        assert "No changes recorded yet." not in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_queries_do_not_grow_with_plans(
    client, user, count, django_assert_max_num_queries
):
    """The dashboard lists owned and shared plans in at most 6 queries at any size."""
    for n in range(count):
        plan = PlanFactory(user=user) if n % 2 else PlanMemberFactory(user=user).plan
        PlanMemberFactory(plan=plan)
        _activities(plan, 3)
    client.force_login(user)
    client.get(reverse("plans:dashboard"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("plans:dashboard"))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [1, 40])
def test_gallery_queries_do_not_grow_with_plans(client, count, django_assert_max_num_queries):
    """The public gallery: count and page, at most 4 queries."""
    owner = UserFactory()
    for _ in range(count):
        plan = PlanFactory(user=owner, is_public=True, status="published")
        _activities(plan, 2)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("plans:explore"))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("search", ["", "porto"])
@pytest.mark.parametrize("rows", [20, 100])
def test_admin_changelist_page_within_8_queries(
    client, rows, search, monkeypatch, django_assert_max_num_queries
):
    """Staff see a page of plans (owner, counts, filters) in at most 8 queries; a search too,
    even when it matches more plans than are counted exactly (the estimate is one more query)."""
    monkeypatch.setattr(EstimatedCountPaginator, "count_up_to", 101)  # above a page
    owners = UserFactory.create_batch(4)
    plans = Plan.objects.bulk_create(
        Plan(user=owners[n % 4], title=f"Trip {n}", destination="Porto", is_public=n % 2 == 0)
        for n in range(rows + 5)
    )
    for plan in plans[:: max(rows // 10, 1)]:
        _activities(plan, 2)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    params = {"q": search} if search else {}
    client.get(reverse("admin:plans_plan_changelist"), params)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:plans_plan_changelist"), params)
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == min(rows + 5, PlanAdmin.list_per_page)
    if search:
        assert response.context["cl"].paginator.count_is_estimate == (rows + 5 > 101)


# --- the API (issue 11), counted as production runs it -----------------------------------------


def _production_queries(context: CaptureQueriesContext) -> list[str]:
    """The statements a production request runs: ATOMIC_REQUESTS opens a transaction there,
    but inside the test's transaction it becomes a SAVEPOINT/RELEASE pair, left out here."""
    return [
        query["sql"]
        for query in context.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def _api_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return _production_queries(context)


def _shared_plans(user, count: int) -> None:
    for n in range(count):
        plan = PlanFactory(user=user) if n % 2 else PlanMemberFactory(user=user).plan
        PlanMemberFactory(plan=plan)
        _activities(plan, 2)


def test_api_plan_list_within_4_queries_at_1_and_30_plans(user):
    """A page of 20 plans with a Bearer token and the throttle on: the token with its user,
    the rate-limit upsert, the page and the count (only for a full page: 1 plan needs none).
    30 plans cost no more than that.

    The token's "last used" UPDATE, once a minute per token, is the only extra statement.
    """
    client = client_for(user)
    url = "/api/v1/plans/?page_size=20"
    _shared_plans(user, 1)
    client.get(url)  # records the token's first use
    small = _api_queries(client, url)
    _shared_plans(user, 29)
    large = _api_queries(client, url)
    assert len(client.get(url).json()["results"]) == 20
    assert len(small) == 3, "\n\n".join(small)
    assert len(large) <= 4, "\n\n".join(large)


def test_api_plan_detail_within_5_queries_at_1_and_10_activities(user, trip):
    """A plan with 10 activities reads in the queries it takes with one (at most 5): the
    token with its user, the rate-limit upsert, the plan with role and owner."""
    client = client_for(user)
    url = f"/api/v1/plans/{trip.pk}/"
    _activities(trip, 1)
    client.get(url)
    small = _api_queries(client, url)
    _activities(trip, 9)
    large = _api_queries(client, url)
    assert len(large) == len(small) <= 5, "\n\n".join(large)


def test_api_plan_with_its_activities_within_5_queries_at_1_and_10_activities(user, trip):
    """`?include=activities` adds one query, the activities, however many there are."""
    client = client_for(user)
    url = f"/api/v1/plans/{trip.pk}/?include=activities"
    _activities(trip, 1)
    client.get(url)
    small = _api_queries(client, url)
    _activities(trip, 9)
    large = _api_queries(client, url)
    assert len(client.get(url).json()["activities"]) == 10
    assert len(large) == len(small) <= 5, "\n\n".join(large)


def test_api_activity_list_within_5_queries_at_1_and_10_activities(user, trip):
    """A plan's activities: token, upsert, plan, count and page, whatever their number."""
    client = client_for(user)
    url = f"/api/v1/plans/{trip.pk}/activities/"
    _activities(trip, 1)
    client.get(url)
    small = _api_queries(client, url)
    _activities(trip, 9)
    large = _api_queries(client, url)
    assert client.get(url).json()["count"] == 10
    assert len(large) == len(small) <= 5, "\n\n".join(large)

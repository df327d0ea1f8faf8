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
from django.urls import reverse

from activities.models import PlanActivity
from plans.admin import PlanAdmin
from plans.models import Plan
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
    """The plan page with 50 activities costs the same queries as with one: 13 with
    the savepoint pair (session, user, plan, two history reads, activities, three budget sums,
    members, invitations)."""
    _activities(trip, count)
    client.force_login(user)
    client.get(trip.get_absolute_url())  # the once-a-minute session touch happens here
    with django_assert_max_num_queries(13):
        response = client.get(trip.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('id="activity-') == count


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


@pytest.mark.parametrize("rows", [20, 100])
def test_admin_changelist_with_100_rows_within_8_queries(
    client, rows, monkeypatch, django_assert_max_num_queries
):
    """Staff see 100 plans (owner, counts, filters) in at most 8 queries."""
    monkeypatch.setattr(PlanAdmin, "list_per_page", 100)
    owners = UserFactory.create_batch(4)
    plans = Plan.objects.bulk_create(
        Plan(user=owners[n % 4], title=f"Trip {n}", destination="Porto", is_public=n % 2 == 0)
        for n in range(rows + 5)
    )
    for plan in plans[:: max(rows // 10, 1)]:
        _activities(plan, 2)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.get(reverse("admin:plans_plan_changelist"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:plans_plan_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == min(rows + 5, 100)

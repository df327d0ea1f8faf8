"""First visit: the empty "My plans" offers a new plan or a copy of the sample trip, and the
dashboard's filters fold away while there are few plans."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from plans import services
from plans.models import Plan
from plans.samples import SAMPLE_TRIP
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def _filters(body: str) -> str:
    match = re.search(r'<details class="filter-panel"[^>]*>', body)
    return match.group(0) if match else ""


def test_an_empty_my_plans_offers_to_create_a_plan_or_copy_the_sample(client, user):
    client.force_login(user)
    body = client.get(reverse("plans:dashboard")).content.decode()
    assert "No plans yet" in body
    assert f'<a class="button" href="{reverse("plans:create")}">Create a plan</a>' in body
    assert f'action="{reverse("plans:copy-sample")}"' in body
    assert "Copy a sample trip to Lisbon" in body
    assert _filters(body) == ""  # nothing to filter yet


def test_copying_the_sample_makes_the_travellers_own_plan_and_opens_it(client, user):
    client.force_login(user)
    response = client.post(reverse("plans:copy-sample"))
    plan = Plan.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == plan.get_absolute_url()
    assert plan.user == user
    assert plan.status == Plan.Status.DRAFT
    assert not plan.is_public
    assert (plan.title, plan.destination, plan.timezone, plan.currency) == (
        "Three days in Lisbon",
        "Lisbon, Portugal",
        "Europe/Lisbon",
        "EUR",
    )
    assert plan.budget == Decimal("900.00")
    titles = list(plan.activities.order_by("scheduled_date", "order_index").values_list("title"))
    assert [t for (t,) in titles] == [a.title for a in SAMPLE_TRIP.activities]
    page = client.get(response["Location"]).content.decode()
    assert "Three days in Lisbon” is your own plan now" in page
    assert "Belém Tower" in page


def test_the_sample_needs_no_demo_data_and_starts_a_month_ahead(user):
    """A fresh install has no public plans at all; the sample is built in."""
    assert not Plan.objects.exists()
    plan = services.plan_create_from_sample(user=user)
    start = dt.date.today() + dt.timedelta(days=30)
    assert abs((plan.start_date - start).days) <= 1  # the traveller's day, whatever the zone
    assert plan.end_date == plan.start_date + dt.timedelta(days=2)
    days = {a.scheduled_date for a in plan.activities.all()}
    assert days == {plan.start_date + dt.timedelta(days=n) for n in range(3)}


def test_each_copy_of_the_sample_is_separate(client, user):
    client.force_login(user)
    client.post(reverse("plans:copy-sample"))
    other = UserFactory()
    client.force_login(other)
    client.post(reverse("plans:copy-sample"))
    assert sorted(Plan.objects.values_list("user_id", flat=True)) == sorted([user.pk, other.pk])
    assert all(
        plan.activities.count() == len(SAMPLE_TRIP.activities) for plan in Plan.objects.all()
    )


def test_copying_the_sample_needs_sign_in_and_a_post(client, user):
    response = client.post(reverse("plans:copy-sample"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(user)
    assert client.get(reverse("plans:copy-sample")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not Plan.objects.exists()


def test_with_few_plans_the_filters_fold_away(client, user):
    PlanFactory.create_batch(5, user=user)
    client.force_login(user)
    body = client.get(reverse("plans:dashboard")).content.decode()
    assert _filters(body) == '<details class="filter-panel">'
    assert "<summary>Filter plans</summary>" in body


def test_with_six_plans_or_more_the_filters_are_open(client, user):
    PlanFactory.create_batch(6, user=user)
    client.force_login(user)
    body = client.get(reverse("plans:dashboard")).content.decode()
    assert _filters(body) == '<details class="filter-panel" open>'


def test_a_filter_in_use_keeps_the_filters_open_even_with_no_match(client, user):
    PlanFactory(user=user, destination="Oslo")
    client.force_login(user)
    body = client.get(reverse("plans:dashboard"), {"destination": "Rome"}).content.decode()
    assert _filters(body) == '<details class="filter-panel" open>'
    assert "No plans match these filters." in body

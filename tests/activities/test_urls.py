"""Dates in URLs: "Optimise this day" takes a real calendar date or is a 404 before any lookup."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["2030-02-30", "2030-6-1", "a%00b", "unscheduled", "20300601"])
def test_impossible_days_are_a_404_before_the_plan_is_read(client, plan, day):
    client.force_login(plan.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/plans/{plan.pk}/days/{day}/optimise/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not [q for q in queries if "plans_plan" in q["sql"]]


def test_a_real_day_reaches_the_page(client, plan):
    client.force_login(plan.user)
    response = client.get(f"/plans/{plan.pk}/days/2030-06-01/optimise/")
    assert response.status_code == HTTPStatus.OK

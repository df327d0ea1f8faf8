"""Share-link and invitation tokens in URLs: only the shape this project makes reaches a view.

Anything else (a NUL byte, a wrong length, a character base64url never uses) is a 404 that
neither the view nor the database sees.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import tokens
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

GOOD = "a" * 43
IMPOSSIBLE = [
    "a%00bcdefgh",  # the reproduction: a NUL byte
    GOOD[:42] + "%00",
    GOOD[:42],  # one short
    GOOD + "a",  # one long
    GOOD[:42] + "!",
    GOOD[:42] + "%C3%A9",  # é
]
ROUTES = [
    "/s/{}/",
    "/s/{}/calendar.ics",
    "/s/{}/duplicate/",
    "/s/{}/report/",
    "/invitations/{}/",
    "/api/v1/shared/{}/",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("token", IMPOSSIBLE)
@pytest.mark.parametrize("method", ["get", "post"])
def test_impossible_tokens_are_a_404_without_the_database(
    client, django_assert_num_queries, route, token, method
):
    """`GET /s/a%00bcdefgh/` was a 500 (psycopg.DataError)."""
    with django_assert_num_queries(0):
        response = getattr(client, method)(route.format(token))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_signed_in_visitor_with_an_impossible_token_gets_a_404_and_no_plan_lookup(client, user):
    client.force_login(user)
    for route in ROUTES:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(route.format("a%00bcdefgh"))
        assert response.status_code == HTTPStatus.NOT_FOUND, route
        assert not [q for q in queries if "plans_plan" in q["sql"]], route


def test_made_tokens_have_the_shape_urls_accept(client):
    """The converter and the generator agree: a fresh share link opens its plan."""
    for _ in range(50):
        assert tokens.is_token(tokens.token_new())
    plan = PlanFactory(share_token=tokens.token_new())
    response = client.get(reverse("plans:shared", args=[plan.share_token]))
    assert response.status_code == HTTPStatus.OK

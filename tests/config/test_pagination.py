"""The public gallery remembers large counts for a minute; small lists are always exact."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api_helpers import client_for
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

GALLERY = "/api/v1/public/plans/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _public(n: int, **fields):
    return [PlanFactory(status="published", is_public=True, **fields) for _ in range(n)]


def _get(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(GALLERY, params or {})
    assert response.status_code == HTTPStatus.OK
    counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    return response.json(), len(counts)


def test_a_large_count_is_remembered_and_the_page_stays_live(settings):
    settings.PAGINATION_COUNT_CACHE_FROM = 3
    settings.PAGINATION_COUNT_CACHE_SECONDS = 60
    _public(3)
    client = client_for(None)
    first, counted = _get(client)
    assert (first["count"], counted) == (3, 1)
    newest = _public(1)[0]
    second, counted = _get(client)
    assert (second["count"], counted) == (3, 0)  # remembered: no COUNT query
    assert second["results"][0]["id"] == newest.pk  # the rows themselves are read live
    cache.clear()
    assert _get(client)[0]["count"] == 4


def test_small_lists_and_each_filter_are_counted_exactly(settings):
    settings.PAGINATION_COUNT_CACHE_FROM = 5
    settings.PAGINATION_COUNT_CACHE_SECONDS = 60
    _public(3, destination="Lisbon")
    client = client_for(None)
    for _ in range(2):  # 3 rows, under the threshold: counted on every request
        page, counted = _get(client)
        assert (page["count"], counted) == (3, 1)
    _public(1, destination="Porto")
    assert _get(client)[0]["count"] == 4
    assert _get(client, {"destination": "porto"})[0]["count"] == 1


def test_the_website_gallery_uses_the_same_counts(client, settings):
    settings.PAGINATION_COUNT_CACHE_FROM = 2
    settings.PAGINATION_COUNT_CACHE_SECONDS = 60
    _public(2)
    assert client.get(reverse("plans:explore")).context["page_obj"].paginator.count == 2
    _public(1)
    assert client.get(reverse("plans:explore")).context["page_obj"].paginator.count == 2
    settings.PAGINATION_COUNT_CACHE_SECONDS = 0
    assert client.get(reverse("plans:explore")).context["page_obj"].paginator.count == 3


# --- every other API list: the page first, a COUNT only for a full page -----------------------

PLANS = "/api/v1/plans/"
# "My plans", filtered or not, is the queryset this paginator pages and counts.
ON_THE_QUERYSET = {"status": "draft"}


def _plans_page(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PLANS, {**ON_THE_QUERYSET, **params})
    counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    return response, len(counts)


@pytest.fixture
def owner_of_five(user):
    for _ in range(5):
        PlanFactory(user=user)
    return client_for(user)


def test_a_page_that_is_not_full_is_its_own_count(owner_of_five):
    response, counted = _plans_page(owner_of_five, {"page_size": 20})
    body = response.json()
    assert (body["count"], len(body["results"]), body["next"], counted) == (5, 5, None, 0)
    last, counted = _plans_page(owner_of_five, {"page_size": 2, "page": 3})
    body = last.json()
    assert (body["count"], len(body["results"]), body["next"], counted) == (5, 1, None, 0)
    assert body["previous"].endswith("page=2&page_size=2&status=draft")


def test_a_full_page_is_counted(owner_of_five):
    response, counted = _plans_page(owner_of_five, {"page_size": 2})
    body = response.json()
    assert (body["count"], len(body["results"]), counted) == (5, 2, 1)
    assert body["next"].endswith("page=2&page_size=2&status=draft")
    exact, counted = _plans_page(owner_of_five, {"page_size": 5})
    assert (exact.json()["count"], exact.json()["next"], counted) == (5, None, 1)


def test_an_empty_list_and_pages_past_the_end(owner_of_five, other_user):
    empty, counted = _plans_page(client_for(other_user), {})
    assert (empty.json()["count"], empty.json()["results"], counted) == (0, [], 0)
    past, counted = _plans_page(owner_of_five, {"page_size": 5, "page": 2})
    assert (past.status_code, counted) == (HTTPStatus.NOT_FOUND, 0)
    assert _plans_page(owner_of_five, {"page": "two"})[0].status_code == HTTPStatus.NOT_FOUND
    assert _plans_page(owner_of_five, {"page": 0})[0].status_code == HTTPStatus.NOT_FOUND
    beyond_any_offset, counted = _plans_page(owner_of_five, {"page": 10**19})
    assert (beyond_any_offset.status_code, counted) == (HTTPStatus.NOT_FOUND, 0)


def test_the_last_page_by_name(owner_of_five):
    response, _ = _plans_page(owner_of_five, {"page_size": 2, "page": "last"})
    body = response.json()
    assert (body["count"], len(body["results"]), body["next"]) == (5, 1, None)


@pytest.mark.parametrize("value", ["false", "0", "000", "-1", "abc", "1.5", "\u0663"])
def test_page_size_that_is_not_a_positive_whole_number_is_a_400(value):
    """A typo in `page_size` names the parameter instead of quietly using the default; a
    huge one is capped."""
    huge = client_for(None).get("/api/v1/public/plans/", {"page_size": "9" * 5000})
    assert huge.status_code == HTTPStatus.OK
    response = client_for(None).get("/api/v1/public/plans/", {"page_size": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "page_size": ["Give a whole number from 1; values above 100 are capped at 100."]
    }

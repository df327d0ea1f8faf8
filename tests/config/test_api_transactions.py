"""Reads run in autocommit (API and the website's pages); every write is one transaction,
rolled back whole on error.

These tests run outside the per-test transaction (`transaction=True`), as production does.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from activities.models import PlanActivity
from config.transactions import reads_in_autocommit
from plans.tokens import token_new
from tests.api_helpers import START, client_for, people
from tests.factories import PlanActivityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT")


def _transaction_statements(capture) -> list[str]:
    return [
        query["sql"].split()[0].upper()
        for query in capture.captured_queries
        if query["sql"].strip().upper().startswith(TRANSACTION_CONTROL)
    ]


def test_reads_open_no_transaction_and_writes_commit_one():
    cast = people()
    plan = cast["plan"]
    client = client_for(cast["owner"])
    client.get(f"/api/v1/plans/{plan.pk}/")  # token's first use: its once-a-minute touch

    with CaptureQueriesContext(connection) as read:
        response = client.get(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert _transaction_statements(read) == []

    with CaptureQueriesContext(connection) as write:
        response = client.patch(f"/api/v1/plans/{plan.pk}/", {"title": "Porto"}, format="json")
    assert response.status_code == HTTPStatus.OK
    statements = _transaction_statements(write)
    assert (statements[0], statements[-1], statements.count("BEGIN")) == ("BEGIN", "COMMIT", 1)


def test_a_rejected_write_leaves_nothing_behind():
    """A reorder naming one real and one unknown activity moves neither."""
    cast = people()
    plan = cast["plan"]
    first = PlanActivityFactory(plan=plan, scheduled_date=START, order_index=0)
    second = PlanActivityFactory(plan=plan, scheduled_date=START, order_index=1)
    response = client_for(cast["owner"]).post(
        f"/api/v1/plans/{plan.pk}/activities/reorder/",
        {"days": [{"date": START.isoformat(), "activity_ids": [second.pk, 10**12]}]},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    orders = dict(PlanActivity.objects.filter(plan=plan).values_list("pk", "order_index"))
    assert orders == {first.pk: 0, second.pk: 1}


def test_website_pages_are_read_outside_a_transaction_and_forms_write_in_one():
    cast = people()
    plan = cast["plan"]
    plan.share_token = token_new()
    plan.save(update_fields=["share_token"])
    browser = Client()
    browser.force_login(cast["owner"])
    pages = [
        reverse("plans:home"),
        reverse("plans:dashboard"),
        reverse("plans:explore"),
        plan.get_absolute_url(),
        reverse("plans:shared", args=[plan.share_token]),
    ]
    for page in pages:
        with CaptureQueriesContext(connection) as read:
            response = browser.get(page)
        assert response.status_code == HTTPStatus.OK, page
        assert _transaction_statements(read) == [], page

    with CaptureQueriesContext(connection) as write:
        response = browser.post(reverse("plans:archive", args=[plan.pk]))
    assert response.status_code == HTTPStatus.FOUND
    statements = _transaction_statements(write)
    assert (statements[0], statements[-1], statements.count("BEGIN")) == ("BEGIN", "COMMIT", 1)


@reads_in_autocommit
def _counting_or_failing_view(request):
    """Reads count the users; any other method creates one and then fails."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return HttpResponse(str(User.objects.count()))
    UserFactory()
    raise RuntimeError("after the write")


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_reads_in_autocommit_opens_no_transaction_for_a_read(rf, method):
    with CaptureQueriesContext(connection) as read:
        response = _counting_or_failing_view(getattr(rf, method)("/"))
    assert response.status_code == HTTPStatus.OK
    assert _transaction_statements(read) == []


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_reads_in_autocommit_rolls_a_failed_write_back_whole(rf, method):
    before = User.objects.count()
    with CaptureQueriesContext(connection) as write, pytest.raises(RuntimeError):
        _counting_or_failing_view(getattr(rf, method)("/"))
    assert User.objects.count() == before
    statements = _transaction_statements(write)
    assert (statements[0], statements[-1]) == ("BEGIN", "ROLLBACK")
    assert (statements.count("BEGIN"), statements.count("COMMIT")) == (1, 0)

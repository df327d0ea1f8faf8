"""The admin: today's heaviest identifiers, read-only, with a logged reset action."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from ratelimit.models import RateLimit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:ratelimit_ratelimit_changelist"


@pytest.fixture
def staff(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


def _row(identifier, count, *, day_offset=0, identifier_type="ip", scope="api"):
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    start -= dt.timedelta(days=day_offset)
    return RateLimit.objects.create(
        identifier=identifier,
        identifier_type=identifier_type,
        scope=scope,
        window_start=start,
        reset_date=start.date(),
        request_count=count,
        last_request=start,
    )


def test_changelist_lists_todays_heaviest_first_with_bounded_queries(
    client, staff, django_assert_max_num_queries
):
    _row("198.51.100.1", 5)
    _row("198.51.100.2", 900)
    _row("42", 40, identifier_type="user")
    _row("198.51.100.3", 99999, day_offset=2)
    for n in range(30):
        _row(f"203.0.113.{n}", n, scope="login")
    with django_assert_max_num_queries(8):
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == HTTPStatus.OK
    rows = list(response.context["cl"].result_list)
    assert [r.identifier for r in rows[:3]] == ["198.51.100.2", "42", "203.0.113.29"]
    assert "198.51.100.3" not in {r.identifier for r in rows}  # two days ago


def test_changelist_filters_by_type_scope_and_date_and_searches(client, staff):
    _row("198.51.100.1", 5)
    _row("42", 40, identifier_type="user")
    _row("203.0.113.7", 3, scope="login")
    _row("198.51.100.9", 7, day_offset=1)
    url = reverse(CHANGELIST)

    def identifiers(**params):
        response = client.get(url, params)
        assert response.status_code == HTTPStatus.OK
        return {r.identifier for r in response.context["cl"].result_list}

    assert identifiers(identifier_type__exact="user") == {"42"}
    assert identifiers(scope__exact="login") == {"203.0.113.7"}
    assert identifiers(day="yesterday") == {"198.51.100.9"}
    assert identifiers(day="all", q="198.51.100") == {"198.51.100.1", "198.51.100.9"}


def test_counters_cannot_be_added_edited_or_deleted(client, staff):
    row = _row("198.51.100.1", 5)
    assert client.get(reverse("admin:ratelimit_ratelimit_add")).status_code == HTTPStatus.FORBIDDEN
    delete = reverse("admin:ratelimit_ratelimit_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    change = reverse("admin:ratelimit_ratelimit_change", args=[row.pk])
    client.post(change, {"request_count": 0})
    row.refresh_from_db()
    assert row.request_count == 5


def test_reset_action_zeroes_selected_counters_and_logs_it(client, staff):
    heavy = _row("198.51.100.1", 500)
    other = _row("198.51.100.2", 7)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "reset_counters", "_selected_action": [heavy.pk]},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "Reset 1 counter." in response.content.decode()
    heavy.refresh_from_db()
    other.refresh_from_db()
    assert (heavy.request_count, other.request_count) == (0, 7)
    entry = LogEntry.objects.get()
    assert (entry.user_id, entry.action_flag, entry.object_id) == (staff.pk, CHANGE, str(heavy.pk))
    assert entry.change_message == "Reset the request count to 0."


def test_non_staff_cannot_see_the_counters(client, user):
    client.force_login(user)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == HTTPStatus.FOUND

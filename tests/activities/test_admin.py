"""The activity admin: a constant-cost list, and no deletes that would break a day's order."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.admin_helpers import change_form_data
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("count", [1, 40])
def test_activity_list_queries_do_not_grow(staff_client, count, django_assert_max_num_queries):
    """Plan and owner come with the rows: the same few queries for 1 or 40 activities."""
    for _ in range(count):
        PlanActivityFactory(plan=PlanFactory())
    with django_assert_max_num_queries(7):
        response = staff_client.get(reverse("admin:activities_planactivity_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == count


def test_staff_cannot_delete_an_activity_from_the_admin(staff_client):
    activity = PlanActivityFactory()
    url = reverse("admin:activities_planactivity_delete", args=[activity.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert type(activity).objects.filter(pk=activity.pk).exists()


@pytest.mark.parametrize(
    "text", ["[" * 100_000, '{"note": "a", "note": "b"}', '{"note": "\\u0000"}', "1e400"]
)
def test_metadata_the_api_would_refuse_is_a_form_error_not_a_500(staff_client, text):
    """Deep nesting (a RecursionError before), repeated keys, NUL, a number past a double's
    range: the change form answers "Enter a valid JSON." and the activity is unchanged."""
    activity = PlanActivityFactory(title="Before", metadata={"tip": "book ahead"})
    url = reverse("admin:activities_planactivity_change", args=[activity.pk])
    data = change_form_data(staff_client, url)
    data.update({"title": "After", "metadata": text})

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["metadata"] == ["Enter a valid JSON."]
    activity.refresh_from_db()
    assert (activity.title, activity.metadata) == ("Before", {"tip": "book ahead"})

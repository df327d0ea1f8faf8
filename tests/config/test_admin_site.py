"""config.admin: the back office is Django's admin site under Wayfarer's name."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from config.admin import WayfarerAdminSite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(moderators_group):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group)
    return moderator


def test_the_admin_site_is_wayfarers(client):
    """Every admin page names the back office in its title and header."""
    assert isinstance(admin.site, WayfarerAdminSite)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:index"))
    assert "<title>Site administration | Wayfarer back office</title>" in response.text
    assert (
        f'<div id="site-name"><a href="{reverse("admin:index")}">Wayfarer back office</a>'
        in response.text
    )


def test_a_moderator_sees_less_than_a_superuser_and_a_granted_permission_at_once(client, moderator):
    """Each page lists the models its viewer may use; a permission granted shows on the next."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert 'id="auth-group"' in client.get(reverse("admin:index")).text
    client.force_login(moderator)
    assert 'id="auth-group"' not in client.get(reverse("admin:index")).text
    moderator.user_permissions.add(Permission.objects.get(codename="view_group"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert reverse("admin:auth_group_changelist") in response.text


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("admin:plans_plan_changelist", {"q": "nul\x00"}),
        ("admin:plans_plan_changelist", {"status__exact": "\x00"}),
        ("admin:plans_plan_changelist", {"moderation_status__exact": "\x00"}),
        ("admin:plans_plan_changelist", {"title": "a\x00"}),
        ("admin:plans_plan_changelist", {"destination": "\x00"}),
        ("admin:plans_planreport_changelist", {"reason__exact": "\x00"}),
        ("admin:activities_planactivity_changelist", {"activity_type__exact": "\x00"}),
        ("admin:accounts_apitoken_changelist", {"scope__exact": "\x00"}),
    ],
)
def test_a_nul_byte_in_a_changelist_filter_is_a_bad_request(client, changelist, query):
    """Regression: a list filter's value (or a field lookup in the query string) holding a
    NUL byte reached PostgreSQL, which refused it: psycopg.DataError, a 500. Now every admin
    page answers such a query with 400, before any lookup."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(changelist), query)
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_a_nul_byte_in_the_autocomplete_term_is_a_bad_request(client):
    """Regression: the admin's autocomplete (a plan's owner) searched with the raw term."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "a\x00", "app_label": "plans", "model_name": "plan", "field_name": "user"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST

"""config.admin: the admin's app list, kept per set of permissions, is Django's own."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from config.admin import WayfarerAdminSite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    admin.site.app_lists.clear()
    yield
    admin.site.app_lists.clear()


def _request(user):
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    return request


def _djangos(user, app_label=None):
    """What Django's own AdminSite.get_app_list returns, worked out afresh."""
    return admin.AdminSite.get_app_list(admin.site, _request(user), app_label)


@pytest.fixture
def moderator(moderators_group):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group)
    return moderator


def test_the_admin_site_is_wayfarers():
    assert isinstance(admin.site._wrapped, WayfarerAdminSite)
    assert admin.site.site_header == "Wayfarer back office"


@pytest.mark.parametrize("who", ["superuser", "moderator"])
@pytest.mark.parametrize("app_label", [None, "plans"])
def test_kept_app_lists_are_djangos(who, app_label, moderator):
    user = UserFactory(is_staff=True, is_superuser=True) if who == "superuser" else moderator
    first = admin.site.get_app_list(_request(user), app_label)
    again = admin.site.get_app_list(_request(user), app_label)
    assert again is first  # kept
    assert first == _djangos(user, app_label)
    assert first


def test_a_moderator_sees_less_than_a_superuser_and_a_granted_permission_at_once(client, moderator):
    """Each permission set has its own list; granting one is a new set, shown on the next page."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert 'id="auth-group"' in client.get(reverse("admin:index")).text
    client.force_login(moderator)
    assert 'id="auth-group"' not in client.get(reverse("admin:index")).text
    moderator.user_permissions.add(Permission.objects.get(codename="view_group"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["app_list"] == _djangos(User.objects.get(pk=moderator.pk))
    assert reverse("admin:auth_group_changelist") in response.text


def test_a_moderators_list_costs_no_extra_query(client, moderator):
    """The permission set is the one the page's own checks loaded: building the list and
    taking the kept one cost the same queries."""
    client.force_login(moderator)
    url = reverse("admin:plans_plan_changelist")
    counts = []
    for forget in (True, False):
        if forget:
            admin.site.app_lists.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_settings_change_forgets_the_lists(settings):
    user = UserFactory(is_staff=True, is_superuser=True)
    first = admin.site.get_app_list(_request(user))
    settings.USE_THOUSAND_SEPARATOR = True
    assert admin.site.get_app_list(_request(user)) is not first

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

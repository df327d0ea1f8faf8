"""Fixtures shared by the whole suite."""

from __future__ import annotations

import importlib
import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import PlanFactory, UserFactory

# CI explores a fixed set of examples so a run is repeatable; locally each run explores anew.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def plan(user):
    return PlanFactory(user=user)


@pytest.fixture
def translations(settings):
    """Django's translations on (the site is English-only, with USE_I18N off), for tests that
    show a page in another language. Django picks gettext and friends on their first use and
    keeps them: forgetting them makes the next use pick again, as its Trans class documents."""
    from django.utils import translation

    settings.USE_I18N = True
    translation._trans.__dict__.clear()
    yield
    settings.USE_I18N = False
    translation._trans.__dict__.clear()


@pytest.fixture
def moderators_group(db):
    """The Moderators group as migration plans/0006 makes it.

    A transactional test (the browser journeys, among others) empties every table when it
    ends; Django's flush puts permissions and content types back but not what data migrations
    wrote, and xdist may run such a test earlier on the same worker.
    """
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("plans.migrations.0006_moderators_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in migration.PERMISSIONS
        ]
    )
    return group

"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from tests.factories import PlanFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def plan(user):
    return PlanFactory(user=user)

"""Fixtures for the itinerary tests: a five-day plan and its members by role."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from plans.documents import PLAN_DATA_SCHEMA
from plans.models import Role
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

START = dt.date(2030, 6, 1)


@pytest.fixture
def trip(user):
    """A five-day trip (1 to 5 June 2030) owned by `user`, budget 1500 EUR."""
    return PlanFactory(user=user, start_date=START, end_date=START + dt.timedelta(days=4))


@pytest.fixture
def editor(trip):
    return PlanMemberFactory(plan=trip, role=Role.EDITOR).user


@pytest.fixture
def viewer(trip):
    return PlanMemberFactory(plan=trip, role=Role.VIEWER).user


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def design_example() -> dict:
    """The schema's first example: every section filled, private notes and references included.

    The design's own, shorter example is tests/plans/fixtures/design_plan_data.json.
    """
    return copy.deepcopy(json.loads(PLAN_DATA_SCHEMA.read_text())["examples"][0])

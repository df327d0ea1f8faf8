"""Fixtures for the plans tests: a plan with one member of each role, and verified users."""

from __future__ import annotations

import copy
import json

import pytest
from allauth.account.models import EmailAddress

from plans.documents import PLAN_DATA_SCHEMA
from plans.models import Role
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory


def verify(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@pytest.fixture
def design_example() -> dict:
    """The schema's first example: every section filled, private notes and references included.

    The design's own, shorter example is tests/plans/fixtures/design_plan_data.json.
    """
    return copy.deepcopy(json.loads(PLAN_DATA_SCHEMA.read_text())["examples"][0])


@pytest.fixture
def people(db):
    """A private plan with an owner, an editor, a viewer; plus a stranger."""
    owner = UserFactory()
    plan = PlanFactory(user=owner)
    editor = PlanMemberFactory(plan=plan, role=Role.EDITOR).user
    viewer = PlanMemberFactory(plan=plan, role=Role.VIEWER).user
    return {
        "plan": plan,
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "stranger": UserFactory(),
        "anonymous": None,
    }

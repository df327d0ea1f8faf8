"""Helpers shared by the API tests: verified users with Bearer tokens, a plan with every role."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts import services as account_services
from plans.models import Role
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

START = dt.date(2030, 6, 1)


def verified(user=None):
    user = user or UserFactory()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def client_for(user=None, *, scope: str = "read_write") -> APIClient:
    """An APIClient sending `Authorization: Bearer <token>`; anonymous without a user."""
    client = APIClient()
    if user is not None:
        _token, secret = account_services.token_create(
            user=verified(user), name="Test client", scope=scope
        )
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def people():
    """A five-day plan with an owner, an editor, a viewer; plus a stranger."""
    owner = verified()
    plan = PlanFactory(
        user=owner, start_date=START, end_date=START + dt.timedelta(days=4), title="Lisbon"
    )
    editor = PlanMemberFactory(plan=plan, role=Role.EDITOR).user
    viewer = PlanMemberFactory(plan=plan, role=Role.VIEWER).user
    return {
        "plan": plan,
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "stranger": UserFactory(),
    }

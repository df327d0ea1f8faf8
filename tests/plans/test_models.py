"""Database-level rules of plans: constraints hold without forms, the trigger keeps time."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plans.models import Plan, PlanInvitation, PlanMember, invitation_token_hash
from tests.factories import PlanFactory, PlanMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {"start_date": dt.date(2030, 5, 2), "end_date": dt.date(2030, 5, 1)},
            id="end-before-start",
        ),
        pytest.param({"budget": Decimal("-0.01")}, id="negative-budget"),
        pytest.param({"status": "deleted"}, id="unknown-status"),
        pytest.param({"currency": "usd"}, id="lower-case-currency"),
        pytest.param({"currency": "EU"}, id="short-currency"),
    ],
)
def test_plan_check_constraints_reject_bad_rows(plan, changes):
    """QuerySet.update skips every form and model check; the database still says no."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(**changes)


def test_share_tokens_are_unique_but_many_plans_have_none(user):
    PlanFactory(user=user, share_token=None)
    PlanFactory(user=user, share_token=None)
    PlanFactory(user=user, share_token="same-token")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(user=user, share_token="same-token")


def test_member_is_unique_per_plan_and_role_is_checked(plan):
    member = PlanMemberFactory(plan=plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanMember.objects.create(plan=plan, user=member.user, role="viewer")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanMember.objects.filter(pk=member.pk).update(role="owner")


def _invitation(plan, email, **extra):
    return PlanInvitation.objects.create(
        plan=plan,
        email=email,
        token_hash=invitation_token_hash(email + str(extra)),
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        **extra,
    )


def test_one_waiting_invitation_per_address_regardless_of_case(plan):
    _invitation(plan, "friend@example.com")
    other = _invitation(plan, "x@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanInvitation.objects.filter(pk=other.pk).update(email="FRIEND@example.com")
    # Answered invitations do not block a new one.
    PlanInvitation.objects.filter(plan=plan).update(status="declined")
    _invitation(plan, "friend@example.com", role="editor")


@pytest.mark.parametrize(
    "changes",
    [{"role": "owner"}, {"status": "lost"}, {"status": "accepted", "accepted_at": None}],
    ids=["role", "status", "accepted-without-time"],
)
def test_invitation_check_constraints(plan, changes):
    invitation = _invitation(plan, "friend@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanInvitation.objects.filter(pk=invitation.pk).update(**changes)


def test_trigger_bumps_updated_at_on_queryset_update(plan):
    """Bulk updates bypass auto_now; the BEFORE UPDATE trigger still moves updated_at."""
    before = Plan.objects.values_list("updated_at", flat=True).get(pk=plan.pk)
    time.sleep(0.01)
    Plan.objects.filter(pk=plan.pk).update(title="Renamed in bulk")
    after = Plan.objects.values_list("updated_at", flat=True).get(pk=plan.pk)
    assert after > before


def test_trigger_sets_updated_at_even_when_a_stale_value_is_written(plan):
    """A write that carries an old timestamp cannot move updated_at backwards."""
    old = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    Plan.objects.filter(pk=plan.pk).update(updated_at=old)
    assert Plan.objects.get(pk=plan.pk).updated_at > old


def test_duration_and_days_to_go(user):
    plan = PlanFactory.build(
        user=user,
        start_date=dt.date.today() + dt.timedelta(days=3),
        end_date=dt.date.today() + dt.timedelta(days=5),
    )
    assert (plan.duration_days, plan.days_to_go, plan.is_underway) == (3, 3, False)


def test_invitation_email_is_stored_lower_case(plan):
    invitation = _invitation(plan, "Friend@Example.COM")
    assert invitation.email == "friend@example.com"

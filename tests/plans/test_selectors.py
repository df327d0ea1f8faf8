"""Reads of plans: a plan by id, the plan page's read, its sharing panel and recent changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from activities import selectors as activity_selectors
from plans import selectors
from plans.models import Plan, PlanInvitation, PlanMember
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_plan_is_read_with_its_owner_in_one_query(django_assert_num_queries):
    plan = PlanFactory()

    with django_assert_num_queries(1):
        found = selectors.plan_get_for_user(user=plan.user, pk=plan.pk)
        owner = found.user

    assert (found, owner, found.viewer_role) == (plan, plan.user, "owner")


@pytest.mark.parametrize("pk", [0, -1, 2**63, -(2**63) - 1])
def test_an_id_no_plan_can_have_is_404(pk, django_assert_max_num_queries):
    with django_assert_max_num_queries(1), pytest.raises(Http404):
        selectors.plan_get_for_user(user=UserFactory.build(), pk=pk)
    with pytest.raises(Http404):
        selectors.plan_get_for_page(user=UserFactory.build(), pk=pk)


def test_strangers_get_404_and_viewers_403_for_an_edit():
    plan = PlanFactory()
    viewer = PlanMemberFactory(plan=plan, role="viewer").user

    with pytest.raises(Http404):
        selectors.plan_get_for_user(user=UserFactory(), pk=plan.pk)
    with pytest.raises(Http404):
        selectors.plan_get_for_member(user=UserFactory(), pk=plan.pk)
    with pytest.raises(PermissionDenied):
        selectors.plan_get_for_user(user=viewer, pk=plan.pk, action="edit")
    assert selectors.plan_get_for_member(user=viewer, pk=plan.pk).viewer_role == "viewer"


def test_the_plan_page_read_carries_the_digest_and_invitation_count(
    django_assert_num_queries,
):
    """plan_get_for_page reads, with the plan, what activity_fingerprint and the sharing
    panel would each read in a query of their own; they then read nothing more for it."""
    owner = UserFactory()
    plan, empty = PlanFactory(user=owner), PlanFactory(user=owner)
    PlanActivityFactory.create_batch(3, plan=plan)
    PlanActivityFactory(plan=empty).delete()
    now = timezone.now()
    for email, expires in [("a@example.com", 3), ("b@example.com", -1)]:
        PlanInvitation.objects.create(
            plan=plan, email=email, expires_at=now + dt.timedelta(days=expires), token_hash=email
        )
    for each, pending in ((plan, 1), (empty, 0)):
        expected_digest = activity_selectors.activity_fingerprint(plan=Plan(pk=each.pk))
        with django_assert_num_queries(1):
            read = selectors.plan_get_for_page(user=owner, pk=each.pk)
            assert activity_selectors.activity_fingerprint(plan=read) == expected_digest
            assert read.user == owner
        with django_assert_num_queries(1):  # the members only
            assert selectors.plan_sharing(plan=read).pending_invitations == pending
    activity = plan.activities.first()
    before = selectors.plan_get_for_page(user=owner, pk=plan.pk).activity_digest
    activity.title = "Renamed"
    activity.save()
    assert selectors.plan_get_for_page(user=owner, pk=plan.pk).activity_digest != before
    with pytest.raises(Http404):
        selectors.plan_get_for_page(user=UserFactory(), pk=plan.pk)


def test_the_sharing_panel_and_recent_changes(django_assert_num_queries):
    owner, friend, later = UserFactory(), UserFactory(display_name="Ana"), UserFactory()
    plan = PlanFactory(user=owner)
    PlanMemberFactory(plan=plan, user=later, role="editor")
    PlanMemberFactory(plan=plan, user=friend)
    PlanMember.objects.filter(user=later).update(created_at=timezone.now() + dt.timedelta(1))
    PlanMemberFactory()  # another plan's
    now = timezone.now()
    PlanInvitation.objects.create(
        plan=PlanFactory(), email="x@example.com", expires_at=now + dt.timedelta(1), token_hash="x"
    )
    for email, status, expires in [
        ("open@example.com", "pending", now + dt.timedelta(days=3)),
        ("late@example.com", "pending", now - dt.timedelta(minutes=1)),
        ("done@example.com", "revoked", now + dt.timedelta(days=3)),
        ("open2@example.com", "pending", now + dt.timedelta(days=1)),
    ]:
        PlanInvitation.objects.create(
            plan=plan, email=email, status=status, expires_at=expires, token_hash=email
        )
    activity = PlanActivityFactory(plan=plan, title="Tram 28")
    activity.title = "Tram 28 at dawn"
    activity.save()

    with django_assert_num_queries(2):  # the plan as its page reads it, then the members
        plan = selectors.plan_get_for_page(user=owner, pk=plan.pk)
        sharing = selectors.plan_sharing(plan=plan)
        names = [member.user.public_name for member in sharing.members]
        assert all(member.plan is plan for member in sharing.members)
    with django_assert_num_queries(1):
        changes = selectors.plan_recent_changes(plan=plan, limit=2)

    assert names == ["Ana", later.public_name]
    assert sharing.pending_invitations == 2 == plan.invitations.pending().count()
    alone = selectors.plan_get_for_page(user=owner, pk=PlanFactory(user=owner).pk)
    assert selectors.plan_sharing(plan=alone) == ([], 0)
    with time_machine.travel(now + dt.timedelta(days=2)):  # the first invitation still open
        later_read = selectors.plan_get_for_page(user=owner, pk=plan.pk)
        assert selectors.plan_sharing(plan=later_read).pending_invitations == 1
    assert [c.what for c in changes] == ["changed “Tram 28 at dawn”", "added “Tram 28”"]
    assert len(selectors.plan_recent_changes(plan=plan)) == 3  # and the plan's creation
    with pytest.raises(ValueError, match="at least 1"):
        selectors.plan_recent_changes(plan=plan, limit=0)

"""Plan services: validation, version bumps, sharing, duplication and invitations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404

from plans import selectors, services
from plans.models import END_BEFORE_START, Plan, PlanInvitation, PlanMember, Role
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory
from tests.plans.conftest import verify

pytestmark = pytest.mark.django_db


def test_plan_create_takes_currency_and_preferences_from_the_profile():
    owner = UserFactory(
        preferred_currency="JPY",
        travel_preferences={
            "travel_style": "cultural",
            "budget_type": "luxury",
            "accessibility_needs": ["wheelchair"],
            "dietary_restrictions": ["vegan"],
        },
    )
    plan = services.plan_create(owner=owner, title="Kyoto")
    assert (plan.currency, plan.status, plan.version) == ("JPY", "draft", 1)
    assert plan.plan_data == {
        "preferences": {
            "travel_style": "cultural",
            "budget_type": "luxury",
            "accessibility_needs": ["wheelchair"],
        }
    }


def test_profile_values_outside_the_plan_vocabulary_are_left_out():
    owner = UserFactory(travel_preferences={"travel_style": "space", "budget_type": "budget"})
    plan = services.plan_create(owner=owner, title="Anywhere")
    assert plan.plan_data == {"preferences": {"budget_type": "budget"}}


def test_plan_create_rejects_bad_input_and_writes_nothing(user):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(
            owner=user,
            title="",
            start_date=dt.date(2030, 1, 5),
            end_date=dt.date(2030, 1, 1),
            budget=Decimal("-1"),
            plan_data={"preferences": {"group_size": 0}},
        )
    assert excinfo.value.message_dict == {
        "title": ["This field cannot be blank."],
        "end_date": [END_BEFORE_START],
        "budget": ["Budget cannot be negative."],
        "plan_data.preferences.group_size": ["must be at least 1"],
    }
    assert not Plan.objects.exists()


def test_plan_update_bumps_version_in_the_same_update(plan):
    services.plan_update(plan=plan, title="New title")
    assert plan.version == 2
    assert Plan.objects.values_list("title", "version").get(pk=plan.pk) == ("New title", 2)


def test_plan_update_with_a_stale_version_conflicts_and_writes_nothing(plan):
    services.plan_update(plan=plan, title="First")
    with pytest.raises(services.PlanVersionConflict):
        services.plan_update(plan=plan, expected_version=1, title="Second")
    assert Plan.objects.get(pk=plan.pk).title == "First"


def test_every_write_bumps_version(plan, user):
    verify(user)
    services.share_link_enable(plan=plan)
    services.plan_publish(plan=plan, user=user, public=True)
    services.plan_archive(plan=plan)
    services.plan_unarchive(plan=plan)
    assert Plan.objects.get(pk=plan.pk).version == 5


def test_only_verified_users_may_make_a_plan_public(plan, user):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_publish(plan=plan, user=user, public=True)
    assert excinfo.value.message_dict == {
        "is_public": ["Please verify your email address before sharing a plan publicly."]
    }
    services.plan_publish(plan=plan, user=user, public=False)
    assert Plan.objects.values_list("status", "is_public").get(pk=plan.pk) == ("published", False)
    verify(user)
    services.plan_publish(plan=plan, user=user, public=True)
    assert Plan.objects.public().filter(pk=plan.pk).exists()


def test_archiving_takes_a_plan_out_of_the_gallery(plan, user):
    verify(user)
    services.plan_publish(plan=plan, user=user, public=True)
    services.plan_archive(plan=plan)
    assert not Plan.objects.public().exists()


def test_share_link_rotate_and_revoke_kill_the_old_link_at_once(plan):
    services.share_link_enable(plan=plan)
    first = plan.share_token
    assert len(first) >= 43
    assert selectors.plan_get_by_share_token(token=first) == plan
    services.share_link_enable(plan=plan)
    assert plan.share_token == first  # Enabling again keeps the link.
    services.share_link_rotate(plan=plan)
    assert plan.share_token != first
    with pytest.raises(Http404):
        selectors.plan_get_by_share_token(token=first)
    second = plan.share_token
    services.share_link_revoke(plan=plan)
    with pytest.raises(Http404):
        selectors.plan_get_by_share_token(token=second)
    assert Plan.objects.get(pk=plan.pk).share_token is None


def test_duplicate_copies_activities_into_a_private_draft(plan, other_user, design_example):
    Plan.objects.filter(pk=plan.pk).update(
        plan_data=design_example, start_date=dt.date(2025, 6, 1), end_date=dt.date(2025, 6, 5)
    )
    plan.refresh_from_db()
    PlanActivityFactory(plan=plan, title="Louvre", is_completed=True, metadata={"tags": ["art"]})
    PlanActivityFactory(plan=plan, title="Seine cruise")
    copy = services.plan_duplicate(plan=plan, user=other_user)
    assert (copy.user, copy.status, copy.is_public, copy.share_token) == (
        other_user,
        "draft",
        False,
        None,
    )
    assert copy.title == f"Copy of {plan.title}"
    assert sorted(copy.activities.values_list("title", "is_completed")) == [
        ("Louvre", False),
        ("Seine cruise", False),
    ]
    assert copy.activities.get(title="Louvre").metadata == {"tags": ["art"]}
    # A stranger's copy carries no private notes or booking references.
    assert [n["text"] for n in copy.plan_data["notes"]] == [
        "Book the Louvre tickets online to skip the queue."
    ]
    assert "booking_reference" not in copy.plan_data["external_bookings"]["hotels"][0]
    assert plan.activities.count() == 2


def test_member_duplicate_keeps_the_whole_document(design_example):
    plan = PlanFactory(
        plan_data=design_example,
        start_date=dt.date(2025, 6, 1),
        end_date=dt.date(2025, 6, 5),
    )
    member = PlanMemberFactory(plan=plan, role=Role.EDITOR).user
    copy = services.plan_duplicate(plan=plan, user=member)
    assert copy.plan_data == design_example


def test_invitation_create_stores_only_a_hash_and_mails_the_link(
    plan, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_URL = "https://wayfarer.test"
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            plan=plan, email="Friend@Example.com", role=Role.EDITOR, invited_by=plan.user
        )
    assert invitation.email == "friend@example.com"
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["friend@example.com"]
    assert f"https://wayfarer.test/invitations/{token}/" in mail.outbox[0].body


def test_no_email_is_sent_when_the_transaction_rolls_back(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            plan=plan, email="a@example.com", role=Role.VIEWER, invited_by=plan.user
        )
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_inviting_again_replaces_the_waiting_invitation(plan):
    first, _ = services.invitation_create(
        plan=plan, email="a@example.com", role=Role.VIEWER, invited_by=plan.user
    )
    second, _ = services.invitation_create(
        plan=plan, email="A@example.com", role=Role.EDITOR, invited_by=plan.user
    )
    first.refresh_from_db()
    assert first.status == "revoked"
    assert list(PlanInvitation.objects.pending()) == [second]
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=first, user=UserFactory())


def test_members_and_the_owner_cannot_be_invited(plan):
    member = PlanMemberFactory(plan=plan).user
    for email in (plan.user.email, member.email.upper()):
        with pytest.raises(ValidationError):
            services.invitation_create(
                plan=plan, email=email, role=Role.VIEWER, invited_by=plan.user
            )


def test_accepting_an_invitation_adds_the_member_once(plan, other_user):
    invitation, _ = services.invitation_create(
        plan=plan, email=other_user.email, role=Role.EDITOR, invited_by=plan.user
    )
    member = services.invitation_accept(invitation=invitation, user=other_user)
    assert (member.user, member.role, member.invited_by) == (other_user, "editor", plan.user)
    with pytest.raises(ValidationError, match="already Accepted"):
        services.invitation_accept(invitation=invitation, user=other_user)
    assert PlanMember.objects.filter(plan=plan).count() == 1


def test_expired_declined_and_revoked_invitations_cannot_be_accepted(plan, other_user):
    expired, _ = services.invitation_create(
        plan=plan, email="late@example.com", role=Role.VIEWER, invited_by=plan.user
    )
    PlanInvitation.objects.filter(pk=expired.pk).update(
        expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    expired.refresh_from_db()
    declined, _ = services.invitation_create(
        plan=plan, email="no@example.com", role=Role.VIEWER, invited_by=plan.user
    )
    services.invitation_decline(invitation=declined)
    revoked, _ = services.invitation_create(
        plan=plan, email="gone@example.com", role=Role.VIEWER, invited_by=plan.user
    )
    services.invitation_revoke(invitation=revoked)
    for invitation in (expired, declined, revoked):
        with pytest.raises(ValidationError):
            services.invitation_accept(invitation=invitation, user=other_user)
    assert not PlanMember.objects.exists()


def test_invitations_for_verified_addresses_are_accepted_on_sign_in(plan):
    newcomer = UserFactory(email="newcomer@example.com")
    services.invitation_create(
        plan=plan, email="newcomer@example.com", role=Role.VIEWER, invited_by=plan.user
    )
    assert services.invitations_accept_for_user(user=newcomer) == []  # Not verified yet.
    verify(newcomer)
    [member] = services.invitations_accept_for_user(user=newcomer)
    assert (member.plan, member.role) == (plan, "viewer")

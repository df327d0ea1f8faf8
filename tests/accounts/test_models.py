"""User model: verification state, email normalisation, profile validation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import User
from tests.accounts.conftest import verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_is_verified_follows_the_primary_address(user):
    assert User.objects.get(pk=user.pk).is_verified is False
    verify(user, verified=False)
    assert User.objects.get(pk=user.pk).is_verified is False
    verify(user)
    assert User.objects.get(pk=user.pk).is_verified is True


def test_with_verified_annotates_without_extra_queries(django_assert_num_queries):
    verified = UserFactory()
    verify(verified)
    UserFactory()
    with django_assert_num_queries(1):
        states = {u.pk: u.is_verified for u in User.objects.with_verified()}
    assert states[verified.pk] is True
    assert list(states.values()).count(True) == 1


def test_email_is_normalised_to_lower_case():
    assert UserFactory(email="Ada@Example.COM").email == "ada@example.com"


def test_profile_update_rejects_unknown_fields(user):
    with pytest.raises(ValidationError) as exc:
        services.user_update_profile(user=user, is_staff=True)
    assert exc.value.message_dict == {"is_staff": ["is not a profile field"]}


def test_full_clean_checks_travel_preferences(user):
    user.travel_preferences = {"budget_type": "free"}
    with pytest.raises(ValidationError) as exc:
        user.full_clean()
    assert exc.value.message_dict["travel_preferences"] == [
        "travel_preferences.budget_type: must be one of: budget, moderate, luxury"
    ]

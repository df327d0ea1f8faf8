"""Account settings pages: who may see them, the profile form, tokens page, export, deletion."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, User, UserSession
from activities.models import PlanActivity
from plans.models import Plan, PlanMember
from tests.accounts.conftest import verify
from tests.factories import (
    DEFAULT_PASSWORD,
    PlanActivityFactory,
    PlanFactory,
    PlanMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "/account/",
    "/account/profile/",
    "/account/tokens/",
    "/account/sessions/",
    "/account/export/",
    "/account/delete/",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/account/export/"])
def test_signed_in_user_sees_each_page_with_few_queries(
    client, verified_user, path, django_assert_max_num_queries
):
    client.force_login(verified_user)
    for number in range(3):
        services.token_create(user=verified_user, name=f"Token {number}")
    with django_assert_max_num_queries(10):
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert 'class="site-header"' in response.content.decode()


def test_profile_form_saves_profile_and_preferences(client, user):
    client.force_login(user)
    response = client.post(
        "/account/profile/",
        {
            "display_name": "Ada",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "home_city": "London",
            "timezone": "Europe/London",
            "locale": "en-GB",
            "preferred_currency": "gbp",
            "travel_style": "cultural",
            "budget_type": "moderate",
            "dietary_restrictions": ["vegetarian", "nut_allergy"],
            "accessibility_needs": ["stroller_friendly"],
            "preferred_activity_times": ["morning", "evening"],
            "avoid_crowds": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert (
        user.display_name,
        user.home_city,
        user.timezone,
        user.locale,
        user.preferred_currency,
    ) == ("Ada", "London", "Europe/London", "en-GB", "GBP")
    assert user.travel_preferences == {
        "travel_style": "cultural",
        "budget_type": "moderate",
        "dietary_restrictions": ["vegetarian", "nut_allergy"],
        "accessibility_needs": ["stroller_friendly"],
        "preferred_activity_times": ["morning", "evening"],
        "avoid_crowds": True,
    }


def test_profile_form_shows_inline_errors_and_saves_nothing(client, user):
    client.force_login(user)
    response = client.post(
        "/account/profile/",
        {
            "home_city": "Paris",
            "timezone": "Nowhere/Land",
            "locale": "xx-YY",
            "preferred_currency": "euro",
            "dietary_restrictions": ["carnivore"],
        },
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert set(errors) == {"timezone", "locale", "preferred_currency", "dietary_restrictions"}
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.home_city == ""


def test_profile_form_shows_current_values(client, user):
    user.travel_preferences = {"dietary_restrictions": ["halal"], "avoid_crowds": True}
    user.save()
    client.force_login(user)
    form = client.get("/account/profile/").context["form"]
    assert form.initial["dietary_restrictions"] == ["halal"]
    assert form.initial["avoid_crowds"] is True


def test_create_token_shows_the_secret_once(client, verified_user):
    client.force_login(verified_user)
    response = client.post(
        "/account/tokens/", {"name": "Calendar", "scope": "read", "expires_in": "30"}
    )
    assert response.status_code == HTTPStatus.OK
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert token.token_hash == services.token_hash(secret)
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    expected_expiry = timezone.now() + dt.timedelta(days=30)
    assert abs((token.expires_at - expected_expiry).total_seconds()) < 60

    listing = client.get("/account/tokens/").content.decode()
    assert secret not in listing
    assert token.prefix in listing


def test_unverified_user_cannot_create_a_token(client, user):
    client.force_login(user)
    response = client.post(
        "/account/tokens/", {"name": "Calendar", "scope": "read", "expires_in": "30"}
    )
    assert response.status_code == HTTPStatus.OK
    assert not ApiToken.objects.exists()
    assert "verify your email address" in response.content.decode()


def test_revoke_token_from_the_page(client, verified_user):
    token, _ = services.token_create(user=verified_user, name="Old")
    client.force_login(verified_user)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == HTTPStatus.FOUND
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cannot_revoke_someone_elses_token(client, verified_user, other_user):
    token, _ = services.token_create(user=verified_user, name="Mine")
    client.force_login(other_user)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == HTTPStatus.NOT_FOUND
    token.refresh_from_db()
    assert token.revoked_at is None


def test_export_contains_profile_plans_activities_and_members(
    client, django_assert_max_num_queries
):
    owner = UserFactory(
        email="ada@example.com", display_name="Ada", home_city="London", preferred_currency="GBP"
    )
    owner.travel_preferences = {"avoid_crowds": True}
    owner.save()
    verify(owner)
    friend = UserFactory(display_name="Grace")
    plan = PlanFactory(
        user=owner,
        title="Lisbon",
        description="Spring",
        destination="Lisbon",
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2027, 4, 3),
        budget=Decimal("900.00"),
        currency="EUR",
    )
    activity = PlanActivityFactory(
        plan=plan,
        title="Tram 28",
        activity_type="attraction",
        scheduled_date=dt.date(2027, 4, 1),
        order_index=0,
        estimated_cost=Decimal("3.00"),
    )
    member = PlanMemberFactory(plan=plan, user=friend, role="editor")
    PlanFactory(user=friend, title="Not mine")
    token, _ = services.token_create(user=owner, name="Sync")
    client.force_login(owner)

    with django_assert_max_num_queries(12):
        response = client.get("/account/export/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="wayfarer-export-')
    data = json.loads(response.content)
    owner.refresh_from_db()
    plan.refresh_from_db()
    activity.refresh_from_db()
    assert data == {
        "format": "wayfarer-export",
        "version": 1,
        "exported_at": data["exported_at"],
        "profile": {
            "username": owner.username,
            "email": "ada@example.com",
            "first_name": "",
            "last_name": "",
            "display_name": "Ada",
            "timezone": "UTC",
            "locale": "en",
            "preferred_currency": "GBP",
            "home_city": "London",
            "travel_preferences": {"avoid_crowds": True},
            "date_joined": owner.date_joined.isoformat(),
            "last_login": owner.last_login.isoformat(),
        },
        "email_addresses": [{"email": "ada@example.com", "verified": True, "primary": True}],
        "connected_accounts": [],
        "api_tokens": [
            {
                "name": "Sync",
                "prefix": token.prefix,
                "scope": "read",
                "created_at": token.created_at.isoformat(),
                "expires_at": None,
                "last_used_at": None,
                "revoked_at": None,
            }
        ],
        "plans": [
            {
                "id": plan.pk,
                "title": "Lisbon",
                "description": "Spring",
                "destination": "Lisbon",
                "start_date": "2027-04-01",
                "end_date": "2027-04-03",
                "budget": "900.00",
                "currency": "EUR",
                "status": "draft",
                "is_public": False,
                "plan_data": {},
                "created_at": plan.created_at.isoformat(),
                "updated_at": plan.updated_at.isoformat(),
                "activities": [
                    {
                        "id": activity.pk,
                        "title": "Tram 28",
                        "description": "",
                        "activity_type": "attraction",
                        "location_name": "",
                        "address": "",
                        "latitude": None,
                        "longitude": None,
                        "scheduled_date": "2027-04-01",
                        "start_time": None,
                        "end_time": None,
                        "duration_minutes": None,
                        "estimated_cost": "3.00",
                        "actual_cost": None,
                        "order_index": 0,
                        "is_completed": False,
                        "metadata": {},
                        "created_at": activity.created_at.isoformat(),
                        "updated_at": activity.updated_at.isoformat(),
                    }
                ],
                "members": [
                    {
                        "name": "Grace",
                        "role": "editor",
                        "joined_at": member.created_at.isoformat(),
                    }
                ],
            }
        ],
    }
    assert "token_hash" not in response.content.decode()


def test_delete_account_requires_the_password(client, user):
    client.force_login(user)
    response = client.post("/account/delete/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["password"] == [
        "That password is not right. Please try again."
    ]
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_cascades_exactly_what_it_owns(client, user, other_user):
    """Own plans, activities, members, tokens, sessions and identities go; others' plans stay."""
    verify(user)
    own_plan = PlanFactory(user=user)
    PlanActivityFactory(plan=own_plan)
    PlanMemberFactory(plan=own_plan, user=other_user)
    theirs = PlanFactory(user=other_user)
    their_activity = PlanActivityFactory(plan=theirs)
    PlanMemberFactory(plan=theirs, user=user, role="editor")
    invited = PlanMemberFactory(
        plan=PlanFactory(user=other_user), user=UserFactory(), role="viewer"
    )
    invited.invited_by = user
    invited.save()
    services.token_create(user=user, name="Sync")
    SocialAccount.objects.create(user=user, provider="google", uid="123")
    other_client = type(client)()
    other_client.force_login(user)
    other_key = other_client.session.session_key
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    response = client.post("/account/delete/", {"password": DEFAULT_PASSWORD, "confirm": "on"})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Plan.objects.filter(pk=own_plan.pk).exists()
    assert not PlanActivity.objects.filter(plan_id=own_plan.pk).exists()
    assert not PlanMember.objects.filter(plan_id=own_plan.pk).exists()
    assert Plan.objects.filter(pk=theirs.pk).exists()
    assert PlanActivity.objects.filter(pk=their_activity.pk).exists()
    assert not PlanMember.objects.filter(user_id=user.pk).exists()
    invited.refresh_from_db()
    assert invited.invited_by is None
    assert not ApiToken.objects.exists()
    assert not SocialAccount.objects.exists()
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert not Session.objects.filter(pk=other_key).exists()
    assert other_client.get("/account/").status_code == HTTPStatus.FOUND
    assert User.objects.filter(pk=other_user.pk).exists()
    # No copy of the deleted plan survives in its history; the other plan's history stays.
    assert not Plan.history.filter(id=own_plan.pk).exists()
    assert not PlanActivity.history.filter(plan_id=own_plan.pk).exists()
    assert Plan.history.filter(id=theirs.pk).exists()


def test_social_only_user_must_sign_in_again_before_deleting(client, user, settings):
    """Without a password, a fresh sign-in (within the reauthentication window) is required."""
    user.set_unusable_password()
    user.save()
    SocialAccount.objects.create(user=user, provider="google", uid="123")
    client.force_login(user)  # no allauth authentication record: not a recent sign-in

    response = client.post("/account/delete/", {"confirm": "on"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["needs_reauth"] is True
    assert User.objects.filter(pk=user.pk).exists()


def test_social_only_user_who_just_signed_in_can_delete(client, oauth_login):
    oauth_login(
        "google",
        {"id": "555", "email": "ada@example.com", "verified_email": True, "given_name": "Ada"},
    )
    user = User.objects.get()
    assert not user.has_usable_password()

    response = client.post("/account/delete/", {"confirm": "on"})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.exists()


def test_delete_page_offers_reauthentication_with_configured_providers(
    client, user, social_providers
):
    user.set_unusable_password()
    user.save()
    SocialAccount.objects.create(user=user, provider="google", uid="123")
    client.force_login(user)
    content = client.get("/account/delete/").content.decode()
    assert "Sign in again with Google" in content
    assert "Facebook" not in content


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/account/", "Overview"),
        ("/account/profile/", "Profile and preferences"),
        ("/accounts/email/", "Email"),
        ("/accounts/password/change/", "Password"),
        ("/account/tokens/", "API tokens"),
        ("/account/sessions/", "Sessions"),
        ("/account/delete/", "Delete account"),
    ],
)
def test_the_account_menu_marks_the_current_section_and_only_it(client, verified_user, path, label):
    client.force_login(verified_user)
    body = client.get(path).content.decode()
    nav = body[body.index('aria-label="Account settings"') :]
    nav = nav[: nav.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    assert f'<a href="{path}" aria-current="page">{label}</a>' in nav
    assert 'class="is-current"' in body  # the header's account menu says "you are here" too

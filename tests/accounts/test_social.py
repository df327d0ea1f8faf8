"""Google and Facebook sign-in through allauth's real views, with the providers mocked."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def google_profile(email: str, *, verified: bool = True, uid: str = "108123456789") -> dict:
    return {
        "id": uid,
        "email": email,
        "verified_email": verified,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "name": "Ada Lovelace",
    }


def facebook_profile(email: str, uid: str = "10220000000001") -> dict:
    return {
        "id": uid,
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "name": "Ada Lovelace",
    }


def signed_in_user_id(client):
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_google_creates_a_new_verified_user(client, oauth_login):
    """A new Google user gets an account, a verified address and the identity keyed by uid."""
    response = oauth_login("google", google_profile("ada@example.com"))

    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="ada@example.com")
    assert signed_in_user_id(client) == user.pk
    assert list(SocialAccount.objects.values_list("user", "provider", "uid")) == [
        (user.pk, "google", "108123456789")
    ]
    assert user.is_verified
    assert not user.has_usable_password()


def test_google_verified_email_links_to_existing_verified_account(client, oauth_login):
    """Google asserts the address and ours is verified: sign in to that account and connect."""
    existing = UserFactory(email="ada@example.com")
    verify(existing)

    oauth_login("google", google_profile("Ada@Example.com"))

    assert User.objects.count() == 1
    assert signed_in_user_id(client) == existing.pk
    assert SocialAccount.objects.get(provider="google").user == existing
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_google_does_not_link_to_an_unverified_local_address(client, oauth_login):
    """Someone who signed up with the address but never verified it gets no takeover route,
    and is not locked out either: nobody is signed in, nothing is connected."""
    existing = UserFactory(email="ada@example.com")
    verify(existing, verified=False)

    response = oauth_login("google", google_profile("ada@example.com"))

    assert response.status_code == HTTPStatus.FOUND
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_google_unverified_claim_does_not_link(client, oauth_login):
    """When Google does not assert the address is verified, it is not trusted."""
    existing = UserFactory(email="ada@example.com")
    verify(existing)

    oauth_login("google", google_profile("ada@example.com", verified=False))

    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1


def test_facebook_never_signs_in_to_an_existing_account_by_email(client, oauth_login):
    """Facebook's emails count as unverified, even when ours is verified."""
    existing = UserFactory(email="ada@example.com")
    verify(existing)

    response = oauth_login("facebook", facebook_profile("ada@example.com"))

    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert signed_in_user_id(client) is None
    # Finishing sign-up with the same address is refused: sign in and connect instead.
    response = client.post(
        "/accounts/3rdparty/signup/", {"email": "ada@example.com", "timezone": "UTC"}
    )
    assert response.status_code == HTTPStatus.OK
    assert b"errorlist" in response.content
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1


def test_facebook_creates_a_new_user_with_an_unverified_address(client, oauth_login):
    """A new Facebook user gets an account, but must still verify the address."""
    oauth_login("facebook", facebook_profile("grace@example.com"))

    user = User.objects.get(email="grace@example.com")
    assert signed_in_user_id(client) == user.pk
    assert SocialAccount.objects.get().uid == "10220000000001"
    assert not user.is_verified
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "grace@example.com" in mail.outbox[0].to


def test_identity_is_keyed_by_provider_uid_not_email(client, oauth_login):
    """A connected Google identity signs in to its account even after the Google email changes."""
    oauth_login("google", google_profile("ada@example.com"))
    user = User.objects.get()
    client.post("/accounts/logout/")

    oauth_login("google", google_profile("ada.new@example.com"))

    assert signed_in_user_id(client) == user.pk
    assert User.objects.count() == 1


def test_provider_buttons_only_for_configured_providers(client, settings):
    """Without credentials in the environment no provider button is shown."""
    response = client.get("/accounts/login/")
    assert b"Continue with Google" not in response.content
    assert b"Continue with Facebook" not in response.content


def test_provider_buttons_shown_when_configured(client, social_providers):
    response = client.get("/accounts/login/")
    assert b"Continue with Google" in response.content
    assert b"Continue with Facebook" in response.content


def test_disconnect_refuses_to_leave_an_account_without_a_way_in(client, oauth_login):
    """A social-only account cannot remove its only sign-in method."""
    oauth_login("google", google_profile("ada@example.com"))
    account = SocialAccount.objects.get()

    response = client.post("/accounts/3rdparty/", {"account": account.pk})

    assert response.status_code == HTTPStatus.OK
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert "Your account has no password set up." in response.content.decode()


def test_disconnect_allowed_when_a_password_exists(client, oauth_login):
    oauth_login("google", google_profile("ada@example.com"))
    user = User.objects.get()
    user.set_password("a-long-enough-passphrase")
    user.save()
    client.force_login(user)
    account = SocialAccount.objects.get()

    response = client.post("/accounts/3rdparty/", {"account": account.pk})

    assert response.status_code == HTTPStatus.FOUND
    assert not SocialAccount.objects.exists()

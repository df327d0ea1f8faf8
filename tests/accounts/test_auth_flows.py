"""Email sign-up, verification, login, logout and password reset through allauth's pages."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-travel-passphrase"


def test_signup_verify_then_login(client):
    """Sign-up sends a verification email; its link verifies; the user can then sign in."""
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Traveller@Example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "Europe/Lisbon",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get()
    assert user.email == "traveller@example.com"
    assert user.timezone == "Europe/Lisbon"
    assert not user.is_verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["traveller@example.com"]

    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None
    assert client.get(link.group(1)).status_code == HTTPStatus.OK
    assert client.post(link.group(1)).status_code == HTTPStatus.FOUND
    assert User.objects.get().is_verified

    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/", {"login": "traveller@example.com", "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert int(client.session[SESSION_KEY]) == user.pk


def test_logout_is_post_only_and_ends_the_session_on_the_server(client):
    """GET shows a confirmation; POST deletes the session row, so the old cookie is useless."""
    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    old_key = client.session.session_key
    assert Session.objects.filter(pk=old_key).exists()

    assert client.get("/accounts/logout/").status_code == HTTPStatus.OK
    assert Session.objects.filter(pk=old_key).exists()

    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=old_key).exists()
    client.cookies["sessionid"] = old_key
    assert client.get("/account/").status_code == HTTPStatus.FOUND


def test_login_issues_a_new_session_id(client):
    """Session fixation: the anonymous session's id is replaced at login."""
    client.get("/accounts/login/")
    client.session.save()
    session = client.session
    session["visited"] = True
    session.save()
    anonymous_key = session.session_key
    user = UserFactory()

    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(pk=anonymous_key).exists()


def test_duplicate_email_in_other_case_is_rejected_by_the_form(client):
    """Signing up again with the same address in other case does not create a second user."""
    UserFactory(email="ada@example.com")
    client.post(
        "/accounts/signup/",
        {
            "email": "ADA@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "UTC",
        },
    )
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


def test_duplicate_email_in_other_case_is_rejected_by_the_database():
    """The unique index on lower(email) holds even when code skips the form."""
    UserFactory(email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="other", email="ADA@EXAMPLE.COM")])


def test_wrong_password_message_does_not_say_whether_the_email_exists(client):
    user = UserFactory()
    known = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    unknown = client.post(
        "/accounts/login/", {"login": "nobody@example.com", "password": "wrong-password"}
    )
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert known.context["form"].errors == unknown.context["form"].errors


def test_password_reset_response_is_identical_for_known_and_unknown_emails(client):
    """Same redirect and page either way; only the real owner gets a reset link."""
    user = UserFactory(email="ada@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    known = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    known_page = client.get(known["Location"]).content
    assert known_page == client.get(unknown["Location"]).content
    assert [m.to for m in mail.outbox] == [["ada@example.com"], ["nobody@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_sets_a_new_password(client):
    user = UserFactory(email="ada@example.com")
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    path = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    response = client.get(path.group(1))
    assert response.status_code == HTTPStatus.FOUND
    response = client.post(
        response["Location"],
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase")


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_allauth_pages_use_the_site_layout(client, path):
    """Entrance pages extend base.html and render fields with labels and site classes."""
    response = client.get(path)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "base.html" in [t.name for t in response.templates]
    assert 'class="site-header"' in content
    assert '<label for="id_email"' in content or '<label for="id_login"' in content
    assert 'class="button"' in content


def test_allauth_form_errors_are_shown_inline(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'aria-invalid="true"' in content
    assert 'class="errorlist' in content


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/password/change/", "/accounts/3rdparty/"]
)
def test_manage_pages_use_the_site_layout_with_the_settings_menu(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'class="site-header"' in content
    assert 'aria-label="Account settings"' in content

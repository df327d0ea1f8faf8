"""Every email the site sends names the product and links to the configured public URL.

Requests here come in on `testserver`; PUBLIC_URL is somewhere else, so a link built on the
request's host (allauth's default) or a greeting from it ("Hello from testserver!") shows.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from accounts.models import User
from plans import services as plan_services
from plans.models import Role
from tests.accounts.conftest import verify
from tests.accounts.test_social import google_profile
from tests.factories import DEFAULT_PASSWORD, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://trips.example.org"
PASSWORD = "a-long-travel-passphrase"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", message.body)


def assert_from_wayfarer(message) -> list[str]:
    """The email names the product, says nothing of the request's host, and every link in it
    is on the public URL; returns the links."""
    text = message.subject + "\n" + message.body
    assert "Wayfarer" in message.subject, message.subject
    assert "testserver" not in text, text
    assert "trips.example.org" in message.body, message.body
    links = links_in(message)
    assert all(link.startswith(PUBLIC_URL + "/") for link in links), links
    return links


def assert_allauth_email_from_wayfarer(message) -> list[str]:
    assert message.subject.startswith("[Wayfarer] "), message.subject
    assert message.body.startswith("Hello from Wayfarer!"), message.body
    assert "Thank you for using Wayfarer!\ntrips.example.org" in message.body, message.body
    return assert_from_wayfarer(message)


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_sign_up_verification_email(client):
    """The issue's reproduction: it said "Hello from 127.0.0.1:8000!" and linked there."""
    client.post(
        "/accounts/signup/",
        {
            "email": "nina.81f2c3@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "UTC",
        },
    )
    (message,) = mail.outbox
    (link,) = assert_allauth_email_from_wayfarer(message)
    assert path_of(link).startswith("/accounts/confirm-email/")
    # It names the traveller by their public name, not the username made from the address.
    assert "nina.81f2c3" not in message.body.replace("nina.81f2c3@example.com", "")
    assert User.objects.get().public_name in message.body
    client.post(path_of(link))
    assert User.objects.get().is_verified


def test_verification_email_for_an_added_address(client):
    user = UserFactory(email="ada@example.com")
    verify(user)
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "ada@work.example"})
    assert response.status_code == HTTPStatus.FOUND
    (message,) = mail.outbox
    assert message.to == ["ada@work.example"]
    (link,) = assert_allauth_email_from_wayfarer(message)
    assert path_of(link).startswith("/accounts/confirm-email/")


def test_password_reset_email_and_the_notice_after_the_reset(client):
    user = UserFactory(email="ada@example.com")
    verify(user)
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    (reset,) = mail.outbox
    (link,) = assert_allauth_email_from_wayfarer(reset)
    assert path_of(link).startswith("/accounts/password/reset/key/")

    form_page = client.get(path_of(link))
    assert form_page.status_code == HTTPStatus.FOUND
    client.post(
        form_page["Location"],
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    notice = mail.outbox[1]
    assert notice.to == ["ada@example.com"]
    assert_allauth_email_from_wayfarer(notice)


def test_password_reset_for_an_unknown_address_links_to_sign_up(client):
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    (message,) = mail.outbox
    links = assert_allauth_email_from_wayfarer(message)
    assert f"{PUBLIC_URL}/accounts/signup/" in links


def test_password_changed_notice(client):
    user = UserFactory(email="ada@example.com")
    verify(user)
    client.force_login(user)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert_allauth_email_from_wayfarer(message)


def test_social_account_disconnected_notice(client, oauth_login):
    oauth_login("google", google_profile("ada@example.com"))
    user = User.objects.get()
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    mail.outbox.clear()
    client.post("/accounts/3rdparty/", {"account": SocialAccount.objects.get().pk})
    (message,) = mail.outbox
    assert_allauth_email_from_wayfarer(message)


def test_invitation_email(client, django_capture_on_commit_callbacks):
    """Sent by plans.services: "<public name> invited you", with the link on the public URL."""
    owner = UserFactory(email="nina.81f2c3@example.com", username="nina.81f2c3", display_name="")
    plan = PlanFactory(user=owner, title="Lisbon")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("plans:members", args=[plan.pk]),
            {"email": "friend@example.com", "role": Role.EDITOR},
        )
    (message,) = mail.outbox
    links = assert_from_wayfarer(message)
    assert message.subject == f"{owner.neutral_name} invited you to “Lisbon” on Wayfarer"
    assert "nina.81f2c3" not in message.subject + message.body
    (link,) = (link for link in links if "/invitations/" in link)
    client.logout()
    assert client.get(path_of(link)).status_code == HTTPStatus.OK


def test_invitation_email_sent_outside_a_request(django_capture_on_commit_callbacks):
    """A service call with no request at all (a shell, a job) still links to the public URL."""
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = plan_services.invitation_create(
            plan=plan, email="friend@example.com", role=Role.VIEWER, invited_by=plan.user
        )
    (message,) = mail.outbox
    assert f"{PUBLIC_URL}/invitations/{token}/" in assert_from_wayfarer(message)

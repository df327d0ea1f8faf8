"""Sign-up asks for the traveller's home time zone; the profile offers the browser's zone."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_social import facebook_profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-travel-passphrase"
SIGNUP = "/accounts/signup/"


def sign_up(client, **extra):
    data = {"email": "kenji@example.com", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(SIGNUP, {**data, **extra})


def zone_select(content: str) -> str:
    match = re.search(r'<select name="timezone"[^>]*>', content)
    assert match, "no time zone select"
    return match.group(0)


def selected_zones(content: str) -> list[str]:
    select = re.search(r'<select name="timezone".*?</select>', content, re.DOTALL)
    assert select, "no time zone select"
    return re.findall(r'<option value="([^"]+)" selected>', select.group(0))


def test_sign_up_page_asks_for_the_home_zone_with_utc_chosen_and_the_prefill_script(client):
    """Without JavaScript UTC is chosen, so a plain submit works; the script may change it."""
    response = client.get(SIGNUP)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<label for="id_timezone">Your home time zone:</label>' in content
    assert "counts the days until a trip" in content
    select = zone_select(content)
    assert 'data-browser-timezone="prefill"' in select
    assert selected_zones(content) == ["UTC"]
    assert '<option value="Pacific/Auckland">Pacific/Auckland</option>' in content
    assert '<option value="America/Argentina/Buenos_Aires">' in content
    assert "/static/js/timezone.js" in content


def test_sign_up_saves_the_chosen_home_zone_on_the_profile(client):
    response = sign_up(client, timezone="Asia/Tokyo")
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get().timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone we know"),
        ("", "Choose the time zone you live in"),
    ],
)
def test_an_unknown_or_missing_zone_shows_the_form_again_and_creates_nobody(client, value, message):
    """A form error at the field, what was typed kept, no account, no prefill over the choice."""
    response = sign_up(client, timezone=value)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert message in content
    assert 'aria-invalid="true"' in content
    assert 'value="kenji@example.com"' in content
    assert "data-browser-timezone" not in zone_select(content)
    assert not User.objects.exists()


def test_a_sign_up_shown_again_keeps_the_zone_the_traveller_chose(client):
    response = sign_up(client, timezone="Pacific/Auckland", password2="something-else-entirely")
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert selected_zones(content) == ["Pacific/Auckland"]
    assert "data-browser-timezone" not in zone_select(content)


def test_social_sign_up_form_asks_for_the_home_zone_too(client, oauth_login):
    """Facebook's unverified address sends a new traveller to allauth's last sign-up step."""
    UserFactory(email="ada@example.com")
    assert oauth_login("facebook", facebook_profile("ada@example.com"))["Location"] == (
        "/accounts/3rdparty/signup/"
    )
    page = client.get("/accounts/3rdparty/signup/").content.decode()
    assert 'data-browser-timezone="prefill"' in zone_select(page)
    assert "/static/js/timezone.js" in page

    response = client.post(
        "/accounts/3rdparty/signup/", {"email": "ada.fb@example.com", "timezone": "Europe/Lisbon"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert SocialAccount.objects.get().user.timezone == "Europe/Lisbon"


@pytest.mark.parametrize(("saved", "offered"), [("UTC", True), ("Europe/Paris", False)])
def test_profile_offers_the_browsers_zone_only_while_the_profile_has_utc(client, saved, offered):
    """A button, never a silent change: UTC may be a real choice."""
    client.force_login(UserFactory(timezone=saved))
    content = client.get(reverse("accounts:profile")).content.decode()
    assert '<label for="id_timezone">Home time zone:</label>' in content
    assert ('data-browser-timezone="suggest"' in zone_select(content)) is offered
    assert selected_zones(content) == [saved]


def test_the_zone_comes_after_the_email_and_passwords(client):
    content = client.get(SIGNUP).content.decode()
    positions = [content.index(f'name="{name}"') for name in ("email", "password1", "password2")]
    assert positions == sorted(positions)
    assert content.index('name="timezone"') > positions[-1]

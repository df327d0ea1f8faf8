"""The name other travellers see is chosen, or neutral: never derived from the email address.

allauth makes the username from the email's local part ("gus.6044a0@…" becomes "gus.6044a0"),
which the gallery and shared pages used to show as "by gus.6044a0".
"""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import NAME_TAG_ALPHABET, User
from plans.models import Role
from plans.services import invitation_create
from tests.factories import DEFAULT_PASSWORD, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-travel-passphrase"
LOCAL_PART = "gus.6044a0"
NEUTRAL = re.compile(rf"^Traveller [{NAME_TAG_ALPHABET}]{{4}}$")


def sign_up(client, email: str = f"{LOCAL_PART}@example.com", next_url: str = ""):
    path = reverse("account_signup") + (f"?next={quote(next_url)}" if next_url else "")
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "timezone": "UTC"}
    return client.post(path, data)


@pytest.fixture
def gus(client):
    """A traveller who signed up through the real form and chose no name."""
    sign_up(client)
    user = User.objects.get()
    # What made the leak: allauth's username comes from the address.
    assert LOCAL_PART in user.username
    client.logout()
    return user


def outsider_pages(plan) -> dict[str, str]:
    return {
        "gallery": reverse("plans:explore"),
        "home": reverse("plans:home"),
        "share link": reverse("plans:shared", args=[plan.share_token]),
        "public plan": plan.get_absolute_url(),
        "public API": "/api/v1/public/plans/",
    }


def test_a_new_traveller_gets_a_neutral_name_not_one_from_the_email(gus):
    assert NEUTRAL.match(gus.public_name), gus.public_name
    assert gus.public_name == gus.neutral_name
    assert LOCAL_PART not in gus.public_name


def test_neutral_names_are_random_not_a_sequence():
    """Tags are drawn at random: they tell travellers apart without revealing sign-up order."""
    tags = [UserFactory(display_name="").name_tag for _ in range(20)]
    assert len(set(tags)) > 1
    assert all(re.fullmatch(rf"[{NAME_TAG_ALPHABET}]{{4}}", tag) for tag in tags)


def test_rows_written_around_the_orm_get_a_tag_from_the_database():
    """Bulk loads (COPY) and the migration's existing rows: the column's default draws one."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, display_name, timezone,
                preferred_currency, home_city, travel_preferences)
            VALUES ('', false, 'copied', '', '', 'copied@example.com', false, true, now(),
                '', 'UTC', 'USD', '', '{}')
            RETURNING name_tag
            """
        )
        (tag,) = cursor.fetchone()
    assert re.fullmatch(rf"[{NAME_TAG_ALPHABET}]{{4}}", tag)
    assert User.objects.get(username="copied").public_name == f"Traveller {tag}"


@pytest.mark.parametrize("page", ["gallery", "home", "share link", "public plan", "public API"])
def test_outsiders_see_the_neutral_name_never_the_email_local_part(client, gus, page):
    plan = PlanFactory(user=gus, is_public=True, status="published", share_token="g" * 43)
    body = client.get(outsider_pages(plan)[page]).content.decode()
    assert plan.title in body
    assert gus.neutral_name in body
    assert LOCAL_PART not in body


@pytest.mark.parametrize("page", ["gallery", "home", "share link", "public plan", "public API"])
def test_outsiders_see_the_chosen_name(client, gus, page):
    client.force_login(gus)
    client.post(reverse("accounts:choose_name"), {"display_name": "Gus the Wanderer"})
    client.logout()
    plan = PlanFactory(user=gus, is_public=True, status="published", share_token="g" * 43)
    body = client.get(outsider_pages(plan)[page]).content.decode()
    assert "Gus the Wanderer" in body
    assert gus.neutral_name not in body
    assert LOCAL_PART not in body


def test_a_first_name_from_a_social_login_is_not_shown_unless_chosen(client):
    """Google fills first_name at sign-up; nobody chose to show it on public plans."""
    owner = UserFactory(display_name="", first_name="Augusta")
    PlanFactory(user=owner, is_public=True, status="published")
    body = client.get(reverse("plans:explore")).content.decode()
    assert owner.neutral_name in body
    assert "Augusta" not in body


def test_sign_up_asks_for_the_name_others_see(client):
    response = sign_up(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:choose_name") + "?next=%2Fplans%2F"

    page = client.get(response["Location"])
    user = User.objects.get()
    body = page.content.decode()
    assert "<h1>Choose the name others see</h1>" in body
    assert f"“{user.neutral_name}”" in body

    response = client.post(
        reverse("accounts:choose_name"), {"display_name": "  Gus the Wanderer ", "next": "/plans/"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("plans:dashboard")
    user.refresh_from_db()
    assert user.public_name == "Gus the Wanderer"


def test_skipping_the_name_step_keeps_the_neutral_name(client):
    location = sign_up(client)["Location"]
    body = client.get(location).content.decode()
    user = User.objects.get()
    assert f'<a href="/plans/">Skip for now and stay “{user.neutral_name}”</a>' in body
    user.refresh_from_db()
    assert user.display_name == ""


def test_sign_up_on_the_way_somewhere_asks_then_carries_on(client):
    """From an invitation page (sign-up with ?next=), the step comes first, then the page."""
    plan = PlanFactory()
    _invitation, token = invitation_create(
        plan=plan, email="gus@example.com", role=Role.VIEWER, invited_by=plan.user
    )
    invitation_path = reverse("plans:invitation", kwargs={"token": token})
    response = sign_up(client, email="gus@example.com", next_url=invitation_path)
    assert response["Location"] == (
        reverse("accounts:choose_name") + "?next=" + quote(invitation_path, safe="")
    )
    response = client.post(response["Location"], {"display_name": "Gus", "next": invitation_path})
    assert response["Location"] == invitation_path


def test_the_name_step_never_sends_the_traveller_off_site(client, gus):
    client.force_login(gus)
    url = reverse("accounts:choose_name")
    response = client.post(url, {"display_name": "", "next": "https://evil.example/"})
    assert response["Location"] == reverse("plans:dashboard")
    assert (
        'href="https://evil.example/"'
        not in client.get(url, {"next": "https://evil.example/"}).content.decode()
    )


def test_an_email_address_is_refused_as_a_public_name(client, gus):
    client.force_login(gus)
    response = client.post(
        reverse("accounts:choose_name"), {"display_name": f"{LOCAL_PART}@example.com"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "Use a name rather than an email address" in response.content.decode()
    gus.refresh_from_db()
    assert gus.display_name == ""


def test_signing_in_again_does_not_ask_again_and_lands_on_my_plans(client, gus):
    response = client.post(reverse("account_login"), {"login": gus.email, "password": PASSWORD})
    assert response["Location"] == reverse("plans:dashboard")


def test_signing_in_on_the_way_somewhere_goes_there(client, gus):
    plan = PlanFactory(user=gus)
    response = client.post(
        reverse("account_login") + "?next=" + quote(plan.get_absolute_url(), safe=""),
        {"login": gus.email, "password": PASSWORD},
    )
    assert response["Location"] == plan.get_absolute_url()


def test_signing_in_never_goes_off_site(client, gus):
    response = client.post(
        reverse("account_login") + "?next=https://evil.example/",
        {"login": gus.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("plans:dashboard")


def test_google_sign_up_asks_for_the_name_too(client, oauth_login):
    from tests.accounts.test_social import google_profile

    response = oauth_login("google", google_profile("gus.6044a0@example.com"))
    assert response["Location"].startswith(reverse("accounts:choose_name") + "?next=")
    user = User.objects.get()
    assert user.first_name == "Ada"
    assert NEUTRAL.match(user.public_name)


def test_the_profile_edits_the_name_and_clearing_it_brings_back_the_neutral_one(client):
    user = UserFactory(display_name="Gus", password=DEFAULT_PASSWORD)
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f"Leave it empty to be shown as “{user.neutral_name}”." in page
    form = {
        "display_name": "Gus the Wanderer",
        "timezone": "UTC",
        "locale": "en",
        "preferred_currency": "USD",
    }
    client.post(reverse("accounts:profile"), form)
    user.refresh_from_db()
    assert user.public_name == "Gus the Wanderer"
    client.post(reverse("accounts:profile"), {**form, "display_name": ""})
    user.refresh_from_db()
    assert user.public_name == user.neutral_name


@pytest.mark.parametrize("target", ["itinerary", "2030-02-31", "plans"])
def test_the_name_step_with_a_next_that_is_not_a_path_goes_to_my_plans(client, gus, target):
    """Regression: a `next` without a leading slash passed url_has_allowed_host_and_scheme
    and redirect() read it as a URL name to reverse: NoReverseMatch, a 500 (the sibling of
    the activity forms' `next`)."""
    client.force_login(gus)
    response = client.post(reverse("accounts:choose_name"), {"display_name": "", "next": target})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("plans:dashboard")

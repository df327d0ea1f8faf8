"""The session list: recorded at login, activity throttled, revoke one or all others."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import UserSession
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(user, *, agent: str, ip: str = "203.0.113.7") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    return client


def test_login_records_the_session_with_device_and_ip(user):
    client = sign_in(user, agent="Firefox on Linux", ip="198.51.100.4")
    row = UserSession.objects.get()
    assert row.session_id == client.session.session_key
    assert (row.user, row.user_agent, row.ip) == (user, "Firefox on Linux", "198.51.100.4")


def test_session_list_shows_own_sessions_and_marks_the_current_one(user, other_user):
    laptop = sign_in(user, agent="Laptop browser")
    sign_in(user, agent="Phone browser")
    sign_in(other_user, agent="Someone else's browser")

    response = laptop.get("/account/sessions/")

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert [s.user_agent for s in response.context["sessions"]] == [
        "Phone browser",
        "Laptop browser",
    ]
    assert "Someone else" not in content
    assert content.count("This device") == 1
    assert laptop.session.session_key not in content  # ids in pages, never session keys


def test_session_list_query_count_is_constant(user, django_assert_max_num_queries):
    client = sign_in(user, agent="Main")
    for number in range(5):
        sign_in(user, agent=f"Device {number}")
    with django_assert_max_num_queries(5):
        client.get("/account/sessions/")


def test_revoke_one_session_signs_that_device_out(user):
    laptop = sign_in(user, agent="Laptop")
    phone = sign_in(user, agent="Phone")
    phone_row = UserSession.objects.get(user_agent="Phone")

    response = laptop.post(f"/account/sessions/{phone_row.pk}/revoke/")

    assert response.status_code == HTTPStatus.FOUND
    assert not Session.objects.filter(pk=phone_row.session_id).exists()
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    assert phone.get("/account/").status_code == HTTPStatus.FOUND  # back to login
    assert laptop.get("/account/").status_code == HTTPStatus.OK


def test_revoking_the_current_session_signs_out_here(user):
    laptop = sign_in(user, agent="Laptop")
    row = UserSession.objects.get()
    response = laptop.post(f"/account/sessions/{row.pk}/revoke/")
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in laptop.session


def test_cannot_revoke_another_users_session(user, other_user):
    laptop = sign_in(user, agent="Laptop")
    sign_in(other_user, agent="Theirs")
    theirs = UserSession.objects.get(user=other_user)
    response = laptop.post(f"/account/sessions/{theirs.pk}/revoke/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Session.objects.filter(pk=theirs.session_id).exists()


def test_revoke_all_other_sessions_keeps_this_one(user, other_user):
    laptop = sign_in(user, agent="Laptop")
    sign_in(user, agent="Phone")
    sign_in(user, agent="Tablet")
    sign_in(other_user, agent="Theirs")

    laptop.post("/account/sessions/revoke-others/")

    assert list(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == [
        "Laptop"
    ]
    assert UserSession.objects.filter(user=other_user).count() == 1
    assert laptop.get("/account/").status_code == HTTPStatus.OK


def test_revoke_requires_post(user):
    laptop = sign_in(user, agent="Laptop")
    row = UserSession.objects.get()
    assert laptop.get(f"/account/sessions/{row.pk}/revoke/").status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED
    )


def test_last_activity_written_at_most_once_a_minute(user):
    """Requests within a minute neither update the row nor save the session."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(user, agent="Laptop")
    row = UserSession.objects.get()
    assert row.last_activity == start

    soon = start + dt.timedelta(seconds=30)
    with time_machine.travel(soon, tick=False), CaptureQueriesContext(connection) as queries:
        client.get("/account/")
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert writes == []

    later = start + dt.timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        client.get("/account/")
    row.refresh_from_db()
    assert row.last_activity == later


def test_logout_removes_the_session_from_the_list(user):
    client = sign_in(user, agent="Laptop")
    client.post("/accounts/logout/")
    assert not UserSession.objects.exists()


def test_a_session_missing_from_the_list_still_signs_its_user_in(user):
    """Sessions from before the session list keep working; the next touch lists them."""
    client = sign_in(user, agent="Laptop")
    UserSession.objects.all().delete()

    response = client.get("/account/")

    assert response.status_code == HTTPStatus.OK
    assert response.context["user"] == user
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=90)):
        client.get("/account/")
    assert UserSession.objects.get().session_id == client.session.session_key


def test_a_password_changed_elsewhere_signs_the_session_out(user):
    """Django's session hash check: a new password signs out the other browsers."""
    client = sign_in(user, agent="Laptop")
    assert client.get("/account/").status_code == HTTPStatus.OK
    user.set_password("a-new-Passw0rd!")
    user.save()
    assert client.get("/account/").status_code == HTTPStatus.FOUND  # to the login page


def test_an_expired_or_unknown_session_signs_nobody_in_and_starts_afresh(user):
    client = sign_in(user, agent="Laptop")
    assert client.get("/account/").status_code == HTTPStatus.OK
    expiry = Session.objects.get(pk=client.session.session_key).expire_date

    with time_machine.travel(expiry + dt.timedelta(seconds=1)):
        assert client.get("/account/").status_code == HTTPStatus.FOUND  # to the login page
    client.cookies["sessionid"] = "not-a-session-key-that-exists"
    assert client.get("/account/").status_code == HTTPStatus.FOUND
    assert sign_in(user, agent="Laptop").get("/account/").status_code == HTTPStatus.OK


def test_a_deactivated_user_is_signed_out_on_the_next_request(user):
    client = sign_in(user, agent="Laptop")
    assert client.get("/account/").status_code == HTTPStatus.OK

    type(user).objects.filter(pk=user.pk).update(is_active=False)

    assert client.get("/account/").status_code == HTTPStatus.FOUND


def test_email_sign_in_is_remembered_with_allauths_backend(user):
    client = sign_in(user, agent="Laptop")

    assert client.session["_auth_user_backend"] == (
        "allauth.account.auth_backends.AuthenticationBackend"
    )
    assert client.get("/account/").context["user"] == user


@pytest.mark.parametrize(
    "make_value",
    [
        pytest.param(lambda key: key + "\x00", id="nul-after-a-real-key"),
        pytest.param(lambda key: key[:16] + "\x00" + key[17:], id="nul-inside"),
        pytest.param(lambda key: "abcdefgh\x00ijklmnop", id="nul-in-a-short-value"),
        pytest.param(lambda key: key.upper(), id="outside-the-alphabet"),
        pytest.param(lambda key: key[:31], id="too-short"),
    ],
)
def test_a_malformed_session_cookie_is_an_anonymous_visitor_without_a_lookup(user, make_value):
    """A NUL byte in the session cookie was a 500 on every page (psycopg.DataError)."""
    key = sign_in(user, agent="Laptop").session.session_key
    client = Client(HTTP_COOKIE=f"sessionid={make_value(key)}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/account/")
    assert response.status_code == HTTPStatus.FOUND  # to the login page
    assert response.wsgi_request.user.is_anonymous
    assert not [q for q in queries if "django_session" in q["sql"]]
    assert response.cookies["sessionid"].value == ""  # the bad cookie is cleared
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == HTTPStatus.OK
    assert not [q for q in queries if "django_session" in q["sql"]]


def test_signing_in_with_a_malformed_session_cookie_starts_a_fresh_session(user):
    client = Client(HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    key = response.cookies["sessionid"].value
    assert Session.objects.get(pk=key).get_decoded()[SESSION_KEY] == str(user.pk)

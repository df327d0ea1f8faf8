"""Website forms: allauth's login, sign-up and password reset answer a friendly 429 page."""

from __future__ import annotations

from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import resolve, reverse

from ratelimit.models import RateLimit

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
QUARTER_PAST = "2030-03-10T12:05:00Z"  # the 12:00-12:15 window has 600 s left


@pytest.fixture
def login_limits(rates):
    rates(login={"ip": "3/15m", "account": "2/15m"})


def _login(client, email="someone@example.com", password="wrong-password", **extra):  # noqa: S107
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def test_allauth_url_names_resolve_to_the_limited_views():
    for name, path, scope in [
        ("account_login", "/accounts/login/", "login"),
        ("account_signup", "/accounts/signup/", "signup"),
        ("account_reset_password", "/accounts/password/reset/", "password_reset"),
    ]:
        assert reverse(name) == path
        assert resolve(path).func.ratelimit_scope == scope


def test_showing_the_login_form_is_not_counted(client, login_limits):
    for _ in range(5):
        assert client.get(LOGIN).status_code == HTTPStatus.OK
    assert not RateLimit.objects.exists()


@time_machine.travel(QUARTER_PAST, tick=False)
def test_too_many_logins_from_one_ip_get_a_friendly_429_page(client, rates):
    rates(login={"ip": "3/15m", "account": "100/15m"})
    for n in range(3):
        response = _login(client, email=f"person{n}@example.com")
        assert response.status_code == HTTPStatus.OK  # form re-rendered with its error
        assert response["RateLimit-Remaining"] == str(2 - n)
    refused = _login(client, email="person9@example.com")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"] == "600"
    assert refused["Content-Type"].startswith("text/html")
    assert [t.name for t in refused.templates][:2] == ["429.html", "base.html"]
    content = refused.content.decode()
    assert "Too many attempts" in content
    assert "Please try again in about 10 minutes." in content


def test_login_limit_per_account_holds_across_ips_and_ignores_case(client, login_limits):
    assert _login(client, "Target@Example.com", REMOTE_ADDR="203.0.113.1").status_code == 200
    assert _login(client, " target@example.com", REMOTE_ADDR="203.0.113.2").status_code == 200
    refused = _login(client, "TARGET@example.com", REMOTE_ADDR="203.0.113.3")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    account = RateLimit.objects.get(identifier_type="account")
    assert (account.identifier, account.request_count, account.scope) == (
        "target@example.com",
        3,
        "login",
    )


def test_login_rate_limit_holds_across_two_separate_test_clients(login_limits):
    """Two sessions from one IP share the per-IP quota: cookies do not reset it."""
    first, second = Client(), Client()
    assert _login(first, "a@example.com").status_code == HTTPStatus.OK
    assert _login(second, "b@example.com").status_code == HTTPStatus.OK
    assert _login(first, "c@example.com").status_code == HTTPStatus.OK
    assert _login(second, "d@example.com").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert _login(first, "e@example.com").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_refused_login_does_not_sign_in_even_with_the_right_password(client, user, rates):
    rates(login={"ip": "1/15m", "account": "10/15m"})
    _login(client, user.email, "wrong-password")
    refused = _login(client, user.email, "correct-horse-battery-staple")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_a_refusal_by_ip_does_not_spend_the_victims_account_quota(client, rates):
    rates(login={"ip": "1/15m", "account": "2/15m"})
    for _ in range(5):
        _login(client, "victim@example.com", REMOTE_ADDR="198.51.100.66")
    account = RateLimit.objects.get(identifier_type="account")
    assert account.request_count == 1


def test_a_correct_login_within_the_quota_signs_in(client, user, login_limits):
    response = _login(client, user.email, "correct-horse-battery-staple")
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_is_limited_per_ip(client, rates):
    rates(signup={"ip": "2/hour"})
    codes = [
        client.post("/accounts/signup/", {"email": "bad", "password1": "x"}).status_code
        for _ in range(3)
    ]
    assert codes == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]


def test_password_reset_is_limited_per_ip_and_per_account(client, rates, mailoutbox, user):
    rates(password_reset={"ip": "10/hour", "account": "2/hour"})
    url = "/accounts/password/reset/"
    assert client.post(url, {"email": user.email}).status_code == HTTPStatus.FOUND
    assert client.post(url, {"email": user.email.upper()}).status_code == HTTPStatus.FOUND
    refused = client.post(url, {"email": user.email}, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(mailoutbox) == 2


@pytest.mark.urls("tests.ratelimit.urls")
def test_decorator_can_count_every_method_and_key_per_user(client, rates, user):
    rates(invitation={"ip": "100/hour", "user": "2/day"})
    client.force_login(user)
    codes = [client.get("/test-web/invitation/").status_code for _ in range(3)]
    assert codes == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    assert set(RateLimit.objects.values_list("identifier_type", "request_count")) == {
        ("ip", 3),
        ("user", 3),
    }


def test_default_login_quota_is_ten_per_quarter_hour_and_replaces_allauths(client):
    """allauth's own cache-based lockout (5 failures) must not pre-empt the exact quota."""
    responses = [_login(client, "target@example.com") for _ in range(11)]
    assert [r.status_code for r in responses] == [HTTPStatus.OK] * 10 + [
        HTTPStatus.TOO_MANY_REQUESTS
    ]
    for response in responses[:10]:
        assert "Too many failed login attempts" not in response.content.decode()
        assert response.context["form"].errors  # the plain wrong-password error instead


@pytest.mark.parametrize(
    ("path", "field"), [("/accounts/login/", "login"), ("/accounts/password/reset/", "email")]
)
def test_a_nul_byte_in_the_posted_email_is_a_form_error_not_a_500(client, rates, path, field):
    """The per-account counter's key held the NUL, which PostgreSQL refuses (a 500)."""
    rates(
        login={"ip": "3/15m", "account": "2/15m"},
        password_reset={"ip": "3/15m", "account": "2/15m"},
    )
    response = client.post(path, {field: "some\x00one@example.com", "password": "x"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert RateLimit.objects.filter(identifier_type="ip").count() == 1
    assert not RateLimit.objects.filter(identifier_type="account").exists()

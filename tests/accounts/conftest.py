"""Fixtures for the accounts tests: verified users, API clients and mocked OAuth providers."""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts import services
from tests.factories import UserFactory


def verify(user, *, verified: bool = True) -> EmailAddress:
    """Give the user allauth's primary EmailAddress row, verified or not."""
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": verified, "primary": True}
    )
    return address


@pytest.fixture
def verified_user(db):
    user = UserFactory()
    verify(user)
    return user


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def make_token(verified_user):
    def make(*, user=None, scope="read_write", expires_at=None, name="Calendar sync"):
        return services.token_create(
            user=user or verified_user, name=name, scope=scope, expires_at=expires_at
        )

    return make


@pytest.fixture
def social_providers(settings):
    """Google and Facebook configured from settings, as production does from the environment."""
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["google"]["APPS"] = [{"client_id": "google-id", "secret": "google-secret", "key": ""}]
    providers["facebook"]["APPS"] = [{"client_id": "fb-id", "secret": "fb-secret", "key": ""}]
    settings.SOCIALACCOUNT_PROVIDERS = providers
    return providers


class MockedResponse:
    """Just enough of requests.Response for allauth's OAuth2 client (as allauth's tests do)."""

    def __init__(self, status_code: int, data: dict):
        self.status_code = status_code
        self.text = json.dumps(data)
        self.content = self.text.encode()
        self.headers = {"content-type": "application/json"}
        self._data = data

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def json(self):
        return self._data

    def raise_for_status(self):
        if not self.ok:
            raise requests.HTTPError(str(self.status_code))


@pytest.fixture
def oauth_login(client, social_providers, monkeypatch):
    """Run the real provider login and callback views, answering the provider's HTTP calls.

    `oauth_login("google", {...userinfo...})` returns the callback response.
    """

    def login(provider: str, profile: dict, *, http_client=None):
        http_client = http_client or client

        def fake_request(self, method, url, *args, **kwargs):
            if "token" in url:
                return MockedResponse(200, {"access_token": "provider-access", "expires_in": 3600})
            return MockedResponse(200, profile)

        monkeypatch.setattr(requests.Session, "request", fake_request)
        start = http_client.post(f"/accounts/{provider}/login/")
        assert start.status_code == 302, start.content
        state = parse_qs(urlparse(start["Location"]).query)["state"][0]
        return http_client.get(
            f"/accounts/{provider}/login/callback/", {"code": "auth-code", "state": state}
        )

    return login

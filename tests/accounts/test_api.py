"""Personal access tokens over the API (/api/v1/me/): create, use, expire, revoke, scope."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_created_token_reads_the_profile(api_client, verified_user, make_token):
    """A token authenticates as its owner; the whole profile comes back."""
    verified_user.travel_preferences = {"budget_type": "moderate"}
    verified_user.save()
    _, secret = make_token()

    response = api_client.get(ME, **bearer(secret))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "id": verified_user.pk,
        "username": verified_user.username,
        "email": verified_user.email,
        "is_verified": True,
        "first_name": "",
        "last_name": "",
        "display_name": verified_user.display_name,
        "public_name": verified_user.display_name,
        "timezone": "UTC",
        "preferred_currency": "USD",
        "home_city": "",
        "travel_preferences": {"budget_type": "moderate"},
        "date_joined": verified_user.date_joined.isoformat().replace("+00:00", "Z"),
    }


def test_secret_is_stored_only_as_a_sha256_hash(make_token):
    _token, secret = make_token()
    stored = ApiToken.objects.get()
    assert secret.startswith("wf_")
    assert len(secret) >= 43 + 3
    assert secret not in (stored.token_hash, stored.prefix, stored.name)
    assert stored.token_hash == services.token_hash(secret)
    assert secret.startswith(stored.prefix)
    assert len(stored.prefix) == 11


def test_token_lookup_is_one_query(api_client, make_token):
    """Authenticating a request reads the token and its user in one indexed query."""
    _, secret = make_token()
    api_client.get(ME, **bearer(secret))  # first use writes last_used_at
    with CaptureQueriesContext(connection) as queries:
        api_client.get(ME, **bearer(secret))
    token_queries = [q for q in queries if "accounts_apitoken" in q["sql"]]
    assert len(token_queries) == 1
    assert "token_hash" in token_queries[0]["sql"]


@pytest.mark.parametrize(
    "header",
    ["Bearer wf_not-a-real-token", "Bearer", "Bearer two parts", "Basic dXNlcjpwYXNz"],
)
def test_bad_credentials_get_401_with_a_challenge(api_client, header):
    response = api_client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_credentials_get_401(api_client):
    response = api_client.get(ME)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_expired_token_gets_401(api_client, make_token):
    _, secret = make_token(expires_at=timezone.now() + dt.timedelta(days=1))
    assert api_client.get(ME, **bearer(secret)).status_code == HTTPStatus.OK

    with time_machine.travel(timezone.now() + dt.timedelta(days=1, seconds=1)):
        response = api_client.get(ME, **bearer(secret))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "This token has expired."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_revoked_token_gets_401(api_client, make_token):
    token, secret = make_token()
    services.token_revoke(token=token)

    response = api_client.get(ME, **bearer(secret))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "This token has been revoked."}


def test_token_of_deactivated_user_gets_401(api_client, verified_user, make_token):
    _, secret = make_token()
    verified_user.is_active = False
    verified_user.save()
    assert api_client.get(ME, **bearer(secret)).status_code == HTTPStatus.UNAUTHORIZED


def test_read_token_cannot_write(api_client, verified_user, make_token):
    """A read-only token gets 403 on PATCH and nothing changes."""
    _, secret = make_token(scope="read")
    assert api_client.get(ME, **bearer(secret)).status_code == HTTPStatus.OK

    response = api_client.patch(ME, {"home_city": "Lisbon"}, format="json", **bearer(secret))

    assert response.status_code == HTTPStatus.FORBIDDEN
    verified_user.refresh_from_db()
    assert verified_user.home_city == ""


def test_read_write_token_updates_profile_and_preferences(api_client, verified_user, make_token):
    _, secret = make_token(scope="read_write")
    payload = {
        "home_city": "Lisbon",
        "preferred_currency": "eur",
        "timezone": "Europe/Lisbon",
        "travel_preferences": {
            "travel_style": "relaxed",
            "dietary_restrictions": ["vegan", "gluten_free"],
            "accessibility_needs": ["wheelchair"],
            "avoid_crowds": True,
        },
    }

    response = api_client.patch(ME, payload, format="json", **bearer(secret))

    assert response.status_code == HTTPStatus.OK, response.json()
    verified_user.refresh_from_db()
    assert verified_user.home_city == "Lisbon"
    assert verified_user.preferred_currency == "EUR"
    assert verified_user.timezone == "Europe/Lisbon"
    assert verified_user.travel_preferences == payload["travel_preferences"]
    assert response.json()["preferred_currency"] == "EUR"


def test_invalid_preferences_are_field_errors_by_json_path(api_client, verified_user, make_token):
    """Unknown keys and values come back keyed by JSON path; nothing is saved."""
    _, secret = make_token()
    payload = {
        "home_city": "Porto",
        "timezone": "Mars/Olympus",
        "travel_preferences": {
            "budget_type": "infinite",
            "dietary_restrictions": ["vegan", "carnivore"],
            "pets": True,
        },
    }

    response = api_client.patch(ME, payload, format="json", **bearer(secret))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "timezone": ["“Mars/Olympus” is not a time zone name; use a name such as Europe/Paris."],
        "travel_preferences.pets": ["is not an allowed field"],
        "travel_preferences.budget_type": ["must be one of: budget, moderate, luxury"],
        "travel_preferences.dietary_restrictions[1]": [
            "must be one of: vegetarian, vegan, pescatarian, halal, kosher, gluten_free, "
            "dairy_free, nut_allergy, shellfish_allergy"
        ],
    }
    verified_user.refresh_from_db()
    assert verified_user.home_city == ""
    assert verified_user.travel_preferences == {}


def test_read_only_fields_are_ignored(api_client, verified_user, make_token):
    _, secret = make_token()
    response = api_client.patch(
        ME, {"email": "evil@example.com", "is_verified": False}, format="json", **bearer(secret)
    )
    assert response.status_code == HTTPStatus.OK
    verified_user.refresh_from_db()
    assert verified_user.email != "evil@example.com"


def test_session_authentication_still_works_with_csrf(verified_user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(verified_user)
    assert client.get(ME).status_code == HTTPStatus.OK
    assert client.patch(ME, {"home_city": "Oslo"}, format="json").status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_last_used_is_written_at_most_once_a_minute(api_client, make_token):
    """Use within the minute costs no write; after it, one conditional UPDATE."""
    token, secret = make_token()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api_client.get(ME, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == start

    soon = start + dt.timedelta(seconds=30)
    with time_machine.travel(soon, tick=False), CaptureQueriesContext(connection) as queries:
        api_client.get(ME, **bearer(secret))
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        api_client.get(ME, **bearer(secret))
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert "last_used_at" in updates[0]
    token.refresh_from_db()
    assert token.last_used_at == later


def test_touch_does_not_overwrite_a_concurrent_write():
    """Two workers holding the same stale token: only the first UPDATE matches."""
    from tests.accounts.conftest import verify
    from tests.factories import UserFactory

    user = UserFactory()
    verify(user)
    token, _ = services.token_create(user=user, name="x")
    stale_copy = ApiToken.objects.get(pk=token.pk)
    now = timezone.now()
    assert services.token_touch(token=token, now=now) is True
    assert services.token_touch(token=stale_copy, now=now + dt.timedelta(seconds=5)) is False
    token.refresh_from_db()
    assert token.last_used_at == now


def test_unverified_user_cannot_create_tokens(user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.token_create(user=user, name="Sync")
    assert exc.value.messages == ["Please verify your email address before creating API tokens."]
    assert not ApiToken.objects.exists()


def test_schema_documents_bearer_auth_and_me(api_client, verified_user):
    api_client.force_login(verified_user)
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == HTTPStatus.OK
    schema = response.json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert set(schema["paths"]["/api/v1/me/"]) >= {"get", "patch"}
    prefs = schema["components"]["schemas"]["Me"]["properties"]["travel_preferences"]
    assert prefs["additionalProperties"] is False

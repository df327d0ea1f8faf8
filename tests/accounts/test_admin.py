"""Staff admin of users and tokens: search, filters, inlines, actions, no hashes shown."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.models import ApiToken, User
from tests.accounts.conftest import verify
from tests.admin_helpers import change_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_user_list_shows_verified_without_a_query_per_user(
    staff_client, django_assert_max_num_queries
):
    for _ in range(10):
        verify(UserFactory())
    with django_assert_max_num_queries(10):
        response = staff_client.get("/admin/accounts/user/")
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == 11


def test_user_list_verified_filter(staff_client):
    verify(UserFactory())
    unverified = UserFactory(email="unverified@example.com")
    response = staff_client.get("/admin/accounts/user/?verified=no")
    staff = User.objects.get(is_staff=True)  # the signed-in admin has no verified address
    assert {u.pk for u in response.context["cl"].result_list} == {unverified.pk, staff.pk}


def test_user_search_and_provider_filter(staff_client):
    ada = UserFactory(email="ada@example.com", display_name="Ada Lovelace")
    SocialAccount.objects.create(user=ada, provider="google", uid="1")
    UserFactory(email="grace@example.com")
    by_search = staff_client.get("/admin/accounts/user/?q=lovelace").context["cl"].result_list
    by_provider = staff_client.get("/admin/accounts/user/?provider=google").context["cl"]
    assert list(by_search) == [ada]
    assert list(by_provider.result_list) == [ada]


def test_staff_find_a_traveller_by_the_neutral_name_others_see(staff_client):
    """A report names "Traveller 7F3K": the list shows that name and the search finds it."""
    unnamed = UserFactory(display_name="")
    UserFactory(display_name="")
    response = staff_client.get("/admin/accounts/user/", {"q": unnamed.name_tag.lower()})
    assert unnamed in response.context["cl"].result_list
    assert unnamed.neutral_name in response.content.decode()


def test_user_page_never_shows_password_or_token_hashes(staff_client):
    user = UserFactory()
    verify(user)
    token, secret = services.token_create(user=user, name="Sync")
    SocialAccount.objects.create(user=user, provider="google", uid="42")
    response = staff_client.get(f"/admin/accounts/user/{user.pk}/change/")
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.password.split("$")[-1] not in content
    assert user.password[:12] not in content
    assert token.token_hash not in content
    assert secret not in content
    assert token.prefix in content
    assert ">42<" in content or "42</td>" in content


def test_deactivate_action_signs_out_and_revokes(staff_client):
    user = UserFactory()
    verify(user)
    services.token_create(user=user, name="Sync")
    response = staff_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [user.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.is_active is False
    assert ApiToken.objects.active().count() == 0


def test_token_admin_is_read_only_except_revoke(staff_client):
    user = UserFactory()
    verify(user)
    token, _ = services.token_create(user=user, name="Sync")
    assert staff_client.get("/admin/accounts/apitoken/add/").status_code == HTTPStatus.FORBIDDEN
    page = staff_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.token_hash not in page
    staff_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert User.objects.filter(pk=user.pk).exists()


def test_staff_account_created_without_prompts_signs_in_to_the_admin(client, monkeypatch):
    """The README's `createsuperuser --noinput` with DJANGO_SUPERUSER_* gives a working admin."""
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long passphrase for staff")
    call_command("createsuperuser", interactive=False, verbosity=0)

    signed_in = client.post(
        "/accounts/login/",
        {"login": "admin@example.com", "password": "a long passphrase for staff"},
    )
    admin_index = client.get(reverse("admin:index"))

    assert signed_in.status_code == HTTPStatus.FOUND
    assert admin_index.status_code == HTTPStatus.OK
    assert User.objects.get(email="admin@example.com").is_superuser


@pytest.mark.parametrize("text", ["[" * 100_000, '{"pace": "slow", "pace": "fast"}', "NaN"])
def test_travel_preferences_the_api_would_refuse_are_a_form_error_not_a_500(staff_client, text):
    """The user's preferences document is read as the API reads JSON: "Enter a valid JSON."."""
    user = UserFactory(first_name="Before", travel_preferences={"pace": "relaxed"})
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = change_form_data(staff_client, url)
    data.update({"first_name": "After", "travel_preferences": text})

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert errors["travel_preferences"] == ["Enter a valid JSON."]
    user.refresh_from_db()
    assert (user.first_name, user.travel_preferences) == ("Before", {"pace": "relaxed"})

"""Reads of accounts data: the API token behind a secret."""

from __future__ import annotations

import pytest

from accounts import selectors
from accounts.services import token_create
from tests.accounts.conftest import verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_found_by_its_secret_only_with_its_user_in_one_query(
    django_assert_num_queries,
):
    user = UserFactory()
    verify(user)
    token, secret = token_create(user=user, name="ci", scope="read")

    with django_assert_num_queries(1):
        found = selectors.token_get_by_secret(secret)
        owner = found.user

    assert (found, owner) == (token, user)
    assert selectors.token_get_by_secret(secret + "x") is None
    assert selectors.token_get_by_secret("") is None

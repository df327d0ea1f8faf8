"""API authentication by personal access token (`Authorization: Bearer <token>`) and scopes."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import selectors, services
from accounts.models import ApiToken, TokenScope


class BearerTokenAuthentication(BaseAuthentication):
    """One indexed lookup by SHA-256 hash; expired or revoked tokens get 401.

    "Last used" is written at most once a minute per token (see `services.token_touch`).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as “Authorization: Bearer <token>”, with one token."
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("This token is not valid.") from exc
        token = selectors.token_get_by_secret(secret)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired():
            raise exceptions.AuthenticationFailed("This token has expired.")
        services.token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class TokenScopePermission(BasePermission):
    """A `read` token may only read: unsafe methods get 403. Sessions are not limited."""

    message = "This token can only read. Create a token with read and write access to make changes."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in SAFE_METHODS:
            return token.scope == TokenScope.READ_WRITE
        return True

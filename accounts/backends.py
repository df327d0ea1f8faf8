"""The authentication backends, with the user lookup every signed-in request makes prepared.

Django's ModelBackend (Django admin's username login) and allauth's (email login on the site)
authenticate exactly as before; `get_user`, which loads the signed-in user from the session's
user id on each request, takes the user the session read brought along (accounts.sessions),
else goes through accounts.selectors.user_get_by_id (config.prepared).
`aget_user` stays Django's ORM query: nothing here serves requests under ASGI.

Sessions remember the backend's dotted path: ones signed in under Django's and allauth's own
paths (before these classes) are signed out once.
"""

from __future__ import annotations

from allauth.account import auth_backends
from django.contrib.auth import backends

from accounts import selectors
from accounts.sessions import user_read_with_session


class _PreparedUserLookup:
    """ModelBackend.get_user, with the lookup prepared; inactive users still get no session."""

    def get_user(self, user_id):
        user = user_read_with_session(user_id) or selectors.user_get_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_PreparedUserLookup, backends.ModelBackend):
    pass


class AuthenticationBackend(_PreparedUserLookup, auth_backends.AuthenticationBackend):
    pass

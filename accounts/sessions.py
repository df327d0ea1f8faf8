"""Django's database sessions, with the read every signed-in request makes prepared once.

Set as SESSION_ENGINE. Writes, expiry and `clearsessions` are Django's; only the lookup by key
goes through accounts.selectors.session_get_unexpired (config.prepared), which reads the
session's signed-in user in the same query. The authentication backends take that user from
`user_read_with_session` instead of reading it again by id: one query fewer on every
signed-in request. The async read (`aload`) stays Django's ORM query: nothing here serves
requests under ASGI.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.sessions.backends import db

from accounts import selectors
from accounts.models import User

# The user this request's session read brought along. Each request's SessionMiddleware makes a
# new store, which empties it, so a user read for an earlier request is never handed out.
_read_with_session: ContextVar[User | None] = ContextVar("read_with_session", default=None)


class SessionStore(db.SessionStore):
    def __init__(self, session_key=None):
        _read_with_session.set(None)
        super().__init__(session_key)

    def _get_session_from_db(self):
        found = selectors.session_get_unexpired(self.session_key) if self.session_key else None
        _read_with_session.set(selectors.session_user(found) if found is not None else None)
        if found is None:
            self._session_key = None  # as Django's store: a new session starts on the next save
        return found


def user_read_with_session(user_id) -> User | None:
    """The user the session read brought along, once, if it is user `user_id`.

    Django's `auth.get_user` then checks it exactly as one read by id: active, and the
    session's password hash still matching.
    """
    user = _read_with_session.get()
    _read_with_session.set(None)
    if user is None or user.pk != user_id:
        return None
    return user

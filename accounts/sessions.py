"""Django's database sessions, with the read every signed-in request makes prepared once.

Set as SESSION_ENGINE. Writes, expiry and `clearsessions` are Django's; only the lookup by key
goes through accounts.selectors.session_get_unexpired (config.prepared). The async read
(`aload`) stays Django's ORM query: nothing here serves requests under ASGI.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db

from accounts import selectors


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = selectors.session_get_unexpired(self.session_key) if self.session_key else None
        if found is None:
            self._session_key = None  # as Django's store: a new session starts on the next save
        return found

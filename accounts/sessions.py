"""The session engine (SESSION_ENGINE): Django's database sessions, for well-formed keys only.

The session cookie is whatever the browser sends. Django makes keys from `VALID_KEY_CHARS`
(lower-case letters and digits), so a cookie holding anything else, a NUL byte for one, cannot
name a session: it is read as no session at all (an anonymous visitor), never looked up,
because PostgreSQL refuses NUL in text and the lookup would answer a 500.
"""

from __future__ import annotations

import re

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

# Django's new keys: 32 characters of VALID_KEY_CHARS.
_SESSION_KEY = re.compile(f"[{re.escape(VALID_KEY_CHARS)}]{{32}}")


def is_session_key(value: str | None) -> bool:
    """Whether a cookie's value has the shape of a key Django makes (not whether it exists)."""
    return value is not None and _SESSION_KEY.fullmatch(value) is not None


class SessionStore(DatabaseSessionStore):
    """A malformed key is taken as no key: a new, empty session, and the cookie is cleared."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key if is_session_key(session_key) else None)

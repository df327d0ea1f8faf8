"""The secrets in share links and invitation links: how they are made and what they look like.

`secrets.token_urlsafe(32)` is 32 random bytes in unpadded base64url: always 43 characters of
`[A-Za-z0-9_-]`. The URL converter and the lookups accept only that shape, so a value that no
link can hold (a NUL byte, a slash, the wrong length) is a 404 before the database is asked.
"""

from __future__ import annotations

import re
import secrets

TOKEN_BYTES = 32
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"  # noqa: S105 (a shape, not a secret)
_TOKEN = re.compile(TOKEN_PATTERN)


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: str) -> bool:
    """Whether `value` has the shape of a token this project made (not whether one exists)."""
    return _TOKEN.fullmatch(value) is not None


class LinkTokenConverter:
    """`<link_token:token>` in URLs: share-link and invitation secrets, nothing else matches."""

    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value

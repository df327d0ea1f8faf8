"""JSON parsing for the API that refuses what PostgreSQL cannot store."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _storable(value) -> bool:
    """No NUL characters and no unpaired surrogates anywhere (keys included)."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


class StrictJSONParser(JSONParser):
    """JSON, rejecting text PostgreSQL would refuse (a clear 400 instead of a database error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not _storable(data):
            raise ParseError(
                "Text in the request may not contain NUL characters or unpaired surrogates."
            )
        return data

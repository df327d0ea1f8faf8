"""JSON parsing that refuses, with a plain 400, what would otherwise fail later as a 500.

One reading of JSON text for the API's request bodies, the `plan_data_contains` query
parameter, the website's drag-and-drop endpoint and the admin's document editor: `parse_json`.
It refuses, before or while parsing, what Python or PostgreSQL cannot take:
- nesting deeper than `MAX_JSON_DEPTH` (Python's json recurses once per level, so a body of
  `[[[[...` 5,000 levels deep raises RecursionError; the depth is counted first, without
  recursing);
- a key given twice in one object (json keeps the last silently, so the request would not
  mean what it says);
- NaN and Infinity, and numbers beyond a double's range (1e400 would parse to infinity, which
  neither JSON nor jsonb can hold; 10**400 cannot be shown as a JSON number by most clients);
- NUL characters and unpaired surrogates in any text, keys included (PostgreSQL refuses them).
"""

from __future__ import annotations

import json
import math
import re
import sys
from itertools import accumulate
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64
_LARGEST_NUMBER = sys.float_info.max
_MOST_DIGITS = len(str(int(_LARGEST_NUMBER)))
# A JSON string, its end quote optional so that an unterminated one ends in linear time.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONRejected(json.JSONDecodeError):
    """Well-formed or not, JSON text this site refuses; `msg` is fit to show the sender."""

    def __init__(self, msg: str, doc: str = "", pos: int = 0) -> None:
        super().__init__(msg, doc, pos)


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether objects and arrays nest deeper than `limit`, counted without recursing.

    Brackets inside strings do not count. The count agrees with json.loads up to the first
    character json.loads refuses, so parsing never nests deeper than counted.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def storable(value: Any) -> bool:
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
        return all(storable(key) and storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(storable(item) for item in value)
    return True


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                # json.dumps escapes what could not be written back (surrogates, NUL).
                shown = json.dumps(key if len(key) <= 40 else key[:40] + "...")
                raise JSONRejected(f"The key {shown} appears more than once in one object.")
            seen.add(key)
    return result


def _number_too_large() -> JSONRejected:
    return JSONRejected("Numbers must be between -1.79e308 and 1.79e308.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _number_too_large()
    return value


def _bounded_int(text: str) -> int:
    # More digits than any number in range: refused before int() spends time on them.
    if len(text.lstrip("-")) > _MOST_DIGITS:
        raise _number_too_large()
    value = int(text)
    if abs(value) > _LARGEST_NUMBER:
        raise _number_too_large()
    return value


def _no_constants(name: str) -> Any:
    raise JSONRejected(f"{name} is not a JSON number; send a finite number or null.")


class StrictJSONDecoder(json.JSONDecoder):
    """json.JSONDecoder applying the rules in this module's docstring.

    For `json.loads(text, cls=StrictJSONDecoder)` and Django's `forms.JSONField(decoder=...)`.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(
            object_pairs_hook=_object_without_duplicate_keys,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            parse_constant=_no_constants,
        )
        kwargs.pop("object_hook", None)
        super().__init__(**kwargs)

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        if json_depth_exceeds(s):
            raise JSONRejected(
                f"JSON may nest objects and arrays at most {MAX_JSON_DEPTH} levels deep.", s
            )
        value = super().decode(s, *args, **kwargs)
        if not storable(value):
            raise JSONRejected(
                "Text in JSON may not contain NUL characters or unpaired surrogates.", s
            )
        return value


def parse_json(text: str | bytes) -> Any:
    """The value of JSON text under this module's rules.

    Raises JSONRejected (its `msg` says what to change) or another ValueError for text that
    is not JSON at all.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text, cls=StrictJSONDecoder)


class StrictJSONParser(JSONParser):
    """The API's JSON bodies, read by `parse_json`: each refusal is a 400 saying why."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return parse_json(stream.read().decode(encoding))
        except JSONRejected as error:
            raise ParseError(error.msg) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None

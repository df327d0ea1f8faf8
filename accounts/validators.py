"""Field validators for profile values that have a fixed vocabulary outside Django."""

from __future__ import annotations

import json
import zoneinfo
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from accounts.locales import supported_locales

# The one part of `plans` that accounts may import: a leaf module with no model imports.
from plans.documents import document_errors

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code in capitals, such as USD or EUR."
)


def validate_public_name(value: str) -> None:
    """A chosen public name is a name: an email address there would show it to everyone."""
    if "@" in value:
        raise ValidationError("Use a name rather than an email address: other travellers see it.")


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name the system knows, sorted: read from disk once per process (a scan
    of the zone files, which every form with a zone select would otherwise repeat)."""
    return tuple(sorted(zoneinfo.available_timezones()))


@cache
def _timezones() -> frozenset[str]:
    return frozenset(timezone_names())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone name; use a name such as Europe/Paris.",
            params={"value": value},
            code="invalid_timezone",
        )


def validate_locale(value: str) -> None:
    """A locale Babel has formats for, written as a BCP 47 tag ("en-GB", "pt-PT")."""
    if value not in supported_locales().values():
        raise ValidationError(
            "“%(value)s” is not a locale Wayfarer can format for; pick one such as en-GB.",
            params={"value": value},
            code="invalid_locale",
        )


TRAVEL_PREFERENCES_SCHEMA = (
    Path(__file__).resolve().parent / "schemas" / ("travel_preferences.schema.json")
)


@cache
def travel_preference_vocabulary() -> dict[str, list[str]]:
    """The allowed values of each travel preference, read from the JSON Schema (one source)."""
    schema = json.loads(TRAVEL_PREFERENCES_SCHEMA.read_text())
    vocabulary = {}
    for key, spec in schema["properties"].items():
        values = spec.get("enum") or spec.get("items", {}).get("enum")
        if values:
            vocabulary[key] = values
    return vocabulary


def travel_preferences_errors(value) -> dict[str, list[str]]:
    """Schema errors keyed by JSON path, e.g. {"travel_preferences.budget_type": [...]}."""
    return document_errors(value, TRAVEL_PREFERENCES_SCHEMA, "travel_preferences")


def validate_travel_preferences(value) -> None:
    """Field validator: the same errors, each message naming its path (admin, full_clean)."""
    errors = travel_preferences_errors(value)
    if errors:
        raise ValidationError(
            [f"{path}: {message}" for path, messages in errors.items() for message in messages],
            code="invalid_travel_preferences",
        )

"""Validation of JSONB documents (`plan_data`, activity `metadata`) against JSON Schema files.

One helper for forms, serializers and the admin alike: schema errors become Django
ValidationErrors keyed by the JSON path, e.g. {"plan_data.preferences.group_size":
["must be at least 1"]}, so every surface shows the same message at the same place.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError


@cache
def load_validator(schema_path: str) -> Draft202012Validator:
    """Load and check a schema once per process."""
    schema = json.loads(Path(schema_path).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _path(prefix: str, error: SchemaError) -> str:
    parts = [prefix]
    for part in error.absolute_path:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]"
        else:
            parts.append(str(part))
    if error.validator == "required":
        # Name the missing key itself, not its parent object.
        missing = error.message.split("'")[1] if "'" in error.message else ""
        if missing:
            parts.append(missing)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if extra:
            parts.append(extra[0])
    return ".".join(parts)


def _message(error: SchemaError) -> str:
    """Plain-language messages for the common keywords; jsonschema's own text otherwise."""
    value = error.validator_value
    match error.validator:
        case "minimum":
            return f"must be at least {value}"
        case "maximum":
            return f"must be at most {value}"
        case "exclusiveMinimum":
            return f"must be more than {value}"
        case "minLength":
            return f"must be at least {value} characters"
        case "maxLength":
            return f"must be at most {value} characters"
        case "maxItems":
            return f"must have at most {value} items"
        case "required":
            return "is required"
        case "additionalProperties":
            return "is not an allowed field"
        case "type":
            names = [value] if isinstance(value, str) else list(value)
            return "must be " + " or ".join(f"of type {name}" for name in names)
        case "enum":
            return "must be one of: " + ", ".join(map(str, value))
        case "format":
            return f"must be a valid {value}"
        case "pattern":
            return "has an invalid format"
        case "uniqueItems":
            return "must not repeat a value"
        case "anyOf" | "oneOf":
            return "is not in an accepted shape"
    return error.message


def document_errors(data, schema_path: str | Path, prefix: str) -> dict[str, list[str]]:
    """All schema errors in `data`, as {json path: [messages]}, in a stable order."""
    validator = load_validator(str(schema_path))
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        errors.setdefault(_path(prefix, error), []).append(_message(error))
    return errors


def validate_document(data, schema_path: str | Path, prefix: str) -> None:
    """Raise a ValidationError keyed by JSON path when `data` does not match the schema."""
    errors = document_errors(data, schema_path, prefix)
    if errors:
        raise ValidationError(errors)


# --- plan_data: the plan's own document -------------------------------------------------

PLAN_DATA_SCHEMA = Path(__file__).resolve().parent / "schemas" / "plan_data.schema.json"
PLAN_DATA_MAX_BYTES = 256 * 1024
# Keys inside plan_data that hold booking references: never shown outside the plan's members.
REFERENCE_KEYS = frozenset({"booking_reference", "confirmation_number"})


def _dated_values(data: dict):
    """(json path, ISO date string) for every date in the document that belongs to the trip."""
    for index, day in enumerate(data.get("itinerary") or []):
        if isinstance(day, dict) and isinstance(day.get("date"), str):
            yield f"plan_data.itinerary[{index}].date", day["date"]
    details = (data.get("accommodation") or {}).get("booking_details") or {}
    for key in ("check_in", "check_out"):
        if isinstance(details.get(key), str):
            yield f"plan_data.accommodation.booking_details.{key}", details[key]
    bookings = data.get("external_bookings") or {}
    for kind, keys in (
        ("flights", ("date",)),
        ("hotels", ("check_in", "check_out")),
        ("activities", ("date",)),
    ):
        for index, item in enumerate(bookings.get(kind) or []):
            for key in keys:
                if isinstance(item, dict) and isinstance(item.get(key), str):
                    yield f"plan_data.external_bookings.{kind}[{index}].{key}", item[key]


def plan_data_errors(data, *, start_date=None, end_date=None) -> dict[str, list[str]]:
    """Every problem with a plan document, keyed by JSON path; empty when it is fine.

    Checks size first (a huge document is rejected before the schema walks it), then the
    schema, then that dates inside fall within the plan's own dates when those are set.
    """
    size = len(json.dumps(data, ensure_ascii=False, default=str).encode())
    if size > PLAN_DATA_MAX_BYTES:
        return {
            "plan_data": [
                f"is too large ({size // 1024} KB); the limit is {PLAN_DATA_MAX_BYTES // 1024} KB"
            ]
        }
    errors = document_errors(data, PLAN_DATA_SCHEMA, "plan_data")
    if errors or not isinstance(data, dict):
        return errors
    for path, value in _dated_values(data):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue
        if start_date and day < start_date:
            errors.setdefault(path, []).append(
                f"must be on or after the plan's start date ({start_date.isoformat()})"
            )
        elif end_date and day > end_date:
            errors.setdefault(path, []).append(
                f"must be on or before the plan's end date ({end_date.isoformat()})"
            )
    return errors


def validate_plan_data(data, *, start_date=None, end_date=None) -> None:
    """Raise a ValidationError keyed by JSON path when the plan document is not acceptable."""
    errors = plan_data_errors(data, start_date=start_date, end_date=end_date)
    if errors:
        raise ValidationError(errors)


def plan_notes(data: dict) -> list[dict]:
    """Notes as a list of {text, private}, whichever shape the document stores them in."""
    notes = (data or {}).get("notes")
    if isinstance(notes, str):
        return [{"text": notes, "private": False}] if notes.strip() else []
    if isinstance(notes, list):
        return [
            {"text": note.get("text", ""), "private": bool(note.get("private"))}
            for note in notes
            if isinstance(note, dict)
        ]
    return []


def _without_references(value):
    if isinstance(value, dict):
        return {k: _without_references(v) for k, v in value.items() if k not in REFERENCE_KEYS}
    if isinstance(value, list):
        return [_without_references(item) for item in value]
    return value


def plan_data_redacted(data: dict) -> dict:
    """The document as outsiders (share links, the public gallery, copies) may see it.

    Drops private notes and every booking reference; `extra` is a client's own business and
    is left out too, since nothing says it is safe to show.
    """
    data = copy.deepcopy(data or {})
    data.pop("extra", None)
    if "notes" in data:
        data["notes"] = [note for note in plan_notes(data) if not note["private"]]
    return _without_references(data)

"""Validation of JSONB documents (`plan_data`, activity `metadata`) against JSON Schema files.

One helper for forms, serializers and the admin alike: schema errors become Django
ValidationErrors keyed by the JSON path, e.g. {"plan_data.preferences.group_size":
["must be at least 1"]}, so every surface shows the same message at the same place.

`plan_data_canonical` rewrites the plan document's earlier spellings into the design's
shapes before it is checked, so old clients keep working and read back the canonical form.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

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


# --- the canonical form ------------------------------------------------------------------

DURATION_MAX_MINUTES = 24 * 60
# Earlier names of `transportation.local.methods` values -> the design's names.
LOCAL_METHOD_RENAMES = {"public_transit": "public_transport"}
_DURATION = re.compile(
    r"(?:(?P<h>\d{1,4}(?:[.,]\d{1,4})?)\s*(?:hours|hour|hrs|hr|h)\.?)?"
    r"\s*(?:and\s+|,\s*)?"
    r"(?:(?P<m>\d{1,5})\s*(?:minutes|minute|mins|min|m)?\.?)?",
    re.ASCII | re.IGNORECASE,
)
_CLOCK_DURATION = re.compile(r"(?P<h>\d{1,2}):(?P<m>[0-5]\d)", re.ASCII)


def duration_minutes(text: str) -> int | None:
    """Minutes in "2 hours", "1.5 h", "90 min", "1h30", "2 hrs 15 mins", "1:30" or "90".

    None for anything else ("2-3 hours", "all morning") and for more than a day, which a
    day's outline cannot hold.
    """
    text = text.strip()
    match = _CLOCK_DURATION.fullmatch(text) or _DURATION.fullmatch(text)
    if not text or not match or not (match["h"] or match["m"]):
        return None
    hours = float((match["h"] or "0").replace(",", "."))
    minutes = round(hours * 60) + int(match["m"] or 0)
    return minutes if minutes <= DURATION_MAX_MINUTES else None


def _canonical_activity(item: dict) -> dict:
    duration = item.get("duration")
    if isinstance(duration, float) and duration.is_integer():
        return {**item, "duration": int(duration)}
    if not isinstance(duration, str):
        return item
    minutes = duration_minutes(duration)
    item = dict(item)
    if minutes is not None:
        item["duration"] = minutes
    elif not duration.strip():
        del item["duration"]
    elif "duration_text" not in item:
        # Kept as it was written rather than guessed at; with both present the schema
        # reports `duration`, so nothing the traveller wrote is dropped silently.
        item["duration_text"] = item.pop("duration")
    return item


def _unique(values: list) -> list:
    seen: set[str] = set()
    kept = []
    for value in values:
        if isinstance(value, str):
            if value in seen:
                continue
            seen.add(value)
        kept.append(value)
    return kept


def plan_data_canonical(data: Any) -> Any:
    """The plan document in the design's shapes, whichever earlier spellings it arrives in.

    `transportation.arrival.details` as text becomes {"description": text} (empty text, {}),
    `public_transit` becomes `public_transport`, and an itinerary activity's `duration` as
    text becomes whole minutes, or moves to `duration_text` when it is not a duration.
    Everything else is left for the schema to judge. Idempotent, and never changes its
    argument: only the parts it rewrites are copied.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    transport = data.get("transportation")
    if isinstance(transport, dict):
        transport = data["transportation"] = dict(transport)
        arrival = transport.get("arrival")
        if isinstance(arrival, dict) and isinstance(arrival.get("details"), str):
            text = arrival["details"]
            details = {"description": text} if text.strip() else {}
            transport["arrival"] = {**arrival, "details": details}
        local = transport.get("local")
        if isinstance(local, dict) and isinstance(local.get("methods"), list):
            methods = [
                LOCAL_METHOD_RENAMES.get(method, method) if isinstance(method, str) else method
                for method in local["methods"]
            ]
            transport["local"] = {**local, "methods": _unique(methods)}
    itinerary = data.get("itinerary")
    if isinstance(itinerary, list):
        data["itinerary"] = [
            {
                **day,
                "activities": [
                    _canonical_activity(item) if isinstance(item, dict) else item
                    for item in day["activities"]
                ],
            }
            if isinstance(day, dict) and isinstance(day.get("activities"), list)
            else day
            for day in itinerary
        ]
    return data


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

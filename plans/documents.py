"""Validation of JSONB documents (`plan_data`, activity `metadata`) against JSON Schema files.

One helper for forms, serializers and the admin alike: schema errors become Django
ValidationErrors keyed by the JSON path, e.g. {"plan_data.preferences.group_size":
["must be at least 1"]}, so every surface shows the same message at the same place.
"""

from __future__ import annotations

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

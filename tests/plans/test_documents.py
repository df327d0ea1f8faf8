"""The shared document validator names each error by its JSON path."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from plans.documents import document_errors, validate_document

SCHEMA = {
    "type": "object",
    "properties": {
        "preferences": {
            "type": "object",
            "properties": {
                "group_size": {"type": "integer", "minimum": 1},
                "needs": {"type": "array", "items": {"enum": ["wheelchair", "stroller"]}},
            },
            "required": ["group_size"],
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}


@pytest.fixture
def schema_path(tmp_path):
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


def test_errors_are_keyed_by_json_path(schema_path):
    data = {"preferences": {"group_size": 0, "needs": ["wheelchair", "jetpack"], "x": 1}, "y": 2}
    assert document_errors(data, schema_path, "plan_data") == {
        "plan_data.y": ["is not an allowed field"],
        "plan_data.preferences.x": ["is not an allowed field"],
        "plan_data.preferences.needs[1]": ["must be one of: wheelchair, stroller"],
        "plan_data.preferences.group_size": ["must be at least 1"],
    }


def test_missing_required_key_is_named(schema_path):
    assert document_errors({"preferences": {}}, schema_path, "plan_data") == {
        "plan_data.preferences.group_size": ["is required"]
    }


def test_valid_document_passes_and_invalid_raises(schema_path):
    validate_document({"preferences": {"group_size": 2}}, schema_path, "plan_data")
    with pytest.raises(ValidationError) as excinfo:
        validate_document({"preferences": {"group_size": "two"}}, schema_path, "plan_data")
    assert excinfo.value.message_dict == {
        "plan_data.preferences.group_size": ["must be of type integer"]
    }

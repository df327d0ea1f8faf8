"""The plan_data JSON Schema: the design's example passes; each kind of bad value is named."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from plans.documents import (
    PLAN_DATA_MAX_BYTES,
    PLAN_DATA_SCHEMA,
    duration_minutes,
    plan_data_canonical,
    plan_data_errors,
    plan_data_redacted,
    validate_plan_data,
)

TRIP = {"start_date": dt.date(2025, 6, 1), "end_date": dt.date(2025, 6, 5)}
DESIGN_FILE = Path(__file__).parent / "fixtures" / "design_plan_data.json"


def test_design_example_is_valid(design_example):
    validate_plan_data(design_example, **TRIP)


def test_empty_document_is_valid():
    assert plan_data_errors({}) == {}


def test_notes_may_be_plain_text():
    assert plan_data_errors({"notes": "Bring adapters"}) == {}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: d["preferences"].update(group_size=0),
            {"plan_data.preferences.group_size": ["must be at least 1"]},
            id="minimum",
        ),
        pytest.param(
            lambda d: d["preferences"].update(group_size="two"),
            {"plan_data.preferences.group_size": ["must be of type integer"]},
            id="type",
        ),
        pytest.param(
            lambda d: d["preferences"].update(pace="sprint"),
            {"plan_data.preferences.pace": ["must be one of: relaxed, moderate, fast"]},
            id="enum",
        ),
        pytest.param(
            lambda d: d["preferences"].update(accessibility_needs=["wheelchair", "jetpack"]),
            {
                "plan_data.preferences.accessibility_needs[1]": [
                    "must be one of: wheelchair, mobility_limited, visual_impairment, "
                    "hearing_impairment, stroller_friendly"
                ]
            },
            id="vocabulary",
        ),
        pytest.param(
            lambda d: d.update(colour="blue"),
            {"plan_data.colour": ["is not an allowed field"]},
            id="unknown-top-level-key",
        ),
        pytest.param(
            lambda d: d["accommodation"]["booking_details"].update(wifi=True),
            {"plan_data.accommodation.booking_details.wifi": ["is not an allowed field"]},
            id="unknown-nested-key",
        ),
        pytest.param(
            lambda d: d["itinerary"][1]["activities"][0].update(time="25:00"),
            {"plan_data.itinerary[1].activities[0].time": ["has an invalid format"]},
            id="pattern",
        ),
        pytest.param(
            lambda d: d["itinerary"][0].update(date="June 1st"),
            {"plan_data.itinerary[0].date": ["must be a valid date"]},
            id="format",
        ),
        pytest.param(
            lambda d: d["itinerary"][0]["activities"][0].pop("activity"),
            {"plan_data.itinerary[0].activities[0].activity": ["is required"]},
            id="required",
        ),
        pytest.param(
            lambda d: d["external_bookings"]["hotels"][0].update(cost=-5),
            {"plan_data.external_bookings.hotels[0].cost": ["must be at least 0"]},
            id="negative-cost",
        ),
        pytest.param(
            lambda d: d.update(notes=42),
            {"plan_data.notes": ["is not in an accepted shape"]},
            id="notes-shape",
        ),
        pytest.param(
            lambda d: d["itinerary"][0].update(date="2025-05-31"),
            {
                "plan_data.itinerary[0].date": [
                    "must be on or after the plan's start date (2025-06-01)"
                ]
            },
            id="date-before-trip",
        ),
        pytest.param(
            lambda d: d["external_bookings"]["activities"][0].update(date="2025-06-09"),
            {
                "plan_data.external_bookings.activities[0].date": [
                    "must be on or before the plan's end date (2025-06-05)"
                ]
            },
            id="booking-after-trip",
        ),
    ],
)
def test_bad_values_are_reported_by_path(design_example, change, expected):
    change(design_example)
    assert plan_data_errors(design_example, **TRIP) == expected
    with pytest.raises(ValidationError) as excinfo:
        validate_plan_data(design_example, **TRIP)
    assert excinfo.value.message_dict == expected


def test_anything_goes_under_extra(design_example):
    design_example["extra"] = {"anything": {"nested": [1, 2, 3]}}
    assert plan_data_errors(design_example, **TRIP) == {}


def test_dates_are_not_checked_when_the_plan_has_none(design_example):
    assert plan_data_errors(design_example) == {}


def test_size_limit_gives_a_clear_error():
    huge = {"extra": {"blob": "x" * PLAN_DATA_MAX_BYTES}}
    assert plan_data_errors(huge) == {"plan_data": ["is too large (256 KB); the limit is 256 KB"]}


def test_redacted_copy_drops_private_notes_references_and_extra(design_example):
    redacted = plan_data_redacted(design_example)
    assert redacted["notes"] == [
        {"text": "Book the Louvre tickets online to skip the queue.", "private": False}
    ]
    assert "confirmation_number" not in redacted["accommodation"]["booking_details"]
    assert redacted["external_bookings"]["hotels"][0] == {
        "name": "Hotel Le Marais",
        "check_in": "2025-06-01",
        "check_out": "2025-06-05",
        "cost": 720,
    }
    assert "extra" not in redacted
    # The original is untouched.
    assert design_example["notes"][1]["private"] is True


# --- the design's own example and the canonical form -------------------------------------


def test_the_design_document_is_valid_as_written():
    """`duration: 120`, `arrival.details: {}` and `public_transport`, as the design writes them."""
    document = json.loads(DESIGN_FILE.read_text())
    assert plan_data_errors(document) == {}
    assert plan_data_canonical(document) == document


def test_the_schema_carries_the_design_document_among_its_examples():
    examples = json.loads(PLAN_DATA_SCHEMA.read_text())["examples"]
    assert json.loads(DESIGN_FILE.read_text()) in examples
    for example in examples:
        assert plan_data_errors(example) == {}
        assert plan_data_canonical(example) == example


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("90 min", 90),
        ("90 minutes", 90),
        ("45m", 45),
        ("2 hours", 120),
        ("1 hour", 60),
        ("1.5 h", 90),
        ("1,5 h", 90),
        ("1h30", 90),
        ("1h30m", 90),
        ("2 hrs 15 mins", 135),
        ("1 hour and 30 minutes", 90),
        ("1:30", 90),
        ("  2H  ", 120),
        ("24 hours", 1440),
        ("25 hours", None),
        ("2-3 hours", None),
        ("most of the afternoon", None),
        ("1.5", None),
        ("", None),
        ("h", None),
        ("9" * 400 + " hours", None),
    ],
)
def test_duration_minutes(text, minutes):
    assert duration_minutes(text) == minutes


LEGACY = {
    "preferences": {"group_size": 2},
    "transportation": {
        "arrival": {"method": "train", "details": "Eurostar, 09:31"},
        "local": {"methods": ["public_transit", "walking", "public_transport"]},
    },
    "itinerary": [
        {
            "day": 1,
            "activities": [
                {"activity": "Tower", "duration": "2 hours", "cost": 15.0},
                {"activity": "Lunch", "duration": "90 min"},
                {"activity": "Walk", "duration": "all afternoon"},
                {"activity": "Museum", "duration": 180.0},
                {"activity": "Coffee", "duration": ""},
                {"activity": "Boat", "duration": 45},
            ],
        },
        {"day": 2},
    ],
    "notes": "Plain text notes stay text",
}
CANONICAL = {
    "preferences": {"group_size": 2},
    "transportation": {
        "arrival": {"method": "train", "details": {"description": "Eurostar, 09:31"}},
        "local": {"methods": ["public_transport", "walking"]},
    },
    "itinerary": [
        {
            "day": 1,
            "activities": [
                {"activity": "Tower", "duration": 120, "cost": 15.0},
                {"activity": "Lunch", "duration": 90},
                {"activity": "Walk", "duration_text": "all afternoon"},
                {"activity": "Museum", "duration": 180},
                {"activity": "Coffee"},
                {"activity": "Boat", "duration": 45},
            ],
        },
        {"day": 2},
    ],
    "notes": "Plain text notes stay text",
}


def test_earlier_spellings_become_the_canonical_form():
    legacy = copy.deepcopy(LEGACY)
    assert plan_data_canonical(legacy) == CANONICAL
    assert legacy == LEGACY  # the argument is left as it was
    assert plan_data_errors(CANONICAL) == {}


def test_the_canonical_form_is_a_fixed_point():
    assert plan_data_canonical(plan_data_canonical(LEGACY)) == CANONICAL
    assert plan_data_canonical(CANONICAL) == CANONICAL


@pytest.mark.parametrize(
    ("details", "expected"),
    [("", {}), ("   ", {}), ("By car", {"description": "By car"}), ({}, {})],
)
def test_arrival_details_text_becomes_an_object(details, expected):
    document = {"transportation": {"arrival": {"details": details}}}
    assert plan_data_canonical(document)["transportation"]["arrival"]["details"] == expected


def test_an_unparsed_duration_never_overwrites_duration_text():
    """Both given: nothing is dropped, and the schema names the duration to fix."""
    document = {
        "itinerary": [
            {"day": 1, "activities": [{"activity": "A", "duration": "ages", "duration_text": "x"}]}
        ]
    }
    assert plan_data_canonical(document) == document
    assert plan_data_errors(document) == {
        "plan_data.itinerary[0].activities[0].duration": ["must be of type integer"]
    }


@pytest.mark.parametrize("value", [None, [], "text", 42, {"itinerary": "no"}])
def test_documents_of_the_wrong_shape_are_left_for_the_schema(value):
    assert plan_data_canonical(value) == value


def test_amounts_larger_than_a_cost_column_holds_are_refused():
    """1e300 was accepted and stored, then failed where it became an activity's cost."""
    data = {"itinerary": [{"day": 1, "activities": [{"activity": "Balloon", "cost": 1e300}]}]}
    assert plan_data_errors(data) == {
        "plan_data.itinerary[0].activities[0].cost": ["must be at most 99999999.99"]
    }
    data["itinerary"][0]["activities"][0]["cost"] = 99999999.99
    assert plan_data_errors(data) == {}

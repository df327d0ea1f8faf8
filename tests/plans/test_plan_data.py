"""The plan_data JSON Schema: the design's example passes; each kind of bad value is named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from plans.documents import (
    PLAN_DATA_MAX_BYTES,
    plan_data_errors,
    plan_data_redacted,
    validate_plan_data,
)

TRIP = {"start_date": dt.date(2025, 6, 1), "end_date": dt.date(2025, 6, 5)}


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

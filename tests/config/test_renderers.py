"""The API's renderer writes what DRF's JSONRenderer writes (config.renderers)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from config.renderers import JSONRenderer
from plans.models import Plan
from tests.api_helpers import client_for
from tests.factories import UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
SAMPLES = {
    "plain": {"id": 1, "title": "Lisbon", "nested": [1, 2.5, None, True, {"a": []}]},
    "unicode": {"text": 'pastéis, 東京, emoji 🧳, quote " and \\ and \n newline'},
    "separators": {"text": "line\u2028paragraph\u2029end"},
    "datetimes": [
        dt.datetime(2030, 5, 2, 9, 30, tzinfo=dt.UTC),
        dt.datetime(2030, 5, 2, 9, 30, 0, 123456, tzinfo=dt.UTC),
        dt.datetime(2030, 5, 2, 9, 30, tzinfo=TOKYO),
        dt.date(2030, 5, 2),
        dt.time(9, 30),
    ],
    "decimals": [decimal.Decimal("900.00"), decimal.Decimal("0.1")],
    "lazy and detail strings": {
        "message": gettext_lazy("This field is required."),
        "detail": ErrorDetail("Not found.", code="not_found"),
    },
    "uuid": [uuid.UUID("12345678-1234-5678-1234-567812345678")],
    "choices": [Plan.Status.PUBLISHED],
    "drf containers": ReturnDict(
        {"results": ReturnList([{"x": 1}], serializer=None)}, serializer=None
    ),
    "keys that are not strings": {1: "one", 2.5: "two", False: "no", None: "none"},
    "huge integer": {"n": 2**70},
    "empty": {},
}


@pytest.mark.parametrize("name", SAMPLES)
def test_output_is_drfs_byte_for_byte(name):
    data = SAMPLES[name]
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


@pytest.mark.parametrize("value", [0.00005, 2.5e-05, 1e-07, decimal.Decimal("0.00001")])
def test_small_floats_are_written_as_the_same_numbers(value):
    """A difference in bytes (documented): orjson writes 0.00005 where json writes 5e-05."""
    data = {"x": value, "y": [1.5, 1e-10, 1e20]}
    ours, drfs = JSONRenderer().render(data), renderers.JSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drfs)


def test_an_indent_asked_for_is_honoured():
    data = {"a": [1, 2]}
    media_type = "application/json; indent=2"
    assert JSONRenderer().render(data, media_type) == renderers.JSONRenderer().render(
        data, media_type
    )
    assert b"\n  " in JSONRenderer().render(data, media_type)


@pytest.mark.parametrize("data", [{"x": object()}, {dt.date(2030, 1, 1): 1}, {uuid.UUID(int=1): 1}])
def test_what_drf_cannot_encode_still_fails(data):
    with pytest.raises(TypeError):
        renderers.JSONRenderer().render(data)
    with pytest.raises(TypeError):
        JSONRenderer().render(data)


def test_no_data_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_the_api_answers_with_it():
    response = client_for(UserFactory()).get("/api/v1/plans/")
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response["Content-Type"] == "application/json"

"""Every response under /api/ is JSON in the documented error shape, and no JSON input is a 500."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client

from accounts.api import views as account_api_views
from activities.models import PlanActivity
from config.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from plans.models import Plan
from tests.api_helpers import START, client_for, people
from tests.factories import PlanActivityFactory, UserFactory

pytestmark = pytest.mark.django_db

DEPTH_MESSAGE = f"JSON may nest objects and arrays at most {MAX_JSON_DEPTH} levels deep."
NUMBER_MESSAGE = "Numbers must be between -1.79e308 and 1.79e308."


def _detail(response) -> str:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert set(body) == {"detail"}, body
    return body["detail"]


def _post_json(client, url: str, text: str, method: str = "post"):
    return getattr(client, method)(url, data=text, content_type="application/json")


# --- Django's handlers under /api/ -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/plans/abc/",
        "/api/v1/public/plans/abc/",
        "/api/v1/nope/",
        "/api/",
        "/api/v1/plans/1/activities/x/",
    ],
)
def test_unknown_api_paths_answer_json_404(path):
    """A path no API route matches is a JSON 404, for travellers and anonymous clients alike."""
    for client in (client_for(UserFactory()), client_for(None)):
        response = client.get(path)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert _detail(response) == (
            "Nothing is at this address. The API's paths are listed in /api/v1/schema/."
        )


def test_bad_host_is_json_under_api_and_the_site_keeps_its_html_pages():
    """Outside /api/ the site's own 404 and 400 pages still answer; under it, JSON."""
    missing = Client().get("/no-such-page/")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert missing["Content-Type"].startswith("text/html")
    assert b"Page not found" in missing.content
    bad_host = Client().get("/", HTTP_HOST="elsewhere.example")
    assert bad_host.status_code == HTTPStatus.BAD_REQUEST
    assert bad_host["Content-Type"].startswith("text/html")
    assert b"Bad request" in bad_host.content
    response = client_for(None).get("/api/v1/public/plans/", HTTP_HOST="elsewhere.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _detail(response) == "This host name is not served here."


def test_unexpected_error_under_api_is_json_500(monkeypatch):
    """A bug answers the documented JSON 500, not the site's HTML page."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(account_api_views.MeApi, "get", broken)
    client = client_for(UserFactory())
    client.raise_request_exception = False
    response = client.get("/api/v1/me/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert _detail(response) == (
        "Something went wrong on our side. It has been logged; please try again in a moment."
    )


def test_body_errors_are_json_413_415_and_405(settings):
    """Over the size limit is a JSON 413 naming it (Django's own answer: a bare 400 page);
    405 (with Allow) and 415 are JSON too."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(UserFactory())
    response = _post_json(client, "/api/v1/plans/", json.dumps({"title": "x" * 2000}))
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert _detail(response) == "The request body is too large: send at most 1,000 bytes."
    assert not Plan.objects.exists()
    not_allowed = client.put("/api/v1/plans/", data={}, format="json")
    assert not_allowed.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert _detail(not_allowed) == 'Method "PUT" not allowed.'
    assert not_allowed["Allow"] == "GET, POST, HEAD, OPTIONS"
    unsupported = client.post("/api/v1/plans/", data="title=x", content_type="text/plain")
    assert unsupported.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert _detail(unsupported) == 'Unsupported media type "text/plain" in request.'


def test_schema_documents_every_error_as_json():
    """Every 4xx and 5xx in the schema is `application/json`; every operation documents a 500,
    and every one with a body documents 400, 413 and 415 (what the parser answers)."""
    schema = client_for(None).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    error = {"$ref": "#/components/schemas/Error"}
    with_body = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            required = {"500"}
            if "requestBody" in operation:
                with_body += 1
                required |= {"400", "413", "415"}
            assert required <= set(responses), (method, path)
            for code, response in responses.items():
                if int(code) < HTTPStatus.BAD_REQUEST:
                    continue
                content = response.get("content", {})
                assert list(content) == ["application/json"], (method, path, code)
                if code in {"413", "415", "500"}:
                    assert content["application/json"]["schema"] == error, (method, path, code)
    assert with_body >= 10


# --- JSON the API refuses ------------------------------------------------------------------


DEEP_BODIES = [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    "[" * 100_000 + "]" * 100_000,
    "[" * 100_000,
    '{"title": "x", "plan_data": ' + '{"a": ' * 65 + "1" + "}" * 65 + "}",
]


def test_deep_json_bodies_are_400_saying_so():
    """Nesting over the limit is a 400 naming the limit, never a RecursionError (500); up to
    the limit the body parses and the field says what is wrong with the value."""
    client = client_for(UserFactory())
    for body in DEEP_BODIES:
        response = _post_json(client, "/api/v1/plans/", body)
        assert response.status_code == HTTPStatus.BAD_REQUEST, body[:20]
        assert _detail(response) == DEPTH_MESSAGE
    title = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    response = _post_json(client, "/api/v1/plans/", '{"title": ' + title + "}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"title": ["Must be a string."]}
    assert not Plan.objects.exists()


def test_depth_is_counted_outside_strings_only():
    assert not json_depth_exceeds(json.dumps(["[{" * 1000]))
    assert not json_depth_exceeds(json.dumps(['\\"[[' * 1000]))
    assert json_depth_exceeds("[" * 65 + '"]]]"' + "]" * 65)
    assert not json_depth_exceeds("[" * 64 + "]" * 64)


def test_duplicate_keys_are_400_not_last_one_wins():
    client = client_for(UserFactory())
    response = _post_json(client, "/api/v1/plans/", '{"title": "Lisbon", "title": "Porto"}')
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _detail(response) == 'The key "title" appears more than once in one object.'
    nested = _post_json(
        client, "/api/v1/plans/", '{"title": "x", "plan_data": {"notes": "a", "notes": "b"}}'
    )
    assert nested.status_code == HTTPStatus.BAD_REQUEST
    assert _detail(nested) == 'The key "notes" appears more than once in one object.'
    # A key that could not be written back as text is shown escaped.
    odd = _post_json(client, "/api/v1/plans/", '{"\\ud800": 1, "\\ud800": 2}')
    assert _detail(odd) == 'The key "\\ud800" appears more than once in one object.'
    assert not Plan.objects.exists()


OUT_OF_RANGE_BODIES = [
    ('{"title": "x", "budget": 1e400}', NUMBER_MESSAGE),
    ('{"title": "x", "budget": -1e400}', NUMBER_MESSAGE),
    ('{"title": "x", "plan_data": {"budget": {"total": 1e400}}}', NUMBER_MESSAGE),
    ('{"title": "x", "budget": ' + "9" * 400 + "}", NUMBER_MESSAGE),
    ('{"title": "x", "plan_data": {"x": ' + "9" * 5000 + "}}", NUMBER_MESSAGE),
    ('{"title": "x", "budget": NaN}', "NaN is not a JSON number; send a finite number or null."),
    (
        '{"title": "x", "budget": -Infinity}',
        "-Infinity is not a JSON number; send a finite number or null.",
    ),
    (
        '{"title": "x\\u0000"}',
        "Text in JSON may not contain NUL characters or unpaired surrogates.",
    ),
]


def test_huge_numbers_are_400_with_a_message():
    """Beyond a double's range (1e400 would be infinity, 10**400 has no float): a 400 saying
    so. Within it but beyond a column (10**300 for a decimal, a bigint id): the field's 400."""
    data = people()
    client = client_for(data["owner"])
    for body, message in OUT_OF_RANGE_BODIES:
        response = _post_json(client, "/api/v1/plans/", body)
        assert response.status_code == HTTPStatus.BAD_REQUEST, body[:40]
        assert _detail(response) == message
    big = 10**300
    response = _post_json(client, "/api/v1/plans/", json.dumps({"title": "x", "budget": big}))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["budget"]
    plan = data["plan"]
    activity = PlanActivityFactory(plan=plan, scheduled_date=START)
    url = f"/api/v1/plans/{plan.pk}/activities/{activity.pk}/"
    for field in ("estimated_cost", "actual_cost", "duration_minutes", "latitude", "longitude"):
        response = _post_json(client, url, json.dumps({field: big}), method="patch")
        assert response.status_code == HTTPStatus.BAD_REQUEST, (field, response.content)
        assert list(response.json()) == [field]
    reorder = _post_json(
        client,
        f"/api/v1/plans/{plan.pk}/activities/reorder/",
        json.dumps({"days": [{"date": str(START), "activity_ids": [big]}]}),
    )
    assert reorder.status_code == HTTPStatus.BAD_REQUEST, reorder.content
    assert Plan.objects.get() == plan
    assert PlanActivity.objects.get().version == activity.version


# --- plan_data_contains --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"a":' * 5000 + "1" + "}" * 5000, DEPTH_MESSAGE),
        ("[" * 100_000, DEPTH_MESSAGE),
        ('{"notes": "a", "notes": "b"}', 'The key "notes" appears more than once in one object.'),
        ('{"a": "\\u0000"}', "Text in JSON may not contain NUL characters or unpaired surrogates."),
        ('{"a": 1e400}', NUMBER_MESSAGE),
        ("[1]", 'Enter a JSON object, such as {"preferences": {}}.'),
        ("{", "Enter a valid JSON object."),
    ],
    ids=["deep", "unclosed", "duplicate", "nul", "huge", "array", "malformed"],
)
def test_plan_data_contains_follows_the_body_rules(value, message):
    response = client_for(UserFactory()).get("/api/v1/plans/", {"plan_data_contains": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"plan_data_contains": [message]}


# --- the website's JSON endpoint -----------------------------------------------------------


def test_drag_and_drop_reorder_refuses_deep_json_with_400(client):
    data = people()
    client.force_login(data["owner"])
    url = f"/plans/{data['plan'].pk}/activities/reorder/"
    for body in ("[" * 100_000, '{"days": {"a": 1, "days": {}}, "days": {}}'):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json() == {
            "error": 'Send the new order as {"days": {"YYYY-MM-DD": [ids]}}.'
        }

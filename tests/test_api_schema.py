"""The OpenAPI schema: valid, complete, every documented route answers, and schemathesis finds
nothing over the whole API with its default checks."""

from __future__ import annotations

import datetime as dt
import json
import re
from http import HTTPStatus

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from accounts import services as account_services
from activities.models import PlanActivity
from config.wsgi import application
from plans import services as plan_services
from tests.api_helpers import START, client_for, people, verified
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db

GENEROUS = {"ip": "100000/day", "user": "100000/day"}


@pytest.fixture(autouse=True)
def generous_quotas(settings):
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "api": GENEROUS,
        "share": {"ip": "100000/day"},
    }


def test_spectacular_validates_without_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` passes."""
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def _schema() -> dict:
    response = client_for(None).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == HTTPStatus.OK
    return response.json()


def test_schema_is_openapi_3_and_documents_errors_auth_and_etags():
    schema = _schema()
    validate_schema(schema)  # against the OpenAPI 3 JSON Schema
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    paths = schema["paths"]
    detail = paths["/api/v1/plans/{id}/"]
    assert {"304", "401", "404", "429"} <= set(detail["get"]["responses"])
    assert {"400", "401", "403", "404", "412", "429"} <= set(detail["patch"]["responses"])
    assert "If-Match" in {p["name"] for p in detail["patch"]["parameters"]}
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    listing = {p["name"] for p in paths["/api/v1/plans/"]["get"]["parameters"]}
    assert {
        "page",
        "page_size",
        "status",
        "destination",
        "start_date_after",
        "start_date_before",
        "is_public",
        "updated_since",
        "search",
        "ordering",
        "role",
        "plan_data_contains",
    } <= listing
    # Public routes need no credentials: no security requirement, or an empty one.
    for public in ("/api/v1/shared/{share_token}/", "/api/v1/public/plans/"):
        assert paths[public]["get"].get("security", []) in ([], [{}])
    issue_routes = {
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/plans/{plan_pk}/activities/",
        "/api/v1/plans/{plan_pk}/activities/{id}/",
        "/api/v1/plans/{plan_pk}/activities/reorder/",
        "/api/v1/plans/{plan_pk}/activities/import/",
        "/api/v1/plans/{plan_pk}/budget/",
        "/api/v1/plans/{plan_pk}/conflicts/",
        "/api/v1/plans/{id}/share/",
        "/api/v1/plans/{id}/members/",
        "/api/v1/shared/{share_token}/",
        "/api/v1/public/plans/",
        "/api/v1/public/plans/{id}/",
        "/api/v1/plans/{id}/export/",
        "/api/v1/plans/import/",
        "/api/v1/me/",
        "/api/v1/places/",
    }
    assert issue_routes <= set(paths)
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary") or operation.get("description"), (method, path)
            assert "429" in operation["responses"], (method, path)


PUBLIC_ROUTES = {
    "/api/v1/shared/{share_token}/",
    "/api/v1/public/plans/",
    "/api/v1/public/plans/{id}/",
    "/api/v1/schema/",
}


def test_only_public_routes_make_authentication_optional():
    """Every other operation requires credentials in the schema, with no `{}` alternative.

    schemathesis' ignored_auth check treats an operation whose security list contains `{}`
    (what drf-spectacular writes for AllowAny views) as optional auth and skips it; keeping
    `{}` to the public routes is what lets it resend each other request without the token and
    expect a 401. (Checked by making GET /api/v1/plans/ skip its permission check: the run
    then fails with "API accepts requests without authentication".)
    """
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or path in PUBLIC_ROUTES:
                continue
            security = operation.get("security")
            assert security, (method, path)
            assert {} not in security, (method, path)
            assert {"bearerAuth": []} in security, (method, path)


# Real values for required query parameters.
REQUIRED_QUERIES = {"/api/v1/places/": {"q": "lisbon"}}


def test_every_documented_get_route_answers():
    """Each GET in the schema, with real ids filled in, answers without a 404 or 500."""
    data = people()
    plan = data["plan"]
    activity = PlanActivityFactory(plan=plan, scheduled_date=START)
    public = PlanFactory(user=data["owner"], status="published", is_public=True)
    plan = plan_services.share_link_enable(plan=plan)
    values = {
        "id": plan.pk,
        "plan_pk": plan.pk,
        "share_token": plan.share_token,
    }
    client = client_for(data["owner"])
    for path, operations in _schema()["paths"].items():
        if "get" not in operations:
            continue
        url = path
        if path.startswith("/api/v1/public/plans/{id}"):
            url = path.replace("{id}", str(public.pk))
        elif path == "/api/v1/plans/{plan_pk}/activities/{id}/":
            url = path.replace("{plan_pk}", str(plan.pk)).replace("{id}", str(activity.pk))
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]), url)
        response = client.get(url, REQUIRED_QUERIES.get(path, {}))
        assert response.status_code == HTTPStatus.OK, (url, response.content[:200])


def test_swagger_ui_is_served_from_our_own_static_files(client):
    page = client.get("/api/docs/")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Every asset from our own static files, and no other host named anywhere in the page
    # (the page also holds a random CSRF token, which may spell "cdn" by chance).
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(url.startswith("/static/") for url in assets), assets
    assert not re.findall(r"(?:https?:)?//[\w.-]+\.\w+/", html)
    assert "cdn" not in " ".join(assets).lower()
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == HTTPStatus.OK


# --- schemathesis ---------------------------------------------------------------------------


@pytest.fixture
def api_world(db, settings):
    """A real, verified traveller with plans, activities, members and a share link."""
    data = people()
    owner, plan = data["owner"], data["plan"]
    for index in range(3):
        PlanActivityFactory(
            plan=plan,
            scheduled_date=START + dt.timedelta(days=index % 2),
            start_time=dt.time(9 + index, 0),
            end_time=dt.time(11 + index, 0),
            estimated_cost="10.00",
        )
    public = PlanFactory(user=owner, status="published", is_public=True)
    plan = plan_services.share_link_enable(plan=plan)
    _token, secret = account_services.token_create(
        user=verified(owner), name="schemathesis", scope="read_write"
    )
    return {"owner": owner, "plan": plan, "public": public, "authorization": f"Bearer {secret}"}


def _path_values(operation, world) -> dict:
    """Real ids for the path, so generated requests reach real objects, not only 404s."""
    plan = world["plan"]
    values = {"plan_pk": plan.pk, "id": plan.pk, "share_token": plan.share_token}
    if operation.path.startswith("/api/v1/public/plans/"):
        values["id"] = world["public"].pk
    if "/activities/{id}/" in operation.path:
        activity = PlanActivity.objects.filter(plan=plan).first()
        values["id"] = activity.pk if activity else 1
    return {
        name: values[name] for name in (p.name for p in operation.path_parameters) if name in values
    }


def _run_checks(strategy, world: dict, max_examples: int) -> None:
    """Every default check but positive_data_acceptance on each generated request."""

    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(
            headers={"Authorization": world["authorization"]},
            excluded_checks=[positive_data_acceptance],
        )

    run()


def test_schemathesis_finds_nothing(api_world):
    """Valid and invalid generated requests as a real user, default checks: nothing fails.

    Every operation in the schema, positive and negative data with the real objects' ids in
    the path, 15 examples each, derandomised so a run is repeatable; then, for operations
    with path parameters, negative path values (`/api/v1/plans/abc/`), whose 404 must be the
    documented JSON too. Every default check runs on every response, errors included
    (status codes, content types and bodies as documented), but one, left out on purpose:
    positive_data_acceptance demands that every schema-valid request succeeds, but rules that
    JSON Schema cannot state (an end date on or after the start, a date within the trip, a
    reorder that lists a whole day, a real time zone name) rightly answer 400.
    Django's close_old_connections is disconnected for the run: it would close the test's
    own connection (its transaction) between requests.
    """
    documented = {
        f"{method.upper()} {path}"
        for path, methods in _schema()["paths"].items()
        for method in methods
    }
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert {operation.label for operation in operations} == documented
        without_negative: list[str] = []
        without_negative_path: list[str] = []
        for operation in operations:
            real_ids = _path_values(operation, api_world)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _run_checks(
                        operation.as_strategy(mode, path_parameters=real_ids), api_world, 15
                    )
                except Unsatisfiable:
                    # No schema-violating request exists for this operation (e.g. a GET whose
                    # only parameters are the real ids filled in above).
                    assert mode is GenerationMode.NEGATIVE, operation.label
                    without_negative.append(operation.label)
            if operation.path_parameters:
                try:
                    _run_checks(operation.as_strategy(GenerationMode.NEGATIVE), api_world, 5)
                except Unsatisfiable:
                    # Every value is schema-valid for a string path parameter (a share token).
                    without_negative_path.append(operation.label)
        assert len(without_negative) < len(operations) / 2, without_negative
        assert len(without_negative_path) <= 2, without_negative_path
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The coverage phase only: fuzzing is the hypothesis-driven run above, examples the schema has none.
COVERAGE_ONLY = schemathesis.Config.from_dict(
    {
        "phases": {
            "examples": {"enabled": False},
            "fuzzing": {"enabled": False},
            "stateful": {"enabled": False},
            "coverage": {"enabled": True},
        },
        "generation": {"deterministic": True},
    }
)
# Built at collection, where the database is out of reach (the served schema view runs in a
# transaction): the generator behind /api/v1/schema/, as `manage.py spectacular` calls it.
SERVED_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
coverage_schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SERVED_SCHEMA, cls=DjangoJSONEncoder)), config=COVERAGE_ONLY
)
coverage_schema.app = application


def test_coverage_run_tests_the_served_schema():
    """The schema the coverage run is built from is the one /api/v1/schema/ serves."""
    assert coverage_schema.raw_schema == _schema()


@coverage_schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_coverage_phase_finds_nothing(case, api_world):
    """Every coverage-phase case of every operation, default checks: nothing fails.

    The run above draws its cases with hypothesis and never reaches schemathesis' coverage
    phase, the deterministic cases fuzzing never draws: each required header left out, each
    method the path does not document, each boundary and each kind of wrong value. Two
    checks judge only those cases, so they ran nowhere: unsupported_method (an undocumented
    method is a 405 with an Allow header) and missing_required_header (a request without a
    required header is rejected). positive_data_acceptance stays out, for the reason given
    in test_schemathesis_finds_nothing.
    The path ids become the real objects' (the cases are built before the fixture runs),
    except in the cases whose point is a wrong path value; with a made-up id the view would
    answer 404 before it looks at the method or the headers, and both checks accept a 404.
    """
    phase = case.meta.phase.data if case.meta else None
    if getattr(phase, "parameter_location", None) != "path":
        case.path_parameters.update(_path_values(case.operation, api_world))
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        case.call_and_validate(
            headers={"Authorization": api_world["authorization"]},
            excluded_checks=[positive_data_acceptance],
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_repeated_query_parameters_are_rejected():
    """`?page=1&page=2` is a 400 naming the parameter, not a silent pick of the last value."""
    response = APIClient().get("/api/v1/public/plans/?page=1&page=2&status=published")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"page": ["Give this parameter only once."]}
    empty = APIClient().get("/api/v1/public/plans/?status=&ordering=title")
    assert empty.status_code == HTTPStatus.BAD_REQUEST
    assert empty.json() == {"status": ["Give a value, or leave the parameter out."]}
    blank_entries = APIClient().get("/api/v1/public/plans/?ordering=,")
    assert blank_entries.status_code == HTTPStatus.BAD_REQUEST
    assert blank_entries.json() == {
        "ordering": ["List the values separated by commas, with no empty entries."]
    }


def test_api_takes_json_types_only(api_world):
    """A boolean, string or decimal string in the schema is never coerced from another type."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=api_world["authorization"])
    plan = api_world["plan"]
    response = client.post(f"/api/v1/plans/{plan.pk}/share/", {"rotate": 0}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"rotate": ["Must be true or false."]}
    body = {"title": "Porto", "start_date": "2030-05-02", "end_date": "2030-05-05"}
    response = client.post("/api/v1/plans/", {**body, "budget": 900}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["budget"]
    response = client.post("/api/v1/plans/", {**body, "destination": 7}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"destination": ["Must be a string."]}


def test_query_parameter_errors_are_documented():
    """A listing rejects a bad `page_size` with 400, so its schema lists a 400."""
    paths = _schema()["paths"]
    assert "400" in paths["/api/v1/plans/{id}/members/"]["get"]["responses"]
    assert "400" in paths["/api/v1/plans/{plan_pk}/conflicts/"]["get"]["responses"]

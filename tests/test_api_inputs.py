"""No input is a 500, and a refused request changes nothing: generated JSON bodies for every
operation that takes one, generated strings for every path and query parameter.

The operations come from the OpenAPI schema, so a new endpoint is covered without editing this
file. Bodies mix valid-looking objects (keys from the API's and the documents' schemas, so
values reach the serializers and the document validators) with JSON this API refuses: deep
nesting, repeated keys, NUL and unpaired surrogates, 1e400 and 400-digit integers, NaN.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services as account_services
from accounts.validators import TRAVEL_PREFERENCES_SCHEMA
from activities.services import METADATA_SCHEMA
from plans import services as plan_services
from plans.documents import PLAN_DATA_SCHEMA
from tests.api_helpers import START, client_for, people, verified
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch", "delete"}
# Every app's tables but the rate-limit counters, which each request rightly bumps.
COUNTED_APPS = ("accounts", "plans", "activities")
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def generous_quotas(settings):
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "api": {"ip": "1000000/day", "user": "1000000/day"},
        "share": {"ip": "1000000/day"},
    }


def _schema() -> dict:
    return client_for(None).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def _operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _document_keys(path: Path) -> set[str]:
    """Every property name in a JSON Schema document, at any depth."""
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(path.read_text()))
    return names


def _world() -> dict:
    """A verified owner's plan with activities, a member, a share link and a public plan."""
    data = people()
    owner, plan = data["owner"], data["plan"]
    activity = None
    for index in range(2):
        activity = PlanActivityFactory(
            plan=plan,
            scheduled_date=START + dt.timedelta(days=index),
            start_time=dt.time(9 + index, 0),
            end_time=dt.time(10 + index, 0),
        )
    public = PlanFactory(user=owner, status="published", is_public=True)
    plan = plan_services.share_link_enable(plan=plan)
    _token, secret = account_services.token_create(
        user=verified(owner), name="inputs", scope="read_write"
    )
    return {
        "plan": plan,
        "activity": activity,
        "public": public,
        "member": data["editor"],
        "authorization": f"Bearer {secret}",
    }


def _real_path_values(path: str, world: dict) -> dict[str, str]:
    values = {
        "id": world["plan"].pk,
        "plan_pk": world["plan"].pk,
        "share_token": world["plan"].share_token,
        "day": str(START),
    }
    if path.startswith("/api/v1/public/plans/"):
        values["id"] = world["public"].pk
    if "/activities/{id}/" in path:
        values["id"] = world["activity"].pk
    return {name: str(value) for name, value in values.items()}


def _url(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        # A lone surrogate goes out as the bytes Python would have written for it.
        path = path.replace("{" + name + "}", quote(value, safe="", errors="surrogatepass"))
    return path


def _row_counts() -> dict[str, int]:
    """Rows in each table of the counted apps, read in one query."""
    tables = sorted(
        model._meta.db_table
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    )
    # Table names from the models, quoted: nothing here comes from a request.
    counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _send(client, method: str, url: str, body: str | None, world: dict):
    before = _row_counts()
    response = getattr(client, method)(
        url,
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=world["authorization"],
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (method, url, body)
    assert response["Content-Type"] == "application/json", (method, url, response.content[:200])
    if response.status_code >= HTTPStatus.BAD_REQUEST:
        assert _row_counts() == before, (method, url, body, response.content[:300])
    return response


# --- strategies ----------------------------------------------------------------------------

PLAIN_TEXT = st.text(max_size=12).filter(lambda text: "\x00" not in text)
ODD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udfff", "\u2028", "\ufeff", '"', "\\"])
ODD_TEXT = st.lists(st.one_of(st.characters(), ODD_CHARACTERS), min_size=1, max_size=12).map(
    "".join
)
TEXT = st.one_of(PLAIN_TEXT, ODD_TEXT)
PLAIN_NUMBER = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)
ODD_NUMBER = st.sampled_from(
    [
        "1e400",
        "-1e400",
        "1e-400",
        "1.7976931348623157e308",
        "9" * 400,
        "-" + "9" * 5000,
        str(2**63),
        str(-(2**63) - 1),
        "NaN",
        "Infinity",
        "-Infinity",
    ]
)
NESTINGS = [
    lambda n: "[" * n + "]" * n,
    lambda n: '{"a":' * n + "1" + "}" * n,
    lambda n: "[" * n,
    lambda n: '{"a":[' * n,
]
DEEP = st.builds(lambda nest, n: nest(n), st.sampled_from(NESTINGS), st.integers(60, 100_000))
WIDE = st.integers(0, 20_000).map(lambda n: "{" + ",".join(f'"k{i}":[{i}]' for i in range(n)) + "}")


def _object(pairs: list[tuple[str, str]]) -> str:
    """A JSON object from (key text, value text) pairs; a key may repeat."""
    return "{" + ",".join(f"{key}:{value}" for key, value in pairs) + "}"


def _json_values(keys: list[str], text, number) -> st.SearchStrategy[str]:
    scalar = st.one_of(
        st.sampled_from(["null", "true", "false"]),
        number,
        text.map(json.dumps),
        st.dates().map(lambda day: json.dumps(str(day))),
    )
    key = st.one_of(st.sampled_from(keys), text).map(json.dumps)

    def extend(children):
        array = st.lists(children, max_size=4).map(lambda items: "[" + ",".join(items) + "]")
        return array | st.lists(st.tuples(key, children), max_size=5).map(_object)

    return st.recursive(scalar, extend, max_leaves=10)


def _bodies(fields: list[str], keys: list[str]) -> st.SearchStrategy[str]:
    """Request bodies: mostly objects of the operation's own fields, with values built from
    the documents' keys; plain ones reach the serializers, odd ones test the parser."""
    plain = _json_values(keys, PLAIN_TEXT, PLAIN_NUMBER)
    odd = _json_values(keys, TEXT, st.one_of(PLAIN_NUMBER, ODD_NUMBER))
    field = st.sampled_from(fields or keys).map(json.dumps)
    return st.one_of(
        st.lists(st.tuples(field, plain), max_size=6).map(_object),
        st.lists(st.tuples(field, plain), max_size=6).map(_object),
        st.lists(st.tuples(field, odd), max_size=6).map(_object),
        odd,
        DEEP,
        WIDE,
    )


# --- the properties ------------------------------------------------------------------------


def test_generated_bodies_never_fail_or_half_write():
    """Every operation with a request body, the real objects in its path: generated JSON is
    answered below 500, and whenever it is refused nothing in the database changed."""
    schema = _schema()
    components = schema["components"]["schemas"]
    operations = [
        (path, method, _fields(op, components))
        for path, method, op in _operations(schema)
        if "requestBody" in op
    ]
    assert len(operations) >= 15
    api_keys = {
        name for component in components.values() for name in component.get("properties", {})
    }
    keys = sorted(
        api_keys
        | _document_keys(PLAN_DATA_SCHEMA)
        | _document_keys(METADATA_SCHEMA)
        | _document_keys(TRAVEL_PREFERENCES_SCHEMA)
    )
    client = client_for(None)
    for path, method, fields in operations:
        world = _world()
        url = _url(path, _real_path_values(path, world))
        _send_bodies(client, method, url, _bodies(fields, keys), world)


def _fields(operation: dict, components: dict) -> list[str]:
    """The property names of an operation's JSON request body."""
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(schema.get("properties", {}))


def _send_bodies(client, method: str, url: str, bodies, world: dict) -> None:
    @given(body=bodies)
    @EXAMPLES
    def run(body: str) -> None:
        _send(client, method, url, body, world)

    run()


def test_generated_path_and_query_values_never_fail_or_half_write():
    """Every operation, each path parameter in turn and the query parameters replaced by
    generated text: answered below 500 (a value no route matches is a JSON 404), and whenever
    it is refused nothing changed."""
    client = client_for(None)
    covered = 0
    for path, method, operation in _operations(_schema()):
        parameters = operation.get("parameters", [])
        path_names = [p["name"] for p in parameters if p["in"] == "path"]
        query_names = [p["name"] for p in parameters if p["in"] == "query"]
        if not path_names and not query_names:
            continue
        covered += 1
        _send_parameters(client, method, path, path_names, query_names, _world())
    assert covered >= 25


def _send_parameters(
    client, method: str, path: str, path_names: list[str], query_names: list[str], world: dict
) -> None:
    real = _real_path_values(path, world)
    body = "{}" if method in WRITE_METHODS - {"delete"} else None

    @given(
        name=st.sampled_from(path_names) if path_names else st.none(),
        value=TEXT,
        params=st.dictionaries(st.sampled_from([*query_names, "x"]), TEXT, max_size=4),
    )
    @EXAMPLES
    def run(name: str | None, value: str, params: dict[str, str]) -> None:
        url = _url(path, {**real, name: value} if name else real)
        if params:
            url += "?" + urlencode(params, errors="surrogatepass")
        _send(client, method, url, body, world)

    run()

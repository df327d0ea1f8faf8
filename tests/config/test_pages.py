"""The landing page and error pages render for anonymous visitors."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_landing_page_renders(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert "Plan your trip day by day" in response.content.decode()


def test_unknown_page_uses_the_site_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()


def test_500_page_leaks_nothing(rf):
    """The 500 page is static: no traceback, settings or request data."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/boom"))
    body = response.content.decode()
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "SECRET" not in body


def test_no_template_comment_spans_lines():
    """`{# ... #}` ends on its line; one that runs on is printed to the page as text (the plan
    header showed its own comment to every visitor). Longer notes use {% comment %}."""
    templates = Path(settings.BASE_DIR) / "templates"
    unclosed = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.rfind("{#") > line.rfind("#}")
    ]
    assert unclosed == []


def test_the_public_plan_page_shows_no_template_source(client):
    plan = PlanFactory(status="published", is_public=True)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert plan.title in body
    assert "{#" not in body
    assert "{%" not in body

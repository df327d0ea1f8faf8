"""The landing page and error pages render for anonymous visitors."""

from __future__ import annotations

import json
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


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_every_page_links_the_favicon_app_icons_and_manifest(client):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    body = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("icons/favicon.svg")}" type="image/svg+xml">' in body
    assert f'<link rel="apple-touch-icon" href="{static("icons/apple-touch-icon.png")}">' in body
    assert f'<link rel="manifest" href="{static("manifest.webmanifest")}">' in body
    assert _png_size(Path(finders.find("icons/apple-touch-icon.png"))) == (180, 180)
    manifest = json.loads(Path(finders.find("manifest.webmanifest")).read_text())
    assert manifest["name"] == "Wayfarer"
    for icon in manifest["icons"]:
        found = Path(finders.find(f"icons/{icon['src'].removeprefix('icons/')}"))
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert _png_size(found) == (width, height)
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}

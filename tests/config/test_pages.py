"""The landing page and error pages render for anonymous visitors."""

from __future__ import annotations

from http import HTTPStatus

import pytest

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

"""The page behind a share link offers the calendar file through the link itself."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.services import share_link_enable
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_shared_page_calendar_link_works_without_signing_in(client):
    """Regression: the link pointed at the members-only export, so visitors got a sign-in page."""
    plan = share_link_enable(plan=PlanFactory())
    PlanActivityFactory(plan=plan, title="Harbour walk")
    page = client.get(reverse("plans:shared", args=[plan.share_token])).content.decode()
    shared_calendar = reverse("activities:shared-calendar", args=[plan.share_token])
    assert f'href="{shared_calendar}"' in page
    assert reverse("activities:calendar", args=[plan.pk]) not in page

    response = client.get(shared_calendar)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Harbour walk" in response.content


def test_token_pages_keep_the_token_on_this_site_and_their_forms_working(client, user):
    """Regression: `no-referrer` made Chromium send `Origin: null` on the pages' POST forms
    (accept an invitation, copy a shared plan), which Django's CSRF check rejects with a 403.
    `same-origin` still keeps the secret URL from other sites."""
    plan = share_link_enable(plan=PlanFactory())
    client.force_login(user)
    shared = client.get(reverse("plans:shared", args=[plan.share_token])).content.decode()
    assert '<meta name="referrer" content="same-origin">' in shared
    assert "no-referrer" not in shared

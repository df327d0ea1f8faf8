"""Share links and invitations are rate limited like the other token lookups and forms."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from plans.models import PlanInvitation, PlanReport
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_plan():
    return PlanFactory(share_token="t" * 43)


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_share_page_refuses_an_ip_over_its_quota(client, settings, shared_plan):
    """Every visit (even a 404 for a guessed token of the right shape) counts; then comes the
    friendly 429 page."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "share": {"ip": "2/hour"}}
    assert client.get(reverse("plans:shared", args=["u" * 43])).status_code == 404
    ok = client.get(reverse("plans:shared", args=[shared_plan.share_token]))
    assert ok.status_code == HTTPStatus.OK
    assert ok["RateLimit-Remaining"] == "0"
    refused = client.get(reverse("plans:shared", args=[shared_plan.share_token]))
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(refused["Retry-After"]) > 0
    calendar = client.get(reverse("activities:shared-calendar", args=[shared_plan.share_token]))
    assert calendar.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_sending_invitations_is_limited_per_sender(
    client, settings, user, django_capture_on_commit_callbacks
):
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "invitation": {"user": "2/day", "ip": "100/hour"},
    }
    plan = PlanFactory(user=user)
    client.force_login(user)
    url = reverse("plans:members", args=[plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            client.post(url, {"email": f"friend{n}@example.com", "role": "editor"})
        refused = client.post(url, {"email": "friend9@example.com", "role": "editor"})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert PlanInvitation.objects.filter(plan=plan).count() == 2
    assert len(mail.outbox) == 2
    # Reading the members page is not a send and stays available.
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True, databases=["default", "ratelimit"])
def test_invitation_links_are_limited_per_ip(client, settings):
    """Guessing invitation tokens: each 404 counts on the counters' own connection."""
    settings.RATELIMIT_DATABASE_ALIAS = "ratelimit"
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "invitation": {"user": "50/day", "ip": "1/hour"},
    }
    assert client.get(reverse("plans:invitation", args=["g" * 43])).status_code == 404
    refused = client.get(reverse("plans:invitation", args=["h" * 43]))
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_reports_are_limited_per_reporter(client, settings, user):
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "report": {"user": "1/day", "ip": "50/hour"},
    }
    plans = PlanFactory.create_batch(2, is_public=True, status="published")
    client.force_login(user)
    client.post(reverse("plans:report", args=[plans[0].pk]), {"reason": "spam"})
    refused = client.post(reverse("plans:report", args=[plans[1].pk]), {"reason": "spam"})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert PlanReport.objects.filter(reporter=user).count() == 1

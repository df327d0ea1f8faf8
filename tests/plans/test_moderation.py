"""Reports from the website, and hiding: a hidden plan is gone from every public surface."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from plans import selectors, services
from plans.models import Plan, PlanReport
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_plan(user):
    return PlanFactory(
        user=user,
        title="Lisbon in spring",
        is_public=True,
        status="published",
        share_token="t" * 43,
    )


@pytest.fixture
def moderator(db):
    return UserFactory(is_staff=True)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- reporting from the website --------------------------------------------------------------


def test_a_signed_in_visitor_reports_a_public_plan(client, public_plan, other_user):
    """The plan page offers the button; the report lands in the queue, open, with a thank-you."""
    client.force_login(other_user)
    page = client.get(public_plan.get_absolute_url()).content.decode()
    url = reverse("plans:report", args=[public_plan.pk])
    assert url in page

    response = client.post(url, {"reason": "personal_data", "details": "A phone number"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == public_plan.get_absolute_url()
    assert any("Thank you" in text for text in _messages(response))
    report = PlanReport.objects.get()
    assert (report.plan, report.reporter, report.reason, report.details, report.status) == (
        public_plan,
        other_user,
        "personal_data",
        "A phone number",
        "open",
    )


def test_reporting_twice_is_a_friendly_message_not_an_error(client, public_plan, other_user):
    """A second open report by the same traveller is refused kindly; still one report."""
    client.force_login(other_user)
    url = reverse("plans:report", args=[public_plan.pk])
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "offensive"})

    assert response.status_code == HTTPStatus.FOUND
    assert any("already reported" in text for text in _messages(response))
    assert PlanReport.objects.count() == 1


def test_a_closed_report_does_not_block_a_new_one(public_plan, other_user, moderator):
    first = services.report_create(plan=public_plan, reporter=other_user, reason="spam")
    services.report_dismiss(reports=[first], moderator=moderator)
    second = services.report_create(plan=public_plan, reporter=other_user, reason="spam")
    assert second.pk != first.pk


def test_reporting_through_a_share_link(client, public_plan, other_user):
    """The shared page has the button too; the report goes back to the shared page."""
    public_plan.is_public = False
    public_plan.save()
    token = public_plan.share_token
    client.force_login(other_user)
    page = client.get(reverse("plans:shared", args=[token])).content.decode()
    url = reverse("plans:shared-report", args=[token])
    assert url in page

    response = client.post(url, {"reason": "copyright", "details": "My blog post"})

    assert response["Location"] == reverse("plans:shared", args=[token])
    assert PlanReport.objects.get().reason == "copyright"


def test_something_else_needs_details_and_nothing_is_saved_without(client, public_plan, other_user):
    client.force_login(other_user)
    response = client.post(reverse("plans:report", args=[public_plan.pk]), {"reason": "other"})
    assert response.status_code == HTTPStatus.OK
    assert "Please tell us briefly what is wrong." in response.content.decode()
    assert not PlanReport.objects.exists()


def test_an_unknown_reason_is_an_inline_error(client, public_plan, other_user):
    client.force_login(other_user)
    response = client.post(reverse("plans:report", args=[public_plan.pk]), {"reason": "boring"})
    assert response.status_code == HTTPStatus.OK
    assert not PlanReport.objects.exists()


def test_owners_cannot_report_their_own_plan(client, public_plan, user):
    """No button for the owner, and a direct POST is turned away without a report."""
    client.force_login(user)
    url = reverse("plans:report", args=[public_plan.pk])
    assert url not in client.get(public_plan.get_absolute_url()).content.decode()
    client.post(url, {"reason": "spam"})
    assert not PlanReport.objects.exists()
    with pytest.raises(ValidationError):
        services.report_create(plan=public_plan, reporter=user, reason="spam")


def test_anonymous_visitors_are_asked_to_sign_in(client, public_plan):
    response = client.post(reverse("plans:report", args=[public_plan.pk]), {"reason": "spam"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert not PlanReport.objects.exists()


def test_a_private_plan_cannot_be_reported_by_a_stranger(client, other_user):
    """Strangers cannot see it, so the report page is a 404 like the plan itself."""
    plan = PlanFactory()
    client.force_login(other_user)
    response = client.post(reverse("plans:report", args=[plan.pk]), {"reason": "spam"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not PlanReport.objects.exists()


# --- hiding --------------------------------------------------------------------------------


def _public_surfaces(client, plan: Plan) -> dict[str, bool]:
    """Whether the plan shows up on each public surface, seen by an anonymous visitor."""
    token = plan.share_token
    shared = client.get(reverse("plans:shared", args=[token]))
    calendar = client.get(reverse("activities:shared-calendar", args=[token]))
    detail = client.get(reverse("plans:detail", args=[plan.pk]))
    try:
        selectors.plan_get_by_share_token(token=token)
        by_token = True
    except Http404:
        by_token = False
    return {
        "gallery page": plan.title in client.get(reverse("plans:explore")).content.decode(),
        "landing page": plan.title in client.get(reverse("plans:home")).content.decode(),
        "shared page": shared.status_code == HTTPStatus.OK,
        "shared calendar": calendar.status_code == HTTPStatus.OK,
        "public plan page": detail.status_code == HTTPStatus.OK,
        "Plan.objects.public()": Plan.objects.public().filter(pk=plan.pk).exists(),
        "share-token selector": by_token,
    }


def test_hiding_removes_the_plan_from_every_public_surface_and_unhiding_restores_it(
    client, public_plan, moderator
):
    everywhere = dict.fromkeys(_public_surfaces(client, public_plan), True)
    assert _public_surfaces(client, public_plan) == everywhere

    services.plan_hide(plan=public_plan, moderator=moderator, reason="Contains a phone number")
    assert _public_surfaces(client, public_plan) == dict.fromkeys(everywhere, False)

    services.plan_unhide(plan=Plan.objects.get(pk=public_plan.pk), moderator=moderator)
    assert _public_surfaces(client, public_plan) == everywhere


def test_the_owner_sees_why_the_plan_is_hidden(client, public_plan, user, moderator):
    services.plan_hide(plan=public_plan, moderator=moderator, reason="Contains a phone number")
    client.force_login(user)
    body = client.get(public_plan.get_absolute_url()).content.decode()
    assert "Our moderators have hidden this plan from the public" in body
    assert "Contains a phone number" in body


def test_strangers_see_no_explanation_on_visible_plans(client, public_plan, other_user):
    client.force_login(other_user)
    body = client.get(public_plan.get_absolute_url()).content.decode()
    assert "Our moderators have hidden" not in body


def test_hiding_resolves_the_plans_open_reports_and_records_who(public_plan, moderator):
    reporters = UserFactory.create_batch(2)
    for reporter in reporters:
        services.report_create(plan=public_plan, reporter=reporter, reason="spam")
    other = services.report_create(
        plan=PlanFactory(is_public=True, status="published"), reporter=reporters[0], reason="spam"
    )

    plan = services.plan_hide(plan=public_plan, moderator=moderator, reason="Spam")

    plan.refresh_from_db()
    assert (plan.moderation_status, plan.moderation_reason, plan.moderated_by) == (
        "hidden",
        "Spam",
        moderator,
    )
    assert plan.moderated_at is not None
    closed = PlanReport.objects.filter(plan=plan)
    assert {(r.status, r.resolved_by, r.resolution_note) for r in closed} == {
        ("resolved", moderator, "Plan hidden: Spam")
    }
    assert all(r.resolved_at for r in closed)
    other.refresh_from_db()
    assert other.status == "open"
    latest = plan.history.first()
    assert (latest.moderation_status, latest.history_user, latest.history_change_reason) == (
        "hidden",
        moderator,
        "hidden by moderators",
    )


def test_hiding_needs_a_reason(public_plan, moderator):
    with pytest.raises(ValidationError):
        services.plan_hide(plan=public_plan, moderator=moderator, reason="  ")
    public_plan.refresh_from_db()
    assert public_plan.moderation_status == "ok"


def test_resolving_and_dismissing_record_who_and_when_and_leave_closed_reports(
    public_plan, moderator
):
    reports = [
        services.report_create(plan=public_plan, reporter=UserFactory(), reason="spam")
        for _ in range(2)
    ]
    assert services.report_resolve(reports=reports[:1], moderator=moderator, note="Fixed") == 1
    assert services.report_dismiss(reports=reports, moderator=moderator) == 1
    first, second = (PlanReport.objects.get(pk=r.pk) for r in reports)
    assert (first.status, first.resolution_note, first.resolved_by) == (
        "resolved",
        "Fixed",
        moderator,
    )
    assert (second.status, second.resolved_by) == ("dismissed", moderator)
    assert first.resolved_at is not None
    assert second.resolved_at is not None


def test_members_still_see_a_hidden_plan(client, public_plan, moderator):
    member = PlanMemberFactory(plan=public_plan).user
    services.plan_hide(plan=public_plan, moderator=moderator, reason="Spam")
    client.force_login(member)
    assert client.get(public_plan.get_absolute_url()).status_code == HTTPStatus.OK

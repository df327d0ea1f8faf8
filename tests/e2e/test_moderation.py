"""Journey 7: a staff moderator hides a reported public plan in the admin; the gallery drops it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from plans import services
from plans.models import Plan, PlanReport
from tests.factories import PlanFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moderator(db):
    """Staff with exactly the rights moderation needs: see and change plans and reports."""
    user = UserFactory(email="mo@example.com", display_name="Mo Moderator", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="plans",
            codename__in=["view_plan", "change_plan", "view_planreport", "change_planreport"],
        )
    )
    return user


def test_moderator_hides_a_reported_plan_and_it_leaves_the_gallery(
    live_server, page, context, new_context, log_in, moderator, screenshot
):
    """The visitor sees it, the moderator hides it from the reports queue, the visitor doesn't."""
    plan = PlanFactory(
        title="Cheap flights click here", destination="Anywhere", status="published", is_public=True
    )
    PlanFactory(
        title="Quiet days in Ghent", destination="Ghent", status="published", is_public=True
    )
    services.report_create(
        plan=plan, reporter=UserFactory(), reason=PlanReport.Reason.SPAM, details="Only ads."
    )

    visitor = new_context().new_page()
    visitor.goto(live_server.url + "/explore/")
    expect(visitor.get_by_role("link", name="Cheap flights click here")).to_be_visible()

    log_in(context, moderator)
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}plans/planreport/")
    row = page.get_by_role("row").filter(has_text="Cheap flights click here")
    expect(row).to_contain_text("Spam or advertising")
    screenshot("admin-changelist", page)
    row.get_by_role("checkbox").check()
    page.get_by_label(re.compile("^Action")).select_option(label="Hide the reported plans…")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="1 selected")).to_be_visible()
    page.get_by_label("Reason shown to the owner").fill("Advertising, not a travel plan.")
    page.get_by_role("button", name="Yes, I'm sure").click()
    expect(page.locator(".messagelist")).to_contain_text("hidden")

    plan.refresh_from_db()
    assert plan.moderation_status == Plan.Moderation.HIDDEN
    assert not plan.reports.filter(status=PlanReport.Status.OPEN).exists()
    visitor.reload()
    expect(visitor.get_by_role("link", name="Quiet days in Ghent")).to_be_visible()
    expect(visitor.get_by_role("link", name="Cheap flights click here")).to_have_count(0)

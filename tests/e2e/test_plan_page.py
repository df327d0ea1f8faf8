"""The plan page's frame at 1280 and 390 wide: where, when, who and the budget at a glance,
Edit plan as the header's one primary action, sharing, co-travellers, changes and exports in
their own panels, who can see the plan as one control, and deleting only after confirming."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plans import services
from plans.models import Plan, PlanMember, Role
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize(
    "viewport",
    [
        pytest.param(WIDE, marks=pytest.mark.browser_context_args(viewport=WIDE)),
        pytest.param(PHONE, marks=pytest.mark.browser_context_args(viewport=PHONE)),
    ],
    ids=["wide", "phone"],
)
MEMBERS_ONLY = "Only you and your co-travellers can see this plan."
WITH_THE_LINK = (
    "Anyone with this link can see the itinerary, map and estimated costs, not what you "
    "spent, private notes or booking codes."
)
IN_THE_GALLERY = (
    "Anyone can find this plan in the public gallery and read its itinerary, map and "
    "estimated costs, not what you spent, private notes or booking codes."
)


def _checked(page, screenshot, name: str) -> None:
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(name)


def _at_least_44_px(locator) -> None:
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= 44, (locator.nth(index).inner_text(), box)


def _save_visibility(page, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save who can see it").click()


@VIEWPORTS
def test_the_header_and_panels_say_where_when_who_and_what_it_costs(
    live_server, page, context, log_in, trip, screenshot, viewport
):
    PlanMember.objects.create(
        plan=trip, user=UserFactory(display_name="Sam Rivera"), role=Role.EDITOR
    )
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())

    header = page.locator(".plan-header")
    expect(header.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    expect(header).to_contain_text("Lisbon, Portugal")
    expect(header).to_contain_text("3 days")
    expect(header).to_contain_text("starts in 30 days")
    expect(header.get_by_role("list", name="Travellers")).to_have_text(
        re.compile(r"AT\s+Ana Traveller\s+SR\s+Sam Rivera")
    )
    expect(header).to_contain_text("€850.00")
    expect(header.locator(".badge")).to_have_text(["Only members"])
    # The one primary action up top; the rest is in panels and the manage area.
    expect(header.get_by_role("link")).to_have_text(["Edit plan"])
    expect(header.get_by_role("button")).to_have_count(0)
    for panel in ("Who can see this plan", "Co-travellers", "Recent changes", "Calendar and print"):
        expect(page.locator("details.panel summary").filter(has_text=panel)).to_be_visible()
    expect(page.get_by_text(MEMBERS_ONLY)).to_be_visible()

    # Closed panels open on a tap and work without JavaScript (<details>).
    page.locator("summary").filter(has_text="Calendar and print").click()
    expect(page.get_by_role("link", name="Download calendar file (.ics)")).to_be_visible()
    expect(page.get_by_role("link", name="Printable itinerary")).to_have_attribute(
        "href", f"/plans/{trip.pk}/itinerary/"
    )
    page.locator("summary").filter(has_text="Recent changes").click()
    expect(page.locator("#recent-changes li").last).to_be_visible()
    expect(page.locator("#recent-changes li").last).to_contain_text("created the plan")

    manage = page.get_by_role("region", name="Manage this plan")
    expect(manage.get_by_role("button", name="Archive")).to_be_visible()
    expect(manage).to_contain_text("can be restored any time")
    expect(manage.get_by_role("link", name="Delete")).to_be_visible()

    _at_least_44_px(header.get_by_role("link", name="Edit plan"))
    _at_least_44_px(page.locator("details.panel > summary"))
    _at_least_44_px(page.locator(".visibility-form label.choice"))
    _at_least_44_px(page.locator(".plan-side a.button:visible, .plan-side button:visible"))
    _at_least_44_px(manage.locator("a.button, button"))
    _checked(page, screenshot, f"plan-page-frame-{viewport['width']}")


@VIEWPORTS
def test_visibility_moves_through_its_three_states(
    live_server, page, context, log_in, trip, screenshot, viewport
):
    """Only members -> anyone with the link -> the gallery -> only members: each state reads
    the same in the badge, the checked choice and one sentence of who sees what."""
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    badge = page.locator(".plan-header .badge")
    expect(badge).to_have_text(["Only members"])
    expect(page.get_by_label("Only members", exact=True)).to_be_checked()

    _save_visibility(page, "Anyone with the link")
    expect(page.locator(".messages")).to_contain_text("Anyone with the link can see this plan")
    expect(page.locator("#visibility-now")).to_have_text(WITH_THE_LINK)
    expect(badge).to_have_text(["Anyone with the link"])
    share_url = page.get_by_role("textbox", name="The link").input_value()
    assert share_url.startswith(live_server.url + "/s/")
    _checked(page, screenshot, f"plan-visibility-link-{viewport['width']}")

    _save_visibility(page, "Listed in the public gallery")
    expect(page.locator("#visibility-now")).to_have_text(IN_THE_GALLERY)
    expect(badge).to_have_text(["Listed in the public gallery"])
    expect(page.get_by_label("Listed in the public gallery", exact=True)).to_be_checked()
    _checked(page, screenshot, f"plan-visibility-gallery-{viewport['width']}")
    page.goto(live_server.url + "/plans/")
    card = page.locator(".plan-card").filter(has_text=trip.title)
    expect(card.locator(".badge").filter(has_text="gallery")).to_have_text(
        "Listed in the public gallery"
    )
    page.goto(live_server.url + trip.get_absolute_url())

    _save_visibility(page, "Only members")
    expect(page.locator("#visibility-now")).to_have_text(MEMBERS_ONLY)
    expect(badge).to_have_text(["Only members"])
    expect(page.get_by_role("textbox", name="The link")).to_have_count(0)
    trip.refresh_from_db()
    assert (trip.status, trip.is_public, trip.share_token) == (Plan.Status.DRAFT, False, None)
    _checked(page, screenshot, f"plan-visibility-members-{viewport['width']}")


@VIEWPORTS
def test_a_plan_hidden_by_moderators_says_so_and_why(
    live_server, page, context, log_in, trip, screenshot, viewport
):
    services.share_link_enable(plan=trip)
    services.plan_publish(plan=trip, user=trip.user, public=True)
    services.plan_hide(
        plan=trip, moderator=UserFactory(is_staff=True), reason="Links to a ticket resale site"
    )
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    expect(page.locator(".plan-header .badge")).to_have_text(["Hidden by moderators"])
    expect(page.locator("#visibility-now")).to_contain_text(
        "Hidden by our moderators: only you and your co-travellers can see it."
    )
    expect(page.locator("#visibility")).to_contain_text("Links to a ticket resale site")
    expect(page.get_by_role("button", name="Save who can see it")).to_have_count(0)
    body = page.locator("body")
    for claim in ("In the public gallery", "Listed in the public gallery", "Anyone with this link"):
        expect(body).not_to_contain_text(claim)
    _checked(page, screenshot, f"plan-hidden-by-moderators-{viewport['width']}")

    page.goto(live_server.url + "/plans/")
    card = page.locator(".plan-card").filter(has_text=trip.title)
    expect(card).to_contain_text("Hidden by moderators")
    expect(card).not_to_contain_text("gallery")


@VIEWPORTS
def test_deleting_asks_first(live_server, page, context, log_in, trip, screenshot, viewport):
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    page.get_by_role("region", name="Manage this plan").get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete “{trip.title}”?")
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    _checked(page, screenshot, f"plan-delete-confirm-{viewport['width']}")
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    assert Plan.objects.filter(pk=trip.pk).exists()

    page.get_by_role("region", name="Manage this plan").get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Yes, delete this plan").click()
    expect(page).to_have_url(live_server.url + "/plans/")
    expect(page.locator(".messages")).to_contain_text(f"“{trip.title}” was deleted.")
    assert not Plan.objects.filter(pk=trip.pk).exists()

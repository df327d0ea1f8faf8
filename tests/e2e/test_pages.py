"""The main pages in a real browser: no serious accessibility violations, and they fit a phone.

Each test also saves full-page screenshots (desktop and phone) to test-artifacts/screens/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plans.services import share_link_enable
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _screens(page, screenshot, name: str) -> None:
    screenshot(f"{name}-desktop", page)
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-phone", page)
    page.set_viewport_size({"width": 1280, "height": 720})


def test_dashboard_is_accessible(live_server, page, context, log_in, trip, screenshot):
    log_in(context, trip.user)
    page.goto(live_server.url + "/plans/")
    expect(page.get_by_role("heading", level=1, name="My plans")).to_be_visible()
    expect(page.get_by_role("link", name="Long weekend in Lisbon")).to_be_visible()
    _screens(page, screenshot, "dashboard")
    assert serious_violations(page) == []


def test_empty_dashboard_invites_a_first_plan(live_server, page, context, log_in, traveller):
    log_in(context, traveller)
    page.goto(live_server.url + "/plans/")
    expect(page.get_by_role("heading", name="No plans yet")).to_be_visible()
    expect(page.get_by_role("link", name="Create a plan")).to_be_visible()
    assert serious_violations(page) == []


def test_plan_page_with_activities_and_map_is_accessible(
    live_server, page, context, log_in, trip, screenshot
):
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    # The map is drawn (Leaflet adds its marker icons) before axe looks at the page.
    expect(page.locator(".leaflet-marker-icon")).to_have_count(5)
    _screens(page, screenshot, "plan")
    assert serious_violations(page) == []


def test_shared_page_is_accessible(live_server, page, trip, screenshot):
    share_link_enable(plan=trip)
    page.goto(f"{live_server.url}/s/{trip.share_token}/")
    expect(page.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    _screens(page, screenshot, "shared")
    assert serious_violations(page) == []


def test_public_plan_page_is_accessible_and_fits_a_phone(live_server, page, trip, screenshot):
    """What an anonymous visitor sees of a public plan (its public projection), with the map."""
    trip.status, trip.is_public = "published", True
    trip.save()
    page.goto(live_server.url + trip.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(5)
    _screens(page, screenshot, "public-plan")
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page)


def test_name_step_after_sign_up_is_accessible_and_fits_a_phone(
    live_server, page, context, log_in, traveller, screenshot
):
    log_in(context, traveller)
    page.goto(live_server.url + "/account/name/?next=/plans/")
    expect(page.get_by_role("heading", level=1, name="Choose the name others see")).to_be_visible()
    _screens(page, screenshot, "choose-name")
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page)


def test_sign_in_page_is_accessible(live_server, page, screenshot):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _screens(page, screenshot, "sign-in")
    assert serious_violations(page) == []


def test_phone_has_no_horizontal_scrolling(live_server, new_context, log_in, trip):
    """Journey 8: on a 390 x 844 phone the dashboard and the plan page fit the screen's width."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(context, trip.user)
    page = context.new_page()
    page.goto(live_server.url + "/plans/")
    expect(page.get_by_role("heading", level=1, name="My plans")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.goto(live_server.url + trip.get_absolute_url())
    expect(page.get_by_role("heading", level=2, name="Itinerary")).to_be_visible()
    assert no_horizontal_scroll(page)

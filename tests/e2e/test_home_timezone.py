"""Sign-up takes the home time zone from the browser; the traveller can still change it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll
from tests.e2e.test_journeys import field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 800}
PASSWORD = "a-long-Passphrase-42"


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param(
            WIDE, marks=pytest.mark.browser_context_args(viewport=WIDE, timezone_id="Asia/Tokyo")
        ),
        pytest.param(
            PHONE, marks=pytest.mark.browser_context_args(viewport=PHONE, timezone_id="Asia/Tokyo")
        ),
    ],
    ids=["wide", "phone"],
)
def test_sign_up_prefills_the_browsers_time_zone_and_saves_it(
    live_server, page, screenshot, viewport
):
    """A browser in Tokyo: the select shows Asia/Tokyo, the profile keeps it."""
    page.goto(live_server.url + "/accounts/signup/")
    zone = field(page, "Your home time zone")
    expect(zone).to_have_value("Asia/Tokyo")
    expect(page.get_by_text("counts the days until a trip")).to_be_visible()
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"signup-home-timezone-{viewport['width']}")

    field(page, "Email").fill("kenji@example.com")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Choose the name others see")).to_be_visible()
    assert User.objects.get(email="kenji@example.com").timezone == "Asia/Tokyo"


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_a_zone_chosen_by_hand_wins_over_the_browsers(live_server, page):
    """The prefill runs once, before the traveller picks; a form shown again keeps their pick."""
    page.goto(live_server.url + "/accounts/signup/")
    field(page, "Your home time zone").select_option("Europe/Lisbon")
    field(page, "Email").fill("ines@example.com")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill("not-the-same-Passphrase-7")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".errorlist")).to_be_visible()
    expect(field(page, "Your home time zone")).to_have_value("Europe/Lisbon")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Choose the name others see")).to_be_visible()
    assert User.objects.get(email="ines@example.com").timezone == "Europe/Lisbon"


@pytest.mark.browser_context_args(timezone_id="America/Sao_Paulo", java_script_enabled=False)
def test_without_javascript_sign_up_keeps_utc(live_server, page):
    page.goto(live_server.url + "/accounts/signup/")
    expect(field(page, "Your home time zone")).to_have_value("UTC")
    field(page, "Email").fill("noscript@example.com")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Choose the name others see")).to_be_visible()
    assert User.objects.get(email="noscript@example.com").timezone == "UTC"


@pytest.mark.browser_context_args(timezone_id="Pacific/Auckland")
def test_profile_on_utc_offers_the_browsers_zone_with_a_button(live_server, page, log_in):
    user = User.objects.create_user(username="mere", email="mere@example.com")
    log_in(page.context, user)
    page.goto(live_server.url + "/account/profile/")
    zone = field(page, "Home time zone")
    expect(zone).to_have_value("UTC")  # never changed without asking
    page.get_by_role("button", name="Use this device\u2019s time zone: Pacific/Auckland").click()
    expect(zone).to_have_value("Pacific/Auckland")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")
    user.refresh_from_db()
    assert user.timezone == "Pacific/Auckland"

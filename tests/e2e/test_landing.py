"""The landing page in a real browser: it renders, is accessible and fits a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_landing_page_is_accessible(live_server, page, screenshot):
    page.goto(live_server.url + "/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Plan your trip day by day, together"
    )
    screenshot("landing")
    assert serious_violations(page) == []


def test_skip_link_moves_focus_to_main_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    # The fragment navigation lands a moment after the key press on a busy machine.
    expect(page).to_have_url(re.compile(r"#main$"))

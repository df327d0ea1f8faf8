"""A first visit: sign up, land on an empty "My plans" with its two offers, copy the sample trip;
the plan's recent changes read as sentences."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from activities import scheduling
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll
from tests.e2e.test_journeys import field
from tests.factories import PlanActivityFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 800}
PASSWORD = "a-long-Passphrase-42"
VIEWPORTS = pytest.mark.parametrize(
    "viewport",
    [
        pytest.param(WIDE, marks=pytest.mark.browser_context_args(viewport=WIDE)),
        pytest.param(PHONE, marks=pytest.mark.browser_context_args(viewport=PHONE)),
    ],
    ids=["wide", "phone"],
)


def _checked(page, screenshot, name: str) -> None:
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(name)


def _changes(page):
    return page.locator("#recent-changes li")


@VIEWPORTS
def test_a_new_traveller_lands_on_my_plans_and_copies_the_sample(
    live_server, page, screenshot, viewport
):
    site = live_server.url
    page.goto(site + "/accounts/signup/")
    field(page, "Email").fill("alex@example.com")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Choose the name others see")).to_be_visible()
    field(page, "Display name").fill("Alex")
    page.get_by_role("button", name="Save name").click()

    expect(page).to_have_url(site + "/plans/")
    expect(page.get_by_role("heading", level=1, name="My plans")).to_be_visible()
    expect(page.get_by_role("heading", name="No plans yet")).to_be_visible()
    expect(page.get_by_role("link", name="Create a plan")).to_be_visible()
    copy = page.get_by_role("button", name="Copy a sample trip to Lisbon")
    expect(copy).to_be_visible()
    expect(page.get_by_text("Filter plans")).to_have_count(0)  # nothing to filter yet
    _checked(page, screenshot, f"first-visit-empty-my-plans-{viewport['width']}")

    copy.click()
    expect(page.get_by_role("heading", level=1, name="Three days in Lisbon")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("is your own plan now")
    expect(_changes(page)).to_have_text(
        [
            re.compile(r"^Alex added 7 activities from a sample trip"),
            re.compile(r"^Alex created the plan"),
        ]
    )
    _checked(page, screenshot, f"first-visit-sample-copied-{viewport['width']}")

    # Back on My plans: one plan, the filters folded away but there.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My plans").click()
    expect(page.get_by_role("link", name="Three days in Lisbon")).to_be_visible()
    summary = page.get_by_text("Filter plans", exact=True)
    expect(summary).to_be_visible()
    expect(field(page, "Destination")).to_be_hidden()
    summary.click()
    expect(field(page, "Destination")).to_be_visible()
    _checked(page, screenshot, f"first-visit-my-plans-one-plan-{viewport['width']}")


@VIEWPORTS
def test_recent_changes_read_as_sentences(
    live_server, page, context, log_in, traveller, trip, screenshot, viewport
):
    """A move in the browser and a planner run: who did what, never an internal reason."""
    PlanActivityFactory(plan=trip, title="Fado night", scheduled_date=None, start_time=None)
    log_in(context, traveller)
    page.goto(live_server.url + trip.get_absolute_url())
    page.get_by_text("Move or delay “Tram 28 ride”").click()
    row = page.locator(".activity").filter(has_text="Tram 28 ride")
    target = trip.end_date
    field(row, "Move to").select_option(value=target.isoformat())
    row.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator(".activity-notice")).to_contain_text("Moved “Tram 28 ride”")
    applied = scheduling.schedule_apply(plan=trip, user=traveller)
    assert applied.changed >= 1  # at least the one waiting for a day
    page.reload()

    day = f"{target:%A} {target.day} {target:%B}"
    sentences = _changes(page)
    expect(sentences.first).to_contain_text(f"Ana Traveller re-planned {applied.changed} activit")
    expect(page.locator("#recent-changes")).to_contain_text(
        f"Ana Traveller moved “Tram 28 ride” to {day}"
    )
    expect(page.locator("#recent-changes")).not_to_contain_text("planner:")
    expect(page.locator("#recent-changes")).not_to_contain_text(str(applied.batch_id))
    page.locator("#recent-changes").scroll_into_view_if_needed()
    _checked(page, screenshot, f"recent-changes-sentences-{viewport['width']}")

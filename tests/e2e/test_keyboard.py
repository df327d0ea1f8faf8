"""Creating a plan with the keyboard alone: Tab to move, typing to fill, Enter to act."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plans.models import Plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tab_to(page, target, limit: int = 40) -> None:
    """Press Tab until `target` has the focus; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def _label(page, text: str):
    return page.get_by_label(re.compile(rf"^{re.escape(text)}:?$"))


def test_create_a_plan_with_the_keyboard_only(live_server, page, context, log_in, traveller):
    """From the dashboard to the new plan's page without a single click."""
    log_in(context, traveller)
    page.goto(live_server.url + "/plans/")

    _tab_to(page, page.get_by_role("link", name="New plan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Plan a new trip")).to_be_visible()

    _tab_to(page, _label(page, "Destination"))
    page.keyboard.type("Santiago de Compostela")
    _tab_to(page, _label(page, "Start date"))
    page.keyboard.type("05012030")  # month, day, year: the en-US date field's order
    _tab_to(page, _label(page, "End date"))
    page.keyboard.type("05212030")
    _tab_to(page, _label(page, "Budget"))
    page.keyboard.type("1800")
    _tab_to(page, _label(page, "Currency"))
    page.keyboard.press("Control+A")
    page.keyboard.type("EUR")
    _tab_to(page, _label(page, "Title"))
    page.keyboard.type("Walking the Camino")

    _tab_to(page, page.get_by_role("button", name="Create plan"), limit=120)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Walking the Camino")).to_be_visible()
    expect(page.locator(".plan-facts")).to_contain_text("Wed, May 1, 2030 \u2013 Tue, May 21, 2030")
    plan = Plan.objects.get(title="Walking the Camino")
    assert (plan.destination, str(plan.budget), plan.currency, plan.user) == (
        "Santiago de Compostela",
        "1800.00",
        "EUR",
        traveller,
    )

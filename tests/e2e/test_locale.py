"""A traveller whose browser speaks Portuguese (Portugal) reads dates and money as written in
Portugal, on a shared plan as an outsider and on their own plan once signed in; the interface
stays English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.formatting import format_date, format_money
from plans.services import share_link_enable
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}


@pytest.fixture
def browser_context_args(browser_context_args, screen):
    """The browser asks for Portuguese (Portugal): Accept-Language pt-PT, on each screen."""
    return {**browser_context_args, "locale": "pt-PT", "viewport": VIEWPORTS[screen]}


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_a_portuguese_browser_reads_portuguese_dates_and_money(
    live_server, page, context, log_in, trip, screenshot, screen
):
    starts = format_date(trip.start_date, "weekday_year", locale="pt-PT")  # "sexta, 5/06/2026"
    budget = format_money(trip.budget, trip.currency, locale="pt-PT")  # "850,00 €"
    assert budget == "850,00\xa0€"

    share_link_enable(plan=trip)
    page.goto(f"{live_server.url}/s/{trip.share_token}/")
    expect(page.get_by_text(starts).first).to_be_visible()
    expect(page.get_by_text("est. 15,00\xa0€").first).to_be_visible()
    expect(page.get_by_role("heading", name="Budget")).to_be_visible()
    assert "€850" not in page.content()
    screenshot(f"locale-shared-pt-PT-{screen}")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)

    trip.user.locale = "pt-PT"
    trip.user.save(update_fields=["locale"])
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    expect(page.get_by_text(budget).first).to_be_visible()
    expect(page.get_by_text(starts).first).to_be_visible()
    expect(page.get_by_role("heading", name="Itinerary").first).to_be_visible()  # in English
    screenshot(f"locale-plan-pt-PT-{screen}")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)

    page.goto(live_server.url + "/account/profile/")
    expect(page.get_by_label("Dates and money format")).to_have_value("pt-PT")
    assert serious_violations(page) == []

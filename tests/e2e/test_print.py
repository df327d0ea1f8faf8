"""Printing: the printed itinerary is a traveller's document on paper (days, times with their
zone, places, addresses, phones, booking references) with nothing to press or fill in; the plan
page prints without its controls too. Checked in print media at both widths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

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
START = dt.date(2031, 6, 10)
# Every element a traveller could press or fill in; none may show on paper.
CONTROLS = "button, form, input, select, textarea, [role=button], .button, .check-button"
VISIBLE_CONTROLS = """(selector) => [...document.querySelectorAll(selector)].filter((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden"
        && box.width > 0 && box.height > 0;
}).map((el) => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def lisbon(db):
    """A June trip to Lisbon (WEST) of a traveller on a 24-hour clock, with a booked visit."""
    owner = UserFactory(display_name="Sam", locale="en-GB")
    plan = PlanFactory(
        user=owner,
        title="Lisbon in June",
        destination="Lisbon",
        timezone="Europe/Lisbon",
        start_date=START,
        end_date=START + dt.timedelta(days=2),
    )
    PlanActivityFactory(
        plan=plan,
        title="São Jorge Castle",
        scheduled_date=START,
        start_time=dt.time(10),
        end_time=dt.time(12, 30),
        location_name="Castelo de São Jorge",
        address="R. de Santa Cruz do Castelo, 1100-129 Lisboa",
        description="Go early: queues after 11.",
        metadata={
            "contact_info": {"phone": "+351 218 800 620"},
            "booking_info": {"confirmation_number": "CSJ-4471", "provider": "GetYourGuide"},
        },
    )
    PlanActivityFactory(
        plan=plan,
        title="Fado dinner",
        scheduled_date=START + dt.timedelta(days=1),
        start_time=dt.time(20),
        location_name="Tasca do Chico",
        address="R. do Diário de Notícias 39, Lisboa",
        is_completed=True,
    )
    return plan


def _no_visible_controls(page) -> None:
    assert page.evaluate(VISIBLE_CONTROLS, CONTROLS) == []
    assert page.evaluate(VISIBLE_CONTROLS, "header.site-header, footer.site-footer, nav") == []


@VIEWPORTS
def test_the_printed_itinerary_is_a_travellers_document(
    live_server, page, log_in, screenshot, lisbon, viewport
):
    log_in(page.context, lisbon.user)
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page.goto(live_server.url + reverse("activities:itinerary", kwargs={"pk": lisbon.pk}))

    # On screen: the document with a working Print button, readable at the phone's width.
    print_button = page.get_by_role("button", name="Print")
    expect(print_button).to_be_visible()
    print_button.click()
    assert page.evaluate("window.printed") == 1
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"print-itinerary-screen-{viewport['width']}", page)

    page.emulate_media(media="print")
    document = page.locator("article.travel-document")
    expect(page.get_by_role("heading", level=1, name="Lisbon in June")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Tuesday, 10 June 2031")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Wednesday, 11 June 2031")).to_be_visible()
    castle = document.locator(".document-activity", has_text="São Jorge Castle")
    expect(castle).to_contain_text("10:00\u201312:30 WEST")
    expect(castle).to_contain_text("R. de Santa Cruz do Castelo, 1100-129 Lisboa")
    expect(castle).to_contain_text("+351 218 800 620")
    expect(castle).to_contain_text("CSJ-4471 with GetYourGuide")
    expect(castle).to_contain_text("Go early: queues after 11.")
    dinner = document.locator(".document-activity", has_text="Fado dinner")
    expect(dinner).to_contain_text("20:00 WEST")
    expect(dinner.locator(".document-done")).to_have_text("Done")
    _no_visible_controls(page)
    # An activity is never split over two pages.
    assert castle.evaluate("(el) => getComputedStyle(el).breakInside") == "avoid"
    assert serious_violations(page) == []
    screenshot(f"print-itinerary-paper-{viewport['width']}", page)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_print_button_stays_away(live_server, page, log_in, lisbon):
    """The browser's own Print menu prints the page; a button that cannot work is not shown."""
    log_in(page.context, lisbon.user)
    page.goto(live_server.url + reverse("activities:itinerary", kwargs={"pk": lisbon.pk}))
    expect(page.get_by_role("heading", level=3, name="São Jorge Castle")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_have_count(0)


@VIEWPORTS
def test_the_plan_page_prints_without_its_controls(
    live_server, page, log_in, screenshot, lisbon, viewport
):
    log_in(page.context, lisbon.user)
    page.goto(live_server.url + lisbon.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1, name="Lisbon in June")).to_be_visible()
    expect(page.locator("#itinerary").get_by_text("São Jorge Castle", exact=True)).to_be_visible()
    for panel in ("Share link", "Recent changes", "Co-travellers"):
        expect(page.get_by_role("heading", name=panel)).to_be_hidden()
    _no_visible_controls(page)
    assert serious_violations(page) == []
    screenshot(f"print-plan-page-paper-{viewport['width']}", page)

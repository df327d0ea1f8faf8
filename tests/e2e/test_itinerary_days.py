"""The itinerary's days on the plan page, at 1280 and 390 wide: collapsible days remembered
per trip, the phone's day switcher, "Add to this day" with the inline place search, the map's
legend and its note when tiles cannot load (tiles are refused here), and a move with Undo that
keeps the page at the activity."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from activities.models import PlanActivity
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 800}, PHONE], ids=["wide", "phone"]
)
# The live server's first search builds the offline city index (docs/places.md).
FIRST_SEARCH_MS = 20_000


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.PLACES_GEOCODER = ""


@pytest.fixture
def plan_page(page, log_in, trip, live_server):
    """The trip's plan page, signed in as its owner, at the given size."""

    def open_page(size):
        page.set_viewport_size(size)
        log_in(page.context, trip.user)
        page.goto(f"{live_server.url}{trip.get_absolute_url()}")
        return page

    return open_page


def _day(page, number: int):
    return page.get_by_role("region", name=re.compile(rf"^Day {number}\b"))


def _is_phone(size) -> bool:
    return size["width"] <= 600


def _show_day(page, size, number: int) -> None:
    """On a phone, pick the day in the switcher; wide, every day is listed already."""
    if _is_phone(size):
        switcher = page.get_by_role("navigation", name="Days of the trip")
        switcher.get_by_role("link", name=re.compile(rf"^Day {number}\b")).click()


@SIZES
def test_days_collapse_and_stay_so_for_this_trip(plan_page, size, screenshot):
    page = plan_page(size)
    castle = _day(page, 1).get_by_text("Castelo de São Jorge", exact=True)
    expect(castle).to_be_visible()
    expect(_day(page, 1)).to_contain_text("3 activities · est. €48.10")
    _day(page, 1).locator("summary").first.click()
    expect(castle).to_be_hidden()
    page.reload()
    expect(_day(page, 1).locator("details.day-details")).not_to_have_attribute("open", "")
    expect(castle).to_be_hidden()
    screenshot(f"itinerary-day-collapsed-{size['width']}", page)
    _day(page, 1).locator("summary").first.click()
    expect(castle).to_be_visible()
    page.reload()
    expect(castle).to_be_visible()
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)


@SIZES
def test_the_phone_shows_one_day_at_a_time_with_a_switcher(plan_page, size, screenshot):
    page = plan_page(size)
    switcher = page.get_by_role("navigation", name="Days of the trip")
    expect(switcher.get_by_role("link")).to_have_count(3)
    belem = page.get_by_text("Belém Tower", exact=True)
    if not _is_phone(size):
        expect(belem).to_be_visible()  # every day listed, the switcher a jump list
        expect(_day(page, 1)).to_be_visible()
        return
    expect(_day(page, 1)).to_be_visible()
    expect(_day(page, 2)).to_be_hidden()
    switcher.get_by_role("link", name=re.compile(r"^Day 2\b")).click()
    expect(_day(page, 2)).to_be_visible()
    expect(_day(page, 1)).to_be_hidden()
    expect(switcher.get_by_role("link", name=re.compile(r"^Day 2\b"))).to_have_attribute(
        "aria-current", "true"
    )
    expect(belem).to_be_visible()
    for link in switcher.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 44
    screenshot("itinerary-day-switcher-390", page)
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)


@SIZES
def test_without_javascript_every_day_is_listed_with_a_jump_list(
    live_server, new_context, log_in, trip, size
):
    context = new_context(java_script_enabled=False, viewport=size)
    log_in(context, trip.user)
    page = context.new_page()
    page.goto(f"{live_server.url}{trip.get_absolute_url()}")
    for number in (1, 2, 3):
        expect(_day(page, number)).to_be_visible()
    switcher = page.get_by_role("navigation", name="Days of the trip")
    switcher.get_by_role("link", name=re.compile(r"^Day 2\b")).click()
    expect(page).to_have_url(re.compile(r"#day-\d{4}-\d{2}-\d{2}$"))


@SIZES
def test_add_to_a_day_with_the_inline_place_search(plan_page, trip, size, screenshot):
    page = plan_page(size)
    _show_day(page, size, 3)
    day = _day(page, 3)
    expect(day).to_contain_text("Nothing planned yet: add a place below or let the planner")
    day.get_by_text("Add to this day").click()
    day.get_by_role("textbox", name="What or where").fill("Tile museum")
    day.get_by_role("combobox", name="Find the place").press_sequentially("lisbon")
    day.get_by_role("option", name="Lisbon, Portugal").click(timeout=FIRST_SEARCH_MS)
    expect(day.get_by_role("textbox", name="What or where")).to_have_value(
        "Tile museum, Lisbon, Portugal"
    )
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"itinerary-add-to-day-{size['width']}", page)
    day.get_by_role("button", name="Add to Day 3").click()
    expect(page.get_by_text("Added “Tile museum” at Lisbon, Portugal to Day 3")).to_be_visible()
    added = PlanActivity.objects.get(plan=trip, title="Tile museum")
    assert added.scheduled_date == trip.end_date
    assert added.latitude is not None
    expect(_day(page, 3).get_by_text("Tile museum", exact=True)).to_be_in_viewport()

    _show_day(page, size, 2)
    _day(page, 2).get_by_text("Add to this day").click()
    _day(page, 2).get_by_role("textbox", name="What or where").fill("Tile museum, Lisbon")
    _day(page, 2).get_by_role("button", name="Add to Day 2").click()
    expect(page.get_by_text("Added “Tile museum” at Lisbon, Portugal to Day 2")).to_be_visible()


@SIZES
def test_the_map_has_a_legend_and_says_when_tiles_cannot_load(plan_page, size, screenshot):
    page = plan_page(size)
    legend = page.get_by_role("list", name="Map colours by day")
    expect(legend).to_be_visible()
    expect(legend.get_by_role("listitem")).to_have_count(2)
    expect(legend).to_contain_text("Day 1")
    expect(page.get_by_text("The map background could not load")).to_be_visible()
    # Five pins, the list's numbers; a row in focus highlights its pin.
    pins = page.locator(".map-number")
    expect(pins).to_have_count(5)
    page.get_by_text("Tram 28 ride", exact=True).hover()
    expect(page.locator(".map-number-active")).to_have_count(1)
    page.locator('.map-number[title="Day 2, 1. Belém Tower"]').click()
    expect(page.locator("#itinerary .activity-highlight")).to_contain_text("Belém Tower")
    expect(page.locator(".activity-highlight")).to_be_in_viewport()
    screenshot(f"itinerary-map-offline-{size['width']}", page)
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)


@SIZES
def test_a_move_says_what_changed_keeps_the_place_and_can_be_undone(
    plan_page, trip, size, screenshot
):
    page = plan_page(size)
    tram = PlanActivity.objects.get(plan=trip, title="Tram 28 ride")
    row = page.locator(f"#activity-{tram.pk}")
    row.get_by_text("Move or delay").click()
    row.get_by_label("Move to").select_option(value=trip.end_date.isoformat())
    row.get_by_role("button", name="Move", exact=True).click()
    notice = page.get_by_role("status").filter(has_text="Moved “Tram 28 ride” to Day 3")
    expect(notice).to_be_visible()
    expect(notice).to_be_in_viewport()
    expect(_day(page, 3)).to_contain_text("Tram 28 ride")
    for button in page.locator("#itinerary .activity-tools button:visible").all():
        assert button.bounding_box()["height"] >= 44
    screenshot(f"itinerary-moved-undo-{size['width']}", page)
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)

    notice.get_by_role("button", name="Undo this change").click()
    expect(page.get_by_role("status").filter(has_text="to Day 1")).to_be_in_viewport()
    titles = _day(page, 1).locator(".activity-title strong")
    expect(titles).to_have_text(
        ["Castelo de São Jorge", "Lunch at Time Out Market", "Tram 28 ride"]
    )

    page.get_by_role("button", name="Mark “Tram 28 ride” as done").click()
    done = page.get_by_role("status").filter(has_text="Marked “Tram 28 ride” as done.")
    expect(done).to_be_in_viewport()
    done.get_by_role("button", name="Undo this change").click()
    expect(page.get_by_role("button", name="Mark “Tram 28 ride” as done")).to_be_visible()

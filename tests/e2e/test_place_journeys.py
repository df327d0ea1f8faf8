"""Places in the traveller's hands: a destination that sets the plan's zone, the activity
form's map following a picked place, and quick-add's "Tile museum, Lisbon"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activities.models import PlanActivity
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, PHONE], ids=["wide", "phone"]
)
# The live server's first search builds the offline city index (docs/places.md).
FIRST_SEARCH_MS = 20_000


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.PLACES_GEOCODER = ""


@pytest.fixture
def page_of(page, log_in, trip):
    """pytest-playwright's page (the one `screenshot` takes), signed in, at this size."""

    def open_page(viewport):
        page.set_viewport_size(viewport)
        log_in(page.context, trip.user)
        return page

    return open_page


@VIEWPORTS
def test_picking_a_destination_sets_the_plans_time_zone(
    live_server, page_of, trip, viewport, screenshot
):
    page = page_of(viewport)
    page.goto(f"{live_server.url}/plans/{trip.pk}/edit/")
    search = page.get_by_role("combobox", name="Find the destination")
    search.press_sequentially("kyōto")
    page.get_by_role("option", name="Kyoto, Japan").click(timeout=FIRST_SEARCH_MS)
    expect(page.get_by_role("textbox", name="Destination")).to_have_value("Kyoto, Japan")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    expect(page.get_by_role("listbox", name="Places found")).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text(
        "Destination set to Kyoto, Japan. Time zone set to Asia/Tokyo (you can change it)."
    )
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"plan-destination-search-{viewport['width']}")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(trip.title)
    trip.refresh_from_db()
    assert (trip.destination, trip.timezone) == ("Kyoto, Japan", "Asia/Tokyo")


@VIEWPORTS
def test_the_zone_stays_editable_after_a_pick(live_server, page_of, trip, viewport):
    page = page_of(viewport)
    page.goto(f"{live_server.url}/plans/{trip.pk}/edit/")
    page.get_by_role("combobox", name="Find the destination").press_sequentially("Porto")
    page.get_by_role("option", name="Porto, Portugal").click(timeout=FIRST_SEARCH_MS)
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    page.locator("summary", has_text="More details").click()
    page.get_by_label("Time zone").select_option("Atlantic/Azores")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(trip.title)
    trip.refresh_from_db()
    assert (trip.destination, trip.timezone) == ("Porto, Portugal", "Atlantic/Azores")


@VIEWPORTS
def test_the_activity_forms_map_shows_the_picked_place_at_once(
    live_server, page_of, trip, viewport, screenshot
):
    page = page_of(viewport)
    page.goto(f"{live_server.url}/plans/{trip.pk}/activities/add/")
    map_figure = page.locator("[data-place-map]")
    expect(map_figure).to_contain_text("No coordinates yet")
    page.get_by_role("combobox", name="Find a place").press_sequentially("kyōto")
    page.get_by_role("option", name="Kyoto, Japan").click(timeout=FIRST_SEARCH_MS)
    expect(map_figure.locator(".place-pin")).to_be_visible()
    expect(page.get_by_role("listbox", name="Places found")).to_be_hidden()
    # The test browser is offline: the tiles fail, the marker and the sentence stay.
    expect(map_figure.locator("figcaption")).to_have_text(
        "The marker is at 35.02107, 135.75385. The map's background could not be loaded."
    )
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")  # the plan is on UTC
    expect(page.get_by_role("status")).to_have_text(
        "Filled in Kyoto, Japan. Time zone set to Asia/Tokyo (you can change it)."
    )
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"activity-place-map-{viewport['width']}")
    # Editing the coordinates moves the marker.
    page.get_by_label("Latitude").fill("35.5")
    expect(map_figure.locator("figcaption")).to_contain_text(
        "The marker is at 35.50000, 135.75385."
    )
    page.get_by_label("Title").fill("Temple walk")
    page.get_by_role("button", name="Add activity").click()
    expect(page.get_by_text("Added “Temple walk”.")).to_be_visible()
    activity = PlanActivity.objects.get(plan=trip, title="Temple walk")
    assert (activity.location_name, str(activity.latitude), activity.timezone) == (
        "Kyoto",
        "35.50000000",
        "Asia/Tokyo",
    )


def test_a_place_in_the_plans_zone_leaves_the_activity_on_the_plans_zone(
    live_server, page_of, trip
):
    trip.timezone = "Europe/Lisbon"
    trip.save()
    page = page_of({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/plans/{trip.pk}/activities/add/")
    page.locator("summary", has_text="More details").click()
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("combobox", name="Find a place").press_sequentially("Porto")
    page.get_by_role("option", name="Porto, Portugal").click(timeout=FIRST_SEARCH_MS)
    expect(page.get_by_label("Time zone")).to_have_value("")
    expect(page.get_by_role("status")).to_have_text(
        "Filled in Porto, Portugal. Time zone: the plan's (Europe/Lisbon)."
    )


def test_without_javascript_the_map_and_search_stay_hidden(live_server, new_context, log_in, trip):
    context = new_context(java_script_enabled=False)
    log_in(context, trip.user)
    page = context.new_page()
    page.goto(f"{live_server.url}/plans/{trip.pk}/activities/add/")
    expect(page.locator("[data-place-map]")).to_be_hidden()
    expect(page.locator("[data-place-search]")).to_be_hidden()
    expect(page.get_by_label("Latitude")).to_be_editable()


@VIEWPORTS
def test_quick_add_finds_the_place_named_after_the_comma(
    live_server, page_of, trip, viewport, screenshot
):
    page = page_of(viewport)
    page.goto(f"{live_server.url}/plans/{trip.pk}/")
    page.get_by_role("textbox", name="Quick add").fill("Tile museum, Lisbon")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added “Tile museum” at Lisbon, Portugal to Day 1")).to_be_visible(
        timeout=FIRST_SEARCH_MS
    )
    item = page.locator(".activity", has_text="Tile museum")
    expect(item).to_contain_text("Lisbon")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"quick-add-place-{viewport['width']}")
    page.get_by_role("textbox", name="Quick add").fill("Picnic, Nowhereville")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("“Nowhereville” was not found")).to_be_visible()
    assert PlanActivity.objects.filter(plan=trip, title="Picnic, Nowhereville").exists()

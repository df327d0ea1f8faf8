"""Place search on the activity form: type, pick, and the place's fields are filled."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.PLACES_GEOCODER = ""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["wide", "phone"])
def test_picking_a_found_place_fills_name_address_and_coordinates(
    live_server, page, log_in, trip, viewport, screenshot
):
    page.set_viewport_size(viewport)  # the page `screenshot` takes
    log_in(page.context, trip.user)
    page.goto(f"{live_server.url}/plans/{trip.pk}/activities/add/")
    search = page.get_by_role("combobox", name="Find a place")
    search.press_sequentially("kyōto")
    option = page.get_by_role("option", name="Kyoto, Japan")
    # The live server's first search builds the offline city index (docs/places.md).
    expect(option).to_be_visible(timeout=20_000)
    expect(page.get_by_role("status")).to_have_text("1 place found.")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    search.press("ArrowDown")
    search.press("Enter")  # picks; does not submit the form
    expect(page.get_by_label("Place", exact=True)).to_have_value("Kyoto")
    expect(page.get_by_label("Address", exact=True)).to_have_value("Kyoto, Japan")
    expect(page.get_by_label("Latitude")).to_have_value("35.02107")
    expect(page.get_by_label("Longitude")).to_have_value("135.75385")
    expect(page.get_by_role("status")).to_have_text(
        "Filled in Kyoto, Japan. Time zone set to Asia/Tokyo (you can change it)."
    )
    expect(page).to_have_url(f"{live_server.url}/plans/{trip.pk}/activities/add/")
    screenshot(f"place-search-{viewport['width']}", page)
    # The coordinates stay editable.
    page.get_by_label("Latitude").fill("35.0")
    expect(page.get_by_label("Latitude")).to_have_value("35.0")

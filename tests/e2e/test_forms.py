"""The short forms with errors: a plan from where and when, and the activity form's one error
summary (focused, linked to each field, input kept), at a desk and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activities.models import PlanActivity
from plans.models import Plan
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import PHONE, no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, PHONE], ids=["wide", "phone"]
)


@pytest.fixture
def page_as(new_context, log_in):
    def open_page(user, viewport):
        context = new_context(viewport=viewport)
        log_in(context, user)
        return context.new_page()

    return open_page


@VIEWPORTS
def test_a_plan_from_destination_and_dates_lands_on_the_plan(
    live_server, page_as, traveller, viewport, screenshot
):
    page = page_as(traveller, viewport)
    page.goto(f"{live_server.url}/plans/new/")
    page.get_by_role("textbox", name="Destination").fill("Kyoto, Japan")
    page.get_by_label("Start date").fill("2030-04-01")
    page.get_by_label("End date").fill("2030-04-05")
    screenshot(f"forms-plan-short-{viewport['width']}", page)
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trip to Kyoto, Japan")
    plan = Plan.objects.get(user=traveller)
    assert page.url == live_server.url + plan.get_absolute_url()
    assert (str(plan.start_date), str(plan.end_date)) == ("2030-04-01", "2030-04-05")


@VIEWPORTS
def test_plan_dates_the_wrong_way_round_are_said_plainly(
    live_server, page_as, traveller, viewport, screenshot
):
    page = page_as(traveller, viewport)
    page.goto(f"{live_server.url}/plans/new/")
    page.get_by_role("textbox", name="Destination").fill("Porto")
    page.get_by_label("Start date").fill("2030-04-05")
    page.get_by_label("End date").fill("2030-04-01")
    page.get_by_role("button", name="Create plan").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("There is a problem")
    message = "The trip ends before it starts: choose an end date on or after the start date."
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(summary).to_be_focused()  # document.activeElement, once app.js has run
    expect(page.get_by_role("textbox", name="Destination")).to_have_value("Porto")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"forms-plan-errors-{viewport['width']}", page)
    summary.get_by_role("link", name=message).click()
    expect(page.locator("#id_end_date")).to_be_focused()
    assert not Plan.objects.exists()


@VIEWPORTS
def test_activity_errors_in_one_summary_then_fixed_and_saved(
    live_server, page_as, trip, viewport, screenshot
):
    page = page_as(trip.user, viewport)
    page.goto(f"{live_server.url}/plans/{trip.pk}/activities/add/")
    long_title = "Lisbon " * 35 + "walks"  # 250 characters
    page.get_by_label("Title").fill(long_title)
    page.get_by_label("Latitude").fill("138.7")
    page.get_by_label("Longitude").fill("9.1")
    page.get_by_label("Start time").fill("15:00")
    page.get_by_label("End time").fill("14:00")
    page.locator("summary", has_text="More details").click()
    page.get_by_label("Estimated cost").fill("-3")
    page.get_by_role("button", name="Add activity").click()

    summary = page.locator("[data-error-summary]")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_be_focused()  # document.activeElement, once app.js has run
    links = {
        "Keep the title to 200 characters (you wrote 250).": "id_title",
        "Latitude must be between -90 and 90.": "id_latitude",
        "End time must be after the start time.": "id_end_time",
        "The estimated cost cannot be negative.": "id_estimated_cost",
    }
    expect(summary.get_by_role("link")).to_have_text(list(links))
    # Everything typed is still there, the long title whole.
    expect(page.get_by_label("Title")).to_have_value(long_title)
    expect(page.get_by_label("Latitude")).to_have_value("138.7")
    expect(page.get_by_label("End time")).to_have_value("14:00")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(f"forms-activity-errors-{viewport['width']}", page)

    for text, field_id in links.items():
        summary.get_by_role("link", name=text).click()
        expect(page.locator(f"#{field_id}")).to_be_focused()
    # A folded "More details" opens again when its field's link is followed.
    page.locator("summary", has_text="More details").click()
    expect(page.get_by_label("Estimated cost")).to_be_hidden()
    summary.get_by_role("link", name="The estimated cost cannot be negative.").click()
    expect(page.get_by_label("Estimated cost")).to_be_visible()
    expect(page.locator("#id_estimated_cost")).to_be_focused()
    assert not PlanActivity.objects.filter(plan=trip, latitude__gt=90).exists()

    page.get_by_label("Estimated cost").fill("12")
    page.get_by_label("Title").fill("Sunset at the miradouro")
    page.get_by_label("Latitude").fill("38.7139")
    page.get_by_label("End time").fill("16:30")
    page.get_by_role("button", name="Add activity").click()
    expect(page.get_by_text("Added “Sunset at the miradouro”.")).to_be_visible()
    activity = PlanActivity.objects.get(plan=trip, title="Sunset at the miradouro")
    assert (str(activity.latitude), str(activity.end_time), str(activity.estimated_cost)) == (
        "38.71390000",
        "16:30:00",
        "12.00",
    )

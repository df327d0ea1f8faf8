"""Journeys through the day planner and the destination's clock (issue 28), at desk and
phone widths: times shown in the plan's zone, the calendar file on it, and a planner whose
preview, result and clash messages agree."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from activities.models import PlanActivity
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import no_horizontal_scroll
from tests.factories import PlanActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desk", "phone"]
)


def _open(new_context, log_in, traveller, size):
    context = new_context(viewport=size)
    log_in(context, traveller)
    return context.new_page()


@SIZES
def test_times_are_on_the_destinations_clock(
    live_server, new_context, log_in, traveller, trip, screenshot, size
):
    """A Lisbon plan in summer shows "10:00 WEST"; its calendar file names Europe/Lisbon."""
    trip.timezone = "Europe/Lisbon"
    trip.start_date, trip.end_date = dt.date(2030, 6, 1), dt.date(2030, 6, 3)
    trip.save()
    PlanActivity.objects.filter(plan=trip).update(scheduled_date=dt.date(2030, 6, 1))
    page = _open(new_context, log_in, traveller, size)
    page.goto(f"{live_server.url}/plans/{trip.pk}/")
    expect(page.get_by_text("10:00 WEST").first).to_be_visible()
    screenshot(f"planner-zone-{size['width']}")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    ics = page.request.get(f"{live_server.url}/plans/{trip.pk}/calendar.ics")
    assert ics.ok
    assert "TZID=Europe/Lisbon" in ics.text()


@SIZES
def test_the_day_planner_preview_matches_the_result_and_names_a_clash(
    live_server, new_context, log_in, traveller, trip, screenshot, size
):
    """Optimise this day: the preview's count is the result's count; a pinned clash is named
    on the preview and again after applying."""
    day = trip.start_date
    for title, start in (("Fado night", 20), ("Sunset cruise", 20)):
        PlanActivityFactory(
            plan=trip,
            title=title,
            scheduled_date=day,
            start_time=dt.time(start),
            end_time=dt.time(start + 1, 30),
            metadata={"pinned": True},
        )
    page = _open(new_context, log_in, traveller, size)
    page.goto(f"{live_server.url}/plans/{trip.pk}/days/{day.isoformat()}/optimise/")
    summary = page.locator("#summary-heading + p")
    expect(page.get_by_role("heading", name="Time clashes left in place")).to_be_visible()
    expect(
        page.get_by_text("Both are pinned, so Optimise this day keeps both times")
    ).to_be_visible()
    screenshot(f"planner-preview-{size['width']}")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    if page.get_by_role("button", name="Apply").count():
        moving = int(summary.inner_text().split()[0])
        page.get_by_role("button", name="Apply").click()
        expect(page.get_by_text(f"Done: {moving} activit")).to_be_visible()
    expect(page.get_by_text("“Fado night” (20:00 to 21:30)").first).to_be_visible()
    screenshot(f"planner-result-{size['width']}")
    assert serious_violations(page) == []

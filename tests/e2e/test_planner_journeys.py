"""Journeys through the day planner and the destination's clock (issue 28), at desk and
phone widths: times shown in the plan's zone, the calendar file on it, and a planner whose
preview, result and clash messages agree."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from activities.models import PlanActivity
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import day_titles, no_horizontal_scroll
from tests.factories import PlanActivityFactory, PlanFactory

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
    traveller.locale = "en-GB"  # a 24-hour clock
    traveller.save(update_fields=["locale"])
    trip.timezone = "Europe/Lisbon"
    trip.start_date, trip.end_date = dt.date(2030, 6, 1), dt.date(2030, 6, 3)
    trip.save()
    PlanActivity.objects.filter(plan=trip).update(scheduled_date=dt.date(2030, 6, 1))
    page = _open(new_context, log_in, traveller, size)
    page.goto(f"{live_server.url}/plans/{trip.pk}/")
    expect(page.get_by_text("10:00 WEST").first).to_be_visible()
    screenshot(f"planner-zone-{size['width']}", page)
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    ics = page.request.get(f"{live_server.url}/plans/{trip.pk}/calendar.ics")
    assert ics.ok
    assert "TZID=Europe/Lisbon" in ics.text()


@SIZES
def test_the_day_planner_preview_matches_the_result_and_names_a_clash(
    live_server, new_context, log_in, traveller, trip, screenshot, size
):
    """Optimise this day and Plan my days name a pinned clash; Plan my days' preview count is
    the result's count, and the clash is named again after applying."""
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
    # Not on any day yet, so Plan my days has a move to show and apply.
    PlanActivityFactory(plan=trip, title="Tile museum", scheduled_date=None, start_time=None)
    page = _open(new_context, log_in, traveller, size)
    page.goto(f"{live_server.url}/plans/{trip.pk}/days/{day.isoformat()}/optimise/")
    summary = page.locator("#summary-heading + p")
    expect(page.get_by_role("heading", name="Time clashes left in place")).to_be_visible()
    expect(
        page.get_by_text("Both are pinned, so Optimise this day keeps both times")
    ).to_be_visible()
    screenshot(f"planner-preview-{size['width']}", page)
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    page.goto(f"{live_server.url}/plans/{trip.pk}/schedule/")
    expect(page.get_by_text("Both are pinned, so Plan my days keeps both times")).to_be_visible()
    moving = int(summary.inner_text().split()[0])
    assert moving >= 1
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(f"Done: {moving} activit")).to_be_visible()
    expect(page.get_by_text("“Fado night” (20:00 to 21:30)").first).to_be_visible()
    screenshot(f"planner-result-{size['width']}", page)
    assert serious_violations(page) == []


@SIZES
def test_a_day_lists_its_activities_in_time_order(
    live_server, new_context, log_in, traveller, screenshot, size
):
    """Added out of order, listed by start time with untimed ones after; moving a timed one
    above an earlier one is refused with a message naming both times, and the day keeps
    its order until a time is changed."""
    start = dt.date(2030, 6, 1)
    plan = PlanFactory(
        user=traveller,
        title="Lisbon in June",
        timezone="Europe/Lisbon",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
    )
    for title, begins in (("Belem Tower", dt.time(14)), ("Lunch at Time Out", dt.time(12, 30))):
        PlanActivityFactory(plan=plan, title=title, scheduled_date=start, start_time=begins)
    PlanActivityFactory(plan=plan, title="Postcards", scheduled_date=start, start_time=None)
    page = _open(new_context, log_in, traveller, size)
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    in_order = ["Lunch at Time Out", "Belem Tower", "Postcards"]
    expect(day_titles(page, 1)).to_have_text(in_order)
    screenshot(f"day-order-{size['width']}", page)
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)

    page.get_by_role("button", name="Move “Belem Tower” up").click()
    expect(page.get_by_text("“Belem Tower” at 14:00 cannot come before")).to_be_visible()
    expect(day_titles(page, 1)).to_have_text(in_order)

    page.get_by_role("link", name="Edit “Belem Tower”").click()
    page.get_by_label(re.compile(r"^Start time")).fill("10:00")
    page.get_by_role("button", name="Save changes").click()
    expect(day_titles(page, 1)).to_have_text(["Belem Tower", "Lunch at Time Out", "Postcards"])
    screenshot(f"day-order-retimed-{size['width']}", page)
    assert serious_violations(page) == []

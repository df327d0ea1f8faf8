"""The main journeys of a traveller, each end to end in a real browser against the live server.

Sign-in is by session cookie (except in the sign-up journey, which uses the real forms), so each
journey spends its time on what it proves.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from plans.models import Plan, Role
from tests.e2e.conftest import day_titles
from tests.factories import PlanFactory, PlanMemberFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _link_in(message, path_fragment: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path_fragment)}\S*", message.body)
    assert match, message.body
    return match.group(0)


def field(page, label: str):
    """A form control by its visible label (Django and allauth end labels with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?( \*)?$"))


def _budget_value(page, term: str):
    return (
        page.locator("#budget .budget-totals div")
        .filter(has=page.get_by_text(term, exact=True))
        .locator("dd")
    )


def test_sign_up_verify_email_and_sign_in(live_server, page, mailoutbox):
    """Journey 1: a new traveller signs up, chooses the name others see, confirms the address
    from the email, signs in."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Start planning — it\u2019s free").click()
    field(page, "Email").fill("new.traveller@example.com")
    field(page, "Password").fill("a-long-Passphrase-42")
    field(page, "Password (again)").fill("a-long-Passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Choose the name others see")).to_be_visible()
    field(page, "Display name").fill("Nina Rover")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_role("status")).to_contain_text("Other travellers will see you as")
    expect(page.get_by_role("group", name=re.compile("Account menu"))).to_contain_text("Nina Rover")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.traveller@example.com"]
    page.get_by_role("group", name=re.compile("Account menu")).click()
    page.get_by_role("button", name="Sign out").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()

    page.goto(_link_in(mailoutbox[0], "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("confirmed")

    page.goto(live_server.url + "/accounts/login/")
    field(page, "Email").fill("new.traveller@example.com")
    field(page, "Password").fill("a-long-Passphrase-42")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("group", name=re.compile("Account menu"))).to_be_visible()
    expect(page).to_have_url(live_server.url + "/plans/")  # signing in lands on My plans
    expect(page.get_by_role("heading", name="No plans yet")).to_be_visible()


def test_create_a_plan_and_see_it_on_the_dashboard(live_server, page, context, log_in, traveller):
    """Journey 2: dates, budget and preferences go in; the plan page and dashboard show them."""
    log_in(context, traveller)
    page.goto(live_server.url + "/plans/")
    page.get_by_role("link", name="Create a plan").click()
    field(page, "Title").fill("Autumn in Kyoto")
    field(page, "Destination").fill("Kyoto, Japan")
    field(page, "Start date").fill("2030-11-02")
    field(page, "End date").fill("2030-11-08")
    field(page, "Budget").fill("250000")
    field(page, "Currency").fill("jpy")
    page.locator("summary", has_text="More details").click()
    field(page, "Travel style").select_option(label="Cultural")
    field(page, "Number of travellers").fill("2")
    field(page, "Pace").select_option(value="relaxed")
    page.get_by_role("button", name="Create plan").click()

    expect(page.get_by_role("heading", level=1, name="Autumn in Kyoto")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("“Autumn in Kyoto” is ready")
    facts = page.locator(".plan-facts")
    expect(facts).to_contain_text("Sat, Nov 2, 2030 \u2013 Fri, Nov 8, 2030")
    expect(facts).to_contain_text("¥250,000")
    preferences = page.get_by_role("region", name="Preferences")
    expect(preferences).to_contain_text("Cultural")
    expect(preferences).to_contain_text("Relaxed")

    page.get_by_role("link", name="My plans").click()
    card = page.locator(".plan-card").filter(has_text="Autumn in Kyoto")
    expect(card).to_contain_text("Kyoto, Japan")
    expect(card).to_contain_text("Nov 2, 2030 \u2013 Nov 8, 2030")
    expect(card).to_contain_text("Budget ¥250,000")


def test_build_an_itinerary_reorder_move_complete_and_watch_the_budget(
    live_server, page, context, log_in, traveller
):
    """Journey 3: five activities over two days; reorder, move, complete; budget follows."""
    start = dt.date(2030, 6, 1)
    plan = PlanFactory(
        user=traveller,
        title="Porto in June",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        budget=Decimal("500.00"),
        currency="EUR",
    )
    log_in(context, traveller)
    page.goto(live_server.url + plan.get_absolute_url())
    expect(_budget_value(page, "Estimated")).to_have_text("€0.00")

    for title, day in [
        ("Ribeira walk", start),
        ("Livraria Lello", start),
        ("Port cellars", start),
        ("Serralves museum", start + dt.timedelta(days=1)),
    ]:
        page.get_by_role("textbox", name="Quick add").fill(title)
        field(page, "Day").select_option(value=day.isoformat())
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(title, exact=True)).to_be_visible()

    page.get_by_role("link", name="Add an activity").click()
    field(page, "Title").fill("Francesinha dinner")
    field(page, "Scheduled date").fill((start + dt.timedelta(days=1)).isoformat())
    page.locator("summary", has_text="More details").click()
    field(page, "Estimated cost").fill("45")
    page.get_by_role("button", name="Add activity").click()

    expect(day_titles(page, 1)).to_have_text(["Ribeira walk", "Livraria Lello", "Port cellars"])
    expect(day_titles(page, 2)).to_have_text(["Serralves museum", "Francesinha dinner"])
    expect(_budget_value(page, "Estimated")).to_have_text("€45.00")
    expect(_budget_value(page, "Left")).to_have_text("€455.00")

    page.get_by_role("button", name="Move “Port cellars” up").click()
    expect(day_titles(page, 1)).to_have_text(["Ribeira walk", "Port cellars", "Livraria Lello"])

    page.get_by_text("Move or delay “Livraria Lello”").click()
    activity = page.locator(".activity").filter(has_text="Livraria Lello")
    field(activity, "Move to").select_option(value=(start + dt.timedelta(days=1)).isoformat())
    activity.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("0 of 5 activities done")).to_be_visible()
    expect(day_titles(page, 1)).to_have_text(["Ribeira walk", "Port cellars"])
    expect(day_titles(page, 2)).to_have_text(
        ["Serralves museum", "Francesinha dinner", "Livraria Lello"]
    )

    page.get_by_role("button", name="Mark “Ribeira walk” as done").click()
    expect(page.get_by_text("1 of 5 activities done")).to_be_visible()
    expect(
        page.get_by_role("button", name="Done: mark “Ribeira walk” as not done")
    ).to_have_attribute("aria-pressed", "true")

    page.get_by_role("link", name="Edit “Francesinha dinner”").click()
    page.locator("summary", has_text="More details").click()
    field(page, "Actual cost").fill("52.50")
    page.get_by_role("button", name="Save changes").click()
    expect(_budget_value(page, "Spent so far")).to_have_text("€52.50")
    expect(_budget_value(page, "Expected total")).to_have_text("€52.50")
    expect(_budget_value(page, "Left")).to_have_text("€447.50")


def test_share_link_opens_read_only_for_a_stranger_with_calendar(
    live_server, page, context, new_context, log_in, trip, screenshot
):
    """Journey 4: the owner turns the link on; a signed-out browser reads it and gets the .ics."""
    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    page.get_by_label("Anyone with the link").check()
    page.get_by_role("button", name="Save who can see it").click()
    share_url = page.get_by_role("textbox", name="The link").input_value()
    assert share_url.startswith(live_server.url + "/s/")

    stranger = new_context().new_page()
    stranger.goto(share_url)
    expect(stranger.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    expect(stranger.get_by_text("You are viewing a shared plan. It is read-only.")).to_be_visible()
    expect(day_titles(stranger, 1)).to_have_text(
        [
            "Castelo de São Jorge",
            "Lunch at Time Out Market",
            "Tram 28 ride",
        ]
    )
    for control in ("Edit plan", "Add an activity", "Delete"):
        expect(stranger.get_by_role("link", name=control)).to_have_count(0)
    expect(stranger.get_by_role("textbox", name="Quick add")).to_have_count(0)
    expect(stranger.get_by_role("button", name=re.compile("^Mark"))).to_have_count(0)

    with stranger.expect_download() as download_info:
        stranger.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    events = sorted(
        (event.decoded("dtstart"), str(event["summary"])) for event in calendar.walk("VEVENT")
    )
    assert [summary for _, summary in events] == [
        "Castelo de São Jorge",
        "Lunch at Time Out Market",
        "Tram 28 ride",
        "Belém Tower",
        "Pastéis de Belém",
    ]


def test_invited_editor_accepts_and_edits_while_a_viewer_only_reads(
    live_server, page, context, new_context, log_in, trip, mailoutbox
):
    """Journey 5: invite by email as editor; they accept and add; a viewer sees no controls."""
    editor = UserFactory(email="bea@example.com", display_name="Bea")
    viewer = UserFactory(email="carl@example.com", display_name="Carl")
    PlanMemberFactory(plan=trip, user=viewer, role=Role.VIEWER)

    log_in(context, trip.user)
    page.goto(live_server.url + trip.get_absolute_url())
    page.get_by_role("link", name="Manage and invite").click()
    field(page, "Email address").fill("bea@example.com")
    field(page, "Role").select_option(value="editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_be_visible()
    pending = page.get_by_role("region", name="Invitations waiting for an answer")
    expect(pending).to_contain_text("bea@example.com")
    expect(pending).to_contain_text("Editor")
    assert len(mailoutbox) == 1
    invitation_url = _link_in(mailoutbox[0], "/invitations/")

    editor_context = new_context()
    log_in(editor_context, editor)
    editor_page = editor_context.new_page()
    editor_page.goto(invitation_url)
    editor_page.get_by_role("button", name="Accept and open the plan").click()
    expect(editor_page.get_by_role("heading", level=1, name=trip.title)).to_be_visible()
    expect(editor_page.get_by_text("Shared with you as editor.")).to_be_visible()
    editor_page.get_by_role("textbox", name="Quick add").fill("Fado night in Alfama")
    editor_page.get_by_role("button", name="Add", exact=True).click()
    expect(editor_page.get_by_text("Fado night in Alfama", exact=True)).to_be_visible()

    viewer_context = new_context()
    log_in(viewer_context, viewer)
    viewer_page = viewer_context.new_page()
    viewer_page.goto(live_server.url + trip.get_absolute_url())
    expect(viewer_page.get_by_text("Fado night in Alfama", exact=True)).to_be_visible()
    expect(viewer_page.get_by_text("Shared with you as viewer.")).to_be_visible()
    for control in ("Edit plan", "Add an activity", "Manage and invite"):
        expect(viewer_page.get_by_role("link", name=control)).to_have_count(0)
    expect(viewer_page.get_by_role("textbox", name="Quick add")).to_have_count(0)
    expect(viewer_page.get_by_role("button", name=re.compile(r"^Mark|^Move"))).to_have_count(0)


def test_bad_plan_input_shows_inline_errors_and_keeps_what_was_typed(
    live_server, page, context, log_in, traveller
):
    """Journey 6: end before start and a negative budget: inline errors, nothing lost or saved."""
    log_in(context, traveller)
    page.goto(live_server.url + "/plans/new/")
    field(page, "Title").fill("Backwards trip")
    field(page, "Destination").fill("Reykjavík")
    field(page, "Start date").fill("2030-06-10")
    field(page, "End date").fill("2030-06-01")
    field(page, "Budget").fill("-20")
    page.locator("summary", has_text="More details").click()
    field(page, "Travel style").select_option(value="nature")
    page.get_by_role("button", name="Create plan").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "The trip ends before it starts: choose an end date on or after the start date.",
            "The budget cannot be negative.",
        ]
    )
    end_date = field(page, "End date")
    expect(end_date).to_have_attribute("aria-invalid", "true")
    expect(end_date).to_have_accessible_description(re.compile("The trip ends before it starts"))
    budget = field(page, "Budget")
    expect(budget).to_have_attribute("aria-invalid", "true")
    expect(budget).to_have_accessible_description(re.compile("cannot be negative"))
    summary.get_by_role("link", name="The budget cannot be negative.").click()
    expect(budget).to_be_focused()

    expect(field(page, "Title")).to_have_value("Backwards trip")
    expect(field(page, "Destination")).to_have_value("Reykjavík")
    expect(field(page, "Start date")).to_have_value("2030-06-10")
    expect(end_date).to_have_value("2030-06-01")
    expect(budget).to_have_value("-20")
    expect(field(page, "Travel style")).to_have_value("nature")
    assert not Plan.objects.filter(title="Backwards trip").exists()

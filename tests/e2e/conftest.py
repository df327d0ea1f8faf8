"""Browser journeys: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client

from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop; the ORM calls in these tests (and the live server's
# database teardown) stay synchronous. Process-wide, so subprocess tests drop it explicitly.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; run scripts/ensure-chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def opened_pages() -> list:
    """Pages of every context made with `new_context` (the default `page`'s too)."""
    return []


@pytest.fixture
def screenshot(request, opened_pages):
    """Save a full-page screenshot of a page for review (git-ignored folder).

    Without `page`, the test's own `page`. A test that opens pages of its own contexts must
    name the one it means: the default page would be a blank picture of a page it never used.
    """

    def take(name: str, page=None) -> Path:
        if page is None:
            page = request.getfixturevalue("page")
            others = [shown for shown in opened_pages if shown.context != page.context]
            assert not others, f"screenshot({name!r}): pass the page to photograph"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


PHONE = {"width": 390, "height": 844}
# The live server is the only site the browser may reach: map tiles and anything else
# external are refused, so a journey never waits on the network.
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")


@pytest.fixture
def new_context(new_context, opened_pages):
    """pytest-playwright's context factory (screenshots on failure), offline but for the app."""

    def make(**kwargs):
        context = new_context(**kwargs)
        context.on("page", lambda page: opened_pages.append(page))
        context.route(EXTERNAL, lambda route: route.abort())
        # Every page here answers in well under a second: fail fast rather than wait 30 s.
        context.set_default_timeout(5_000)
        return context

    return make


@pytest.fixture(autouse=True)
def public_url_is_the_live_server(request, settings):
    """Links in emails lead to where the site is served, as PUBLIC_URL does in production."""
    if "live_server" in request.fixturenames:
        settings.PUBLIC_URL = request.getfixturevalue("live_server").url


@pytest.fixture
def log_in(live_server):
    """Sign `user` in to a browser context by handing it a real session cookie."""

    def sign_in(context, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture
def traveller(db):
    """A traveller with a verified email address, in Lisbon's timezone."""
    user = UserFactory(
        email="ana@example.com", display_name="Ana Traveller", timezone="Europe/Lisbon"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def trip(traveller):
    """A three-day plan with five activities over two days, mapped and priced."""
    start = dt.date.today() + dt.timedelta(days=30)
    plan = PlanFactory(
        user=traveller,
        title="Long weekend in Lisbon",
        destination="Lisbon, Portugal",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        budget=Decimal("850.00"),
        currency="EUR",
        plan_data={"preferences": {"travel_style": "cultural", "pace": "relaxed"}},
    )
    places = [
        ("Castelo de São Jorge", 0, dt.time(10), "38.7139", "-9.1335", "15.00"),
        ("Lunch at Time Out Market", 0, dt.time(13), "38.7070", "-9.1459", "30.00"),
        ("Tram 28 ride", 0, dt.time(16), "38.7115", "-9.1300", "3.10"),
        ("Belém Tower", 1, dt.time(10), "38.6916", "-9.2160", "10.00"),
        ("Pastéis de Belém", 1, dt.time(12), "38.6975", "-9.2033", "8.50"),
    ]
    for index, (title, day, start_time, lat, lng, cost) in enumerate(places):
        PlanActivityFactory(
            plan=plan,
            title=title,
            scheduled_date=start + dt.timedelta(days=day),
            start_time=start_time,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            location_name=title,
            estimated_cost=Decimal(cost),
            order_index=index,
        )
    return plan


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def day_titles(page, number: int):
    """The activity titles of one itinerary day, in order (for auto-retrying `expect`)."""
    day = page.get_by_role("region", name=re.compile(rf"^Day {number}\b"))
    return day.locator(".activity-title strong")

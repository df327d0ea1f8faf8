"""Dates, times and money in the traveller's locale: the one format, where it comes from,
and the pages that show it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import locales
from accounts.formatting import format_date, format_datetime, format_money, format_time
from accounts.models import User
from plans.services import share_link_enable
from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

PASSWORD = "a-long-travel-passphrase"
NNBSP = "\u202f"  # CLDR's narrow no-break space, before AM and PM
DAY = dt.date(2026, 6, 5)  # a Friday


@pytest.mark.parametrize(
    ("locale", "medium", "full", "weekday"),
    [
        ("en-GB", "5 Jun 2026", "Friday, 5 June 2026", "Fri 5 Jun"),
        ("en-US", "Jun 5, 2026", "Friday, June 5, 2026", "Fri, Jun 5"),
        ("pt-PT", "05/06/2026", "sexta-feira, 5 de junho de 2026", "sexta, 5/06"),
        ("de-DE", "05.06.2026", "Freitag, 5. Juni 2026", "Fr., 5. Juni"),
        ("ja", "2026/06/05", "2026年6月5日金曜日", "6月5日(金)"),
    ],
)
def test_dates_are_written_as_each_locale_writes_them(locale, medium, full, weekday):
    assert format_date(DAY, locale=locale) == medium
    assert format_date(DAY, "full", locale=locale) == full
    assert format_date(DAY, "weekday", locale=locale) == weekday


@pytest.mark.parametrize(
    ("locale", "afternoon"),
    [("en-GB", "14:30"), ("en-US", f"2:30{NNBSP}PM"), ("pt-PT", "14:30"), ("ja", "14:30")],
)
def test_times_follow_the_locales_clock(locale, afternoon):
    assert format_time(dt.time(14, 30), locale=locale) == afternoon


def test_instants_are_shown_in_the_zone_given_with_its_abbreviation():
    """09:30 UTC on a June day is 10:30 in Lisbon's summer time, and says so."""
    moment = dt.datetime(2026, 6, 5, 9, 30, tzinfo=dt.UTC)
    lisbon = zoneinfo.ZoneInfo("Europe/Lisbon")
    assert format_time(moment, lisbon, locale="en-GB") == "10:30 WEST"
    assert format_datetime(moment, lisbon, locale="en-GB") == "5 Jun 2026, 10:30 WEST"
    assert format_datetime(moment, lisbon, locale="pt-PT") == "05/06/2026, 10:30 WEST"


@pytest.mark.parametrize(
    ("locale", "euros", "yen"),
    [
        ("en-GB", "€1,500.00", "JP¥12,000"),
        ("en-US", "€1,500.00", "¥12,000"),
        ("pt-PT", "1\xa0500,00\xa0€", "12\xa0000\xa0JP¥"),
        ("de-DE", "1.500,00\xa0€", "12.000\xa0¥"),
        ("ja", "€1,500.00", "￥12,000"),
    ],
)
def test_money_is_written_as_each_locale_writes_it(locale, euros, yen):
    """Symbol, its place, grouping and decimal mark per locale; yen have no minor units."""
    assert format_money(Decimal("1500"), "EUR", locale=locale) == euros
    assert format_money(Decimal("12000.40"), "JPY", locale=locale) == yen


def test_money_edge_cases_never_fail():
    """No amount is nothing, text passes through, a rounded-away debt shows no minus sign,
    a currency in lower case is understood and one without symbol keeps its code."""
    assert format_money(None, "EUR") == ""
    assert format_money("", "EUR") == ""
    assert format_money("about 20", "EUR") == "about 20"
    assert format_money(Decimal("-0.001"), "EUR", locale="en-GB") == "€0.00"
    assert format_money(Decimal("-42.1"), "EUR", locale="en-GB") == "-€42.10"
    assert format_money(Decimal("66.6"), "usd", locale="en-US") == "$66.60"
    assert format_money(Decimal("250.5"), "CHF", locale="de-DE") == "250,50\xa0CHF"
    assert format_money("19.99", "", locale="de-DE") == "19,99"


def test_template_filters_use_the_active_locale():
    template = Template("{% load formats %}{{ day|format_date }} · {{ amount|money:'EUR' }}")
    context = Context({"day": DAY, "amount": Decimal("850")})
    with locales.override("de-DE"):
        assert template.render(context) == "05.06.2026 · 850,00\xa0€"
    with locales.override("en-GB"):
        assert template.render(context) == "5 Jun 2026 · €850.00"
    assert template.render(context) == "Jun 5, 2026 · €850.00"  # outside a request: "en"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-PT,pt;q=0.9,en;q=0.8", "pt-PT"),
        ("en-gb", "en-GB"),
        ("de-XX, en;q=0.5", "de"),  # an unknown region: the language alone
        ("en;q=0.1, fr-CA", "fr-CA"),  # by preference, not by position
        ("xx, *", "en"),
        ("", "en"),
        (None, "en"),
        ("pt-PT;q=0, ja", "ja"),  # q=0 means "not this one"
        ("<script>, ja", "ja"),
        ("de;q=nope", "en"),
    ],
)
def test_accept_language_picks_the_best_supported_locale(header, expected):
    assert locales.negotiate(header) == expected


def test_the_choices_name_each_locale_in_english_and_in_its_own_words():
    choices = dict(locales.locale_choices())
    assert choices["en-GB"] == "English (United Kingdom)"
    assert choices["pt-PT"] == "Portuguese (Portugal) · português (Portugal)"
    assert "sr-Latn-RS" not in choices


@pytest.mark.django_db
def test_sign_up_takes_the_locale_from_the_browser(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ana@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "Europe/Lisbon",
        },
        HTTP_ACCEPT_LANGUAGE="pt-PT,pt;q=0.9,en;q=0.8",
    )
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get().locale == "pt-PT"


@pytest.mark.django_db
def test_sign_up_without_a_usable_accept_language_gets_english(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "bo@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "Europe/Lisbon",
        },
        HTTP_ACCEPT_LANGUAGE="tlh-KX",
    )
    assert User.objects.get().locale == "en"


@pytest.mark.django_db
def test_the_profile_saves_a_known_locale_and_refuses_an_unknown_one(client):
    user = UserFactory()
    client.force_login(user)
    form = {"timezone": "Europe/Lisbon", "preferred_currency": "EUR", "locale": "pt-PT"}
    page = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="pt-PT">Portuguese (Portugal) · português (Portugal)</option>' in page
    assert client.post(reverse("accounts:profile"), form).status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.locale == "pt-PT"

    response = client.post(reverse("accounts:profile"), {**form, "locale": "pt_XX"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["locale"] == [
        "Pick a language and region from the list, such as English (United Kingdom)."
    ]
    user.refresh_from_db()
    assert user.locale == "pt-PT"


@pytest.fixture
def lisbon_trip(db):
    plan = PlanFactory(
        timezone="Europe/Lisbon",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=2),
        budget=Decimal("1500.00"),
        currency="EUR",
    )
    PlanActivityFactory(
        plan=plan,
        title="Tram 28",
        scheduled_date=DAY,
        start_time=dt.time(14, 30),
        estimated_cost=Decimal("3.10"),
    )
    return plan


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("locale", "shown", "not_shown"),
    [
        ("en-GB", ["Fri, 5 Jun 2026", "€1,500.00", "14:30", "est. €3.10"], ["5/06/2026"]),
        ("pt-PT", ["sexta, 5/06/2026", "1\xa0500,00\xa0€", "14:30", "est. 3,10\xa0€"], ["€1"]),
        ("en-US", ["Fri, Jun 5, 2026", "€1,500.00", f"2:30{NNBSP}PM"], ["5 Jun 2026"]),
    ],
)
def test_the_plan_page_is_written_in_its_viewers_locale(
    client, lisbon_trip, locale, shown, not_shown
):
    lisbon_trip.user.locale = locale
    lisbon_trip.user.save(update_fields=["locale"])
    client.force_login(lisbon_trip.user)
    html = client.get(lisbon_trip.get_absolute_url()).content.decode()
    for text in shown:
        assert text in html
    for text in not_shown:
        assert text not in html.split("<main", 1)[1]
    assert '<html lang="en"' in html  # the interface stays English


@pytest.mark.django_db
def test_the_plan_pages_kept_sections_are_kept_per_locale(client, lisbon_trip):
    """The outline and the recent changes are kept between views of an unchanged plan: a
    viewer in another locale gets them in theirs, not in the first viewer's."""
    lisbon_trip.plan_data = {
        "itinerary": [{"day": 1, "activities": [{"activity": "Tile museum", "cost": 1234.5}]}]
    }
    lisbon_trip.save()
    member = UserFactory(locale="pt-PT")
    lisbon_trip.members.create(user=member, role="viewer")
    for user, amount in ((lisbon_trip.user, "€1,234.50"), (member, "1\xa0234,50\xa0€")):
        client.force_login(user)
        outline = client.get(lisbon_trip.get_absolute_url()).content.decode()
        outline = outline.split('id="outline-heading"', 1)[1].split("</section>", 1)[0]
        assert f"Tile museum · {amount}" in outline


@pytest.mark.django_db
def test_outsiders_get_their_browsers_locale_and_caches_are_told(client, lisbon_trip):
    plan = share_link_enable(plan=lisbon_trip)
    url = reverse("plans:shared", args=[plan.share_token])
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    english = client.get(url)
    assert german.status_code == english.status_code == HTTPStatus.OK
    assert "1.500,00\xa0€" in german.content.decode()
    assert "Fr., 5. Juni 2026" in german.content.decode()
    assert "€1,500.00" in english.content.decode()
    assert "Accept-Language" in german["Vary"]


@pytest.mark.django_db
def test_a_signed_in_travellers_choice_beats_their_browser(client, lisbon_trip):
    lisbon_trip.user.locale = "en-GB"
    lisbon_trip.user.save(update_fields=["locale"])
    client.force_login(lisbon_trip.user)
    html = client.get(lisbon_trip.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de-DE").content
    assert "€1,500.00" in html.decode()


@pytest.mark.django_db
def test_resolving_the_locale_costs_no_query(client, settings, lisbon_trip):
    """The locale comes from the user the page loads anyway: a signed-in page makes the
    same queries with the locale middleware as without it."""
    user = lisbon_trip.user
    User.objects.filter(pk=user.pk).update(locale="ja")
    client.force_login(user)
    url = lisbon_trip.get_absolute_url()
    client.get(url)  # the session's activity is written once a minute: not in the counts

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    with_locale = queries()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("UserLocaleMiddleware")]
    queries()  # the kept itinerary is per locale: the first view in "en" renders it again
    assert queries() == with_locale

"""The one format for dates, times and money on every page, in the active locale.

Babel's CLDR data decides the order, names and marks ("5 Jun 2026" in en-GB, "Jun 5, 2026"
in en-US, "05/06/2026" in pt-PT; "€1,500.00", "1500,00 €"), and each currency's minor
units (no decimals for JPY). Templates use the filters of `{% load formats %}`; Python code
that shows a value to a traveller calls these functions. Machine formats (the API, CSV,
calendar files) keep ISO values and never come through here.

Calendar dates (a trip's days) are formatted as they are; instants (a session's start) are
shown in a time zone, with its abbreviation, so a time never reads without its clock.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from babel import dates, numbers
from django.utils import timezone

from accounts.locales import babel_locale, get_active

# Date styles by name: Babel's standard formats, or CLDR skeletons that each locale
# writes its own way ("Fri 5 Jun" in en-GB, "sexta, 5/06" in pt-PT).
DATE_STYLES = {
    "medium": ("format", "medium"),  # 5 Jun 2026
    "full": ("format", "full"),  # Friday, 5 June 2026: a day's heading
    "weekday": ("skeleton", "MMMEd"),  # Fri 5 Jun: a day inside a known trip
    "weekday_year": ("skeleton", "yMMMEd"),  # Fri, 5 Jun 2026
}


def _locale(locale: str | None):
    return babel_locale(locale or get_active())


def format_date(value: dt.date | None, style: str = "medium", *, locale: str | None = None) -> str:
    """A calendar date in one of DATE_STYLES; empty for None.

    A datetime is shown as its date in the active time zone.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    kind, pattern = DATE_STYLES.get(style, DATE_STYLES["medium"])
    if kind == "skeleton":
        return dates.format_skeleton(pattern, value, locale=_locale(locale))
    return dates.format_date(value, pattern, locale=_locale(locale))


def format_time(
    value: dt.time | dt.datetime | None,
    zone: dt.tzinfo | None = None,
    *,
    locale: str | None = None,
) -> str:
    """A clock time ("14:30", "2:30 PM"); for an instant, in `zone` with its abbreviation.

    A plain time is a wall-clock time already (an activity's, on its plan's clock) and is
    shown as it is. An aware datetime is converted to `zone` (the active time zone when
    None) and followed by the zone's abbreviation on that day ("14:30 WEST").
    """
    if value is None or value == "":
        return ""
    babel = _locale(locale)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            local = timezone.localtime(value, zone)
            clock = dates.format_time(local.time(), "short", locale=babel)
            return f"{clock} {local.tzname() or local.tzinfo}"
        value = value.time()
    return dates.format_time(value, "short", locale=babel)


def format_datetime(
    value: dt.datetime | None, zone: dt.tzinfo | None = None, *, locale: str | None = None
) -> str:
    """An instant as date and time in `zone` (else the active one), with its abbreviation."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    babel = _locale(locale)
    day = dates.format_date(value.date(), "medium", locale=babel)
    glue = dates.get_datetime_format("medium", locale=babel)
    return glue.replace("{1}", day).replace("{0}", format_time(value, zone, locale=locale))


def format_money(amount, currency: str = "", *, locale: str | None = None) -> str:
    """An amount in `currency` (ISO 4217) with the currency's minor units; empty for None.

    Text that is not a number (a document typed by hand) is shown unchanged, never a 500;
    an amount without a currency is shown as a plain number.
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not value.is_finite():
        return str(amount)
    babel = _locale(locale)
    code = (currency or "").strip().upper()
    if not code:
        return numbers.format_decimal(value, format="#,##0.00", locale=babel)
    digits = numbers.get_currency_precision(code)
    if value.quantize(Decimal(1).scaleb(-digits)) == 0:
        value = Decimal(0)  # rounded to nothing ("-0.001" EUR): no minus sign before a zero
    return numbers.format_currency(value, code, locale=babel)

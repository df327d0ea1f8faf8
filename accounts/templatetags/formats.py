"""`{% load formats %}`: dates, times and money in the request's locale, on every page.

    {{ plan.start_date|format_date }}            5 Jun 2026 / Jun 5, 2026 / 05/06/2026
    {{ day.date|format_date:"full" }}            Friday, 5 June 2026
    {{ activity.start_time|format_time }}        14:30 / 2:30 PM
    {{ session.created_at|format_datetime }}     5 Jun 2026, 14:30 WEST (the active zone)
    {{ plan.budget|money:plan.currency }}        €1,500.00 / 1500,00 € / ¥12,000

The one place templates get these formats; the functions behind them are
`accounts.formatting`'s, for Python code that shows a value.
"""

from __future__ import annotations

from django import template

from accounts import formatting

register = template.Library()


@register.filter
def format_date(value, style: str = "medium") -> str:
    """A calendar date in a named style (accounts.formatting.DATE_STYLES)."""
    return formatting.format_date(value, style)


@register.filter
def format_time(value) -> str:
    """A wall-clock time; an instant in the active zone with its abbreviation."""
    return formatting.format_time(value)


@register.filter
def format_datetime(value) -> str:
    """An instant as date and time in the active zone, with its abbreviation."""
    return formatting.format_datetime(value)


@register.filter
def money(amount, currency: str = "") -> str:
    """An amount in the currency (ISO 4217), with that currency's minor units."""
    return formatting.format_money(amount, currency)

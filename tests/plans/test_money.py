"""The `money` template filter: amounts in the plan's currency, as travellers read them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from plans.templatetags.money import money


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1500"), "EUR", "€1,500.00"),
        (Decimal("66.6"), "usd", "$66.60"),
        (Decimal("12000.40"), "JPY", "¥12,000"),
        (Decimal("1234567.891"), "GBP", "£1,234,567.89"),
        (Decimal("250.5"), "CHF", "250.50\u00a0CHF"),
        (Decimal("-42.1"), "EUR", "\u2212€42.10"),
        (Decimal("-0.001"), "EUR", "€0.00"),
        (0, "EUR", "€0.00"),
        ("19.99", "", "19.99"),
    ],
)
def test_money_formats_amounts_in_the_currency(amount, currency, expected):
    """Symbol for known currencies, the ISO code otherwise, grouping and the right decimals."""
    assert money(amount, currency) == expected


def test_missing_or_non_numeric_amounts_are_shown_safely():
    """No amount renders as nothing; text that is not a number is passed through, not a 500."""
    assert money(None, "EUR") == ""
    assert money("", "EUR") == ""
    assert money("about 20", "EUR") == "about 20"


def test_filter_works_in_templates():
    """Templates use it as `{{ amount|money:plan.currency }}` after `{% load money %}`."""
    rendered = Template("{% load money %}{{ amount|money:currency }}").render(
        Context({"amount": Decimal("850.00"), "currency": "EUR"})
    )
    assert rendered == "€850.00"

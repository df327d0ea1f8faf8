"""`{{ amount|money:plan.currency }}`: an amount as travellers read it, in the plan's currency.

Known currencies get their symbol (`€1,500.00`, `¥12,000`); others keep the ISO code after
the number (`1,500.00 CHF`). Currencies without minor units show no decimals. The grouping
follows the site's language (English), matching the rest of the page.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "KRW": "₩",
    "AUD": "A$",
    "CAD": "CA$",
    "NZD": "NZ$",
    "BRL": "R$",
    "MXN": "MX$",
    "ILS": "₪",
    "VND": "₫",
    "THB": "฿",
    "PHP": "₱",
    "NGN": "₦",
    "TRY": "₺",
    "UAH": "₴",
}
# ISO 4217 currencies whose amounts have no minor unit.
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "RWF", "KMF"}
NBSP = "\u00a0"


@register.filter
def money(amount, currency: str = "") -> str:
    """Format `amount` in `currency`; empty for a missing amount, unchanged if not a number."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    code = (currency or "").upper()
    places = 0 if code in ZERO_DECIMAL else 2
    number = f"{abs(value):,.{places}f}"
    sign = "\u2212" if value < 0 and Decimal(number.replace(",", "")) != 0 else ""
    symbol = SYMBOLS.get(code)
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number}{NBSP}{code}" if code else f"{sign}{number}"

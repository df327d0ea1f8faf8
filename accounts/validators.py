"""Field validators for profile values that have a fixed vocabulary outside Django."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code in capitals, such as USD or EUR."
)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone name; use a name such as Europe/Paris.",
            params={"value": value},
            code="invalid_timezone",
        )

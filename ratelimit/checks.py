"""System checks: a malformed quota or a missing database alias fails at start, not per request."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, register

from ratelimit.rates import Rate


@register(Tags.compatibility)
def check_ratelimit_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    for scope, rates in getattr(settings, "RATELIMIT_RATES", {}).items():
        for identifier_type, text in rates.items():
            try:
                Rate.parse(text)
            except ValueError as exc:
                errors.append(
                    Error(
                        f"RATELIMIT_RATES[{scope!r}][{identifier_type!r}]: {exc}",
                        id="ratelimit.E001",
                    )
                )
    for cidr in getattr(settings, "RATELIMIT_TRUSTED_PROXIES", []):
        try:
            ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(f"RATELIMIT_TRUSTED_PROXIES: {cidr!r} is not a network.", id="ratelimit.E002")
            )
    alias = getattr(settings, "RATELIMIT_DATABASE_ALIAS", "default")
    if alias not in settings.DATABASES:
        errors.append(
            Error(
                f"RATELIMIT_DATABASE_ALIAS is {alias!r} but DATABASES has no such alias.",
                hint="Add DATABASES['ratelimit'] = ratelimit_database(DATABASES['default']).",
                id="ratelimit.E003",
            )
        )
    return errors

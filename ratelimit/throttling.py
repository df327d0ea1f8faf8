"""DRF throttles backed by the `rate_limits` table.

`ApiThrottle` is the default for every API view (`REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`):
anonymous clients are counted per IP (`RATELIMIT_RATES["api"]["ip"]`), signed-in ones per user
(`RATELIMIT_RATES["api"]["user"]`). Share-link lookups add `ShareLinkThrottle`::

    throttle_classes = [ApiThrottle, ShareLinkThrottle]

A refused request is answered by DRF's exception handler with status 429, a `Retry-After` header
and the body `{"detail": "Too many requests. Try again in 37 seconds.", "retry_after": 37}`.
DRF checks throttles before the view runs, so a refused request runs none of the view's code.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from ratelimit import store
from ratelimit.ip import client_ip
from ratelimit.middleware import record_decision
from ratelimit.rates import rate_for


class RateLimited(exceptions.Throttled):
    """429 whose body also carries the wait as a number, so clients need not parse text."""

    def __init__(self, decision: store.Decision):
        super().__init__(wait=decision.retry_after)
        seconds = decision.retry_after
        unit = "second" if seconds == 1 else "seconds"
        self.detail = {
            "detail": exceptions.ErrorDetail(
                f"Too many requests. Try again in {seconds} {unit}.", code="throttled"
            ),
            "retry_after": seconds,
        }


class DatabaseThrottle(BaseThrottle):
    """Counts the request under `scope` for the identity `get_identity` returns."""

    scope: str = "api"

    def get_identity(self, request) -> tuple[str, str]:
        """(identifier_type, identifier): the user when signed in, else the client IP."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return "user", str(user.pk)
        return "ip", client_ip(request)

    def get_identities(self, request) -> list[tuple[str, str]]:
        """Every identity the request counts under, in order; the first refusal stops it."""
        return [self.get_identity(request)]

    def allow_request(self, request, view) -> bool:
        for identifier_type, identifier in self.get_identities(request):
            decision = store.hit(
                scope=self.scope,
                identifier_type=identifier_type,
                identifier=identifier,
                rate=rate_for(self.scope, identifier_type),
            )
            record_decision(request, decision)
            if not decision.allowed:
                # Raised here, not returned, so the body can carry `retry_after` and later
                # throttles do not count a request that is refused anyway.
                raise RateLimited(decision)
        return True


class ApiThrottle(DatabaseThrottle):
    """The default API quota: per IP when anonymous, per user when signed in."""

    scope = "api"


class UserAndIpThrottle(DatabaseThrottle):
    """Counts a signed-in request twice, per user and per client IP, so neither many tokens
    behind one address nor one account from many addresses escapes the quota; subclasses set
    `scope`, whose rates name both `user` and `ip`."""

    def get_identities(self, request) -> list[tuple[str, str]]:
        identities = [("ip", client_ip(request))]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            identities.insert(0, ("user", str(user.pk)))
        return identities


class ShareLinkThrottle(DatabaseThrottle):
    """Share-link lookups: per client IP whoever is signed in, since tokens are what is guessed."""

    scope = "share"

    def get_identity(self, request) -> tuple[str, str]:
        return "ip", client_ip(request)

"""DRF throttles backed by the `rate_limits` table.

`ApiThrottle` is the default for every API view (`REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`):
anonymous clients are counted per IP (`RATELIMIT_RATES["api"]["ip"]`), signed-in ones per user
(`RATELIMIT_RATES["api"]["user"]`). Share-link lookups add `ShareLinkThrottle`::

    throttle_classes = [ApiThrottle, ShareLinkThrottle]

A refused request is answered by DRF's exception handler with status 429, a `Retry-After` header
and the body `{"detail": "Too many requests. Try again in 37 seconds.", "retry_after": 37}`.

Reads do not wait for the count. For GET, HEAD and OPTIONS the upsert is sent on the counters'
connection (`store.send_hit`) and the view goes on; the count is read before the view's first
SQL statement on any other connection (`SentAheadCheck`, an execute wrapper), or when the view
returns without one (`RateLimitHeadersMiddleware`). A refused read therefore never reaches the
database either, its round trip overlaps the Python work between the throttle and the first
query, and writes, which may have other side effects, still wait for their count up front.
"""

from __future__ import annotations

from django.db import connections
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from ratelimit import store
from ratelimit.ip import client_ip
from ratelimit.middleware import SENT_AHEAD_ATTR, record_decision
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

    def allow_request(self, request, view) -> bool:
        http_request = request._request
        earlier = getattr(http_request, SENT_AHEAD_ATTR, None)
        if earlier is not None:
            earlier.settle()  # an earlier throttle's refusal stops this one from counting
        identifier_type, identifier = self.get_identity(request)
        hit = {
            "scope": self.scope,
            "identifier_type": identifier_type,
            "identifier": identifier,
            "rate": rate_for(self.scope, identifier_type),
        }
        if request.method in SAFE_METHODS and store.can_send_ahead():
            SentAheadCheck(http_request, store.send_hit(**hit))
            return True
        decision = store.hit(**hit)
        record_decision(request, decision)
        if not decision.allowed:
            # Raised here, not returned, so the body can carry `retry_after` and later
            # throttles do not count a request that is refused anyway.
            raise RateLimited(decision)
        return True


class ApiThrottle(DatabaseThrottle):
    """The default API quota: per IP when anonymous, per user when signed in."""

    scope = "api"


class ShareLinkThrottle(DatabaseThrottle):
    """Share-link lookups: per client IP whoever is signed in, since tokens are what is guessed."""

    scope = "share"

    def get_identity(self, request) -> tuple[str, str]:
        return "ip", client_ip(request)


class SentAheadCheck:
    """A read's hit in flight: decided before the first SQL statement of the view, or after it.

    Installed as an execute wrapper on every connection but the counters' own, so nothing the
    view asks of the database runs before the count is known.
    """

    def __init__(self, http_request, pending: store.PendingHit):
        self.request = http_request
        self.pending = pending
        self.decision: store.Decision | None = None
        self.wrapped = [c for c in connections.all() if c is not pending.connection]
        for connection in self.wrapped:
            connection.execute_wrappers.append(self)
        setattr(http_request, SENT_AHEAD_ATTR, self)

    def __call__(self, execute, sql, params, many, context):
        self.settle()
        return execute(sql, params, many, context)

    def decide(self) -> store.Decision:
        """Read the count (once) and record the decision for the headers; never raises a refusal."""
        if self.decision is None:
            for connection in self.wrapped:
                connection.execute_wrappers.remove(self)
            setattr(self.request, SENT_AHEAD_ATTR, None)
            self.decision = self.pending.decision()
            record_decision(self.request, self.decision)
        return self.decision

    def settle(self) -> None:
        """Raise the refusal, if it is one, where DRF turns it into the 429 response."""
        decision = self.decide()
        if not decision.allowed:
            raise RateLimited(decision)

    def refusal_response(self):
        """The 429 for a refused read whose view finished without touching the database."""
        decision = self.decide()
        if decision.allowed:
            return None
        return rendered_refusal(RateLimited(decision))


def rendered_refusal(exc: RateLimited):
    """The response DRF's exception handler gives `exc`, rendered as JSON outside a view."""
    response = api_settings.EXCEPTION_HANDLER(exc, {})
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = JSONRenderer.media_type
    response.renderer_context = {}
    return response.render()

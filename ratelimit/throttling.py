"""DRF throttles backed by the `rate_limits` table.

`ApiThrottle` is the default for every API view (`REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`):
anonymous clients are counted per IP (`RATELIMIT_RATES["api"]["ip"]`), signed-in ones per user
(`RATELIMIT_RATES["api"]["user"]`). Share-link lookups add `ShareLinkThrottle`::

    throttle_classes = [ApiThrottle, ShareLinkThrottle]

A refused request is answered by DRF's exception handler with status 429, a `Retry-After` header
and the body `{"detail": "Too many requests. Try again in 37 seconds.", "retry_after": 37}`.

In views wrapped by `send_hits_ahead` (every route of the versioned API, see `config.api`),
reads do not wait for their count. For GET, HEAD and OPTIONS the upsert is sent on the
counters' connection (`store.send_hit`) and the view goes on; the count is read before the
view's first SQL statement through Django's cursors on any other connection (`SentAheadCheck`,
an execute wrapper), or when the view returns without one. The round trip thus overlaps the
Python work between the throttle and the first query. A refused read runs none of the view's
SQL (the refusal is raised again on every statement, so view code that catches it gains
nothing) and is answered 429 whatever the view returned. Writes, which may have side effects
outside the database, and views called any other way (a test's request factory, a sub-request)
wait for their count up front.
"""

from __future__ import annotations

import functools
from http import HTTPStatus

from django.db import Error, connections
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
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

    def allow_request(self, request, view) -> bool:
        http_request = request._request
        earlier = getattr(http_request, SENT_AHEAD_ATTR, None)
        if earlier is not None:
            earlier.enforce()  # an earlier throttle's refusal stops this one from counting
        identifier_type, identifier = self.get_identity(request)
        hit = {
            "scope": self.scope,
            "identifier_type": identifier_type,
            "identifier": identifier,
            "rate": rate_for(self.scope, identifier_type),
        }
        if (
            request.method in SAFE_METHODS
            and getattr(http_request, SENDS_AHEAD_ATTR, False)
            and store.can_send_ahead()
        ):
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


# On the HttpRequest: True while `send_hits_ahead` runs the view; the read's check, once sent.
SENDS_AHEAD_ATTR = "_ratelimit_sends_ahead"
SENT_AHEAD_ATTR = "_ratelimit_sent_ahead"


def send_hits_ahead(view):
    """Let the view's reads send their hit ahead, and decide them by the time it returns.

    The check is removed here whatever happens, so nothing of one request stays installed on a
    connection; a hit still unread when the view raised is read at the next use of the
    counters' connection (`store.send_hit` and `store.hit` do that first). Nested inside
    another `send_hits_ahead` on the same request, it leaves the deciding to the outer one.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, SENDS_AHEAD_ATTR, False):
            return view(request, *args, **kwargs)
        setattr(request, SENDS_AHEAD_ATTR, True)
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            check = getattr(request, SENT_AHEAD_ATTR, None)
            if check is None or check.decision is None or check.decision.allowed:
                raise
            response = None  # refused: whatever the view made of the refusal, it gets the 429
        finally:
            setattr(request, SENDS_AHEAD_ATTR, False)
            check = getattr(request, SENT_AHEAD_ATTR, None)
            setattr(request, SENT_AHEAD_ATTR, None)
            if check is not None:
                check.unwrap()
        return response if check is None else check.finish(response)

    return wrapped


class SentAheadCheck:
    """A read's hit in flight, enforced before the view's first SQL statement.

    It is the outermost execute wrapper on every connection but the counters' own, so other
    wrappers, which push and pop at the end of the list, never see a refused statement. An
    allowed read removes it at once; a refused one leaves it raising until the view returns.
    """

    def __init__(self, http_request, pending: store.PendingHit):
        self.request = http_request
        self.pending = pending
        self.decision: store.Decision | None = None
        self.wrapped = [c for c in connections.all() if c is not pending.connection]
        for connection in self.wrapped:
            connection.execute_wrappers.insert(0, self)
        setattr(http_request, SENT_AHEAD_ATTR, self)

    def __call__(self, execute, sql, params, many, context):
        self.enforce()
        return execute(sql, params, many, context)

    def decide(self) -> store.Decision:
        """Wait for the count (once) and record the decision for the headers.

        Raises the database's error if the count could not be read, not a refusal.
        """
        if self.decision is None:
            self.decision = self.pending.decision()
            record_decision(self.request, self.decision)
        return self.decision

    def enforce(self) -> None:
        """Raise the refusal, if it is one, where DRF turns it into the 429 response."""
        decision = self.decide()
        if decision.allowed:
            self.unwrap()  # nothing left to guard
        else:
            raise RateLimited(decision)

    def unwrap(self) -> None:
        for connection in self.wrapped:
            if self in connection.execute_wrappers:
                connection.execute_wrappers.remove(self)

    def finish(self, response):
        """The response to send once the view returned (None if it raised after a refusal):
        its own, or the 429 if the read was refused."""
        try:
            decision = self.decide()
        except Error:
            _release(response)
            raise
        if decision.allowed or (
            response is not None and response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        ):
            return response
        refusal = rendered_refusal(RateLimited(decision))
        if response is not None:
            # What the view's response holds open (a file, a stream) is released with the
            # refusal at the end of the request, as the replaced response would have been.
            refusal._resource_closers.extend(response._resource_closers)
        return refusal


def _release(response) -> None:
    """Close what a response holds open without `close()`, which also ends the request."""
    if response is not None:
        for closer in response._resource_closers:
            closer()
        response._resource_closers.clear()


def rendered_refusal(exc: RateLimited):
    """The response DRF's exception handler gives `exc`, rendered outside a view by the API's
    renderer (JSON, as every API response)."""
    response = api_settings.EXCEPTION_HANDLER(exc, {})
    renderer = api_settings.DEFAULT_RENDERER_CLASSES[0]()
    response.accepted_renderer = renderer
    response.accepted_media_type = renderer.media_type
    response.renderer_context = {}
    return response.render()

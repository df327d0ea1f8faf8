"""Standard rate-limit headers from the decisions a throttle or decorator made for this request."""

from __future__ import annotations

from ratelimit.store import Decision

DECISIONS_ATTR = "_ratelimit_decisions"


def record_decision(request, decision: Decision) -> None:
    """Remember a decision on the underlying HttpRequest (DRF wraps it in `request._request`)."""
    http_request = getattr(request, "_request", request)
    decisions = getattr(http_request, DECISIONS_ATTR, None)
    if decisions is None:
        decisions = []
        setattr(http_request, DECISIONS_ATTR, decisions)
    decisions.append(decision)


def binding_decision(request) -> Decision | None:
    """The decision clients should see: a refusal first, else the quota closest to running out."""
    decisions = getattr(request, DECISIONS_ATTR, None)
    if not decisions:
        return None
    return min(decisions, key=lambda d: (d.allowed, d.remaining, d.reset_after))


class RateLimitHeadersMiddleware:
    """Adds `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, and `Retry-After` on 429.

    Reads only what the limiter stored on the request: no database work, so responses that no
    limiter saw (health probes, static files) get no headers and cost nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        decision = binding_decision(request)
        if decision is not None:
            response.headers.setdefault("RateLimit-Limit", str(decision.limit))
            response.headers.setdefault("RateLimit-Remaining", str(decision.remaining))
            response.headers.setdefault("RateLimit-Reset", str(decision.reset_after))
            if not decision.allowed:
                response.headers.setdefault("Retry-After", str(decision.retry_after))
        return response

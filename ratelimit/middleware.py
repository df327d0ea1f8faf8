"""Standard rate-limit headers from the decisions a throttle or decorator made for this request."""

from __future__ import annotations

from ratelimit.store import Decision

DECISIONS_ATTR = "_ratelimit_decisions"
# A read's hit still in flight (`throttling.SentAheadCheck`), decided here if the view did not.
SENT_AHEAD_ATTR = "_ratelimit_sent_ahead"


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

    Reads what the limiters stored on the request, and finishes an API read whose hit was sent
    ahead (`throttling.SentAheadCheck`): waits for its count if the view never ran a query, and
    answers 429 if it was refused. Responses no limiter saw (health probes, static files) get
    no headers and cost nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            check = getattr(request, SENT_AHEAD_ATTR, None)
            if check is not None:
                check.unwrap()  # whatever happened, nothing of this request stays installed
        if check is not None:
            response = check.finish(response)
        decision = binding_decision(request)
        if decision is not None:
            response.headers.setdefault("RateLimit-Limit", str(decision.limit))
            response.headers.setdefault("RateLimit-Remaining", str(decision.remaining))
            response.headers.setdefault("RateLimit-Reset", str(decision.reset_after))
            if not decision.allowed:
                response.headers.setdefault("Retry-After", str(decision.retry_after))
        return response

    def process_exception(self, request, exception):
        """A read refused where DRF cannot answer it (while its response was rendered)."""
        from ratelimit.throttling import RateLimited, rendered_refusal

        if isinstance(exception, RateLimited):
            return rendered_refusal(exception)
        return None

"""Rate limits for website views (forms), answered with a friendly 429 page.

Usage::

    from ratelimit.decorators import by_ip, by_posted_email, by_user, ratelimit

    @ratelimit("login", keys=[by_ip, by_posted_email("login")])
    def login(request): ...

    # class-based views: method_decorator(ratelimit("invitation", keys=[by_user]), "dispatch")
    # or wrap the function: ratelimit("signup")(SignupView.as_view())

`ratelimit(scope, *, keys=(by_ip,), methods=("POST",))`:

- `scope`: a key of `settings.RATELIMIT_RATES`; each key function's identifier type must have a
  rate there (`RATELIMIT_RATES[scope][identifier_type]`).
- `keys`: functions `request -> (identifier_type, identifier) | None`. Each one is a separate
  counter; None skips it (e.g. no email posted, or an anonymous visitor for `by_user`). They are
  checked in order and the first refusal stops: later counters are not spent by a request that
  is refused anyway (so one IP cannot burn a victim's per-account quota beyond its own).
- `methods`: the HTTP methods that count; GETs of a form cost nothing by default. Pass `None` to
  count every method (share-link pages).

Refused requests get `429.html` with status 429 and `Retry-After`; the headers middleware adds the
`RateLimit-*` headers to every counted response.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import wraps
from http import HTTPStatus

from django.shortcuts import render

from ratelimit import store
from ratelimit.ip import client_ip
from ratelimit.middleware import record_decision
from ratelimit.rates import rate_for

KeyFunc = Callable[..., "tuple[str, str] | None"]


def by_ip(request) -> tuple[str, str]:
    """Per client IP (IPv6 per /64), honouring only trusted proxies."""
    return "ip", client_ip(request)


def by_user(request) -> tuple[str, str] | None:
    """Per signed-in user; anonymous requests are not counted by this key."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return "user", str(user.pk)


def by_posted_email(field: str = "email") -> KeyFunc:
    """Per account named in a POSTed field (lower-cased, trimmed), whether or not it exists.

    A value holding a NUL byte names no account (the form refuses it before any sign-in is
    tried) and PostgreSQL cannot store it as a counter's key: only the other keys count it.
    """

    def key(request) -> tuple[str, str] | None:
        value = request.POST.get(field, "").strip().lower()
        return ("account", value[:255]) if value and "\x00" not in value else None

    key.__name__ = f"by_posted_email_{field}"
    return key


def too_many_requests(request, decision: store.Decision):
    """The friendly 429 page for the website."""
    response = render(
        request,
        "429.html",
        {"retry_after": decision.retry_after, "retry_minutes": -(-decision.retry_after // 60)},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def ratelimit(
    scope: str,
    *,
    keys: Sequence[KeyFunc] = (by_ip,),
    methods: Collection[str] | None = ("POST",),
) -> Callable:
    """Limit a view under `scope`, one counter per key function (see the module docstring)."""
    counted_methods = None if methods is None else frozenset(m.upper() for m in methods)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if counted_methods is None or request.method in counted_methods:
                for key in keys:
                    identity = key(request)
                    if identity is None:
                        continue
                    identifier_type, identifier = identity
                    decision = store.hit(
                        scope=scope,
                        identifier_type=identifier_type,
                        identifier=identifier,
                        rate=rate_for(scope, identifier_type),
                    )
                    record_decision(request, decision)
                    if not decision.allowed:
                        return too_many_requests(request, decision)
            return view(request, *args, **kwargs)

        wrapped.ratelimit_scope = scope  # lets tests and checks see which views are limited
        return wrapped

    return decorator

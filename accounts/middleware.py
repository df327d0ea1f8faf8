"""Keeps each signed-in session's "last activity" fresh without a write on every request."""

from __future__ import annotations

import time
import zoneinfo

from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accounts import locales, services
from accounts.requestinfo import client_ip, user_agent

LAST_SEEN_SESSION_KEY = "_accounts_last_seen"


class UserSessionActivityMiddleware:
    """At most once a minute per session: one UPDATE and one session save; otherwise nothing.

    The time of the last write is kept in the session itself, which is already loaded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        key = session.session_key
        if not key:
            return response
        now = time.time()
        last_seen = session.get(LAST_SEEN_SESSION_KEY)
        interval = services.ACTIVITY_WRITE_INTERVAL.total_seconds()
        if isinstance(last_seen, int | float) and now - last_seen < interval:
            return response
        services.session_touch(
            user=user, session_key=key, user_agent=user_agent(request), ip=client_ip(request)
        )
        session[LAST_SEEN_SESSION_KEY] = now
        return response


class UserTimezoneMiddleware:
    """Renders dates and times in the signed-in traveller's own timezone (their profile's).

    Everyone else, and a profile holding a name this system does not know, gets UTC.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = user.timezone if user is not None and user.is_authenticated else ""
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLocaleMiddleware:
    """Formats dates, times and money in the request's locale (accounts.locales).

    The signed-in traveller's profile locale, else the best match for the browser's
    Accept-Language. Only values change: the interface text stays English. Resolved once
    here, from the user already loaded above, and kept as `request.locale`. Responses that
    followed the browser's header say so (`Vary: Accept-Language`) to caches.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.locale = locales.request_locale(request)
        with locales.override(request.locale):
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            patch_vary_headers(response, ["Accept-Language"])
        return response

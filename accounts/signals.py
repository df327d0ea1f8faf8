"""Side effects of signing in, kept out of allauth's and Django's flows.

The session list (accounts.models.UserSession) rides on Django's database sessions through
their documented hooks: this `user_logged_in` receiver adds a row, accounts.middleware keeps
its last activity fresh (services.session_touch), and deleting a session row (sign-out's
flush, a revoke, `clearsessions`) deletes its list row with it (on_delete=CASCADE). A revoked
browser's cookie then names no session, so its next request is signed out.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import services
from accounts.middleware import LAST_SEEN_SESSION_KEY
from accounts.requestinfo import client_ip, user_agent


@receiver(user_logged_in, dispatch_uid="accounts.record_session")
def record_session(sender, request, user, **kwargs):
    """Add the new session to the user's session list."""
    if request is None or not hasattr(request, "session"):
        return
    if not request.session.session_key:
        # login() flushed the old session; the new one gets its key when first saved.
        request.session.save()
    services.session_record(
        user=user,
        session_key=request.session.session_key,
        user_agent=user_agent(request),
        ip=client_ip(request),
    )
    request.session[LAST_SEEN_SESSION_KEY] = time.time()

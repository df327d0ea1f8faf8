"""View decorators for plan pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def sign_in_instead_of_404(view):
    """A signed-out visitor who may not see a plan page is sent to sign in, then back.

    For plan pages open to signed-out visitors (public plans): an owner following their own
    link while signed out gets the way in rather than "not found". Every such visitor gets the
    same redirect whether the plan exists or not, so it tells nobody which plans exist; once
    signed in, a stranger still gets the 404.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())

    return wrapped

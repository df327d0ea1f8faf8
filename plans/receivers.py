"""Join invited plans when a traveller signs in or confirms an address.

Signals, because accounts (and allauth) must not know about plans: the dependency points
from plans to accounts only.
"""

from __future__ import annotations

from django.contrib import messages

from plans import services


def _welcome(request, joined) -> None:
    if request is None:
        return
    for member in joined:
        messages.add_message(
            request,
            messages.SUCCESS,
            f"You joined “{member.plan.title}” as {member.get_role_display().lower()}.",
            fail_silently=True,
        )


def accept_invitations_on_login(sender, request, user, **kwargs) -> None:
    """On sign-in (sign-up signs in too): the invitation opened earlier, and verified emails."""
    session = getattr(request, "session", None)
    key = services.PENDING_INVITATION_SESSION_KEY
    token_hash = session.pop(key, None) if session is not None else None
    _welcome(request, services.invitations_accept_for_user(user=user, token_hash=token_hash))


def accept_invitations_on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    """A newly verified address may have invitations waiting."""
    _welcome(request, services.invitations_accept_for_user(user=email_address.user))

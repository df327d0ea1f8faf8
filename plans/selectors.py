"""Reads of plans, already limited to what the requester may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from plans import permissions
from plans.models import Plan


def plan_get_for_user(*, user, pk: int, action: str = "view") -> Plan:
    """The plan if `user` may perform `action` (view, edit, manage) on it, else 404.

    Not being allowed to view is a 404; being allowed to view but not to edit is a
    PermissionDenied (403), so viewers learn why a button is missing.
    """
    plan = (
        Plan.objects.visible_to(user).with_role(user).select_related("user").filter(pk=pk).first()
    )
    if plan is None:
        raise Http404("No plan found.")
    allowed = {
        "view": permissions.can_view,
        "edit": permissions.can_edit,
        "manage": permissions.can_manage,
    }[action]
    if not allowed(user, plan):
        raise PermissionDenied
    return plan

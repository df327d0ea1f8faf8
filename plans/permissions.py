"""Who may do what with a plan: the one place web views, the API and templates ask.

A requester's role is the owner (`Plan.user`), a member's role, or nothing. Plans a requester
may not see do not exist for them: callers turn a missing read permission into a 404.
"""

from __future__ import annotations

from plans.models import Plan, PlanMember, Role

_EDIT_ROLES = {Role.OWNER, Role.EDITOR}


def plan_role(user, plan: Plan) -> str | None:
    """The user's role on the plan; uses `viewer_role` when a selector annotated it."""
    if not user.is_authenticated:
        return None
    if hasattr(plan, "viewer_role"):
        return plan.viewer_role
    if plan.user_id == user.pk:
        return Role.OWNER
    return PlanMember.objects.filter(plan=plan, user=user).values_list("role", flat=True).first()


def is_public(plan: Plan) -> bool:
    return (
        plan.is_public
        and plan.status == Plan.Status.PUBLISHED
        and plan.moderation_status == Plan.Moderation.OK
    )


def can_view(user, plan: Plan) -> bool:
    return is_public(plan) or plan_role(user, plan) is not None


def can_edit(user, plan: Plan) -> bool:
    """Edit the plan and its activities."""
    return plan_role(user, plan) in _EDIT_ROLES


def can_manage(user, plan: Plan) -> bool:
    """Delete, share settings and members: the owner only."""
    return plan_role(user, plan) == Role.OWNER


def can_report(user, plan: Plan) -> bool:
    """Any signed-in traveller may report a plan they can read, except their own."""
    if not user.is_authenticated or plan.user_id == user.pk:
        return False
    return is_public(plan) or bool(plan.share_token) or plan_role(user, plan) is not None

"""Small display helpers for plan pages."""

from __future__ import annotations

from django import template

from plans import permissions

register = template.Library()


@register.filter
def label(value) -> str:
    """`public_transit` -> `Public transit`: document vocabulary as words."""
    return str(value).replace("_", " ").capitalize()


@register.filter
def labels(values) -> str:
    return ", ".join(label(value) for value in values or [])


@register.simple_tag
def plan_permissions(user, plan) -> dict:
    """What `user` may do with `plan`, for templates: the same rules the views enforce."""
    return {
        "view": permissions.can_view(user, plan),
        "edit": permissions.can_edit(user, plan),
        "manage": permissions.can_manage(user, plan),
    }

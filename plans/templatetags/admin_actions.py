"""The admin's action form (the "Action:" select and its hidden field), rendered once per
set of choices and values.

Django's admin/actions.html renders each field of the action form through the form renderer:
a template for the select, one per option, one per attribute set, on every changelist page
(a fifteenth of the plan list's time). The form's HTML follows only from its class, its
prefix and auto id, the actions offered (which depend on the staff member's permissions), the
values it was bound with and the language, so it is kept per process under exactly those.
`templates/admin/plans/plan/actions.html` uses it; a test compares it with Django's loop.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config.memo import Memo

register = template.Library()

_forms = Memo(size=256)


def _render(form) -> SafeString:
    """What admin/actions.html's `actions-form` block writes for `form`."""
    parts = []
    for field in form:
        if field.label:
            parts.append(f"<label>{conditional_escape(field.label)} {field}</label>")
        else:
            parts.append(str(field))
    return mark_safe("".join(parts))  # noqa: S308 - labels escaped, widgets rendered by Django


def _key(form) -> tuple | None:
    try:
        key = (
            type(form),
            form.prefix,
            form.auto_id,
            form.is_bound,
            tuple(
                (name, repr(field.widget.attrs), repr(getattr(field, "choices", None)))
                for name, field in form.fields.items()
            ),
            tuple(repr(bound.value()) for bound in form),
            get_language(),
        )
        hash(key)
    except TypeError:
        return None
    return key


@register.simple_tag
def action_form_fields(form) -> SafeString:
    """`{% for field in action_form %}...{% endfor %}` of admin/actions.html, kept."""
    key = _key(form)
    if key is None:
        return _render(form)
    return _forms.get(key, lambda: _render(form))

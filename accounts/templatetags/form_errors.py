"""`{% load form_errors %}{% error_summary form other_form formset %}`: the one error summary.

Every traveller-facing form starts with it: each error once, linked to its field, under the
heading "There is a problem"; static/js/app.js moves focus to it when the page loads.
"""

from __future__ import annotations

from django import template

from config.forms import error_entries

register = template.Library()


@register.inclusion_tag("_error_summary.html")
def error_summary(*sources) -> dict:
    return {"errors": error_entries(*sources)}

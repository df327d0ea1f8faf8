"""The admin's navigation sidebar, written in Python: the same markup as Django's app_list.html.

Every admin page (each changelist a moderator pages through included) draws the sidebar with
`admin/app_list.html`: about thirty template nodes per model, `{% translate %}` and
`request.path|urlencode` among them, re-run for each of the site's models. On the plan
changelist that was a fifth of the page's time. Here the five fixed strings are translated
once per page and each model is one f-string. `templates/admin/nav_sidebar.html` uses it; the
admin index keeps Django's template (it also shows the change links).
tests/plans/test_admin.py checks the markup is Django's (5.2's templates, copied here).
"""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_app_list(context) -> SafeString:
    """app_list.html with `app_list=available_apps show_changelinks=False`."""
    app_list = context.get("available_apps")
    if not app_list:
        return mark_safe(  # noqa: S308 - a fixed, translated sentence
            f"<p>{gettext('You don’t have permission to view or edit anything.')}</p>"  # noqa: RUF001 - Django's msgid
        )
    request = context.get("request")
    path = quote(request.path, safe="/") if request is not None else ""
    heads = (
        '<thead class="visually-hidden"><tr>'
        f'<th scope="col">{gettext("Model name")}</th>'
        f'<th scope="col">{gettext("Add link")}</th>'
        f'<th scope="col">{gettext("Change or view list link")}</th>'
        "</tr></thead>"
    )
    add = gettext("Add")
    section_title = gettext("Models in the %(name)s application")
    parts = []
    for app in app_list:
        label = conditional_escape(app["app_label"])
        name = conditional_escape(app["name"])
        current_app = " current-app" if str(app["app_url"]) in path else ""
        parts.append(
            f'<div class="app-{label} module{current_app}"><table><caption>'
            f'<a href="{conditional_escape(app["app_url"])}" class="section" '
            f'title="{section_title % {"name": name}}">{name}</a></caption>{heads}'
        )
        for model in app["models"]:
            model_name = conditional_escape(str(model["object_name"]).lower())
            row_id = f"{label}-{model_name}"
            admin_url = model.get("admin_url")
            current = bool(admin_url) and str(admin_url) in path
            shown = conditional_escape(model["name"])
            if admin_url:
                aria = ' aria-current="page"' if current else ""
                shown = f'<a href="{conditional_escape(admin_url)}"{aria}>{shown}</a>'
            add_url = model.get("add_url")
            add_cell = (
                f'<td><a href="{conditional_escape(add_url)}" class="addlink" '
                f'aria-describedby="{row_id}">{add}</a></td>'
                if add_url
                else "<td></td>"
            )
            parts.append(
                f'<tr class="model-{model_name}{" current-model" if current else ""}">'
                f'<th scope="row" id="{row_id}">{shown}</th>{add_cell}</tr>'
            )
        parts.append("</table></div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

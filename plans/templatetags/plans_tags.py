"""Small display helpers for plan pages."""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import format_html

from accounts.formatting import format_datetime
from accounts.locales import get_active as get_active_locale
from plans import permissions

register = template.Library()


@register.filter
def label(value) -> str:
    """`public_transport` -> `Public transport`: document vocabulary as words."""
    return str(value).replace("_", " ").capitalize()


@register.filter
def labels(values) -> str:
    return ", ".join(label(value) for value in values or [])


@register.filter
def initials(name) -> str:
    """`Sam Rivera` -> `SR`: a traveller's avatar where no picture is kept."""
    words = [word for word in str(name).split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@register.filter
def minutes(value) -> str:
    """A duration in minutes as travellers say it: 45 min, 2 h, 1 h 30 min."""
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    hours, rest = divmod(value, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.simple_tag
def plan_permissions(user, plan) -> dict:
    """What `user` may do with `plan`, for templates: the same rules the views enforce."""
    return {
        "view": permissions.can_view(user, plan),
        "edit": permissions.can_edit(user, plan),
        "manage": permissions.can_manage(user, plan),
    }


@functools.lru_cache(maxsize=4096)
def _time_element(when: dt.datetime, zone: dt.tzinfo, locale: str) -> str:
    local = timezone.localtime(when, zone)
    return format_html(
        '<time class="muted" datetime="{}">{}</time>',
        local.isoformat(),
        format_datetime(local, zone, locale=locale),
    )


@register.simple_tag
def change_time(when: dt.datetime) -> str:
    """`when` as a <time> in the active time zone: `date:'c'` and `format_datetime`.

    The plan page lists ten recent changes, and date formatting made those twenty dates a
    tenth of the page's time. The same changes show on every view of a plan, so each is
    formatted once per process, time zone and format locale.
    """
    return _time_element(when, timezone.get_current_timezone(), get_active_locale())


@receiver(setting_changed)
def _forget_times(**kwargs) -> None:
    _time_element.cache_clear()

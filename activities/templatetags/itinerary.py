"""Loads everything the itinerary include shows, so any page can include it with just a plan.

`{% itinerary_for plan as itinerary %}`: day groups, conflicts, budget and map markers from
one query (the activities; the budget adds them up in memory).

Rendering is the plan page's main cost (50 activities, about 5 controls each), so what repeats
is prepared here once: each day's <option> lists (the same for every activity of the day) and
the activity routes from one reverse() per route per page.

`{% activity_items itinerary day can_edit next %}` then writes a day's activity rows with
Django's escaping helpers (`format_html`) rather than a template include per activity: a row
holds about 40 variables and filters, and an include per row made the cold render (the first
view after every edit, when the cached itinerary no longer matches) several times slower.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import join, linebreaksbr, urlencode
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from accounts.formatting import format_date, format_money, format_time
from accounts.locales import get_active as get_active_locale
from activities.forms import day_choices
from activities.models import PlanActivity
from activities.selectors import (
    DayGroup,
    activity_fingerprint,
    activity_rows_ordered,
    find_conflicts,
    group_by_day,
    itinerary_budget_summary,
)
from plans.projection import PublicPlan
from plans.timezones import Timed, activity_zone, zone_abbreviation

register = template.Library()


@dataclass
class Itinerary:
    days: list[DayGroup]
    conflicts: list
    budget: dict
    markers: list[dict]
    day_choices: list[tuple[str, str]]
    can_import: bool
    map_tile_url: str
    map_tile_attribution: str
    currency: str
    # The plan's time zone: the clock of its activities' times (plans.timezones).
    timezone: str
    # (before, after) the pk in each activity route, HTML-escaped, by ACTIVITY_ROUTES key.
    activity_urls: dict[str, tuple[str, str]]
    # get_activity_type_display(), escaped, for each type: worked out once per page.
    type_labels: dict[str, str]

    @property
    def total(self) -> int:
        return sum(day.total for day in self.days)

    @property
    def legend(self) -> list[dict]:
        return map_legend(self.days)

    @property
    def completed(self) -> int:
        return sum(day.completed for day in self.days)


# The activity routes the itinerary links or posts to, by the key templates use.
ACTIVITY_ROUTES = {
    "complete": "activities:complete",
    "move_step": "activities:move-step",
    "move_day": "activities:move-day",
    "delay": "activities:delay",
    "edit": "activities:edit",
    "delete": "activities:delete",
}


def _activity_url_patterns(plan) -> dict[str, tuple[str, str]]:
    """(before, after) the activity's pk in each route, reversed once for the whole page.

    Both parts come HTML-escaped, ready for an attribute (the pk between them is digits).

    Every activity route is `plans/<plan_pk>/activities/<pk>/<action>/`, so reversing with
    pk 0 and splitting at its segment gives the rest; reverse() checks the route exists.
    """
    patterns = {}
    for key, name in ACTIVITY_ROUTES.items():
        url = reverse(name, kwargs={"plan_pk": plan.pk, "pk": 0})
        before, found, after = url.rpartition("/0/")
        if not found:
            raise ValueError(f"{name} has no /<pk>/ segment: {url}")
        patterns[key] = (conditional_escape(f"{before}/"), conditional_escape(f"/{after}"))
    return patterns


def _options(choices, selected: str | None = None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


ITINERARY_TEMPLATE = "activities/_plan_itinerary.html"


def _has_csrf_token(context) -> bool:
    token = context.get("csrf_token")
    return bool(token) and token != "NOTPROVIDED"  # noqa: S105 (Django's "no token" marker)


def _token_slot() -> SafeString:
    """What the section is rendered with as its CSRF token when it is rendered to be kept.

    Random per render, so no text a traveller typed can name it; and it starts with "<",
    which text never contains once escaped, so it can only stand where the template wrote a
    token. Safe, so `{% csrf_token %}` writes it as it is.
    """
    return mark_safe(f"<csrf-token-slot {secrets.token_hex(16)}>")  # noqa: S308 (no user text)


@register.simple_tag(takes_context=True)
def plan_itinerary(context, plan, can_edit=False, share_token="") -> SafeString:
    """The itinerary section (ITINERARY_TEMPLATE), rendered once per state of what it shows.

    It was two thirds of the plan page's time, and most views of a plan find it unchanged,
    so it is kept in the `itinerary` cache under a key naming everything the section reads:
    the plan at its `updated_at` (a trigger moves it on every write to the plan), its
    activities' digest, what the viewer may do (`can_edit` is the only permission it reads),
    the share link it was opened by, the page's path with its query (the forms' `next`, the
    planner's undo and the notice of the last move or tick, `activity_notice`), the
    language, the format locale and the time zone. A settings change empties the cache.
    Entries are per process, bounded in number and size, and expire, so they never pile up.

    The section holds forms, and each viewer must get their own CSRF token in them. So it is
    kept as the HTML between the places where the token goes: rendered once with a one-off
    slot (_token_slot) as the token and cut at the slots, then on every view the pieces are
    joined with the viewer's token. The slot cannot occur in anything a traveller typed, and
    no view searches or replaces text in the kept HTML. Outside a request (no token to give)
    and above ITINERARY_CACHE_MAX_KB, the section is rendered each time.
    """
    section = context.template.engine.get_template(ITINERARY_TEMPLATE)

    def render(**values) -> SafeString:
        with context.push(plan=plan, can_edit=can_edit, share_token=share_token, **values):
            return section.render(context)

    if not _has_csrf_token(context):
        return render()
    key = make_template_fragment_key(
        "itinerary",
        [
            plan.pk,
            plan.updated_at.isoformat(),
            activity_fingerprint(plan=plan),
            bool(can_edit),
            share_token or "",
            context["request"].get_full_path(),
            get_language(),
            get_active_locale(),
            get_current_timezone_name(),
        ],
    )
    kept = caches["itinerary"]
    pieces = kept.get(key)
    if pieces is None:
        slot = _token_slot()
        pieces = render(csrf_token=slot).split(slot)
        if sum(map(len, pieces)) <= settings.ITINERARY_CACHE_MAX_KB * 1024:
            kept.set(key, pieces)  # plans have no cap on activities: big ones are not kept
    token = conditional_escape(context["csrf_token"])  # as {% csrf_token %} writes it
    return mark_safe(token.join(pieces))  # noqa: S308 (pieces of a rendered, escaped template)


@receiver(setting_changed)
def _forget_itineraries(**kwargs) -> None:
    """Rendered itineraries depend on settings (map tiles, formats): drop them when one changes."""
    caches["itinerary"].clear()


@register.simple_tag
def itinerary_for(plan) -> Itinerary:
    activities = activity_rows_ordered(plan=plan)
    days = group_by_day(plan, activities)
    conflicts = find_conflicts(activities, plan.timezone)
    clashes: dict[int, list[str]] = {}
    for conflict in conflicts:
        clashes.setdefault(conflict.first.pk, []).append(conflict.second.title)
        clashes.setdefault(conflict.second.pk, []).append(conflict.first.title)
    budget = itinerary_budget_summary(plan=plan, activities=activities)
    by_day = {row["scheduled_date"]: row for row in budget["by_day"]}
    markers = []
    choices = day_choices(plan)
    url_patterns = _activity_url_patterns(plan)
    for day in days:
        later = [c for c in choices if day.date and c[0] != "unscheduled" and c[0] > day.key]
        day.budget = by_day.get(day.date)
        day.conflict_count = sum(1 for activity in day.activities if activity.pk in clashes)
        # "Move to" (this day preselected) is the same for every activity of the day: built
        # once here, not once per activity. "Delay" (same select) needs a day to delay from.
        day.move_options = _options(choices, selected=day.key) if day.total else ""
        day.can_delay = bool(later)
        for position, activity in enumerate(day.activities, start=1):
            activity.position = position
            activity.is_first = position == 1
            activity.is_last = position == day.total
            activity.clashes_with = clashes.get(activity.pk, [])
            if activity.latitude is not None and activity.longitude is not None:
                markers.append(_marker(activity, position, day))
    itinerary_data = plan.plan_data.get("itinerary") if isinstance(plan.plan_data, dict) else None
    return Itinerary(
        days=days,
        conflicts=conflicts,
        budget=budget,
        markers=markers,
        day_choices=choices,
        can_import=bool(isinstance(itinerary_data, list) and itinerary_data),
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        currency=plan.currency,
        timezone=plan.timezone,
        activity_urls=url_patterns,
        type_labels=_type_labels(),
    )


# Pin colours by day number (Day 1 the first, repeating after seven); grey for activities
# without a trip day. Each has at least 4.5:1 contrast with the pins' white numbers.
DAY_COLOURS = ("#0b5c8a", "#b42318", "#1e6b3a", "#8a5300", "#6941c6", "#c11574", "#0e7090")
NO_DAY_COLOUR = "#4b5563"


def day_colour(number: int | None) -> str:
    return DAY_COLOURS[(number - 1) % len(DAY_COLOURS)] if number else NO_DAY_COLOUR


def _marker(activity, position: int, day: DayGroup) -> dict:
    """The map's pin for an activity with coordinates (a row or its public projection)."""
    day.mapped = True
    return {
        "lat": float(activity.latitude),
        "lng": float(activity.longitude),
        "number": position,
        "day": day.number or 0,
        "dayKey": day.key,
        "dayLabel": f"Day {day.number}" if day.number else "",
        "colour": day_colour(day.number),
        "title": activity.title,
        "id": activity.id,
    }


def map_legend(days: list[DayGroup]) -> list[dict]:
    """One entry per day with pins on the map: its name and its pins' colour."""
    return [
        {
            "key": day.key,
            "label": day_label_short(day),
            "colour": day_colour(day.number),
        }
        for day in days
        if day.mapped
    ]


def day_label_short(day: DayGroup) -> str:
    if day.is_unscheduled:
        return "Unscheduled"
    if day.number:
        return f"Day {day.number} · {format_date(day.date, 'weekday')}"
    return format_date(day.date, "weekday")


@dataclass
class PublicItinerary:
    """What the outsiders' itinerary (PUBLIC_ITINERARY_TEMPLATE) shows of a plan's projection."""

    days: list[DayGroup]
    markers: list[dict]
    estimated: Decimal
    without_estimate: int
    map_tile_url: str
    map_tile_attribution: str

    @property
    def total(self) -> int:
        return sum(day.total for day in self.days)

    @property
    def legend(self) -> list[dict]:
        return map_legend(self.days)


PUBLIC_ITINERARY_TEMPLATE = "activities/_public_itinerary.html"


@register.inclusion_tag(PUBLIC_ITINERARY_TEMPLATE)
def public_itinerary(plan: PublicPlan, calendar_url: str) -> dict:
    """The itinerary as outsiders see it, from the plan's public projection only: days,
    times, places and estimates; no controls, completion or actual spending. `calendar_url`
    is the calendar file the visitor may fetch (the share link's or the public plan's)."""
    days = group_by_day(plan, plan.activities)
    markers = []
    for day in days:
        day.estimated = sum(
            (a.estimated_cost for a in day.activities if a.estimated_cost is not None),
            Decimal("0.00"),
        )
        for position, activity in enumerate(day.activities, start=1):
            if activity.latitude is not None and activity.longitude is not None:
                markers.append(_marker(activity, position, day))
    estimates = [a.estimated_cost for a in plan.activities if a.estimated_cost is not None]
    itinerary = PublicItinerary(
        days=days,
        markers=markers,
        estimated=sum(estimates, Decimal("0.00")),
        without_estimate=len(plan.activities) - len(estimates),
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
    )
    return {"plan": plan, "itinerary": itinerary, "calendar_url": calendar_url}


@register.filter
def clock_zone(activity: Timed, plan_timezone: str) -> SafeString:
    """The zone of the activity's times as it reads on its day ("WEST"), its name on hover."""
    return format_html(
        '<abbr class="clock-zone" title="{}">{}</abbr>',
        str(activity_zone(activity, plan_timezone)),
        zone_abbreviation(activity, plan_timezone),
    )


def _text(value) -> str:
    """A value as `{{ value }}` prints it: localised, then HTML-escaped.

    Text and (without thousand separators) whole numbers skip `localize`, whose format lookups
    were a third of a row's time; it returns them unchanged (as `str(n)`) in that case.
    """
    if type(value) is str:
        return escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(localize(value))


def _original_date(value) -> str:
    """The day an activity was first planned for (an ISO date in its metadata), as a date."""
    try:
        return escape(format_date(dt.date.fromisoformat(str(value)), "weekday"))
    except ValueError:
        return _text(value)


@dataclass(frozen=True)
class _RowPage:
    """What every activity row of the page shares, escaped once."""

    can_edit: bool
    currency: str
    timezone: str
    urls: dict[str, tuple[str, str]]
    csrf_input: str  # what {% csrf_token %} writes
    type_labels: dict[str, str]  # Itinerary.type_labels
    next: str  # the page's path, for a value attribute
    next_query: str  # the same, URL-encoded for ?next=


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` writes, from the same context variable."""
    if not _has_csrf_token(context):
        return ""
    token = context["csrf_token"]
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _type_labels() -> dict[str, str]:
    """What get_activity_type_display() shows for each type, in the active language."""
    field = PlanActivity._meta.get_field("activity_type")
    return {value: _text(str(label)) for value, label in field.flatchoices}


def _activity_row(activity, day, page: _RowPage) -> str:
    """One activity's <li>: its state, details and (for editors) its controls.

    The POST controls share one hidden form (csrf + next) through the `form` attribute and
    pick the route with `formaction`; "Move" and "Delay" share the day select.
    """
    pk = str(activity.pk)
    urls = {key: f"{before}{pk}{after}" for key, (before, after) in page.urls.items()}
    title = conditional_escape(activity.title)
    done = activity.is_completed
    metadata = activity.metadata if isinstance(activity.metadata, dict) else {}
    kind = page.type_labels.get(activity.activity_type) or _text(
        activity.get_activity_type_display()
    )
    parts = [
        '<li class="activity',
        " activity-done" if done else "",
        " activity-clash" if activity.clashes_with else "",
        f'" id="activity-{pk}" data-id="{pk}"',
        ' draggable="true">\n' if page.can_edit else ">\n",
    ]
    if page.can_edit:
        parts.append(
            f'<form id="act-{pk}" method="post" action="{urls["complete"]}" hidden>'
            f'{page.csrf_input}<input type="hidden" name="next" value="{page.next}"></form>'
        )
    parts.append('\n<div class="activity-main">\n')
    if page.can_edit:
        parts.append('<span class="drag-handle" aria-hidden="true" title="Drag to move">⠿</span>\n')
    if not page.can_edit:
        parts.append(
            f'<span class="check-button" aria-hidden="true">{"✓" if done else ""}</span>\n'
        )
    elif done:
        parts.append(
            f'<button type="submit" form="act-{pk}" name="completed" value="0" '
            'class="check-button" aria-pressed="true" title="Mark as not done">'
            '<span aria-hidden="true">✓</span>'
            f'<span class="visually-hidden">Done: mark “{title}” as not done</span></button>\n\n'
        )
    else:
        parts.append(
            f'<button type="submit" form="act-{pk}" name="completed" value="1" '
            'class="check-button" aria-pressed="false" title="Mark as done">'
            f'<span class="visually-hidden">Mark “{title}” as done</span></button>\n\n'
        )
    parts += [
        f'<span class="activity-number" aria-hidden="true">{_text(activity.position)}</span>\n',
        '<div class="activity-body">\n',
        f'<p class="activity-title"><strong>{title}</strong>',
        ' <span class="visually-hidden">(done)</span>' if done else "",
        f' <span class="badge">{kind}</span>',
    ]
    if metadata.get("pinned"):
        parts.append(' <span class="badge">Pinned</span>')
    if metadata.get("original_date"):
        parts.append(
            ' <span class="badge badge-warning">Delayed from '
            f"{_original_date(metadata['original_date'])}</span>"
        )
    parts.append('</p>\n<p class="activity-meta muted">')
    if activity.start_time:
        parts.append(escape(format_time(activity.start_time)))
        if activity.end_time:
            parts.append(f"\N{EN DASH}{escape(format_time(activity.end_time))}")
        if activity.scheduled_date:
            parts.append(f" {clock_zone(activity, page.timezone)}")
    if activity.duration_minutes:
        parts.append(f" <span>· {_text(activity.duration_minutes)} min</span>")
    if activity.location_name:
        parts.append(f" <span>· {_text(activity.location_name)}</span>")
    if activity.estimated_cost is not None:
        est = escape(format_money(activity.estimated_cost, page.currency))
        parts.append(f" <span>· est. {est}</span>")
    if activity.actual_cost is not None:
        paid = escape(format_money(activity.actual_cost, page.currency))
        parts.append(f" <span>· paid {paid}</span>")
    parts.append("</p>\n")
    if activity.description:
        parts.append(
            '<p class="activity-description">'
            f"{linebreaksbr(activity.description, autoescape=True)}</p>"
        )
    parts.append("\n")
    if activity.clashes_with:
        parts.append(
            '<p class="activity-clash-note" role="note"><span class="badge badge-danger">'
            "Time clash</span> Overlaps with "
            f"{join(activity.clashes_with, ', ', autoescape=True)}.</p>"
        )
    parts.append("\n</div>\n</div>\n")
    if page.can_edit:
        form = f'form="act-{pk}"'
        delay = (
            f' <button type="submit" {form} formaction="{urls["delay"]}" '
            'class="button-secondary button-small">Delay</button>'
            '<p class="help">Delay also keeps a note of the day it was first planned for.</p>'
            if day.can_delay
            else ""
        )
        parts += [
            '<div class="activity-tools no-print">\n',
            f'<button type="submit" {form} formaction="{urls["move_step"]}" name="direction" '
            'value="up" class="button-secondary button-small"',
            " disabled" if activity.is_first else "",
            '><span aria-hidden="true">↑</span>'
            f'<span class="visually-hidden">Move “{title}”</span> up</button>\n',
            f'<button type="submit" {form} formaction="{urls["move_step"]}" name="direction" '
            'value="down" class="button-secondary button-small"',
            " disabled" if activity.is_last else "",
            '><span aria-hidden="true">↓</span>'
            f'<span class="visually-hidden">Move “{title}”</span> down</button>\n',
            f'<a class="button button-secondary button-small" '
            f'href="{urls["edit"]}?next={page.next_query}">'
            f'Edit<span class="visually-hidden"> “{title}”</span></a>\n',
            '<details class="activity-more">\n',
            f'<summary>Move or delay<span class="visually-hidden"> “{title}”</span></summary>\n',
            f'<div class="day-form"><label for="move-{pk}">Move to</label> '
            f'<select {form} id="move-{pk}" name="day">{day.move_options}</select> '
            f'<button type="submit" {form} formaction="{urls["move_day"]}" '
            f'class="button-small">Move</button>{delay}</div>\n',
            f'<p><a class="button button-danger button-small" '
            f'href="{urls["delete"]}?next={page.next_query}">'
            f'Delete<span class="visually-hidden"> “{title}”</span></a></p>\n',
            "</details>\n</div>",
        ]
    parts.append("\n</li>\n")
    return "".join(parts)


@register.simple_tag
def shown_days(itinerary: Itinerary, can_edit) -> list[DayGroup]:
    """The days the section lists: those with activities; empty trip days for editors (to add
    to) and for readers of a plan with activities; "Unscheduled" only when it has some."""
    return [
        day
        for day in itinerary.days
        if day.total or (not day.is_unscheduled and (can_edit or itinerary.total))
    ]


@dataclass(frozen=True)
class Notice:
    """What the last action changed (from the redirect's query, views.NOTICE_PARAMS), shown in
    the activity's row with an Undo that posts the reverse action."""

    pk: int
    text: str
    route: str  # ACTIVITY_ROUTES key of the undo
    fields: tuple[tuple[str, str], ...]


@register.simple_tag(takes_context=True)
def activity_notice(context, itinerary: Itinerary) -> Notice | None:
    """The notice for `?changed=<pk>&change=...`, if that activity is in this itinerary.

    Only read for editors' itineraries; the path (with its query) is in the cache key.
    """
    request = context.get("request")
    if request is None or not context.get("can_edit"):
        return None
    query = request.GET
    try:
        pk = int(query.get("changed", ""))
    except ValueError:
        return None
    found = [(a, d) for d in itinerary.days for a in d.activities if a.pk == pk]
    if not found:
        return None
    activity, day = found[0]
    title = activity.title
    change = query.get("change")
    if change in ("up", "down"):
        back = "down" if change == "up" else "up"
        return Notice(pk, f"Moved “{title}” {change}.", "move_step", (("direction", back),))
    if change in ("done", "not-done"):
        done = change == "done"
        text = f"Marked “{title}” as {'done' if done else 'not done'}."
        return Notice(pk, text, "complete", (("completed", "0" if done else "1"),))
    if change == "moved":
        origin, at = query.get("from", ""), query.get("at", "")
        if not at.isdigit() or origin not in dict(itinerary.day_choices):
            return None
        text = f"Moved “{title}” to {day_label_short(day)}."
        return Notice(pk, text, "move_day", (("day", origin), ("position", at)))
    return None


def _notice_html(notice: Notice, page: _RowPage) -> str:
    before, after = page.urls[notice.route]
    hidden = format_html_join("", '<input type="hidden" name="{}" value="{}">', notice.fields)
    return format_html(
        '<div class="activity-notice" role="status"><form method="post" action="{}{}{}">'
        '{}<input type="hidden" name="next" value="{}">{}'
        '<span>{}</span> <button type="submit" class="button-secondary button-small">Undo'
        '<span class="visually-hidden"> this change</span></button></form></div>\n',
        mark_safe(before),  # noqa: S308 (escaped in _activity_url_patterns)
        notice.pk,
        mark_safe(after),  # noqa: S308 (escaped in _activity_url_patterns)
        mark_safe(page.csrf_input),  # noqa: S308 (built with format_html)
        mark_safe(page.next),  # noqa: S308 (escaped in activity_items)
        hidden,
        notice.text,
    )


def _gap(previous, activity) -> str:
    """ "1 h 30 min free" between two timed activities of a day, when there is a gap."""
    if not (previous and previous.start_time and activity.start_time):
        return ""
    day = dt.date(2000, 1, 1)
    ends = previous.end_time
    if ends is None and previous.duration_minutes:
        ends = (
            dt.datetime.combine(day, previous.start_time)
            + dt.timedelta(minutes=previous.duration_minutes)
        ).time()
    if ends is None:
        return ""
    minutes = int(
        (
            dt.datetime.combine(day, activity.start_time) - dt.datetime.combine(day, ends)
        ).total_seconds()
        // 60
    )
    if minutes < 15:
        return ""
    hours, rest = divmod(minutes, 60)
    free = " ".join(
        part for part in (f"{hours} h" if hours else "", f"{rest} min" if rest else "") if part
    )
    return f'<li class="activity-gap" aria-hidden="true">{free} free</li>\n'


@register.simple_tag(takes_context=True)
def activity_items(context, itinerary: Itinerary, day: DayGroup, can_edit, next: str, notice=None):
    """The <li> of each of the day's activities, in order; controls only for editors."""
    page = _RowPage(
        can_edit=bool(can_edit),
        currency=itinerary.currency,
        timezone=itinerary.timezone,
        urls=itinerary.activity_urls,
        csrf_input=_csrf_input(context) if can_edit else "",
        type_labels=itinerary.type_labels,
        next=conditional_escape(next),
        next_query=conditional_escape(urlencode(next)),
    )
    rows = []
    previous = None
    for activity in day.activities:
        rows.append(_gap(previous, activity))
        row = _activity_row(activity, day, page)
        if notice and can_edit and notice.pk == activity.pk:
            row = row.removesuffix("</li>\n") + f"{_notice_html(notice, page)}</li>\n"
        rows.append(row)
        previous = activity
    return mark_safe("".join(rows))  # noqa: S308 (every value in a row is escaped as it is added)

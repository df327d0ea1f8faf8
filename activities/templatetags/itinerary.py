"""Loads everything the itinerary include shows, so any page can include it with just a plan.

`{% itinerary_for plan as itinerary %}`: day groups, conflicts, budget and map markers in a
fixed number of queries (one for the activities, three aggregates for the budget).

Rendering is the plan page's main cost (50 activities, about 5 controls each), so what repeats
is prepared here once: each day's <option> lists (the same for every activity of the day) and
each activity's action URLs from one reverse() per route per page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from activities.forms import day_choices
from activities.selectors import (
    DayGroup,
    activity_list_ordered,
    find_conflicts,
    group_by_day,
    plan_budget_summary,
)

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

    @property
    def total(self) -> int:
        return sum(day.total for day in self.days)

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

    Every activity route is `plans/<plan_pk>/activities/<pk>/<action>/`, so reversing with
    pk 0 and splitting at its segment gives the rest; reverse() checks the route exists.
    """
    patterns = {}
    for key, name in ACTIVITY_ROUTES.items():
        url = reverse(name, kwargs={"plan_pk": plan.pk, "pk": 0})
        before, found, after = url.rpartition("/0/")
        if not found:
            raise ValueError(f"{name} has no /<pk>/ segment: {url}")
        patterns[key] = (f"{before}/", f"/{after}")
    return patterns


def _options(choices, selected: str | None = None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


@register.simple_tag
def itinerary_for(plan) -> Itinerary:
    activities = list(activity_list_ordered(plan=plan))
    days = group_by_day(plan, activities)
    conflicts = find_conflicts(activities)
    clashes: dict[int, list[str]] = {}
    for conflict in conflicts:
        clashes.setdefault(conflict.first.pk, []).append(conflict.second.title)
        clashes.setdefault(conflict.second.pk, []).append(conflict.first.title)
    budget = plan_budget_summary(plan=plan)
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
            activity.dom_id = str(activity.pk)  # a string: no number formatting per use
            activity.urls = {
                key: f"{before}{activity.pk}{after}"
                for key, (before, after) in url_patterns.items()
            }
            if activity.latitude is not None and activity.longitude is not None:
                markers.append(
                    {
                        "lat": float(activity.latitude),
                        "lng": float(activity.longitude),
                        "number": position,
                        "day": day.number or 0,
                        "dayLabel": f"Day {day.number}" if day.number else "",
                        "title": activity.title,
                        "id": activity.pk,
                    }
                )
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
    )

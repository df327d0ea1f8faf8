"""Filters of the printed itinerary (activities/itinerary.html), a traveller's document."""

from __future__ import annotations

from django import template

from accounts.formatting import format_time
from plans.timezones import Timed, zone_abbreviation

register = template.Library()


@register.filter
def activity_clock(activity: Timed, plan_timezone: str) -> str:
    """When the activity happens on its own clock: "10:00\u201312:30 WEST"; empty without a time.

    The zone is always printed: on paper there is no hover to ask which clock a time is on,
    and a multi-city trip mixes them.
    """
    if activity.start_time is None:
        return ""
    clock = format_time(activity.start_time)
    if activity.end_time:
        clock = f"{clock}\u2013{format_time(activity.end_time)}"
    zone = zone_abbreviation(activity, plan_timezone)
    return f"{clock} {zone}" if zone else clock


@register.filter
def details(metadata, key: str) -> dict:
    """One dict of an activity's metadata (`contact_info`, `booking_info`), else {}.

    Metadata is JSON that the API also writes, so a part that is not an object is left out
    rather than shown as text.
    """
    part = metadata.get(key) if isinstance(metadata, dict) else None
    return part if isinstance(part, dict) else {}

"""The clock an itinerary's times are on: the plan's time zone, or an activity's own.

Activity times are wall-clock times at the destination (a 10:00 visit in Lisbon is 10:00 in
Lisbon whoever looks), so every format that turns them into instants (the calendar file, the
API's `starts_at`, the pages' zone abbreviations) reads the zone here, never the viewer's or
the owner's profile zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Protocol

from accounts.validators import timezone_names


class Timed(Protocol):
    """What an activity (a row or its public projection) has that places it in time."""

    timezone: str
    scheduled_date: dt.date | None
    start_time: dt.time | None
    end_time: dt.time | None


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone named, or UTC for a blank or unknown name (rows are validated on write)."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def activity_zone(activity: Timed, plan_timezone: str) -> zoneinfo.ZoneInfo:
    """The activity's own zone when it has one (a flight, another city), else the plan's."""
    return zone(activity.timezone or plan_timezone)


def activity_start(activity: Timed, plan_timezone: str) -> dt.datetime | None:
    """When the activity starts, as an aware datetime; None without a day and a time."""
    if activity.scheduled_date is None or activity.start_time is None:
        return None
    return dt.datetime.combine(
        activity.scheduled_date, activity.start_time, tzinfo=activity_zone(activity, plan_timezone)
    )


def activity_end(activity: Timed, plan_timezone: str) -> dt.datetime | None:
    """When the activity ends (its end time on the same day); None without one."""
    if activity.scheduled_date is None or activity.end_time is None:
        return None
    return dt.datetime.combine(
        activity.scheduled_date, activity.end_time, tzinfo=activity_zone(activity, plan_timezone)
    )


def zone_abbreviation(activity: Timed, plan_timezone: str) -> str:
    """The zone's abbreviation on the activity's day ("WEST" in Lisbon's summer, "WET" in its
    winter), or its name when the zone has only a numeric one ("+03")."""
    tz = activity_zone(activity, plan_timezone)
    day = activity.scheduled_date
    if day is None:
        return ""
    moment = dt.datetime.combine(day, activity.start_time or dt.time(12), tzinfo=tz)
    return moment.tzname() or str(tz)


def timezone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """IANA names grouped by region ("Europe" → Europe/Lisbon …), for a select's optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in timezone_names():
        region, _, place = name.partition("/")
        if not place:
            region, place = "Other", name
        groups.setdefault(region, []).append((name, place.replace("_", " ")))
    return sorted(groups.items())

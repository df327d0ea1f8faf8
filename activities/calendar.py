"""The itinerary as an iCalendar file that Google Calendar, Apple Calendar and Outlook import.

Timed activities are written in the traveller's timezone (the plan owner's profile) with a
VTIMEZONE, so they keep their local time wherever the calendar app is; activities with a
date but no time become all-day events. UIDs are stable, so importing again updates events
instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event, vGeo

from activities.models import PlanActivity
from activities.selectors import activity_list_ordered
from plans.models import Plan

UID_DOMAIN = "wayfarer.app"


def _zone(plan: Plan) -> ZoneInfo:
    try:
        return ZoneInfo(plan.user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _event(activity: PlanActivity, zone: ZoneInfo, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", activity.updated_at.astimezone(dt.UTC))
    event.add("sequence", activity.version)
    event.add("summary", activity.title)
    day = activity.scheduled_date
    if activity.start_time:
        start = dt.datetime.combine(day, activity.start_time, tzinfo=zone)
        event.add("dtstart", start)
        if activity.end_time:
            event.add("dtend", dt.datetime.combine(day, activity.end_time, tzinfo=zone))
        elif activity.duration_minutes:
            event.add("duration", dt.timedelta(minutes=activity.duration_minutes))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    location = ", ".join(part for part in (activity.location_name, activity.address) if part)
    if location:
        event.add("location", re.sub(r"\s*\n\s*", ", ", location))
    if activity.latitude is not None and activity.longitude is not None:
        event.add("geo", vGeo((float(activity.latitude), float(activity.longitude))))
    if activity.description:
        event.add("description", activity.description)
    event.add("categories", [activity.get_activity_type_display()])
    return event


def plan_calendar(plan: Plan) -> Calendar:
    """One VEVENT per scheduled activity (unscheduled ones have no place in a calendar)."""
    zone = _zone(plan)
    cal = Calendar()
    cal.add("prodid", "-//Wayfarer//Itinerary 1.0//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", plan.title)
    cal.add("x-wr-timezone", str(zone))
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for activity in activity_list_ordered(plan=plan).filter(scheduled_date__isnull=False):
        cal.add_component(_event(activity, zone, stamp))
    cal.add_missing_timezones()
    return cal


def ics_response(plan: Plan) -> HttpResponse:
    filename = f"{slugify(plan.title) or 'itinerary'}.ics"
    response = HttpResponse(
        plan_calendar(plan).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

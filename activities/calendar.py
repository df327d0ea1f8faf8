"""The itinerary as an iCalendar file that Google Calendar, Apple Calendar and Outlook import.

Timed activities are written on the destination's clock (the activity's own zone, else the
plan's: plans.timezones) with TZID and a VTIMEZONE for each zone used, so they keep their
local time wherever the calendar app is; activities with a date but no time become all-day
events. UIDs are stable, so importing again updates events
instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event, vGeo

from activities.models import ActivityType, PlanActivity
from activities.selectors import activity_list_ordered
from plans.models import Plan
from plans.projection import PublicActivity, PublicPlan
from plans.timezones import activity_end, activity_start, zone

UID_DOMAIN = "wayfarer.app"


def _event(
    activity: PlanActivity | PublicActivity, plan_timezone: str, stamp: dt.datetime
) -> Event:
    """One activity's VEVENT, from the fields a plan's public projection has too."""
    event = Event()
    event.add("uid", f"activity-{activity.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", activity.updated_at.astimezone(dt.UTC))
    event.add("sequence", activity.version)
    event.add("summary", activity.title)
    day = activity.scheduled_date
    start = activity_start(activity, plan_timezone)
    if start is not None:
        event.add("dtstart", start)
        end = activity_end(activity, plan_timezone)
        if end is not None:
            event.add("dtend", end)
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
    event.add("categories", [str(ActivityType(activity.activity_type).label)])
    return event


def _calendar(title: str, plan_timezone: str, activities) -> Calendar:
    """One VEVENT per scheduled activity (unscheduled ones have no place in a calendar)."""
    cal = Calendar()
    cal.add("prodid", "-//Wayfarer//Itinerary 1.0//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", str(zone(plan_timezone)))
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for activity in activities:
        if activity.scheduled_date is not None:
            cal.add_component(_event(activity, plan_timezone, stamp))
    cal.add_missing_timezones()
    return cal


def plan_calendar(plan: Plan) -> Calendar:
    """The itinerary as the plan's members get it."""
    activities = activity_list_ordered(plan=plan).filter(scheduled_date__isnull=False)
    return _calendar(plan.title, plan.timezone, activities)


def public_calendar(plan: PublicPlan) -> Calendar:
    """The itinerary as outsiders get it: from the plan's public projection only."""
    return _calendar(plan.title, plan.timezone, plan.activities)


def ics_response(title: str, calendar: Calendar) -> HttpResponse:
    filename = f"{slugify(title) or 'itinerary'}.ics"
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

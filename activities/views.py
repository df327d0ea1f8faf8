"""Website views for the itinerary: thin, permission-checked, reading through selectors and
writing through services. Every write is a POST that works without JavaScript and then
redirects back to where the traveller was (the plan page or the itinerary page)."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from activities import calendar, services
from activities.forms import (
    ActivityForm,
    DayChoiceForm,
    DayField,
    MoveToDayForm,
    QuickAddForm,
    day_label,
)
from activities.models import PlanActivity
from activities.selectors import (
    activity_day_position,
    activity_get_for_plan,
    group_by_day,
    itinerary_days,
)
from config.links import next_path
from config.parsers import parse_json
from plans import permissions
from plans.decorators import sign_in_instead_of_404
from plans.models import Plan
from plans.projection import public_projection
from plans.selectors import plan_get_by_share_token, plan_get_for_user

# The query parameters that tell the itinerary what an action changed (its notice with Undo,
# activities.templatetags.itinerary.activity_notice); dropped from `next` before new ones.
NOTICE_PARAMS = ("changed", "change", "from", "at")


def _back(request, plan: Plan, anchor: str = "", notice: dict | None = None) -> HttpResponse:
    """Redirect to where the traveller came from, else the plan page (the printable itinerary
    has no controls to come back to).

    With `notice`, the itinerary shows what changed beside the activity, with an Undo.
    """
    target = next_path(request) or reverse("plans:detail", kwargs={"pk": plan.pk})
    path, _, query = target.split("#")[0].partition("?")
    kept = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name not in NOTICE_PARAMS
    ]
    kept += list((notice or {}).items())
    return redirect(f"{path}{'?' + urlencode(kept) if kept else ''}{anchor}")


def _editable(request, plan_pk: int, pk: int | None = None):
    plan = plan_get_for_user(user=request.user, pk=plan_pk, action="edit")
    activity = activity_get_for_plan(plan=plan, pk=pk) if pk is not None else None
    return plan, activity


def _error_message(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_GET
def itinerary(request, pk: int):
    """The printable itinerary: the day-by-day document a traveller carries (docs/print.md).

    Members get their plan with booking references; anyone else (a public plan) gets the
    plan's public projection, which has none.
    """
    plan = plan_get_for_user(user=request.user, pk=pk, action="view")
    member = permissions.plan_role(request.user, plan) is not None
    if member:
        days = itinerary_days(plan=plan)
    else:
        plan = public_projection(plan)
        days = group_by_day(plan, plan.activities)
    days = [day for day in days if day.total or not day.is_unscheduled]
    if not any(day.total for day in days):
        days = []
    return render(
        request, "activities/itinerary.html", {"plan": plan, "member": member, "days": days}
    )


@login_required
def activity_add(request, plan_pk: int):
    plan, _ = _editable(request, plan_pk)
    activity = PlanActivity(plan=plan)
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=activity)
        if form.is_valid():
            try:
                activity = services.activity_create(plan=plan, data=form.activity_data())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Added “{activity.title}”.")
                return _back(request, plan, f"#activity-{activity.pk}")
    else:
        try:
            day = DayField(required=False).clean(request.GET.get("day", ""))
        except ValidationError:
            day = None  # a day link that cannot be (edited by hand): the form without a day
        form = ActivityForm(instance=activity, initial={"scheduled_date": day})
    return render(
        request,
        "activities/activity_form.html",
        {"plan": plan, "form": form, "activity": None, "next": next_path(request)},
    )


@login_required
def activity_edit(request, plan_pk: int, pk: int):
    plan, activity = _editable(request, plan_pk, pk)
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=activity)
        if form.is_valid():
            try:
                activity = services.activity_update(activity=activity, data=form.activity_data())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Saved “{activity.title}”.")
                return _back(request, plan, f"#activity-{activity.pk}")
    else:
        form = ActivityForm(instance=activity)
    return render(
        request,
        "activities/activity_form.html",
        {"plan": plan, "form": form, "activity": activity, "next": next_path(request)},
    )


@login_required
def activity_delete(request, plan_pk: int, pk: int):
    plan, activity = _editable(request, plan_pk, pk)
    if request.method == "POST":
        day = activity.scheduled_date.isoformat() if activity.scheduled_date else "unscheduled"
        services.activity_delete(activity=activity)
        messages.success(request, f"Deleted “{activity.title}”.")
        return _back(request, plan, f"#day-{day}")
    return render(
        request,
        "activities/activity_confirm_delete.html",
        {"plan": plan, "activity": activity, "next": next_path(request)},
    )


@login_required
@require_POST
def activity_quick_add(request, plan_pk: int):
    plan, _ = _editable(request, plan_pk)
    form = QuickAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the activity a name (up to 200 characters) and pick a day.")
        return _back(request, plan, "#itinerary")
    try:
        added = services.activity_quick_add_line(
            plan=plan, line=form.cleaned_data["title"], day=form.cleaned_data["day"]
        )
    except ValidationError as error:
        _error_message(request, error)
        return _back(request, plan, "#itinerary")
    activity = added.activity
    day = day_label(plan, activity.scheduled_date)
    if added.place is not None:
        messages.success(request, f"Added “{activity.title}” at {activity.address} to {day}.")
    else:
        messages.success(request, f"Added “{activity.title}” to {day}.")
    if added.place_named and added.place is None:
        messages.warning(
            request,
            f"“{added.place_named}” was not found, so the activity has no place yet: "
            "edit it to search for one or type the address.",
        )
    if added.notice:
        messages.info(request, added.notice)
    return _back(request, plan, f"#activity-{activity.pk}")


@login_required
@require_POST
def activity_move_step(request, plan_pk: int, pk: int):
    """Move up or down one place within the day (the accessible alternative to dragging)."""
    plan, activity = _editable(request, plan_pk, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, "Choose whether to move the activity up or down.")
        return _back(request, plan, f"#activity-{activity.pk}")
    try:
        services.activity_move_step(activity=activity, offset=offset)
    except ValidationError as error:
        _error_message(request, error)
        return _back(request, plan, f"#activity-{activity.pk}")
    notice = {"changed": activity.pk, "change": request.POST["direction"]}
    return _back(request, plan, f"#activity-{activity.pk}", notice)


@login_required
@require_POST
def activity_move_day(request, plan_pk: int, pk: int):
    """Move to the posted day (at `position`, else by its time); the itinerary then says so
    beside the activity, with an Undo that moves it back where it was."""
    plan, activity = _editable(request, plan_pk, pk)
    form = MoveToDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the trip's days.")
        return _back(request, plan, f"#activity-{activity.pk}")
    was_on = activity.scheduled_date
    was_at = activity_day_position(activity=activity)
    try:
        activity = services.activity_move(
            activity=activity, day=form.cleaned_data["day"], position=form.cleaned_data["position"]
        )
    except ValidationError as error:
        _error_message(request, error)
        return _back(request, plan, f"#activity-{activity.pk}")
    notice = {
        "changed": activity.pk,
        "change": "moved",
        "from": was_on.isoformat() if was_on else "unscheduled",
        "at": was_at,
    }
    return _back(request, plan, f"#activity-{activity.pk}", notice)


@login_required
@require_POST
def activity_delay(request, plan_pk: int, pk: int):
    """Like moving, but the activity remembers the day it was first planned for."""
    plan, activity = _editable(request, plan_pk, pk)
    form = DayChoiceForm(request.POST)
    if form.is_valid():
        try:
            activity = services.activity_delay(activity=activity, day=form.cleaned_data["day"])
        except ValidationError as error:
            _error_message(request, error)
        else:
            label = day_label(plan, activity.scheduled_date)
            messages.success(request, f"Delayed “{activity.title}” to {label}.")
    else:
        messages.error(request, "Choose one of the trip's days.")
    return _back(request, plan, f"#activity-{activity.pk}")


@login_required
@require_POST
def activity_complete(request, plan_pk: int, pk: int):
    plan, activity = _editable(request, plan_pk, pk)
    completed = request.POST.get("completed") == "1"
    services.activity_set_completed(activity=activity, completed=completed)
    notice = {"changed": activity.pk, "change": "done" if completed else "not-done"}
    return _back(request, plan, f"#activity-{activity.pk}", notice)


@login_required
@require_POST
def activity_reorder(request, plan_pk: int):
    """Drag-and-drop's endpoint: JSON {"days": {"2025-06-01": [ids], "unscheduled": [ids]}}."""
    plan, _ = _editable(request, plan_pk)
    try:
        payload = parse_json(request.body or b"{}")
        days = {
            DayField(required=False).clean(key): [int(pk) for pk in ids]
            for key, ids in payload["days"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError):
        return JsonResponse(
            {"error": 'Send the new order as {"days": {"YYYY-MM-DD": [ids]}}.'},
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        services.activity_reorder(plan=plan, days=days)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=HTTPStatus.CONFLICT)
    return JsonResponse({"ok": True})


@login_required
@require_POST
def itinerary_import(request, plan_pk: int):
    plan, _ = _editable(request, plan_pk)
    result = services.itinerary_import_from_plan_data(plan=plan)
    if result.created:
        messages.success(
            request,
            f"Added {result.created} activit{'y' if result.created == 1 else 'ies'} "
            "from the plan's itinerary.",
        )
    elif result.skipped:
        messages.info(request, "Everything in the plan's itinerary is already in the activities.")
    else:
        messages.info(request, "The plan's itinerary has nothing to add yet.")
    if result.problems:
        messages.warning(request, "Some items were left out: " + " ".join(result.problems[:5]))
    return _back(request, plan, "#itinerary")


@require_GET
@sign_in_instead_of_404
def calendar_export(request, pk: int):
    """The itinerary as an .ics file, for anyone who may view the plan (outsiders: a public
    plan's projection)."""
    plan = plan_get_for_user(user=request.user, pk=pk, action="view")
    if permissions.plan_role(request.user, plan) is None:
        return calendar.ics_response(plan.title, calendar.public_calendar(public_projection(plan)))
    return calendar.ics_response(plan.title, calendar.plan_calendar(plan))


@require_GET
def shared_calendar_export(request, token: str):
    """The shared itinerary as .ics; gone with the link, or while moderators hide the plan."""
    projection = public_projection(plan_get_by_share_token(token=token))
    return calendar.ics_response(projection.title, calendar.public_calendar(projection))

"""Website views of the day planner: preview, apply and undo, for editors and the owner.

Previews are GETs that change nothing; Apply and Undo are POSTs. Apply carries the preview's
fingerprint, so a preview that went stale (someone edited the itinerary meanwhile) is shown
again, updated, instead of being applied blindly.
"""

from __future__ import annotations

import datetime as dt
import uuid
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from activities import scheduling
from activities.selectors import day_number
from plans.selectors import plan_get_for_user

_TRUE = {"1", "on", "true", "yes"}


def _itinerary_url(plan, batch: uuid.UUID | None = None) -> str:
    url = reverse("plans:detail", kwargs={"pk": plan.pk})
    return f"{url}?undo={batch}#itinerary" if batch else f"{url}#itinerary"


def _preview(request, plan, proposal, *, status=HTTPStatus.OK):
    return render(
        request,
        "activities/schedule_preview.html",
        {
            "plan": plan,
            "proposal": proposal,
            "day_number": day_number(plan, proposal.day) if proposal.day else None,
            "action": (
                reverse("activities:schedule", kwargs={"pk": plan.pk})
                if proposal.kind == "schedule"
                else reverse(
                    "activities:optimise-day",
                    kwargs={"pk": plan.pk, "day": proposal.day.isoformat()},
                )
            ),
        },
        status=status,
    )


def _applied(request, plan, applied: scheduling.Applied):
    if applied.batch_id is None and applied.proposal.clashes:
        messages.warning(request, " ".join(applied.proposal.clashes))
        return redirect(_itinerary_url(plan))
    if applied.batch_id is None:
        messages.info(request, "Nothing to change: the itinerary already fits this plan.")
        return redirect(_itinerary_url(plan))
    proposal = applied.proposal
    saved = proposal.travel_saved_minutes
    travel = f" and cut about {saved} minutes of travel" if saved > 0 else ""
    messages.success(
        request,
        f"Done: {applied.changed} activit{'y' if applied.changed == 1 else 'ies'} "
        f"rescheduled{travel}. You can undo this below.",
    )
    for clash in proposal.clashes:
        messages.warning(request, clash)
    return redirect(_itinerary_url(plan, applied.batch_id))


def _stale(request, plan, error: scheduling.ScheduleStale):
    messages.warning(request, str(error))
    return _preview(request, plan, error.proposal, status=HTTPStatus.CONFLICT)


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request, pk: int):
    """ "Plan my days": GET previews, POST applies the previewed proposal."""
    plan = plan_get_for_user(user=request.user, pk=pk, action="edit")
    data = request.POST if request.method == "POST" else request.GET
    include = data.get("include_scheduled", "").lower() in _TRUE
    if request.method == "POST":
        try:
            applied = scheduling.schedule_apply(
                plan=plan,
                user=request.user,
                include_scheduled=include,
                fingerprint=request.POST.get("fingerprint") or "missing",
            )
        except scheduling.ScheduleStale as error:
            return _stale(request, plan, error)
        return _applied(request, plan, applied)
    return _preview(
        request, plan, scheduling.schedule_propose(plan=plan, include_scheduled=include)
    )


@login_required
@require_http_methods(["GET", "POST"])
def optimise_day(request, pk: int, day: dt.date):
    """ "Optimise this day": GET previews, POST applies the previewed proposal."""
    plan = plan_get_for_user(user=request.user, pk=pk, action="edit")
    if request.method == "POST":
        try:
            applied = scheduling.day_optimise_apply(
                plan=plan,
                user=request.user,
                day=day,
                fingerprint=request.POST.get("fingerprint") or "missing",
            )
        except scheduling.ScheduleStale as error:
            return _stale(request, plan, error)
        return _applied(request, plan, applied)
    return _preview(request, plan, scheduling.day_optimise_propose(plan=plan, day=day))


@login_required
@require_POST
def schedule_undo(request, pk: int):
    """Put back the schedule from before the last planner change."""
    plan = plan_get_for_user(user=request.user, pk=pk, action="edit")
    try:
        batch = uuid.UUID(request.POST["batch"]) if request.POST.get("batch") else None
    except ValueError:
        batch = None
    try:
        undone = scheduling.schedule_undo(plan=plan, user=request.user, batch_id=batch)
    except scheduling.UndoUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Undone: {undone.restored} activit{'y is' if undone.restored == 1 else 'ies are'} "
            "back where they were.",
        )
    return redirect(_itinerary_url(plan))

"""API of the day planner: preview (dry run) and apply "Plan my days" and "Optimise this day",
and undo the last planner change.

Every endpoint is a POST and needs a read-and-write token (or a signed-in session), dry runs
included: one rule for one verb is simpler for clients than a scope that depends on the body.
A dry run returns the proposal with a `fingerprint`; sending it back with `dry_run: false`
applies exactly that proposal, or answers 409 with a fresh proposal when the itinerary
changed meanwhile. Without a fingerprint, the proposal computed at apply time is applied.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import scheduling
from config.fields import JSONBooleanField, JSONCharField
from config.openapi import ErrorSerializer, errors
from plans.selectors import plan_get_for_user

# --------------------------------------------------------------------------- serializers


class ScheduleRequestSerializer(serializers.Serializer):
    dry_run = JSONBooleanField(
        default=True, help_text="Only compute the proposal (the default); false applies it."
    )
    include_scheduled = JSONBooleanField(
        default=False,
        help_text="Also re-plan activities already scheduled, except pinned ones.",
    )
    fingerprint = JSONCharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="From a dry run: apply only if nothing changed since.",
    )


class DayOptimiseRequestSerializer(serializers.Serializer):
    dry_run = JSONBooleanField(default=True)
    fingerprint = JSONCharField(required=False, allow_blank=True, max_length=64)


class UndoRequestSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField(
        required=False, help_text="A batch from an apply; the most recent one when left out."
    )


class SlotSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    start = serializers.CharField(allow_null=True, help_text="HH:MM")
    end = serializers.CharField(allow_null=True, help_text="HH:MM")


class ProposedActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    from_ = SlotSerializer(allow_null=True, help_text="Null when unscheduled now.")
    to = SlotSerializer()
    moved = serializers.BooleanField()
    pinned = serializers.BooleanField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ProposedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    travel_before_minutes = serializers.IntegerField()
    travel_after_minutes = serializers.IntegerField()
    travel_saved_minutes = serializers.IntegerField()
    activities = serializers.ListField(child=serializers.IntegerField())


class TotalsSerializer(serializers.Serializer):
    travel_before_minutes = serializers.IntegerField()
    travel_after_minutes = serializers.IntegerField()
    travel_saved_minutes = serializers.IntegerField()
    moved = serializers.IntegerField()


class UnplacedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    reason = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    message = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="Whether this response wrote the proposal.")
    batch_id = serializers.UUIDField(
        allow_null=True, help_text="Identifies an applied change for undo; null otherwise."
    )
    changed = serializers.IntegerField(help_text="Activities written (0 for a dry run).")
    kind = serializers.ChoiceField(choices=["schedule", "day"])
    plan = serializers.IntegerField()
    day = serializers.DateField(allow_null=True)
    include_scheduled = serializers.BooleanField()
    activities = ProposedActivitySerializer(many=True)
    days = ProposedDaySerializer(many=True)
    totals = TotalsSerializer()
    unplaced = UnplacedSerializer(many=True)
    notes = NoteSerializer(many=True)
    clashes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Time clashes left in place (both times pinned), named so they can be fixed.",
    )
    fingerprint = serializers.CharField()


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    proposal = ProposalSerializer()


class UndoSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    restored = serializers.IntegerField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --------------------------------------------------------------------------- views

_EXAMPLE = {
    "applied": False,
    "batch_id": None,
    "changed": 0,
    "kind": "schedule",
    "plan": 12,
    "day": None,
    "include_scheduled": False,
    "activities": [
        {
            "id": 31,
            "title": "Louvre",
            "from": None,
            "to": {"date": "2030-06-02", "start": "09:15", "end": "11:15"},
            "moved": True,
            "pinned": False,
        }
    ],
    "days": [
        {
            "date": "2030-06-02",
            "travel_before_minutes": 64,
            "travel_after_minutes": 41,
            "travel_saved_minutes": 23,
            "activities": [31],
        }
    ],
    "totals": {
        "travel_before_minutes": 64,
        "travel_after_minutes": 41,
        "travel_saved_minutes": 23,
        "moved": 1,
    },
    "unplaced": [
        {"id": 40, "title": "Thursday market", "reason": "closed on every day of the trip"}
    ],
    "clashes": [],
    "notes": [{"id": 33, "title": "Picnic", "message": "placed by time only: no coordinates"}],
    "fingerprint": "5f2c0a9e41d7b3c8a6e2f1d09b8c7a65",
}
_ERRORS = {
    **errors(400, 401, 429),
    403: OpenApiResponse(
        ErrorSerializer,
        description="A viewer of the plan, or a read-only token: planning needs edit rights.",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such plan for you (or no such day)."),
}
_PROPOSAL_RESPONSES = {
    200: OpenApiResponse(
        ProposalSerializer,
        description="The proposal (dry run), or what was applied.",
        examples=[OpenApiExample("Dry run", value=_EXAMPLE)],
    ),
    409: OpenApiResponse(
        StaleSerializer,
        description="The itinerary changed since the dry run whose fingerprint was sent; "
        "nothing was applied. The body holds the updated proposal.",
    ),
    **_ERRORS,
}


def _payload(proposal: scheduling.Proposal, applied: scheduling.Applied | None = None) -> dict:
    return {
        "applied": applied is not None and applied.batch_id is not None,
        "batch_id": applied.batch_id if applied else None,
        "changed": applied.changed if applied else 0,
        **proposal.as_dict(),
    }


def _stale(error: scheduling.ScheduleStale) -> Response:
    return Response(
        {"detail": str(error), "proposal": _payload(error.proposal)}, status=HTTPStatus.CONFLICT
    )


class PlanScheduleApi(APIView):
    @extend_schema(
        operation_id="plan_schedule",
        summary="Plan my days",
        description="Propose (dry run, the default) or apply a day and start time for each "
        "unscheduled activity, and with `include_scheduled` for every activity not pinned.",
        request=ScheduleRequestSerializer,
        responses=_PROPOSAL_RESPONSES,
        tags=["planner"],
    )
    def post(self, request, pk: int):
        plan = plan_get_for_user(user=request.user, pk=pk, action="edit")
        body = ScheduleRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        include = body.validated_data["include_scheduled"]
        if body.validated_data["dry_run"]:
            return Response(
                _payload(scheduling.schedule_propose(plan=plan, include_scheduled=include))
            )
        try:
            applied = scheduling.schedule_apply(
                plan=plan,
                user=request.user,
                include_scheduled=include,
                fingerprint=body.validated_data.get("fingerprint") or None,
            )
        except scheduling.ScheduleStale as error:
            return _stale(error)
        return Response(_payload(applied.proposal, applied))


class DayOptimiseApi(APIView):
    @extend_schema(
        operation_id="plan_day_optimize",
        summary="Optimise this day",
        description="Propose (dry run, the default) or apply a new order for one day's "
        "activities that cuts travel; pinned activities keep their time.",
        request=DayOptimiseRequestSerializer,
        responses=_PROPOSAL_RESPONSES,
        tags=["planner"],
    )
    def post(self, request, pk: int, day: str):
        plan = plan_get_for_user(user=request.user, pk=pk, action="edit")
        try:
            date = dt.date.fromisoformat(day)
        except ValueError as error:
            raise Http404("No such day.") from error
        body = DayOptimiseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["dry_run"]:
            return Response(_payload(scheduling.day_optimise_propose(plan=plan, day=date)))
        try:
            applied = scheduling.day_optimise_apply(
                plan=plan,
                user=request.user,
                day=date,
                fingerprint=body.validated_data.get("fingerprint") or None,
            )
        except scheduling.ScheduleStale as error:
            return _stale(error)
        return Response(_payload(applied.proposal, applied))


class ScheduleUndoApi(APIView):
    @extend_schema(
        operation_id="plan_schedule_undo",
        summary="Undo the last planner change",
        description="Restore every activity's day, times and position from before the most "
        "recent (or the given) applied planner change.",
        request=UndoRequestSerializer,
        responses={
            200: UndoSerializer,
            409: OpenApiResponse(
                DetailSerializer,
                description="Nothing to undo, or the itinerary changed since the planner ran.",
            ),
            **_ERRORS,
        },
        tags=["planner"],
    )
    def post(self, request, pk: int):
        plan = plan_get_for_user(user=request.user, pk=pk, action="edit")
        body = UndoRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            undone = scheduling.schedule_undo(
                plan=plan, user=request.user, batch_id=body.validated_data.get("batch_id")
            )
        except scheduling.UndoUnavailable as error:
            return Response({"detail": str(error)}, status=HTTPStatus.CONFLICT)
        return Response({"batch_id": undone.batch_id, "restored": undone.restored})

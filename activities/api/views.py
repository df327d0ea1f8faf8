"""Activities API views, and the plan views that include activities (shared, public, export).

Thin: each validates input, calls a selector or service, serialises. The plan comes from
plans.selectors, so strangers get 404 and viewers 403 on writes before anything else runs.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors, services
from activities.api.serializers import (
    DOCUMENT_FORMAT,
    INCLUDED_ACTIVITIES,
    ActivitySerializer,
    ActivityUpdateSerializer,
    BudgetSerializer,
    ConflictSerializer,
    ImportResultSerializer,
    PlanDocumentSerializer,
    PlanWithActivitiesSerializer,
    PublicPlanDetailSerializer,
    ReorderSerializer,
)
from activities.filters import ActivityApiFilter
from activities.models import PlanActivity
from config.etags import (
    ETAG_HEADER,
    IF_MATCH,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    conditional_response,
    etag_for,
    expected_version,
)
from config.filters import SingleValuedQueryParams
from config.openapi import errors
from plans import selectors as plan_selectors
from plans.api import views as plan_views
from plans.api.serializers import PlanSerializer
from plans.projection import public_projection
from plans.tokens import TOKEN_PATTERN
from ratelimit.throttling import ApiThrottle, ShareLinkThrottle

ACTIVITY_EXAMPLE = OpenApiExample(
    "Museum visit",
    value={
        "title": "Gulbenkian Museum",
        "activity_type": "attraction",
        "scheduled_date": "2030-05-03",
        "start_time": "10:00:00",
        "end_time": "12:30:00",
        "estimated_cost": "15.00",
        "metadata": {"tags": ["art"], "booking_info": {"status": "confirmed"}},
    },
    request_only=True,
)
INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=["activities"],
    required=False,
    description=(
        "`activities`: the plan's activities too, in itinerary order (at most "
        f"{INCLUDED_ACTIVITIES}, then `activities_next`), in the same request. The ETag then "
        "also changes when any of them does."
    ),
)


def _plan(request, pk: int, action: str = "view"):
    return plan_selectors.plan_get_for_member(user=request.user, pk=pk, action=action)


def _with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag_for(obj)
    return response


def activity_etag(activity: PlanActivity) -> str:
    """The activity's ETag; its `starts_at`/`ends_at` are on its plan's clock when it has no
    zone of its own, so the plan's time zone is part of it."""
    return etag_for(activity, depends_on=activity.plan.timezone)


def _with_activity_etag(response: Response, activity: PlanActivity) -> Response:
    response["ETag"] = activity_etag(activity)
    return response


@extend_schema_view(
    get=extend_schema(
        summary="A plan",
        description=(
            "With `?include=activities`, its activities too: a client showing a plan and its "
            "itinerary needs one request, not two."
        ),
        parameters=[INCLUDE, IF_NONE_MATCH, ETAG_HEADER],
        responses={
            200: PlanWithActivitiesSerializer,
            304: NOT_MODIFIED,
            **errors(400, 401, 404, 429),
        },
    ),
)
class PlanDetailApi(plan_views.PlanDetailApi):
    """The plans app's plan detail, which can also include the plan's activities.

    Here, not in plans, because activities may import plans and not the other way round.
    """

    def get(self, request, pk: int):
        SingleValuedQueryParams().filter_queryset(request, None, self)
        include = request.query_params.get("include")
        if include is None:
            return super().get(request, pk)
        if include != "activities":
            raise ValidationError(
                {"include": ["The only thing a plan can include is “activities”."]}
            )
        plan = _plan(request, pk)
        read = selectors.activity_rows_ordered(plan=plan, limit=INCLUDED_ACTIVITIES + 1)
        activities = read[:INCLUDED_ACTIVITIES]
        rest = None
        if len(read) > INCLUDED_ACTIVITIES:
            url = reverse("activities-api:list", kwargs={"plan_pk": plan.pk})
            rest = request.build_absolute_uri(f"{url}?page=2&page_size={INCLUDED_ACTIVITIES}")

        def body() -> dict:
            plan.included_activities = activities
            plan.activities_next = rest
            context = self.get_serializer_context()
            return PlanWithActivitiesSerializer(plan, context=context).data

        # Over every row read, the one past the page too: its coming or going changes
        # `activities_next`, so it changes the ETag.
        return conditional_response(request, plan, body, etag=etag_for(plan, including=read))


@extend_schema_view(
    get=extend_schema(
        summary="A plan's activities",
        description=(
            "In itinerary order: by day (unscheduled last); within a day timed activities by "
            "start time, untimed ones right after the timed activity placed above them."
        ),
        responses={200: ActivitySerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    post=extend_schema(
        summary="Add an activity",
        description="Added at the end of its day. `metadata` is checked against its schema.",
        parameters=[ETAG_HEADER],
        request=ActivitySerializer,
        responses={201: ActivitySerializer, **errors(400, 401, 403, 404, 429)},
        examples=[ACTIVITY_EXAMPLE],
    ),
)
class ActivityListApi(generics.GenericAPIView):
    serializer_class = ActivitySerializer
    filterset_class = ActivityApiFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanActivity.objects.none()
        return selectors.activity_list_ordered(plan=_plan(self.request, self.kwargs["plan_pk"]))

    def get(self, request, plan_pk: int):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request, plan_pk: int):
        plan = _plan(request, plan_pk, "edit")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.activity_create(plan=plan, data=serializer.validated_data)
        response = Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)
        return _with_activity_etag(response, activity)


@extend_schema_view(
    get=extend_schema(
        summary="An activity",
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={200: ActivitySerializer, 304: NOT_MODIFIED, **errors(401, 404, 429)},
    ),
    put=extend_schema(
        summary="Replace an activity's fields",
        description=(
            "Fields left out keep their values; `title` is required. `plan` moves the "
            "activity to another plan you can edit (any other id is a 400)."
        ),
        parameters=[IF_MATCH, ETAG_HEADER],
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, **errors(400, 401, 403, 404, 412, 429)},
        examples=[ACTIVITY_EXAMPLE],
    ),
    patch=extend_schema(
        summary="Change some of an activity's fields",
        description=(
            "A new `scheduled_date` puts the activity at the end of that day. A new `plan` "
            "moves it to another plan you can edit (any other id is a 400, as if it did not "
            "exist): to the end of its day there, or to unscheduled when the day is outside "
            "that plan's dates. Its URL then is under the new plan."
        ),
        parameters=[IF_MATCH, ETAG_HEADER],
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, **errors(400, 401, 403, 404, 412, 429)},
    ),
    delete=extend_schema(
        summary="Delete an activity",
        parameters=[IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 412, 429)},
    ),
)
class ActivityDetailApi(generics.GenericAPIView):
    serializer_class = ActivitySerializer

    def get_queryset(self):
        return PlanActivity.objects.none()  # objects come from the selectors below

    def _activity(self, request, plan_pk: int, pk: int, action: str):
        plan = _plan(request, plan_pk, action)
        activity = selectors.activity_get_for_plan(plan=plan, pk=pk)
        activity.plan = plan
        return activity

    def get(self, request, plan_pk: int, pk: int):
        activity = self._activity(request, plan_pk, pk, "view")
        return conditional_response(
            request, activity, self.get_serializer(activity).data, etag=activity_etag(activity)
        )

    def put(self, request, plan_pk: int, pk: int):
        return self._update(request, plan_pk, pk, partial=False)

    def patch(self, request, plan_pk: int, pk: int):
        return self._update(request, plan_pk, pk, partial=True)

    def _update(self, request, plan_pk: int, pk: int, *, partial: bool):
        activity = self._activity(request, plan_pk, pk, "edit")
        serializer = ActivityUpdateSerializer(
            activity, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, activity, current=activity_etag(activity))
        data = dict(serializer.validated_data)
        target = data.pop("plan", None)
        if target is not None:
            activity = services.activity_move_to_plan(
                activity=activity, plan=target, data=data, expected_version=version
            )
        else:
            activity = services.activity_update(
                activity=activity, data=data, expected_version=version
            )
        return _with_activity_etag(Response(self.get_serializer(activity).data), activity)

    def delete(self, request, plan_pk: int, pk: int):
        activity = self._activity(request, plan_pk, pk, "edit")
        services.activity_delete(
            activity=activity,
            expected_version=expected_version(request, activity, current=activity_etag(activity)),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityReorderApi(APIView):
    @extend_schema(
        summary="Reorder a plan's activities, by day",
        description=(
            "Each listed day gets exactly the listed activities in that order; an activity "
            "listed under another day moves there. A day must list every activity it will "
            "hold, so a stale client cannot drop someone else's change: ids that are not in "
            "this plan, repeated, or a day left incomplete get 400 and nothing moves."
        ),
        request=ReorderSerializer,
        responses={200: ReorderSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Swap two",
                value={"days": [{"date": "2030-05-03", "activity_ids": [12, 11]}]},
                request_only=True,
            )
        ],
    )
    def post(self, request, plan_pk: int):
        plan = _plan(request, plan_pk, "edit")
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        days = {day["date"]: day["activity_ids"] for day in serializer.validated_data["days"]}
        services.activity_reorder(plan=plan, days=days)
        order: dict = {}
        for pk, day in selectors.activity_list_ordered(plan=plan).values_list(
            "pk", "scheduled_date"
        ):
            order.setdefault(day, []).append(pk)
        result = [{"date": day, "activity_ids": ids} for day, ids in order.items()]
        return Response(ReorderSerializer({"days": result}).data)


class ActivityImportApi(APIView):
    @extend_schema(
        summary="Import activities from plan_data.itinerary",
        description="Items imported before are skipped, so importing twice adds nothing.",
        request=None,
        responses={200: ImportResultSerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request, plan_pk: int):
        plan = _plan(request, plan_pk, "edit")
        result = services.itinerary_import_from_plan_data(plan=plan)
        return Response(ImportResultSerializer(result).data)


class PlanBudgetApi(APIView):
    @extend_schema(
        summary="Budget summary",
        description=(
            "Estimated, actual and projected totals, by type and by day, in the plan's currency."
        ),
        responses={200: BudgetSerializer, **errors(401, 404, 429)},
    )
    def get(self, request, plan_pk: int):
        plan = _plan(request, plan_pk)
        return Response(BudgetSerializer(selectors.plan_budget_summary(plan=plan)).data)


class PlanConflictsApi(generics.GenericAPIView):
    serializer_class = ConflictSerializer

    def get_queryset(self):
        return PlanActivity.objects.none()

    @extend_schema(
        summary="Overlapping activities",
        description="Pairs of activities on the same day whose times overlap.",
        responses={200: ConflictSerializer(many=True), **errors(401, 404, 429)},
    )
    def get(self, request, plan_pk: int):
        plan = _plan(request, plan_pk)
        page = self.paginate_queryset(selectors.activity_conflicts(plan=plan))
        return self.get_paginated_response(ConflictSerializer(page, many=True).data)


class SharedPlanApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Tokens are what gets guessed: the share quota counts per client IP on top of the default.
    throttle_classes = [ApiThrottle, ShareLinkThrottle]

    @extend_schema(
        summary="A plan behind a share link",
        description=(
            "Read-only and without sign-in: the plan's public projection. Private notes, "
            "booking references, actual costs, completion and email addresses are never "
            "included."
        ),
        auth=[],
        parameters=[
            OpenApiParameter(
                "share_token",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="From the link.",
                pattern=f"^{TOKEN_PATTERN}$",
            )
        ],
        responses={200: PublicPlanDetailSerializer, **errors(404, 429)},
    )
    def get(self, request, share_token: str):
        plan = plan_selectors.plan_get_by_share_token(token=share_token)
        return Response(PublicPlanDetailSerializer(public_projection(plan)).data)


class PublicPlanDetailApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="A plan in the public gallery",
        description="With its itinerary; redacted like a shared plan.",
        auth=[],
        responses={200: PublicPlanDetailSerializer, **errors(404, 429)},
    )
    def get(self, request, pk: int):
        plan = plan_selectors.plan_get_public(pk=pk)
        return Response(PublicPlanDetailSerializer(public_projection(plan)).data)


class PlanExportApi(APIView):
    @extend_schema(
        summary="Export a plan as one document",
        description=(
            "The plan's fields, its whole `plan_data` and its activities in order: what "
            "`POST /api/v1/plans/import/` accepts. Members only (it includes private notes)."
        ),
        responses={200: PlanDocumentSerializer, **errors(401, 404, 429)},
    )
    def get(self, request, pk: int):
        plan = _plan(request, pk)
        document = {
            "format": DOCUMENT_FORMAT,
            "plan": plan,
            "plan_data": plan.plan_data,
            "activities": selectors.activity_list_ordered(plan=plan),
        }
        return Response(PlanDocumentSerializer(document).data)


class PlanImportApi(APIView):
    @extend_schema(
        summary="Import a plan document",
        description=(
            "Creates a new private draft owned by you, with the document's activities in "
            "order. Any error (keyed `plan.title`, `plan_data.…`, `activities[2].end_time`) "
            "creates nothing."
        ),
        request=PlanDocumentSerializer,
        parameters=[ETAG_HEADER],
        responses={201: PlanSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        serializer = PlanDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = services.plan_import_document(
            owner=request.user,
            plan=data["plan"],
            plan_data=data["plan_data"],
            activities=data["activities"],
        )
        plan = plan_selectors.plan_get_for_member(user=request.user, pk=plan.pk)
        response = Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)
        return _with_etag(response, plan)

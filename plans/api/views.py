"""Plans API views: thin. Each validates input, calls a selector or service, serialises.

Errors from services (ValidationError, version conflicts) become 400 and 412 in
config.exceptions; not being allowed to see a plan is a 404, seeing but not editing a 403.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.etags import (
    ETAG_HEADER,
    IF_MATCH,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    conditional_response,
    etag_for,
    expected_version,
)
from config.links import public_url
from config.openapi import errors
from config.pagination import GalleryPagination
from plans import permissions, selectors, services
from plans.api.serializers import (
    MemberAddSerializer,
    MemberChangeSerializer,
    MemberRemoveSerializer,
    MemberSerializer,
    PlanSerializer,
    PublicPlanSerializer,
    ShareLinkRequestSerializer,
    ShareLinkSerializer,
)
from plans.filters import PlanApiFilter, PublicPlanApiFilter
from plans.models import PlanMember
from plans.projection import DEFAULT_SECTIONS, public_projection

PLAN_EXAMPLE = OpenApiExample(
    "A long weekend in Lisbon",
    value={
        "title": "Long weekend in Lisbon",
        "description": "Tiles, trams and pastéis de nata.",
        "destination": "Lisbon",
        "start_date": "2030-05-02",
        "end_date": "2030-05-05",
        "budget": "900.00",
        "currency": "EUR",
        "timezone": "Europe/Lisbon",
        "plan_data": {
            "preferences": {"travel_style": "food", "group_size": 2, "pace": "relaxed"},
            "notes": [{"text": "Ask the hotel about late check-out.", "private": True}],
        },
    },
    request_only=True,
)


PUBLICATION_FIELDS = ("status", "is_public")
# The gallery shows plans, not their itineraries.
GALLERY_SECTIONS = DEFAULT_SECTIONS - {"activities"}
OWNER_ONLY_MESSAGE = "Only the plan's owner can publish, archive or list it in the public gallery."


def _with_etag(response: Response, plan) -> Response:
    response["ETag"] = etag_for(plan)
    return response


def _split_publication(data: dict) -> tuple[dict, dict]:
    """The plan's editable fields, and the publication fields (status, is_public) apart."""
    fields = {name: value for name, value in data.items() if name not in PUBLICATION_FIELDS}
    publication = {name: value for name, value in data.items() if name in PUBLICATION_FIELDS}
    return fields, publication


@extend_schema_view(
    get=extend_schema(
        summary="My plans",
        description="Plans you own or are a member of, newest change first.",
        responses={200: PlanSerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    post=extend_schema(
        summary="Create a plan",
        description=(
            "A new draft owned by you, unless you send `status` (and `is_public`, which needs "
            "a verified email address). `plan_data` is checked against its JSON Schema."
        ),
        request=PlanSerializer,
        parameters=[ETAG_HEADER],
        responses={201: PlanSerializer, **errors(400, 401, 403, 429)},
        examples=[PLAN_EXAMPLE],
    ),
)
class PlanListApi(generics.GenericAPIView):
    serializer_class = PlanSerializer
    filterset_class = PlanApiFilter

    def get_queryset(self):
        return selectors.plan_api_list(user=self.request.user)

    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, publication = _split_publication(serializer.validated_data)
        plan = services.plan_create(owner=request.user, **fields)
        if publication:
            services.plan_change_publication(plan=plan, user=request.user, **publication)
        plan = selectors.plan_get_for_member(user=request.user, pk=plan.pk)
        response = Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)
        return _with_etag(response, plan)


@extend_schema_view(
    get=extend_schema(
        summary="A plan",
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={200: PlanSerializer, 304: NOT_MODIFIED, **errors(401, 404, 429)},
    ),
    put=extend_schema(
        summary="Replace a plan's fields",
        description=(
            "Fields left out keep their values; `title` is required. Changing `status` or "
            "`is_public` is for the owner only (403 for editors; sending the current values "
            "is fine)."
        ),
        parameters=[IF_MATCH, ETAG_HEADER],
        request=PlanSerializer,
        responses={200: PlanSerializer, **errors(400, 401, 403, 404, 412, 429)},
        examples=[PLAN_EXAMPLE],
    ),
    patch=extend_schema(
        summary="Change some of a plan's fields",
        description=(
            "`status` publishes (`published`), takes back to a draft (`draft`) or archives "
            "(`archived`, which also unlists it); `is_public` lists a published plan in the "
            "public gallery (a verified email address is needed, else 400 on `is_public`). "
            "Only the owner may change these two (403 for editors)."
        ),
        parameters=[IF_MATCH, ETAG_HEADER],
        request=PlanSerializer,
        responses={200: PlanSerializer, **errors(400, 401, 403, 404, 412, 429)},
    ),
    delete=extend_schema(
        summary="Delete a plan (owner only)",
        description="Deletes its activities, members and share link too.",
        parameters=[IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 412, 429)},
    ),
)
class PlanDetailApi(generics.GenericAPIView):
    serializer_class = PlanSerializer

    def get_queryset(self):
        return selectors.plan_api_list(user=self.request.user)

    def get(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk)
        return conditional_response(request, plan, self.get_serializer(plan).data)

    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk: int, *, partial: bool):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="edit")
        serializer = self.get_serializer(plan, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        fields, publication = _split_publication(serializer.validated_data)
        changing = {
            name: value for name, value in publication.items() if getattr(plan, name) != value
        }
        if changing and not permissions.can_manage(request.user, plan):
            raise PermissionDenied(OWNER_ONLY_MESSAGE)
        version = expected_version(request, plan, including=True)
        if fields or not changing:
            plan = services.plan_update(plan=plan, expected_version=version, **fields)
            version = None  # checked by that write, whose row lock lasts to the end
        if changing:
            plan = services.plan_change_publication(
                plan=plan, user=request.user, expected_version=version, **changing
            )
        return _with_etag(Response(self.get_serializer(plan).data), plan)

    def delete(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="manage")
        services.plan_delete(
            plan=plan, expected_version=expected_version(request, plan, including=True)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanShareApi(APIView):
    """The plan's share link: anyone with it can read the plan (redacted), no sign-in."""

    def _link(self, plan) -> dict:
        token = plan.share_token
        return {
            "token": token,
            "url": public_url(reverse("plans:shared", kwargs={"token": token})),
            "api_url": public_url(reverse("activities-api:shared", kwargs={"share_token": token})),
        }

    @extend_schema(
        summary="Turn on or rotate the share link (owner only)",
        description=(
            "Without `rotate`, returns the current link, creating one if there is none. "
            "With `rotate: true`, replaces it: the old link stops working at once."
        ),
        request=ShareLinkRequestSerializer,
        responses={200: ShareLinkSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("Rotate", value={"rotate": True}, request_only=True)],
    )
    def post(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="manage")
        serializer = ShareLinkRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["rotate"]:
            plan = services.share_link_rotate(plan=plan)
        else:
            plan = services.share_link_enable(plan=plan)
        return Response(ShareLinkSerializer(self._link(plan)).data)

    @extend_schema(
        summary="Turn off the share link (owner only)",
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    def delete(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="manage")
        services.share_link_revoke(plan=plan)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _unknown_user() -> serializers.ValidationError:
    return serializers.ValidationError({"user": ["No traveller with this id among your plans."]})


class PlanMembersApi(generics.GenericAPIView):
    """Co-travellers of a plan and their roles (owner only)."""

    serializer_class = MemberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanMember.objects.none()
        plan = selectors.plan_get_for_member(
            user=self.request.user, pk=self.kwargs["pk"], action="manage"
        )
        return selectors.plan_members(plan=plan)

    @extend_schema(
        summary="Members of a plan (owner only)",
        responses={200: MemberSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, pk: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MemberSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a member (owner only)",
        description=(
            "Adds someone you already share another plan with, by user id. Adding an existing "
            "member keeps their role. To bring in someone new, invite them by email on the "
            "website."
        ),
        request=MemberAddSerializer,
        responses={201: MemberSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("Add", value={"user": 42, "role": "editor"}, request_only=True)],
    )
    def post(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="manage")
        serializer = MemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = (
            selectors.plan_co_travellers(user=request.user)
            .filter(pk=serializer.validated_data["user"])
            .first()
        )
        if user is None:
            raise _unknown_user()
        member = services.member_add(
            plan=plan, user=user, role=serializer.validated_data["role"], invited_by=request.user
        )
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's role (owner only)",
        request=MemberChangeSerializer,
        responses={200: MemberSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("Make viewer", value={"user": 42, "role": "viewer"})],
    )
    def patch(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="manage")
        serializer = MemberChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = self._member(plan, serializer.validated_data["user"])
        member = services.member_change_role(member=member, role=serializer.validated_data["role"])
        return Response(MemberSerializer(member).data)

    @extend_schema(
        summary="Remove a member (owner only)",
        parameters=[MemberRemoveSerializer],
        responses={204: None, **errors(400, 401, 403, 404, 429)},
    )
    def delete(self, request, pk: int):
        plan = selectors.plan_get_for_member(user=request.user, pk=pk, action="manage")
        serializer = MemberRemoveSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        services.member_remove(member=self._member(plan, serializer.validated_data["user"]))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _member(self, plan, user_id: int):
        member = selectors.plan_members(plan=plan).filter(user_id=user_id).first()
        if member is None:
            raise _unknown_user()
        member.plan = plan
        return member


@extend_schema_view(
    get=extend_schema(
        summary="The public gallery",
        description="Published plans their owners listed publicly; no sign-in needed.",
        auth=[],
        responses={200: PublicPlanSerializer(many=True), **errors(400, 404, 429)},
    )
)
class PublicPlanListApi(generics.ListAPIView):
    serializer_class = PublicPlanSerializer
    filterset_class = PublicPlanApiFilter
    pagination_class = GalleryPagination
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.plan_public_list()

    def list(self, request, *args, **kwargs):
        """Each plan's public projection, without its activities (no query per plan)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        projections = [public_projection(plan, sections=GALLERY_SECTIONS) for plan in page]
        return self.get_paginated_response(self.get_serializer(projections, many=True).data)

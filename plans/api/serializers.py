"""Serializers of the plans API: explicit fields, no business rules (services validate)."""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.fields import JSONBooleanField, JSONTypesModelSerializer
from plans.documents import PLAN_DATA_SCHEMA
from plans.models import Plan, PlanMember, Role

MAX_ID = 2**63 - 1


def _plan_data_schema() -> dict:
    schema = json.loads(PLAN_DATA_SCHEMA.read_text())
    return {
        key: value for key, value in schema.items() if not key.startswith("$") and key != "examples"
    }


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.JSONField):
    """A document (`plan_data`, an activity's `metadata`) whose JSON Schema the service checks.

    Shown as a plain object in OpenAPI so that its errors come back keyed by JSON path
    (`plan_data.preferences.group_size`) from the one validator the website uses too.
    """

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("must be of type object")
        return super().to_internal_value(data)


class OwnerSerializer(serializers.Serializer):
    """Who owns a plan, as other travellers see them: never the email address."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="public_name", read_only=True)


class PlanSerializer(JSONTypesModelSerializer):
    """A plan as its owner and members see it: the whole document."""

    owner = OwnerSerializer(source="user", read_only=True)
    role = serializers.ChoiceField(
        source="viewer_role",
        choices=Role.choices,
        read_only=True,
        help_text="Your role on this plan.",
    )
    # A method, not a field with source="share_token": DRF writes a None source as null.
    is_shared = serializers.SerializerMethodField(help_text="Whether a share link is active.")
    plan_data = JSONObjectField(required=False)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "description",
            "destination",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "timezone",
            "status",
            "is_public",
            "is_shared",
            "plan_data",
            "owner",
            "role",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]
        extra_kwargs = {
            "timezone": {
                "help_text": (
                    "The destination's time zone, an IANA name such as Europe/Lisbon: the "
                    "activities' times are wall-clock times there. Defaults to your profile's."
                ),
                "required": False,
            },
            "status": {
                "help_text": (
                    "draft, published or archived. Only the owner may change it; archiving "
                    "also takes the plan out of the gallery."
                )
            },
            "is_public": {
                "help_text": (
                    "Listed in the public gallery. Only the owner may change it, only for a "
                    "published plan, and only with a verified email address."
                )
            },
        }

    def get_is_shared(self, plan: Plan) -> bool:
        return bool(plan.share_token)


class PublicPlanSerializer(JSONTypesModelSerializer):
    """A plan as anyone may see it: serialises its public projection (plans.projection), never
    the Plan row. The model only describes the fields' types and limits for the schema."""

    owner = OwnerSerializer(read_only=True)
    plan_data = JSONObjectField(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "description",
            "destination",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "timezone",
            "status",
            "plan_data",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ShareLinkRequestSerializer(serializers.Serializer):
    rotate = JSONBooleanField(
        default=False,
        help_text="Replace an existing link with a new one (the old one stops working).",
    )


class ShareLinkSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="The page anyone with the link can open.")
    api_url = serializers.URLField(read_only=True, help_text="The same plan as JSON, no sign-in.")


class MemberSerializer(JSONTypesModelSerializer):
    user = OwnerSerializer(read_only=True)

    class Meta:
        model = PlanMember
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class MemberAddSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=(
            "The id of someone you already share a plan with (as owner or member). Anyone "
            "else gets 400 as if the id did not exist; invite new people from the website."
        ),
    )
    role = serializers.ChoiceField(choices=PlanMember.MEMBER_ROLES, default=Role.VIEWER)


class MemberChangeSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The member's user id."
    )
    role = serializers.ChoiceField(choices=PlanMember.MEMBER_ROLES)


class MemberRemoveSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The member's user id."
    )

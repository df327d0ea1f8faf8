"""Serializers of the accounts API: the signed-in traveller's own profile."""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.validators import TRAVEL_PREFERENCES_SCHEMA
from config.fields import JSONTypesModelSerializer


def _preferences_schema() -> dict:
    schema = json.loads(TRAVEL_PREFERENCES_SCHEMA.read_text())
    return {key: value for key, value in schema.items() if not key.startswith("$")}


@extend_schema_field(_preferences_schema())
class TravelPreferencesField(serializers.JSONField):
    """Validated against accounts/schemas/travel_preferences.schema.json by the service."""


class MeSerializer(JSONTypesModelSerializer):
    is_verified = serializers.BooleanField(read_only=True)
    public_name = serializers.CharField(
        read_only=True,
        help_text="What other travellers see: display_name, or a neutral generated name.",
    )
    travel_preferences = TravelPreferencesField(required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "is_verified",
            "first_name",
            "last_name",
            "display_name",
            "public_name",
            "timezone",
            "preferred_currency",
            "home_city",
            "travel_preferences",
            "date_joined",
        ]
        read_only_fields = ["id", "username", "email", "is_verified", "date_joined"]
        # Validation is the service's job (one set of rules for web and API).
        extra_kwargs = {
            "timezone": {"validators": []},
            "preferred_currency": {"validators": []},
        }

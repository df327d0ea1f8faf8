"""Serializer fields that take JSON's own types only.

The API reads JSON alone (config.parsers), and the schema says `boolean` and `string`; DRF's
fields also take the form-data spellings (`0`, `"yes"`, a number for a string), so a client
could send what the schema forbids and have it stored.
"""

from __future__ import annotations

from django.db import models
from rest_framework import serializers


class JSONBooleanField(serializers.BooleanField):
    """`true` or `false`, nothing else."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class JSONCharField(serializers.CharField):
    """A JSON string; a number is not silently turned into one."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONDecimalField(serializers.DecimalField):
    """An amount as the schema documents it, a string such as "12.50", never a JSON number
    (whose binary value may not be the decimal the client meant)."""

    default_error_messages = {"invalid": 'Must be a string holding a number, such as "12.50".'}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONTypesModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose boolean, decimal and text columns take JSON's types only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: JSONBooleanField,
        models.DecimalField: JSONDecimalField,
        models.CharField: JSONCharField,
        models.TextField: JSONCharField,
    }

"""Place search API: the query and the results."""

from __future__ import annotations

from rest_framework import serializers


class PlaceSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=200,
        help_text='What to look for: a city ("lisb"), a place or an address ("Tile museum, '
        'Lisbon"). 2 to 200 characters.',
    )


class PlaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField(help_text="What a list of results shows.")
    address = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    country_code = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2.")
    kind = serializers.ChoiceField(choices=["city", "poi", "address"])
    source = serializers.ChoiceField(
        choices=["offline", "geocoder"],
        help_text="offline: the city index shipped with Wayfarer; geocoder: the configured one.",
    )
    timezone = serializers.CharField(allow_blank=True, help_text='IANA name, "Europe/Lisbon".')


class PlaceResultsSerializer(serializers.Serializer):
    results = PlaceSerializer(many=True)
    notice = serializers.CharField(
        allow_null=True,
        help_text="What could not be searched (the geocoder unreachable or busy); null if all was.",
    )

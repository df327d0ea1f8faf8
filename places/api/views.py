"""Places API views: thin, each calls one selector."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import errors
from places import selectors
from places.api.serializers import PlaceResultsSerializer, PlaceSearchQuerySerializer
from ratelimit.throttling import ApiThrottle, UserAndIpThrottle


class PlaceSearchThrottle(UserAndIpThrottle):
    """Search as you type sends many requests: its own quota, per user and per client IP."""

    scope = "places"


class PlaceSearchApi(APIView):
    """Places by name: cities from the offline index, then addresses and places of interest
    from the configured geocoder, each with coordinates and time zone."""

    throttle_classes = [ApiThrottle, PlaceSearchThrottle]

    @extend_schema(
        operation_id="places_search",
        parameters=[PlaceSearchQuerySerializer],
        responses={200: PlaceResultsSerializer, **errors(400, 401, 403, 429)},
    )
    def get(self, request):
        query = PlaceSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.place_search(query.validated_data["q"])
        return Response(PlaceResultsSerializer(found).data)

"""Tiny views mounted next to the real URLconf, since the real API endpoints live elsewhere.

API views are wrapped in `send_hits_ahead`, as every route of the real API is (`config.api`).
"""

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.http import Http404, HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from ratelimit import store
from ratelimit.decorators import by_ip, by_user, ratelimit
from ratelimit.throttling import ApiThrottle, ShareLinkThrottle, send_hits_ahead


class PingApi(APIView):
    """Uses the project's default throttle, like every real API view."""

    permission_classes = []

    def get(self, request):
        return Response({"pong": True})


class MissingApi(APIView):
    """Always 404, like a guessed share token: the hit must still count."""

    permission_classes = []

    def get(self, request):
        raise Http404


# What CountApi's POSTs did besides the database: a refused write must do nothing at all.
SIDE_EFFECTS: list[str] = []


class CountApi(APIView):
    """Reads the database in the view (GET) or does work beyond it (POST)."""

    permission_classes = []

    def get(self, request):
        return Response({"users": get_user_model().objects.count()})

    def post(self, request):
        SIDE_EFFECTS.append("posted")
        return Response({"posted": True}, status=201)


class LazyApi(APIView):
    """Its only query runs while the response is rendered (DRF encodes a queryset there)."""

    permission_classes = []

    def get(self, request):
        return Response({"ids": get_user_model().objects.values_list("id", flat=True)})


class InFlightApi(APIView):
    """Says whether the request's hit was still unread on the counters' connection."""

    permission_classes = []

    def get(self, request):
        return Response({"in_flight": store.has_hit_in_flight(connections["ratelimit"])})


class ForgivingApi(APIView):
    """Falls back when a query fails, as plenty of real code does; then queries again."""

    permission_classes = []

    def get(self, request):
        try:
            count = get_user_model().objects.count()
        except Exception:
            count = None
        return Response({"count": count, "ids": list(get_user_model().objects.values("id"))})


def _passing_through(execute, sql, params, many, context):
    return execute(sql, params, many, context)


def with_own_execute_wrapper(view):
    """A decorator opening its own execute wrapper, as query loggers and tracers do."""

    def wrapped(request, *args, **kwargs):
        with connection.execute_wrapper(_passing_through):
            return view(request, *args, **kwargs)

    return wrapped


class SubRequestApi(APIView):
    """Calls another API view directly, as an internal sub-request would."""

    permission_classes = []

    def get(self, request):
        inner = CountApi.as_view()(APIRequestFactory().get("/inner/"))
        return Response({"inner": inner.status_code, "count": inner.data.get("users")})


class NestedApi(APIView):
    """Runs another wrapped API view on the same request, then queries itself."""

    permission_classes = []

    def get(self, request):
        inner = send_hits_ahead(PingApi.as_view())(request._request)
        return Response({"inner": inner.status_code, "users": get_user_model().objects.count()})


class RethrowingApi(APIView):
    """Turns any failure of its query into an error of its own."""

    permission_classes = []

    def get(self, request):
        try:
            return Response({"users": get_user_model().objects.count()})
        except Exception as exc:
            raise RuntimeError("the user count failed") from exc


class ShareApi(APIView):
    permission_classes = []
    throttle_classes = [ApiThrottle, ShareLinkThrottle]

    def get(self, request, token):
        return Response({"token": token})


@ratelimit("invitation", keys=[by_ip, by_user], methods=None)
def invitation_page(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-api/ping/", send_hits_ahead(PingApi.as_view())),
    path("test-api/missing/", send_hits_ahead(MissingApi.as_view())),
    path("test-api/count/", send_hits_ahead(CountApi.as_view())),
    path("test-api/lazy/", send_hits_ahead(LazyApi.as_view())),
    path("test-api/in-flight/", send_hits_ahead(InFlightApi.as_view())),
    path("test-api/forgiving/", send_hits_ahead(ForgivingApi.as_view())),
    path("test-api/wrapped-ping/", send_hits_ahead(with_own_execute_wrapper(PingApi.as_view()))),
    path("test-api/sub-request/", send_hits_ahead(SubRequestApi.as_view())),
    path("test-api/nested/", send_hits_ahead(NestedApi.as_view())),
    path("test-api/rethrowing/", send_hits_ahead(RethrowingApi.as_view())),
    path("test-api/share/<str:token>/", send_hits_ahead(ShareApi.as_view())),
    path("test-web/invitation/", invitation_page),
    path("", include("config.urls")),
]

"""Tiny views mounted next to the real URLconf, since the real API endpoints live elsewhere."""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from ratelimit.decorators import by_ip, by_user, ratelimit
from ratelimit.throttling import ApiThrottle, ShareLinkThrottle


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


class ShareApi(APIView):
    permission_classes = []
    throttle_classes = [ApiThrottle, ShareLinkThrottle]

    def get(self, request, token):
        return Response({"token": token})


@ratelimit("invitation", keys=[by_ip, by_user], methods=None)
def invitation_page(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-api/ping/", PingApi.as_view()),
    path("test-api/missing/", MissingApi.as_view()),
    path("test-api/count/", CountApi.as_view()),
    path("test-api/share/<str:token>/", ShareApi.as_view()),
    path("test-web/invitation/", invitation_page),
    path("", include("config.urls")),
]

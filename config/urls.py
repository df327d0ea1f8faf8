"""Root URLs: the website, allauth, the admin at a configurable path, the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("api/", include("config.api")),
    path("", include("activities.urls")),
    path("", include("plans.urls")),
]

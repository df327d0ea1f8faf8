"""The versioned API: each app's `api/urls.py` is mounted under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include("accounts.api.urls")),
    path("v1/", include("plans.api.urls")),
    path("v1/", include("activities.api.urls")),
    path("v1/", include("activities.api.scheduling_urls")),
]

"""The site's URLs plus the three floor views; ROOT_URLCONF under config.settings.bench only."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("_bench/plain", views.plain, name="bench-plain"),
    path("_bench/pk", views.primary_key, name="bench-pk"),
    path("_bench/ratelimit", views.ratelimit_hit, name="bench-ratelimit"),
    *site_urlpatterns,
]

"""The site's URLs, the floor views and the base page; ROOT_URLCONF of config.settings.bench."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("_bench/plain", views.plain, name="bench-plain"),
    path("_bench/pk", views.primary_key, name="bench-pk"),
    path("_bench/ratelimit", views.ratelimit_hit, name="bench-ratelimit"),
    path("_bench/base-page", views.base_page, name="bench-base-page"),
    *site_urlpatterns,
]

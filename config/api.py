"""The versioned API: each app's `api/urls.py` is mounted under /api/v1/.

Reads run in autocommit, writes in one transaction each (see `reads_in_autocommit`).
"""

from __future__ import annotations

from importlib import import_module

from django.urls import URLPattern, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.transactions import reads_in_autocommit


def _routes(module_name: str):
    """An app's API routes (a flat list of `path()`s), each view behind `reads_in_autocommit`."""
    module = import_module(module_name)
    patterns = []
    for pattern in module.urlpatterns:
        if not isinstance(pattern, URLPattern):
            raise TypeError(f"{module_name}: API routes are plain path()s, not includes")
        callback = reads_in_autocommit(pattern.callback)
        patterns.append(URLPattern(pattern.pattern, callback, pattern.default_args, pattern.name))
    return include((patterns, module.app_name))


urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", _routes("accounts.api.urls")),
    path("v1/", _routes("plans.api.urls")),
    path("v1/", _routes("activities.api.urls")),
    path("v1/", _routes("activities.api.scheduling_urls")),
    path("v1/", _routes("places.api.urls")),
]

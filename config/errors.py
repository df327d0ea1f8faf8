"""Errors Django answers itself, outside any view: JSON under /api/, the site's pages elsewhere.

DRF turns what its views raise into JSON (config.exceptions). What no API view sees reaches
Django's handlers instead: a path no route matches (`/api/v1/plans/abc/`), a Host header
outside ALLOWED_HOSTS, a body too large read by middleware, an unexpected exception. Under
/api/ these answer in the API's documented error shape, `{"detail": "..."}`.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from config.exceptions import request_too_large

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _api_error(status: HTTPStatus, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        error = request_too_large()
        return _api_error(HTTPStatus(error.status_code), str(error.detail))
    if isinstance(exception, DisallowedHost):
        return _api_error(HTTPStatus.BAD_REQUEST, "This host name is not served here.")
    return _api_error(HTTPStatus.BAD_REQUEST, "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _api_error(HTTPStatus.FORBIDDEN, "You do not have permission to perform this action.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _api_error(
        HTTPStatus.NOT_FOUND,
        "Nothing is at this address. The API's paths are listed in /api/v1/schema/.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return _api_error(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. It has been logged; please try again in a moment.",
    )

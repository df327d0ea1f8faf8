"""One place that turns domain and database errors into API responses.

Services raise Django's ValidationError (field maps keyed by JSON path for documents) and
version conflicts; constraints raise IntegrityError. Views stay thin and never catch them.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from activities.services import ActivityVersionConflict
from config.etags import PreconditionFailed
from plans.services import PlanVersionConflict


class RequestTooLarge(exceptions.APIException):
    """413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own answer is a bare 400)."""

    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def request_too_large() -> RequestTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return RequestTooLarge(f"The request body is too large: send at most {limit:,} bytes.")


def _as_api_error(exc: Exception) -> Exception:
    if isinstance(exc, RequestDataTooBig):
        return request_too_large()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})
    if isinstance(exc, PlanVersionConflict | ActivityVersionConflict):
        return PreconditionFailed()
    if isinstance(exc, IntegrityError):
        return exceptions.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    "This conflicts with existing data (for example, it already exists)."
                ]
            }
        )
    if isinstance(exc, DataError):
        return exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: ["A value is out of the range that can be stored."]}
        )
    return exc


def api_exception_handler(exc, context):
    """DRF's handler, after mapping the errors above; DRF marks the transaction for rollback."""
    return drf_exception_handler(_as_api_error(exc), context)

"""Which requests run in a transaction: writes, not reads (API routes and the website's pages)."""

from __future__ import annotations

import functools

from django.db import transaction
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS


def reads_in_autocommit(view):
    """GET, HEAD and OPTIONS outside a transaction; every other method in one, as before.

    ATOMIC_REQUESTS wraps each request in BEGIN ... COMMIT. Under PostgreSQL's READ COMMITTED
    every statement takes its own snapshot anyway, so around a read the transaction gives its
    queries nothing and costs two round trips. Writes keep the whole request atomic, and an
    error still rolls them back (for the API, DRF's exception handler marks it). A read called
    inside a transaction already (a test's) gets a savepoint, so that the rollback of its error
    stays its own.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.method in SAFE_METHODS and not transaction.get_connection().in_atomic_block:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return transaction.non_atomic_requests(wrapped)

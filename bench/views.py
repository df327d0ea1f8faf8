"""The floors and the base page: what requests cost on this stack, measured in the same run.

Each view goes through the full middleware stack and the production settings (sessions,
ATOMIC_REQUESTS, connection health checks), so a product endpoint's throughput divided by a
floor's says how much the endpoint itself costs, whatever the machine. The base page is a
reference, not a floor: what any signed-in page of the site costs before its own content.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.template import engines

from config.transactions import reads_in_autocommit
from plans.models import Plan
from ratelimit import store
from ratelimit.ip import client_ip
from ratelimit.rates import rate_for


@transaction.non_atomic_requests
def plain(request):
    """No database at all (not even the BEGIN/COMMIT pair): the request cycle and middleware."""
    return HttpResponse(b"ok", content_type="text/plain")


def primary_key(request):
    """One SELECT by primary key (the plan named by ?id=, or the first plan)."""
    pk = request.GET.get("id")
    plan = (
        Plan.objects.only("id", "title").get(pk=int(pk))
        if pk
        else Plan.objects.only("id", "title").first()
    )
    return JsonResponse({"id": plan.pk, "title": plan.title})


@transaction.non_atomic_requests
def ratelimit_hit(request):
    """Only the rate-limit upsert, on its dedicated connection, as every API request pays it."""
    decision = store.hit(
        scope="api",
        identifier_type="ip",
        identifier=client_ip(request),
        rate=rate_for("api", "ip"),
    )
    return JsonResponse(
        {"alias": settings.RATELIMIT_DATABASE_ALIAS, "remaining": decision.remaining}
    )


_BASE_ONLY = engines["django"].from_string('{% extends "base.html" %}')


@reads_in_autocommit
@login_required
def base_page(request):
    """A website page with nothing in it: the session, the signed-in user and base.html.

    What every signed-in page pays before its own content, so a page's latency budget can be
    set beside the least any page of the site costs in the same run.
    """
    return HttpResponse(_BASE_ONLY.render({}, request))

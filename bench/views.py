"""The floor: the least a request can cost on this stack, measured in the same run as the site.

Each view goes through the full middleware stack and the production settings (sessions,
ATOMIC_REQUESTS, connection health checks), so a product endpoint's throughput divided by a
floor's says how much the endpoint itself costs, whatever the machine.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse

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

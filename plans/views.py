"""Website views for plans: thin, reading through selectors and writing through services."""

from __future__ import annotations

from django.shortcuts import render

from plans.models import Plan


def home(request):
    """The landing page: what Wayfarer does, and a few public plans to start from."""
    featured = Plan.objects.public().select_related("user").order_by("-updated_at")[:6]
    return render(request, "plans/home.html", {"featured": featured})

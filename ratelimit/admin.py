"""Who is pushing hardest today: a read-only view of the counters with a logged reset."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from ratelimit.models import RateLimit
from ratelimit.services import rate_limits_reset


class WindowDateFilter(admin.SimpleListFilter):
    """Today's windows unless asked otherwise, so the list opens on the live picture."""

    title = "date"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("yesterday", "Yesterday"),
            ("7d", "Past 7 days"),
            ("all", "Any date"),
        ]

    def choices(self, changelist):
        current = self.value() or "today"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        today = timezone.now().astimezone(dt.UTC).date()
        match self.value() or "today":
            case "yesterday":
                return queryset.filter(reset_date=today - dt.timedelta(days=1))
            case "7d":
                return queryset.filter(reset_date__gte=today - dt.timedelta(days=6))
            case "all":
                return queryset
            case _:
                return queryset.filter(reset_date=today)


@admin.register(RateLimit)
class RateLimitAdmin(admin.ModelAdmin):
    list_display = [
        "identifier_display",
        "identifier_type",
        "scope",
        "request_count",
        "window_start",
        "last_request",
    ]
    list_filter = [WindowDateFilter, "identifier_type", "scope"]
    search_fields = ["identifier"]
    ordering = ["-request_count", "-last_request"]
    sortable_by = ["request_count", "last_request", "window_start", "scope", "identifier_type"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["reset_counters"]
    readonly_fields = [
        "identifier",
        "identifier_type",
        "scope",
        "window_start",
        "reset_date",
        "request_count",
        "last_request",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="identifier", ordering="identifier")
    def identifier_display(self, obj: RateLimit):
        """Users link to their admin page (a URL, not a query per row)."""
        if obj.identifier_type == RateLimit.IdentifierType.USER:
            app_label, model_name = settings.AUTH_USER_MODEL.lower().split(".")
            try:
                url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.identifier])
            except NoReverseMatch:
                return obj.identifier
            return format_html('<a href="{}">user #{}</a>', url, obj.identifier)
        return obj.identifier

    @admin.action(description="Reset selected counters to 0", permissions=["change"])
    def reset_counters(self, request, queryset):
        count = rate_limits_reset(rate_limits=queryset, actor=request.user)
        self.message_user(
            request, f"Reset {count} counter{'s' if count != 1 else ''}.", messages.SUCCESS
        )

from django.contrib import admin

from places.models import GeocodeCache


@admin.register(GeocodeCache)
class GeocodeCacheAdmin(admin.ModelAdmin):
    """Read-only: entries are written by searches and expire by themselves."""

    list_display = ["provider", "query", "created_at", "expires_at"]
    list_filter = ["provider"]
    search_fields = ["query"]
    readonly_fields = ["provider", "query", "results", "created_at", "expires_at"]

    def has_add_permission(self, request):
        return False

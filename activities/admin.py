"""Staff view of activities: find one quickly and correct its text; history on every row."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F

from activities.models import PlanActivity
from plans.admin import ReadOnlyHistoryAdmin


@admin.register(PlanActivity)
class PlanActivityAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "title",
        "plan",
        "plan_owner",
        "activity_type",
        "scheduled_date",
        "start_time",
        "order_index",
        "is_completed",
        "updated_at",
    ]
    list_select_related = ["plan", "plan__user"]
    list_filter = ["activity_type", "is_completed", ("scheduled_date", admin.DateFieldListFilter)]
    search_fields = ["title", "location_name", "plan__title", "plan__user__email"]
    raw_id_fields = ["plan"]
    show_full_result_count = False
    # Day and position belong to the itinerary services, which keep each day's order dense.
    readonly_fields = [
        "plan",
        "scheduled_date",
        "order_index",
        "is_completed",
        "version",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deletion would leave a gap in the day's order; travellers delete on the website.
        return False

    @admin.display(description="Owner", ordering="plan__user__email")
    def plan_owner(self, activity: PlanActivity) -> str:
        return activity.plan.user.email

    def save_model(self, request, obj, form, change):
        """Bump `version` like every other write, so API clients see the change."""
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version", "updated_at"])

"""API routes of the day planner, mounted under /api/v1/ by config/api.py."""

from django.urls import path, re_path

from activities.api import scheduling

app_name = "scheduling-api"

urlpatterns = [
    path("plans/<int:pk>/schedule/", scheduling.PlanScheduleApi.as_view(), name="schedule"),
    path("plans/<int:pk>/schedule/undo/", scheduling.ScheduleUndoApi.as_view(), name="undo"),
    re_path(
        r"^plans/(?P<pk>[0-9]+)/days/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/optimize/$",
        scheduling.DayOptimiseApi.as_view(),
        name="optimize-day",
    ),
]

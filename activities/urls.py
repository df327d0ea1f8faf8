"""Website routes of the activities app (included before plans.urls, so paths are explicit)."""

from django.urls import path

from activities import scheduling_views, views
from ratelimit.decorators import ratelimit

app_name = "activities"

_activity = "plans/<int:plan_pk>/activities/<int:pk>"

urlpatterns = [
    path("plans/<int:pk>/itinerary/", views.itinerary, name="itinerary"),
    path("plans/<int:pk>/calendar.ics", views.calendar_export, name="calendar"),
    path(
        "s/<link_token:token>/calendar.ics",
        ratelimit("share", methods=None)(views.shared_calendar_export),
        name="shared-calendar",
    ),
    path("plans/<int:plan_pk>/activities/add/", views.activity_add, name="add"),
    path("plans/<int:plan_pk>/activities/quick-add/", views.activity_quick_add, name="quick-add"),
    path("plans/<int:plan_pk>/activities/reorder/", views.activity_reorder, name="reorder"),
    path("plans/<int:plan_pk>/activities/import/", views.itinerary_import, name="import"),
    path("plans/<int:pk>/schedule/", scheduling_views.schedule, name="schedule"),
    path("plans/<int:pk>/schedule/undo/", scheduling_views.schedule_undo, name="schedule-undo"),
    path(
        "plans/<int:pk>/days/<day:day>/optimise/",
        scheduling_views.optimise_day,
        name="optimise-day",
    ),
    path(f"{_activity}/edit/", views.activity_edit, name="edit"),
    path(f"{_activity}/delete/", views.activity_delete, name="delete"),
    path(f"{_activity}/move/", views.activity_move_step, name="move-step"),
    path(f"{_activity}/move-to-day/", views.activity_move_day, name="move-day"),
    path(f"{_activity}/delay/", views.activity_delay, name="delay"),
    path(f"{_activity}/complete/", views.activity_complete, name="complete"),
]

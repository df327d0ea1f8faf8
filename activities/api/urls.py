"""API routes of the activities app, mounted under /api/v1/ by config/api.py.

The plan endpoints that include activities (the plan detail, shared, public detail, export,
import) live here because activities may import plans, not the other way round.
"""

from django.urls import path

from activities.api import views

app_name = "activities-api"
urlpatterns = [
    path("plans/<int:pk>/", views.PlanDetailApi.as_view(), name="plan-detail"),
    path("plans/<int:plan_pk>/activities/", views.ActivityListApi.as_view(), name="list"),
    path(
        "plans/<int:plan_pk>/activities/reorder/",
        views.ActivityReorderApi.as_view(),
        name="reorder",
    ),
    path(
        "plans/<int:plan_pk>/activities/import/", views.ActivityImportApi.as_view(), name="import"
    ),
    path(
        "plans/<int:plan_pk>/activities/<int:pk>/",
        views.ActivityDetailApi.as_view(),
        name="detail",
    ),
    path("plans/<int:plan_pk>/budget/", views.PlanBudgetApi.as_view(), name="budget"),
    path("plans/<int:plan_pk>/conflicts/", views.PlanConflictsApi.as_view(), name="conflicts"),
    path("plans/<int:pk>/export/", views.PlanExportApi.as_view(), name="export"),
    path("plans/import/", views.PlanImportApi.as_view(), name="plan-import"),
    path("shared/<link_token:share_token>/", views.SharedPlanApi.as_view(), name="shared"),
    path("public/plans/<int:pk>/", views.PublicPlanDetailApi.as_view(), name="public-detail"),
]

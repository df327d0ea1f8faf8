"""API routes of the plans app, mounted under /api/v1/ by config/api.py."""

from django.urls import path

from plans.api import views

app_name = "plans-api"
urlpatterns = [
    path("plans/", views.PlanListApi.as_view(), name="list"),
    # plans/<int:pk>/ is activities.api.views.PlanDetailApi (it can include the activities).
    path("plans/<int:pk>/share/", views.PlanShareApi.as_view(), name="share"),
    path("plans/<int:pk>/members/", views.PlanMembersApi.as_view(), name="members"),
    path("public/plans/", views.PublicPlanListApi.as_view(), name="public-list"),
]

"""API routes of the activities app, mounted under /api/v1/ by config/api.py."""

app_name = "activities-api"
urlpatterns: list = []

"""API routes of the plans app, mounted under /api/v1/ by config/api.py."""

app_name = "plans-api"
urlpatterns: list = []

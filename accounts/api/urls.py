"""API routes of the accounts app, mounted under /api/v1/ by config/api.py."""

app_name = "accounts-api"
urlpatterns: list = []

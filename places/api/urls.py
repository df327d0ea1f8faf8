"""API routes of the places app, mounted under /api/v1/ by config/api.py."""

from django.urls import path

from places.api import views

app_name = "places-api"
urlpatterns = [
    path("places/", views.PlaceSearchApi.as_view(), name="search"),
]

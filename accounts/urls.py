"""Website routes of the accounts app: the account settings pages under /account/."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("profile/", views.profile, name="profile"),
    path("name/", views.choose_name, name="choose_name"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/revoke/", views.session_revoke, name="session_revoke"),
    path("sessions/revoke-others/", views.session_revoke_others, name="session_revoke_others"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
]

"""Website routes of the plans app."""

from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.dashboard, name="dashboard"),
    path("plans/new/", views.plan_create, name="create"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="delete"),
    path("plans/<int:pk>/archive/", views.plan_archive, name="archive"),
    path("plans/<int:pk>/unarchive/", views.plan_unarchive, name="unarchive"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="publish"),
    path("plans/<int:pk>/unpublish/", views.plan_unpublish, name="unpublish"),
    path("plans/<int:pk>/share/", views.plan_share, name="share"),
    path("plans/<int:pk>/duplicate/", views.plan_duplicate, name="duplicate"),
    path("plans/<int:pk>/members/", views.plan_members, name="members"),
    path(
        "plans/<int:pk>/members/<int:member_pk>/role/",
        views.member_change_role,
        name="member-role",
    ),
    path(
        "plans/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("plans/<int:pk>/leave/", views.plan_leave, name="leave"),
    path("plans/<int:pk>/report/", views.plan_report, name="report"),
    path(
        "plans/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", views.invitation_respond, name="invitation"),
    path("s/<str:token>/", views.shared_plan, name="shared"),
    path("s/<str:token>/duplicate/", views.shared_plan_duplicate, name="shared-duplicate"),
    path("s/<str:token>/report/", views.shared_plan_report, name="shared-report"),
    path("explore/", views.explore, name="explore"),
]

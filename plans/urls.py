"""Website routes of the plans app."""

from django.urls import path

from plans import views
from ratelimit.decorators import by_ip, by_user, ratelimit

# Share links and invitation links are looked up by token: every visit counts per IP.
share_limited = ratelimit("share", methods=None)
invitation_lookup_limited = ratelimit("invitation", keys=[by_ip], methods=None)
# Sending invitations (a POST on the members page) counts per sender and per IP.
invitation_send_limited = ratelimit("invitation", keys=[by_user, by_ip])
# Reports notify staff: a generous quota per reporter and per IP stops floods.
report_limited = ratelimit("report", keys=[by_user, by_ip])

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.dashboard, name="dashboard"),
    path("plans/new/", views.plan_create, name="create"),
    path("plans/sample/", views.plan_copy_sample, name="copy-sample"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="delete"),
    path("plans/<int:pk>/archive/", views.plan_archive, name="archive"),
    path("plans/<int:pk>/unarchive/", views.plan_unarchive, name="unarchive"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="publish"),
    path("plans/<int:pk>/unpublish/", views.plan_unpublish, name="unpublish"),
    path("plans/<int:pk>/share/", views.plan_share, name="share"),
    path("plans/<int:pk>/visibility/", views.plan_visibility, name="visibility"),
    path("plans/<int:pk>/duplicate/", views.plan_duplicate, name="duplicate"),
    path("plans/<int:pk>/members/", invitation_send_limited(views.plan_members), name="members"),
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
    path("plans/<int:pk>/report/", report_limited(views.plan_report), name="report"),
    path(
        "plans/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "invitations/<link_token:token>/",
        invitation_lookup_limited(views.invitation_respond),
        name="invitation",
    ),
    path("s/<link_token:token>/", share_limited(views.shared_plan), name="shared"),
    path(
        "s/<link_token:token>/duplicate/",
        share_limited(views.shared_plan_duplicate),
        name="shared-duplicate",
    ),
    path(
        "s/<link_token:token>/report/",
        share_limited(report_limited(views.shared_plan_report)),
        name="shared-report",
    ),
    path("explore/", views.explore, name="explore"),
]

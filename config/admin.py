"""Wayfarer's admin site: Django's, with the sidebar's app list worked out once per set of
permissions instead of on every page.

Every admin page lists the apps and models the staff member may use (`available_apps`):
Django builds it anew each time, with two reverse() calls and four permission checks per
model, about a twentieth of the plan list's time. What it holds depends only on who may do
what (the permission checks), the language and the script prefix, so it is kept per process
under exactly those. Superusers may do everything; anyone else's permissions are the set the
auth backends already loaded for the page's own checks (no extra query). A permission granted
or taken away is a new set, hence a new key.

The lists are shared between requests: Django's views and templates only read them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import get_script_prefix
from django.utils.translation import get_language

from config.memo import Memo


class WayfarerAdminSite(admin.AdminSite):
    site_header = "Wayfarer back office"
    site_title = "Wayfarer back office"

    def __init__(self, name="admin"):
        super().__init__(name)
        # Distinct permission sets seen by one process; past 256, start over.
        self.app_lists = Memo(size=256)

    def get_app_list(self, request, app_label=None):
        user = request.user
        if not (user.is_active and user.is_staff):
            return super().get_app_list(request, app_label)
        permissions = None if user.is_superuser else frozenset(user.get_all_permissions())
        key = (app_label, permissions, get_language(), get_script_prefix())
        return self.app_lists.get(
            key, lambda: super(WayfarerAdminSite, self).get_app_list(request, app_label)
        )


class WayfarerAdminConfig(AdminConfig):
    """django.contrib.admin with WayfarerAdminSite as `admin.site` (INSTALLED_APPS)."""

    default_site = "config.admin.WayfarerAdminSite"

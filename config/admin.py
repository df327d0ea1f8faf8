"""Wayfarer's admin site: Django's, with the back office's name in its header and title."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class WayfarerAdminSite(admin.AdminSite):
    site_header = "Wayfarer back office"
    site_title = "Wayfarer back office"


class WayfarerAdminConfig(AdminConfig):
    """django.contrib.admin with WayfarerAdminSite as `admin.site` (INSTALLED_APPS)."""

    default_site = "config.admin.WayfarerAdminSite"

"""Wayfarer's admin site: Django's, with the back office's name in its header and title, and
JSON documents edited as the API reads them."""

from __future__ import annotations

import functools
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import SuspiciousOperation
from django.db import models

from config.parsers import StrictJSONDecoder


class WayfarerAdminSite(admin.AdminSite):
    site_header = "Wayfarer back office"
    site_title = "Wayfarer back office"

    def admin_view(self, view, cacheable=False):
        """Every admin page, the autocomplete too, answers 400 to a query holding a NUL byte.

        List filters and the autocomplete hand query values to PostgreSQL, which refuses NUL
        (psycopg.DataError, a 500); no value with one can match anything stored.
        """
        checked = super().admin_view(view, cacheable)

        @functools.wraps(checked)
        def without_nul(request, *args, **kwargs):
            if any("\x00" in text for item in request.GET.lists() for text in (item[0], *item[1])):
                raise SuspiciousOperation("An admin query holds a NUL byte.")
            return checked(request, *args, **kwargs)

        return without_nul


class WayfarerAdminConfig(AdminConfig):
    """django.contrib.admin with WayfarerAdminSite as `admin.site` (INSTALLED_APPS)."""

    default_site = "config.admin.WayfarerAdminSite"


class PrettyJSONField(forms.JSONField):
    """Shows the document indented, so staff can read and edit it; reads it as the API does
    (config.parsers: a depth limit, no repeated keys, no NUL), so no input is a 500."""

    def __init__(self, **kwargs):
        if kwargs.get("decoder") is None:
            kwargs["decoder"] = StrictJSONDecoder
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


# `formfield_overrides` for a ModelAdmin with JSON documents (activity metadata, preferences).
JSON_DOCUMENTS = {models.JSONField: {"form_class": PrettyJSONField}}

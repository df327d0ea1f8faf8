"""Wayfarer's admin site: Django's, with the back office's name in its header and title, and
JSON documents edited as the API reads them."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import models

from config.parsers import StrictJSONDecoder


class WayfarerAdminSite(admin.AdminSite):
    site_header = "Wayfarer back office"
    site_title = "Wayfarer back office"


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

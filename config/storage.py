"""Static file storages with hashed names whose URLs are worked out once per process.

`{% static %}` asks the storage for a file's URL: it looks the name up in the manifest,
splits, unquotes and quotes the path again and joins it to STATIC_URL, about 10 µs a file on
every page (the admin's pages link seventeen). The manifest is read when a process starts and
only a deploy (collectstatic, then new processes) changes it, so each name's URL is kept. A
name missing from the manifest still raises, every time; a settings change empties the memo.
"""

from __future__ import annotations

import weakref

from django.contrib.staticfiles import storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseStorage

_storages: weakref.WeakSet = weakref.WeakSet()


class KeptURLsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_urls: dict[str, str] = {}
        _storages.add(self)

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self.kept_urls.get(name)
        if url is None:
            url = self.kept_urls[name] = super().url(name)
        return url


class ManifestStaticFilesStorage(KeptURLsMixin, storage.ManifestStaticFilesStorage):
    """Django's hashed names (the bench, which skips compressing)."""


class CompressedManifestStaticFilesStorage(KeptURLsMixin, WhiteNoiseStorage):
    """whitenoise's hashed and compressed files (production)."""


@receiver(setting_changed)
def _forget_urls(**kwargs) -> None:
    for kept in list(_storages):
        kept.kept_urls.clear()

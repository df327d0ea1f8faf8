"""Static file storages with hashed names whose URLs are worked out once per process.

`{% static %}` asks the storage for a file's URL: it looks the name up in the manifest,
splits, unquotes and quotes the path again and joins it to STATIC_URL, about 10 µs a file on
every page (the admin's pages link seventeen). The manifest is read when a process starts and
only a deploy (collectstatic, then new processes) changes it, so each name's URL is kept. A
name missing from the manifest still raises, every time; a settings change empties the memo.
"""

from __future__ import annotations

from django.contrib.staticfiles import storage
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseStorage

from config.memo import Memo


class KeptURLsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_urls = Memo()  # one entry per static file: bounded by the manifest

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        return self.kept_urls.get(name, lambda: super(KeptURLsMixin, self).url(name))


class ManifestStaticFilesStorage(KeptURLsMixin, storage.ManifestStaticFilesStorage):
    """Django's hashed names (the bench, which skips compressing)."""


class CompressedManifestStaticFilesStorage(KeptURLsMixin, WhiteNoiseStorage):
    """whitenoise's hashed and compressed files (production)."""

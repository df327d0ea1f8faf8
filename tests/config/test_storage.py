"""config.storage: static URLs kept per process are the hashed URLs Django's storage gives."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import storage

from config.storage import CompressedManifestStaticFilesStorage, ManifestStaticFilesStorage

PATHS = {"css/site.css": "css/site.0123abcd.css", "img/a b.png": "img/a b.99ef.png"}


@pytest.fixture
def root(tmp_path):
    manifest = {"version": "1.1", "paths": PATHS, "hash": "feed"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


@pytest.mark.parametrize("kept", [ManifestStaticFilesStorage, CompressedManifestStaticFilesStorage])
def test_kept_urls_are_djangos(root, kept):
    ours = kept(location=root, base_url="/static/")
    djangos = storage.ManifestStaticFilesStorage(location=root, base_url="/static/")
    for name, expected in [
        ("css/site.css", "/static/css/site.0123abcd.css"),
        ("img/a b.png", "/static/img/a b.99ef.png"),
    ]:
        assert ours.url(name) == djangos.url(name) == expected
        assert ours.url(name) == expected
        assert ours.kept_urls.entries[name] == expected


def test_a_file_missing_from_the_manifest_raises_every_time(root):
    ours = ManifestStaticFilesStorage(location=root, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("js/nowhere.js")
    assert ours.kept_urls.entries == {}


def test_a_settings_change_forgets_the_urls(root, settings):
    """With DEBUG on, Django's storage serves unhashed names: nothing kept from before."""
    ours = ManifestStaticFilesStorage(location=root, base_url="/static/")
    assert ours.url("css/site.css") == "/static/css/site.0123abcd.css"
    settings.DEBUG = True
    assert ours.url("css/site.css") == "/static/css/site.css"

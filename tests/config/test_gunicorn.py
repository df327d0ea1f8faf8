"""The web server's warm-up: each gunicorn worker builds the city index as it starts."""

from __future__ import annotations

import threading
from pathlib import Path

from accounts import locales
from config import gunicorn
from places import index

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


def test_the_procfiles_web_line_reads_the_gunicorn_settings():
    [web] = [line for line in PROCFILE.read_text().splitlines() if line.startswith("web:")]
    assert "--config python:config.gunicorn" in web


def test_a_new_worker_builds_the_city_index_in_the_background():
    index._build_city_index.cache_clear()
    locales.locale_choices.cache_clear()
    gunicorn.post_fork(server=None, worker=None)
    [warm_up] = [t for t in threading.enumerate() if t.name == "city-index-warm-up"]
    assert warm_up.daemon  # never holds up a worker's exit
    warm_up.join(timeout=60)
    assert index._build_city_index.cache_info().currsize == 1
    # A search afterwards uses the index built, not a new one.
    assert index.city_index() is index._build_city_index()
    assert index.city_index().search("lisbon", limit=1)[0].name == "Lisbon"
    # And the profile page's locale list.
    assert locales.locale_choices.cache_info().currsize == 1

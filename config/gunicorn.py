"""Gunicorn's settings for the Procfile's web line (`--config python:config.gunicorn`).

Only the warm-up lives here; workers, bind address and logs stay on the command line.
"""

from __future__ import annotations

import threading


def post_fork(server, worker) -> None:
    """Build what the first requests would otherwise wait for, in the background as each
    worker starts: place search's city index (docs/places.md, "Warm-up") and the list of
    format locales the profile and sign-up pages offer (it reads every locale's CLDR data).

    A thread, not the master before forking: workers load the app themselves (no preload), so
    what the master built would be rebuilt in each worker anyway. Requests are served
    meanwhile; a search that arrives before the index is ready waits for this build.
    """
    threading.Thread(target=_warm_up, name="city-index-warm-up", daemon=True).start()


def _warm_up() -> None:
    from accounts.locales import locale_choices
    from places.index import city_index

    city_index()
    locale_choices()

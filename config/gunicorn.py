"""Gunicorn's settings for the Procfile's web line (`--config python:config.gunicorn`).

Only the warm-up lives here; workers, bind address and logs stay on the command line.
"""

from __future__ import annotations

import threading


def post_fork(server, worker) -> None:
    """Build place search's city index in the background as each worker starts, so the first
    traveller to search does not wait for it (docs/places.md, "Warm-up").

    A thread, not the master before forking: workers load the app themselves (no preload), so
    an index built in the master would be rebuilt in each worker anyway. Requests are served
    meanwhile; a search that arrives before the index is ready waits for this build.
    """
    from places.index import city_index

    threading.Thread(target=city_index, name="city-index-warm-up", daemon=True).start()

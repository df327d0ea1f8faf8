"""Benchmarks (`make bench`): production settings on loopback, with the bench-only floor views.

bench/run.py sets the environment (a generated SECRET_KEY, DATABASE_URL of the bench database,
ALLOWED_HOSTS=127.0.0.1, PUBLIC_URL=http://127.0.0.1) before Django or gunicorn start.
Everything else is production's: DEBUG off, persistent connections, ATOMIC_REQUESTS, the
database throttle on every API view, hashed static files. Only what a loopback run cannot do
differs: no HTTPS redirect, and quotas so generous that the throttle counts every request but
never refuses one.
"""

from .production import *  # noqa: F403
from .production import BASE_DIR, RATELIMIT_RATES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# bench/urls.py is config.urls plus /_bench/plain, /_bench/pk and /_bench/ratelimit; the floor
# views exist only under these settings, never in production URLs.
ROOT_URLCONF = "bench.urls"

# Hashed names as in production, collected once into a git-ignored folder (no compression:
# whitenoise serves the same bytes either way, and the bench never fetches static files).
STATIC_ROOT = BASE_DIR / "bench" / "results" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

RATELIMIT_RATES = {
    **RATELIMIT_RATES,
    "api": {"ip": "1000000000/day", "user": "1000000000/day"},
}

# Only warnings: an INFO line per request would measure the log pipe, not the site.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

"""Tests: PostgreSQL always (embedded unless DATABASE_URL is set), fast hashing, in-memory email."""

from config.embedded_db import embedded_data_dir, embedded_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR, database_settings, env, mail_settings, ratelimit_database

DEBUG = False
SECRET_KEY = "test-only-not-secret-3c9e8f1a2b7d4e6f0a1b2c3d4e5f6a7b8c9d0e1f"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {
    "default": database_settings(
        env.str("DATABASE_URL", default="")
        or embedded_database_url(
            embedded_data_dir(env.str("EMBEDDED_POSTGRES_DIR", default=""), BASE_DIR)
        )
    )
}
# Tests open and close many connections across threads; do not keep them.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Counters share the test transaction (rolled back per test); tests of the dedicated
# connection switch RATELIMIT_DATABASE_ALIAS to "ratelimit", a mirror of the test database.
DATABASES["ratelimit"] = ratelimit_database(DATABASES["default"])
RATELIMIT_DATABASE_ALIAS = "default"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(mail_settings("django.core.mail.backends.locmem.EmailBackend"))
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# No collectstatic outside production: whitenoise serves from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

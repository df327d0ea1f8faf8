"""Local development: DEBUG on, console email, embedded PostgreSQL unless DATABASE_URL is set."""

from config.embedded_db import embedded_data_dir, embedded_database_url

from .base import *  # noqa: F403
from .base import BASE_DIR, database_settings, env, ratelimit_database

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="local-development-only-not-secret-9f2c1d7e4b8a6035e1f7c2d94ab0"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

DATABASES = {
    "default": database_settings(
        env.str("DATABASE_URL", default="")
        or embedded_database_url(
            embedded_data_dir(env.str("EMBEDDED_POSTGRES_DIR", default=""), BASE_DIR)
        )
    )
}
DATABASES["ratelimit"] = ratelimit_database(DATABASES["default"])

# No collectstatic outside production: whitenoise serves from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

"""Production: every secret from the environment, HTTPS only, hashed and compressed static files."""

from .base import *  # noqa: F403
from .base import database_settings, env, mail_settings, ratelimit_database, site_origin

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
PUBLIC_URL = site_origin(env.str("PUBLIC_URL"))
DATABASES = {"default": database_settings(env.str("DATABASE_URL"))}
DATABASES["ratelimit"] = ratelimit_database(DATABASES["default"])

# HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files that whitenoise serves with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

globals().update(
    mail_settings(
        env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        host=env.str("EMAIL_HOST", default="localhost"),
        port=env.int("EMAIL_PORT", default=587),
        username=env.str("EMAIL_HOST_USER", default=""),
        password=env.str("EMAIL_HOST_PASSWORD", default=""),
        use_tls=env.bool("EMAIL_USE_TLS", default=True),
    )
)

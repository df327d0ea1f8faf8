"""Settings shared by every environment; deploy-specific values come from the environment."""

from __future__ import annotations

import copy
import operator
from pathlib import Path
from urllib.parse import urlsplit

import django
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Applications
DJANGO_APPS = [
    "config.admin.WayfarerAdminConfig",  # django.contrib.admin with Wayfarer's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
]
LOCAL_APPS = [
    "accounts",
    "plans",
    "activities",
    "ratelimit",
    "places",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserSessionActivityMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: subclasses set DATABASES; these apply to every connection.
DATABASE_CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def database_settings(url: str) -> dict:
    """Parse a DATABASE_URL and apply the connection policy every environment shares."""
    config = env.db_url_config(url)
    config.update(
        ENGINE="django.db.backends.postgresql",
        ATOMIC_REQUESTS=True,
        CONN_MAX_AGE=DATABASE_CONN_MAX_AGE,
        # A kept connection is checked (SELECT 1) before its first use in each request, so one
        # the database dropped while idle (a restart, a failover) is replaced, not a 500.
        CONN_HEALTH_CHECKS=True,
    )
    # Server-side binding lets psycopg prepare a statement after five executions on a
    # connection (Django's default of None never prepares): the hot reads (token, plan, page,
    # count) then skip PostgreSQL's planner, which took about as long as running them.
    # Behind PgBouncer in transaction mode this needs PgBouncer 1.21+ (max_prepared_statements).
    options = config.setdefault("OPTIONS", {})
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", 5)
    return config


# Authentication
AUTH_USER_MODEL = "accounts.User"
# Django's (the admin's username sign-in) and allauth's (email sign-in on the site).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# After signing in or up (and the name step after sign-up), travellers land on My plans.
LOGIN_REDIRECT_URL = "plans:dashboard"
LOGOUT_REDIRECT_URL = "/"

# Django's database sessions (the session list joins this table), which read a malformed
# session cookie (a NUL byte, say) as no session instead of looking it up.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Internationalisation. The site is in English only: no LocaleMiddleware, so every request is
# in LANGUAGE_CODE whatever its Accept-Language. Dates, times and money follow the traveller's
# locale instead, through Babel (accounts.locales, accounts.formatting, docs/locale.md).
# USE_I18N off makes Django skip the translation lookups that would only ever find the English
# text (a hundred on an admin page, a tenth of its time); pages are byte for byte the same.
# Turning it on again needs nothing else: the per-process caches (the admin rows, the
# itinerary) key on the language.
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Static files, served by whitenoise; no CDN anywhere.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The product's name and the address the public reaches the site at (scheme and host, no path):
# every link in an email is built on it, whatever host a request came in on.
PRODUCT_NAME = "Wayfarer"


def site_origin(value: str) -> str:
    """PUBLIC_URL as `scheme://host[:port]`; anything else stops the process at start."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ImproperlyConfigured(
            f"PUBLIC_URL must be a scheme and host such as https://wayfarer.example.com, "
            f"not {value!r}."
        )
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"PUBLIC_URL must not have a query or fragment: {value!r}.")
    return f"{parts.scheme}://{parts.netloc}"


PUBLIC_URL = site_origin(env.str("PUBLIC_URL", default="http://127.0.0.1:8000"))

# Email
_EMAIL_SETTING_OF_OPTION = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
}


def mail_settings(backend: str, **options) -> dict:
    """Where email goes: Django 6.1's MAILERS, or the EMAIL_* settings it replaces on 5.2 LTS.

    Both Django lines run the suite (docs/upgrading.md); 6.1 deprecates the EMAIL_* names.
    """
    if django.VERSION >= (6, 1):
        return {"MAILERS": {"default": {"BACKEND": backend, "OPTIONS": options}}}
    return {
        "EMAIL_BACKEND": backend,
        **{_EMAIL_SETTING_OF_OPTION[name]: value for name, value in options.items()},
    }


globals().update(
    mail_settings(
        env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    )
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Wayfarer <noreply@wayfarer.local>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Admin lives at a configurable path so it is not where scanners look first.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")

# Logging: one line per record on stdout, with the request id where there is one.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdLogFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}

# django-allauth: email login, optional verification (required for public sharing and tokens).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the home time zone (docs/time-zones.md); social sign-up forms too.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False


def _oauth_app(prefix: str) -> list[dict]:
    """A provider is configured only when both its id and secret are in the environment."""
    client_id = env.str(f"{prefix}_CLIENT_ID", default="")
    secret = env.str(f"{prefix}_CLIENT_SECRET", default="")
    return [{"client_id": client_id, "secret": secret, "key": ""}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "APPS": _oauth_app("GOOGLE"),
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "VERIFIED_EMAIL": False,
    },
    "facebook": {
        "APPS": _oauth_app("FACEBOOK"),
        "METHOD": "oauth2",
        "SCOPE": ["email", "public_profile"],
        "VERIFIED_EMAIL": False,
    },
}

# Django REST framework; the API issue extends these defaults.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.authentication.TokenScopePermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["config.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.SingleValuedQueryParams",
        "config.filters.FilterSetBackend",
    ],
    # API issue: one pagination style, one error mapping.
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberSizePagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
}
# The public gallery's page counts (config.pagination.LargeCountCachingPaginator): a count of
# at least this many rows is remembered this many seconds (0 counts every request exactly).
PAGINATION_COUNT_CACHE_FROM = env.int("PAGINATION_COUNT_CACHE_FROM", default=1000)
PAGINATION_COUNT_CACHE_SECONDS = env.int("PAGINATION_COUNT_CACHE_SECONDS", default=60)
SPECTACULAR_SETTINGS = {
    "TITLE": "Wayfarer API",
    "DESCRIPTION": "Plans, itineraries and sharing for third-party apps.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # API issue: read-only fields stay out of request bodies; stable enum names.
    "COMPONENT_SPLIT_REQUEST": True,
    # Errors that come from the parser and Django's handlers, not from one view (config.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_errors_of_every_operation",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PlanRoleEnum": "plans.models.Role",
        "MemberRoleEnum": "plans.models.PlanMember.MEMBER_ROLES",
    },
}

# accounts: adapters, social linking rules, token auth for the API, session activity.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# Google asserts `email_verified`; allauth reads that claim itself, so VERIFIED_EMAIL stays
# False (True would mark every Google address verified, claim or not). Only Google may sign
# into an existing account by a verified email, and then the identity is connected to it.
SOCIALACCOUNT_PROVIDERS["google"]["EMAIL_AUTHENTICATION"] = True
SOCIALACCOUNT_PROVIDERS["facebook"]["EMAIL_AUTHENTICATION"] = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# allauth's emails and messages name the product and the traveller's public name, never the
# request's host or the username it generated from the email address.
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PRODUCT_NAME}] "
ACCOUNT_USER_DISPLAY = operator.attrgetter("public_name")
ACCOUNT_CHANGE_EMAIL = True

# activities: map tiles for the itinerary map (any XYZ tile server; the page works without it).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default=(
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ),
)

# Caches live in each process's memory: nothing here needs them shared. `itinerary` holds
# rendered itineraries (activities.templatetags.itinerary.plan_itinerary), about 3 KB per
# activity each, keyed by the state they show, so an entry is never stale, only unused.
# Entries and their size are capped (an itinerary over the size is rendered each time):
# at most 100 x 512 KB per web process. `fragments` holds the parts of the plan page that
# hold no form and are kept with {% cache ... using="fragments" %}, a few KB each.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "itinerary": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "itinerary",
        "TIMEOUT": env.int("ITINERARY_CACHE_SECONDS", default=600),
        "OPTIONS": {"MAX_ENTRIES": env.int("ITINERARY_CACHE_ENTRIES", default=100)},
    },
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=2000)},
    },
}
ITINERARY_CACHE_MAX_KB = env.int("ITINERARY_CACHE_MAX_KB", default=512)

# ratelimit: exact quotas in PostgreSQL (see ratelimit/__init__.py). Rates are "<count>/<period>"
# with periods like 30s, 15m, hour, day; windows are fixed and roll over on UTC boundaries.
RATELIMIT_RATES = {
    "api": {
        "ip": env.str("RATELIMIT_API_ANON", default="1000/day"),
        "user": env.str("RATELIMIT_API_USER", default="10000/day"),
    },
    "login": {
        "ip": env.str("RATELIMIT_LOGIN_IP", default="10/15m"),
        "account": env.str("RATELIMIT_LOGIN_ACCOUNT", default="10/15m"),
    },
    "signup": {"ip": env.str("RATELIMIT_SIGNUP_IP", default="10/hour")},
    "password_reset": {
        "ip": env.str("RATELIMIT_PASSWORD_RESET_IP", default="20/hour"),
        "account": env.str("RATELIMIT_PASSWORD_RESET_ACCOUNT", default="5/hour"),
    },
    "invitation": {
        "user": env.str("RATELIMIT_INVITATION_USER", default="50/day"),
        "ip": env.str("RATELIMIT_INVITATION_IP", default="100/hour"),
    },
    "share": {"ip": env.str("RATELIMIT_SHARE_IP", default="300/hour")},
    "report": {
        "user": env.str("RATELIMIT_REPORT_USER", default="20/day"),
        "ip": env.str("RATELIMIT_REPORT_IP", default="50/hour"),
    },
    # Place search as you type: a request per pause in typing.
    "places": {
        "user": env.str("RATELIMIT_PLACES_USER", default="120/minute"),
        "ip": env.str("RATELIMIT_PLACES_IP", default="240/minute"),
    },
    # Requests to the geocoder from every process together; public Nominatim allows 1/s.
    "geocoder": {"provider": env.str("RATELIMIT_GEOCODER", default="1/s")},
}
# X-Forwarded-For is read only from these proxies: their count in front of the app and/or their
# networks (CIDR). Both empty means REMOTE_ADDR is the client.
RATELIMIT_TRUSTED_PROXY_COUNT = env.int("RATELIMIT_TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_TRUSTED_PROXIES = env.list("RATELIMIT_TRUSTED_PROXIES", default=[])
# Counters use their own autocommit connection so a hit survives a failed request.
RATELIMIT_DATABASE_ALIAS = env.str("RATELIMIT_DATABASE_ALIAS", default="ratelimit")


def ratelimit_database(default: dict) -> dict:
    """The counters' connection: the same database, autocommit, never wrapped in a request.

    synchronous_commit=off: a hit does not wait for the WAL flush (on a busy disk, longer than
    the rest of the check). Counting stays exact; a database crash can forget the
    last fraction of a second of hits, which a rate limiter can afford.
    """
    config = copy.deepcopy(default)
    options = config.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    # The upsert is the only statement this connection runs: prepare it on its first execution
    # (prepare_threshold 0; Django's default of None never prepares) and reuse the plan, which
    # needs server-side binding. Behind PgBouncer in transaction mode this needs 1.21 or newer.
    options["server_side_binding"] = True
    options["prepare_threshold"] = 0
    # Health-checked like `default`: a connection the database dropped between requests is
    # replaced before the hit is sent, which lets the store send each upsert once (its docstring).
    return {
        **config,
        "ATOMIC_REQUESTS": False,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }


REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["ratelimit.throttling.ApiThrottle"]
MIDDLEWARE.append("ratelimit.middleware.RateLimitHeadersMiddleware")
# The database limits replace allauth's cache-based ones for these actions (the cache is per
# process and inexact); allauth keeps its other limits (email confirmation, password change...).
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None, "signup": None, "reset_password": None}

# planner (activities): the day planner's travel model, day window, durations and pace caps.
# Travel time = great-circle distance at walking speed below the threshold, else at the
# transit/driving speed, plus a fixed buffer per leg.
PLANNER_WALK_THRESHOLD_KM = env.float("PLANNER_WALK_THRESHOLD_KM", default=1.5)
PLANNER_WALK_SPEED_KMH = env.float("PLANNER_WALK_SPEED_KMH", default=4.5)
PLANNER_TRANSIT_SPEED_KMH = env.float("PLANNER_TRANSIT_SPEED_KMH", default=25.0)
PLANNER_BUFFER_MINUTES = env.int("PLANNER_BUFFER_MINUTES", default=5)
# The day window when the traveller has no preferred activity times ("HH:MM").
PLANNER_DAY_START = env.str("PLANNER_DAY_START", default="09:00")
PLANNER_DAY_END = env.str("PLANNER_DAY_END", default="21:00")
# Minutes per activity type when an activity has no duration (JSON object in the env).
PLANNER_DEFAULT_DURATIONS = env.json(
    "PLANNER_DEFAULT_DURATIONS",
    default={
        "accommodation": 30,
        "transport": 60,
        "attraction": 120,
        "restaurant": 90,
        "activity": 120,
        "other": 60,
        "nightlife": 120,
    },
)
# When each activity type usually starts, as windows of ["earliest", "latest"] start times
# ("HH:MM"): meals at lunch or dinner time, nightlife in the evening. The planner starts such
# activities only inside a window; types not listed start any time (JSON object in the env).
PLANNER_TYPICAL_HOURS = env.json(
    "PLANNER_TYPICAL_HOURS",
    default={
        "nightlife": [["19:00", "23:59"]],
        "restaurant": [["12:00", "14:30"], ["19:00", "22:00"]],
    },
)
# Per pace in plan_data.preferences: most activities and busy hours per day (null = no cap).
PLANNER_PACE_CAPS = env.json(
    "PLANNER_PACE_CAPS",
    default={
        "relaxed": {"max_activities": 3, "max_hours": 6},
        "moderate": {"max_activities": 5, "max_hours": 9},
        "fast": {"max_activities": 8, "max_hours": 12},
    },
)

# --- plans: admin and history ------------------------------------------------------------------
# Staff read history in the admin but do not "revert" to an old row: a revert would bypass the
# services (version bump, report resolution) that every other write goes through.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- places: place search ----------------------------------------------------------------------
# The offline city index always answers. A geocoder adds addresses and places of interest:
# "nominatim" or "photon" (their protocols, through geopy), "" for none. Its URL defaults to the
# public service; public Nominatim's usage policy asks for a user agent naming the application.
PLACES_GEOCODER = env.str("PLACES_GEOCODER", default="")
if PLACES_GEOCODER not in {"", "nominatim", "photon"}:
    raise ImproperlyConfigured(
        f'PLACES_GEOCODER must be "", "nominatim" or "photon", not {PLACES_GEOCODER!r}.'
    )
PLACES_GEOCODER_URL = env.str("PLACES_GEOCODER_URL", default="")
PLACES_GEOCODER_USER_AGENT = env.str("PLACES_GEOCODER_USER_AGENT", default="")
# Seconds to wait for the geocoder before answering with the offline results alone.
PLACES_GEOCODER_TIMEOUT = env.float("PLACES_GEOCODER_TIMEOUT", default=3.0)
PLACES_GEOCODER_CACHE_DAYS = env.int("PLACES_GEOCODER_CACHE_DAYS", default=30)

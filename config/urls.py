"""Root URLs: the website, allauth, the admin at a configurable path, the API under /api/v1/."""

from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import health
from ratelimit.decorators import by_ip, by_posted_email, ratelimit

# Staff sign in through allauth like everyone else: its rate limits, verification and
# (later) MFA apply; the admin's own password form is never shown. ADMIN_URL comes from env.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    # ratelimit: allauth's login, sign-up and password reset behind database rate limits; same
    # paths and names as allauth's own, listed first so they win.
    path(
        "accounts/login/",
        ratelimit("login", keys=[by_ip, by_posted_email("login")])(account_views.login),
        name="account_login",
    ),
    path("accounts/signup/", ratelimit("signup")(account_views.signup), name="account_signup"),
    path(
        "accounts/password/reset/",
        ratelimit("password_reset", keys=[by_ip, by_posted_email("email")])(
            account_views.password_reset
        ),
        name="account_reset_password",
    ),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("api/", include("config.api")),
    path("", include("activities.urls")),
    path("", include("plans.urls")),
]

# Django's error handlers: JSON under /api/, the site's error pages elsewhere.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

"""Settings: production refuses to start without its secrets and passes the deploy checks."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse

from config.settings.base import site_origin

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7!k2#p9-a-long-random-production-secret-for-the-deploy-check-q8w",
    "DATABASE_URL": "postgres://wayfarer:secret@db.internal:5432/wayfarer",
    "ALLOWED_HOSTS": "wayfarer.example.com",
    "PUBLIC_URL": "https://wayfarer.example.com",
}


def _run_manage(args: list[str], env_overrides: dict[str, str], drop: tuple[str, ...] = ()):
    # A production process never has the test-only async escape hatch.
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "PUBLIC_URL"])
def test_production_settings_refuse_to_start_without_secret(missing):
    """Production settings fail at import, naming the missing variable."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run_manage(["check"], env, drop=(missing,))
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("https://wayfarer.example.com", "https://wayfarer.example.com"),
        ("https://wayfarer.example.com/", "https://wayfarer.example.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("wayfarer.example.com", None),
        ("https://wayfarer.example.com/app/", None),
        ("https://wayfarer.example.com/?x=1", None),
        ("ftp://wayfarer.example.com", None),
    ],
)
def test_public_url_is_a_scheme_and_host(value, origin):
    """Emails link to PUBLIC_URL + path: anything but an origin would make broken links."""
    if origin is None:
        with pytest.raises(ImproperlyConfigured, match="PUBLIC_URL"):
            site_origin(value)
    else:
        assert site_origin(value) == origin


def test_production_settings_pass_deploy_checks():
    """`check --deploy --fail-level WARNING` is clean with production settings."""
    result = _run_manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_database_under_test_is_postgresql():
    """The suite runs on PostgreSQL, never SQLite."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 140000


@pytest.mark.django_db
def test_no_missing_migrations():
    """Every model change has its migration."""
    from django.core.management import call_command

    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations --check found missing migrations (exit {exit_.code})")


def _pages(client, staff, traveller, plan) -> dict[str, str]:
    """The pages a traveller and a moderator see most, CSRF tokens blanked."""
    pages = {}
    for who, paths in [
        (None, ["/accounts/login/", "/accounts/signup/", "/explore/"]),
        (traveller, ["/plans/", plan.get_absolute_url(), f"/plans/{plan.pk}/edit/"]),
        (
            staff,
            [
                reverse("admin:index"),
                reverse("admin:plans_plan_changelist"),
                reverse("admin:plans_plan_change", args=[plan.pk]),
            ],
        ),
    ]:
        client.logout()
        if who is not None:
            client.force_login(who)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            pages[path] = re.sub(r'(value|content)="[A-Za-z0-9]{64}"', "TOKEN", response.text)
    return pages


@pytest.mark.django_db
def test_pages_are_the_same_without_the_translation_machinery(client, settings, request):
    """USE_I18N is off (English only, no LocaleMiddleware): every page reads exactly as it does
    with Django's translations on."""
    from tests.factories import PlanActivityFactory, PlanFactory, UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    plan = PlanFactory(start_date=dt.date(2027, 3, 5), end_date=dt.date(2027, 3, 8))
    PlanActivityFactory.create_batch(3, plan=plan)
    assert settings.USE_I18N is False
    without = _pages(client, staff, plan.user, plan)
    request.getfixturevalue("translations")
    assert _pages(client, staff, plan.user, plan) == without

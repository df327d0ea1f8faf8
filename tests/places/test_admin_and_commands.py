"""The geocode cache in the back office and its purge command; the geocoder setting."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from places.models import GeocodeCache
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _entry(query: str, *, expires_in: dt.timedelta) -> GeocodeCache:
    return GeocodeCache.objects.create(
        provider="photon", query=query, results=[], expires_at=timezone.now() + expires_in
    )


def test_purge_deletes_only_expired_entries():
    _entry("old", expires_in=-dt.timedelta(seconds=1))
    _entry("fresh", expires_in=dt.timedelta(days=1))
    out = StringIO()
    call_command("purge_geocode_cache", stdout=out)
    assert out.getvalue() == "Deleted 1 expired geocode cache entries.\n"
    assert list(GeocodeCache.objects.values_list("query", flat=True)) == ["fresh"]


def test_staff_read_the_cache_but_do_not_add_to_it(client):
    _entry("tile museum, lisbon", expires_in=dt.timedelta(days=1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse("admin:places_geocodecache_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert "tile museum, lisbon" in changelist.text
    add = client.get(reverse("admin:places_geocodecache_add"))
    assert add.status_code == HTTPStatus.FORBIDDEN


def test_an_unknown_geocoder_stops_the_start():
    """A typo in PLACES_GEOCODER fails at start, naming the choices, not at the first search."""
    env = {**os.environ, "PLACES_GEOCODER": "nominatm"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert """PLACES_GEOCODER must be "", "nominatim" or "photon", not 'nominatm'.""" in (
        result.stderr
    )

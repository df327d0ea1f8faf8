"""Delete expired geocoder answers: `manage.py purge_geocode_cache`, daily from cron or a
scheduler. Searches ignore expired entries already; this only keeps the table small."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from places.services import geocode_cache_purge


class Command(BaseCommand):
    help = "Delete geocoder answers older than PLACES_GEOCODER_CACHE_DAYS."

    def handle(self, *args, verbosity: int, **options):
        deleted = geocode_cache_purge()
        if verbosity:
            self.stdout.write(f"Deleted {deleted} expired geocode cache entries.")

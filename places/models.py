"""The geocoding cache: a geocoder's answers kept in PostgreSQL, shared by every process."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class GeocodeCache(models.Model):
    """One geocoder's results for one normalised query, reused until `expires_at`."""

    provider = models.CharField(max_length=20)
    query = models.CharField(max_length=200)
    results = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "geocode cache entry"
        verbose_name_plural = "geocode cache"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "query"], name="geocode_cache_unique_query"
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="geocode_cache_expires_idx")]

    def __str__(self):
        return f"{self.provider}: {self.query}"

"""Per-window request counters; see the package docstring for the design."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class RateLimit(models.Model):
    class IdentifierType(models.TextChoices):
        IP = "ip", "IP address"
        USER = "user", "User"
        ACCOUNT = "account", "Account (email)"

    identifier = models.CharField(max_length=255)
    identifier_type = models.CharField(max_length=16, choices=IdentifierType.choices)
    scope = models.CharField(max_length=32)
    window_start = models.DateTimeField(help_text="Start of the fixed window (UTC).")
    reset_date = models.DateField(help_text="UTC date of the window start.")
    request_count = models.PositiveIntegerField(default=0, db_default=0)
    last_request = models.DateTimeField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "rate_limits"
        verbose_name = "rate limit counter"
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "identifier_type", "scope", "window_start"],
                name="rate_limits_identifier_window_uniq",
            ),
        ]
        indexes = [models.Index(fields=["reset_date"], name="rate_limits_reset_date_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.identifier_type}:{self.identifier} ({self.request_count})"

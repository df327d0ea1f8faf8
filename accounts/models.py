"""The traveller: one custom user model that also holds the travel profile."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from accounts.validators import currency_code_validator, validate_timezone


class WayfarerUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """Email is unique regardless of case; profile fields live here to save a join on every page."""

    email = models.EmailField("email address", max_length=254)
    display_name = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    preferred_currency = models.CharField(
        max_length=3, default="USD", validators=[currency_code_validator]
    )
    home_city = models.CharField(max_length=100, blank=True)
    travel_preferences = models.JSONField(default=dict, blank=True)

    objects = WayfarerUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(preferred_currency__regex=r"^[A-Z]{3}$"),
                name="accounts_user_currency_iso4217",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.username

    def save(self, *args, **kwargs):
        self.email = type(self).objects.normalize_email(self.email).lower() if self.email else ""
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """What other travellers see: never the email address."""
        return self.display_name or self.first_name or self.username

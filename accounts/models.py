"""The traveller: one custom user model that also holds the travel profile.

Plus what a traveller controls about their own access: personal API tokens and the list of
signed-in sessions.
"""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.indexes import OpClass
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Floor, Lower, Random, Substr
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.locales import DEFAULT_LOCALE
from accounts.validators import (
    currency_code_validator,
    validate_locale,
    validate_public_name,
    validate_timezone,
    validate_travel_preferences,
)


class UserQuerySet(models.QuerySet):
    def with_verified(self) -> UserQuerySet:
        """Annotate `is_verified` in the same query, so lists do not query once per user."""
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), primary=True, verified=True)
        return self.annotate(is_verified=Exists(verified))


class WayfarerUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


# The generated part of a traveller's neutral public name ("Traveller 7F3K"): letters and
# digits that cannot be mistaken for one another (no 0/O, 1/I), 32 of them, four at a time.
NAME_TAG_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
NAME_TAG_LENGTH = 4


def new_name_tag() -> str:
    """A fresh random tag: it says nothing of the email address, the username or when the
    account was made. It need not be unique; it only makes neutral names tell apart."""
    return "".join(secrets.choice(NAME_TAG_ALPHABET) for _ in range(NAME_TAG_LENGTH))


def random_name_tag() -> Concat:
    """new_name_tag() as a database expression, drawn by PostgreSQL for every row it writes.

    The column's database default, for rows written around the ORM: bulk loads (COPY) and
    the existing rows when the column was added.
    """
    size = Value(len(NAME_TAG_ALPHABET))
    position = Cast(Floor(Random() * size), models.IntegerField()) + 1
    letter = Substr(Value(NAME_TAG_ALPHABET), position, 1)
    return Concat(*[letter] * NAME_TAG_LENGTH, output_field=models.CharField())


def public_name_of(display_name: str, name_tag: str) -> str:
    """What other travellers see of a user: the name they chose, or a neutral generated one.

    Never the email address, the username allauth derives from it, or a first name taken
    from a social login. A function of the two columns, so that reads without a User instance
    (a plan's recent changes, read as rows) apply the same rule.
    """
    return display_name or neutral_name_of(name_tag)


def neutral_name_of(name_tag: str) -> str:
    return f"Traveller {name_tag}"


class User(AbstractUser):
    """Email is unique regardless of case; profile fields live here to save a join on every page."""

    email = models.EmailField("email address", max_length=254)
    display_name = models.CharField(max_length=100, blank=True, validators=[validate_public_name])
    # The neutral public name's tag, shown while display_name is empty (public_name_of).
    name_tag = models.CharField(
        max_length=NAME_TAG_LENGTH,
        default=new_name_tag,
        db_default=random_name_tag(),
        editable=False,
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # How dates, times and money are written for this traveller (accounts.locales); set from
    # the browser's Accept-Language at sign-up.
    locale = models.CharField(
        max_length=16,
        default=DEFAULT_LOCALE,
        db_default=DEFAULT_LOCALE,
        validators=[validate_locale],
    )
    preferred_currency = models.CharField(
        max_length=3, default="USD", validators=[currency_code_validator]
    )
    home_city = models.CharField(max_length=100, blank=True)
    travel_preferences = models.JSONField(
        default=dict, blank=True, validators=[validate_travel_preferences]
    )

    objects = WayfarerUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="An account with this email address already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(preferred_currency__regex=r"^[A-Z]{3}$"),
                name="accounts_user_currency_iso4217",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    name_tag__regex=rf"^[{NAME_TAG_ALPHABET}]{{{NAME_TAG_LENGTH}}}$"
                ),
                name="accounts_user_name_tag_format",
            ),
        ]
        indexes = [
            # Staff find plans by the start of the owner's email (plans.selectors): a range
            # scan here, whatever the database's collation, instead of reading every user.
            models.Index(
                OpClass(Lower("email"), name="text_pattern_ops"), name="accounts_user_email_prefix"
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.username

    def save(self, *args, **kwargs):
        self.email = type(self).objects.normalize_email(self.email).lower() if self.email else ""
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """The one name other travellers see, on every page, email and API response."""
        return public_name_of(self.display_name, self.name_tag)

    @property
    def neutral_name(self) -> str:
        """The generated name shown while no display name is chosen."""
        return neutral_name_of(self.name_tag)

    @cached_property
    def is_verified(self) -> bool:
        """Whether the primary email address is verified (allauth's EmailAddress).

        Gates public sharing and API tokens. One query, once per instance;
        `User.objects.with_verified()` fills it in for lists without any extra query.
        """
        if self.pk is None:
            return False
        return EmailAddress.objects.filter(user=self, primary=True, verified=True).exists()


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at=None)


class ApiToken(models.Model):
    """A personal access token; only the SHA-256 of the secret is stored.

    Secrets carry 256 random bits, so a fast hash is as safe as a slow one here and
    lets authentication find the token in one indexed lookup.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    # The first characters of the secret, shown so people can tell their tokens apart.
    prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_token_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "read_write"]), name="accounts_token_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired()


class UserSession(models.Model):
    """Who is signed in where: one row per Django database session of a signed-in user.

    Deleting the session row (logout, revoke, expiry purge) deletes this row with it.
    """

    # The id, never the session key, appears in pages and URLs: the key is a credential.
    # `session.signed_in` is the session's row in this list.
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="signed_in")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions"
    )
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_activity"]
        indexes = [
            models.Index(fields=["user", "-last_activity"], name="accounts_session_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.user_agent or 'unknown device'}"

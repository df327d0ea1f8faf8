"""Travel plans, their members and who may see them."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.validators import validate_timezone
from plans.documents import plan_data_canonical, plan_data_errors
from plans.history import IndexedHistoricalRecords

currency_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a three-letter currency code in capitals, such as USD or EUR."
)


class Role(models.TextChoices):
    """What a traveller may do with one plan; owner is implied by `Plan.user`."""

    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


# Listed in the gallery and readable by anyone. Hidden plans are excluded here, at the query
# level, so no public surface (gallery, landing page, API) can forget to check.
PUBLIC = Q(is_public=True, status="published", moderation_status="ok")


class Visibility(models.TextChoices):
    """Who can read a plan, as travellers choose it: one control over is_public, status and
    share_token (plans.services.plan_set_visibility). The labels read the same everywhere."""

    MEMBERS = "members", "Only members"
    LINK = "link", "Anyone with the link"
    PUBLIC = "public", "Listed in the public gallery"


class PlanQuerySet(models.QuerySet):
    def accessible_to(self, user) -> PlanQuerySet:
        """Plans the user owns or is a member of (what "my plans" and the API list show)."""
        if not user.is_authenticated:
            return self.none()
        # A UNION of two index lookups, not `owner OR member`: PostgreSQL cannot use an
        # index for an OR across two tables and would scan every plan.
        owned = Plan.objects.filter(user=user).order_by().values("pk")
        shared = PlanMember.objects.filter(user=user).order_by().values("plan_id")
        return self.filter(pk__in=owned.union(shared, all=True))

    def public(self) -> PlanQuerySet:
        """Plans in the public gallery: published, listed, and not hidden by moderators."""
        return self.filter(PUBLIC)

    def not_hidden(self) -> PlanQuerySet:
        """Plans moderators have not hidden (what share links may show)."""
        return self.filter(moderation_status=Plan.Moderation.OK)

    def visible_to(self, user) -> PlanQuerySet:
        """Everything the user may read: their own, shared with them, and public plans.

        Owners and members still see a plan moderators hid; everybody else does not.
        """
        public = PUBLIC
        if not user.is_authenticated:
            return self.filter(public)
        membership = PlanMember.objects.filter(plan=OuterRef("pk"), user=user)
        return self.filter(Q(user=user) | Exists(membership) | public)

    def with_role(self, user) -> PlanQuerySet:
        """Annotate `viewer_role`: the user's role on each plan, or None (public plans)."""
        if not user.is_authenticated:
            return self.annotate(viewer_role=models.Value(None, output_field=models.CharField()))
        member_role = PlanMember.objects.filter(plan=OuterRef("pk"), user=user).values("role")[:1]
        return self.annotate(
            viewer_role=models.Case(
                models.When(user=user, then=models.Value(Role.OWNER)),
                default=models.Subquery(member_role),
                output_field=models.CharField(),
            )
        )


END_BEFORE_START = "The trip ends before it starts: choose an end date on or after the start date."


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Moderation(models.TextChoices):
        OK = "ok", "Visible"
        HIDDEN = "hidden", "Hidden by moderators"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    destination = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    budget = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Budget cannot be negative.")],
    )
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    # The destination's clock: activity times are wall-clock times in this zone.
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    plan_data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=False)
    # NULL, not "", means "no link": the partial unique index covers only real tokens.
    share_token = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    # Incremented by every write; the API's ETag and the conditional UPDATE use it.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set only by moderators (plans.services.plan_hide / plan_unhide), never by the owner.
    moderation_status = models.CharField(
        max_length=10, choices=Moderation.choices, default=Moderation.OK
    )
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()
    # Who changed what and when; services write it (see plans.history).
    history = IndexedHistoricalRecords(
        excluded_fields=["version"],
        # "Recent changes": the newest history rows of one plan (plans.selectors).
        indexes=[
            models.Index(
                fields=["id", "-history_date", "-history_id"], name="plans_history_newest_idx"
            )
        ],
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The default ordering (the admin changelist's first page, MIN/MAX of updated_at):
            # a LIMIT walks this index instead of sorting every plan.
            models.Index(fields=["-updated_at", "-id"], name="plans_updated_idx"),
            # The moderators' "hidden" filter: count, page and date bounds over the few hidden
            # plans, instead of three scans of every plan.
            models.Index(
                fields=["-updated_at", "-id"],
                name="plans_hidden_updated_idx",
                condition=Q(moderation_status="hidden"),
            ),
            models.Index(fields=["user", "-updated_at"], name="plans_user_updated_idx"),
            models.Index(fields=["status"], name="plans_status_idx"),
            models.Index(
                fields=["is_public"], name="plans_public_idx", condition=Q(is_public=True)
            ),
            # The gallery: public, published plans, newest first.
            # The gallery's page: newest first with id as the tie-break, public plans only, so
            # the first page is read straight off the index (no sort of every public plan).
            models.Index(
                fields=["-created_at", "-id"],
                name="plans_gallery_newest_idx",
                condition=PUBLIC,
            ),
            # Only containment (@>) is queried, so the smaller, faster jsonb_path_ops class fits.
            GinIndex(
                fields=["plan_data"], name="plans_plan_data_gin", opclasses=["jsonb_path_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=models.F("end_date")),
                name="plans_start_before_end",
                violation_error_message="End date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="plans_budget_not_negative",
                violation_error_message="Budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="plans_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="plans_currency_iso4217",
                violation_error_message="Use a three-letter currency code such as USD.",
            ),
            models.CheckConstraint(
                condition=Q(moderation_status__in=["ok", "hidden"]),
                name="plans_moderation_status_valid",
            ),
            # Partial: only plans with a link are indexed, and each link is unique.
            models.UniqueConstraint(
                fields=["share_token"],
                condition=Q(share_token__isnull=False),
                name="plans_share_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """Friendly, field-keyed versions of the database constraints, and the document check.

        The document is first rewritten to its canonical form (plan_data_canonical), so every
        writer that validates (services, the admin) stores the design's shapes. Services
        replace the `plan_data` entry with errors keyed by JSON path; the flat form here keeps
        ModelForms (the admin) working, since their fields are not JSON paths.
        """
        self.plan_data = plan_data_canonical(self.plan_data)
        errors: dict[str, list[str]] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = [END_BEFORE_START]
        document = plan_data_errors(
            self.plan_data, start_date=self.start_date, end_date=self.end_date
        )
        if document:
            errors["plan_data"] = [
                f"{path.removeprefix('plan_data.')}: {message}"
                for path, messages in document.items()
                for message in messages
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def is_hidden(self) -> bool:
        return self.moderation_status == self.Moderation.HIDDEN

    @property
    def visibility(self) -> str:
        """The Visibility state the plan's fields amount to (what the owner chose; a hidden plan
        keeps it, but moderators' hiding overrides it until lifted)."""
        if self.is_public and self.status == self.Status.PUBLISHED:
            return Visibility.PUBLIC
        if self.share_token:
            return Visibility.LINK
        return Visibility.MEMBERS

    @property
    def duration_days(self) -> int | None:
        if self.start_date and self.end_date:
            return (self.end_date - self.start_date).days + 1
        return None

    @property
    def days_to_go(self) -> int | None:
        """Days until the trip starts; None once it has started or without a start date."""
        if self.start_date:
            days = (self.start_date - timezone.localdate()).days
            return days if days >= 0 else None
        return None

    @property
    def is_underway(self) -> bool:
        today = timezone.localdate()
        return bool(self.start_date and self.end_date and self.start_date <= today <= self.end_date)


class PlanMember(models.Model):
    """A co-traveller with a role on someone else's plan (the owner is never a member row)."""

    MEMBER_ROLES = [(Role.EDITOR, Role.EDITOR.label), (Role.VIEWER, Role.VIEWER.label)]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_memberships"
    )
    role = models.CharField(max_length=10, choices=MEMBER_ROLES, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="plans_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["editor", "viewer"]), name="plans_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.plan}"


def invitation_token_hash(token: str) -> str:
    """Invitation links are stored only as this hash, so a database leak reveals no link."""
    return hashlib.sha256(token.encode()).hexdigest()


class PlanInvitationQuerySet(models.QuerySet):
    def pending(self, *, now: dt.datetime | None = None) -> PlanInvitationQuerySet:
        """Invitations still waiting for an answer and not yet expired (at `now`)."""
        now = timezone.now() if now is None else now
        return self.filter(status=PlanInvitation.Status.PENDING, expires_at__gt=now)


class PlanInvitation(models.Model):
    """An email invitation to join a plan; whoever opens the link can accept it once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=PlanMember.MEMBER_ROLES, default=Role.VIEWER)
    # SHA-256 of the secret in the emailed link; the secret itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    objects = PlanInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Matching a signed-in traveller's verified addresses to waiting invitations.
            models.Index(
                Lower("email"), name="plans_invitation_email_idx", condition=Q(status="pending")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "plan",
                Lower("email"),
                condition=Q(status="pending"),
                name="plans_invitation_one_pending",
                violation_error_message="This address already has an invitation waiting.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["editor", "viewer"]), name="plans_invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "revoked"]),
                name="plans_invitation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False),
                name="plans_invitation_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role}) to {self.plan}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Still waiting for an answer and inside its lifetime."""
        return self.status == self.Status.PENDING and not self.is_expired


class PlanReport(models.Model):
    """A traveller's report of a public or shared plan, waiting in the moderation queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        OFFENSIVE = "offensive", "Offensive or hateful content"
        PERSONAL_DATA = "personal_data", "Someone's personal data"
        COPYRIGHT = "copyright", "Copied without permission"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports")
    # Kept when the reporter deletes their account: the report still matters to moderators.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_reports",
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The moderation queue: by status, oldest first.
            models.Index(fields=["status", "created_at"], name="plans_report_queue_idx"),
        ]
        constraints = [
            # Also serves "open reports of this plan" (the admin's count) by its leading column.
            models.UniqueConstraint(
                fields=["plan", "reporter"],
                condition=Q(status="open"),
                name="plans_report_one_open",
                violation_error_message="You have already reported this plan.",
            ),
            models.CheckConstraint(
                condition=Q(
                    reason__in=["spam", "offensive", "personal_data", "copyright", "other"]
                ),
                name="plans_report_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved", "dismissed"]),
                name="plans_report_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="plans_report_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on “{self.plan}”"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

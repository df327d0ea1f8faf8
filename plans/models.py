"""Travel plans, their members and who may see them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse


class Role(models.TextChoices):
    """What a traveller may do with one plan; owner is implied by `Plan.user`."""

    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class PlanQuerySet(models.QuerySet):
    def accessible_to(self, user) -> PlanQuerySet:
        """Plans the user owns or is a member of (what "my plans" and the API list show)."""
        if not user.is_authenticated:
            return self.none()
        membership = PlanMember.objects.filter(plan=OuterRef("pk"), user=user)
        return self.filter(Q(user=user) | Exists(membership))

    def public(self) -> PlanQuerySet:
        """Plans in the public gallery."""
        return self.filter(is_public=True, status=Plan.Status.PUBLISHED)

    def visible_to(self, user) -> PlanQuerySet:
        """Everything the user may read: their own, shared with them, and public plans."""
        public = Q(is_public=True, status=Plan.Status.PUBLISHED)
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


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    destination = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    budget = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    plan_data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=False)
    # NULL, not "", means "no link": the partial unique index covers only real tokens.
    share_token = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    # Incremented by every write; the API's ETag and the conditional UPDATE use it.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-updated_at"], name="plans_user_updated_idx"),
            models.Index(fields=["status"], name="plans_status_idx"),
            models.Index(
                fields=["is_public"], name="plans_public_idx", condition=Q(is_public=True)
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

    @property
    def duration_days(self) -> int | None:
        if self.start_date and self.end_date:
            return (self.end_date - self.start_date).days + 1
        return None


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

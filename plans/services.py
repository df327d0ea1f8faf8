"""Every write to plans, members, invitations and share links.

Each service validates (`full_clean()` plus the plan_data document), writes inside a
transaction and bumps `Plan.version` in the same UPDATE, so the API's conditional writes
(If-Match) and the website see one consistent counter.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.links import public_url
from plans import permissions
from plans.documents import PLAN_DATA_SCHEMA, document_errors, plan_data_errors
from plans.history import history_record
from plans.models import (
    Plan,
    PlanInvitation,
    PlanMember,
    PlanReport,
    Role,
    Visibility,
    invitation_token_hash,
)
from plans.projection import PUBLIC_ACTIVITY_FIELDS, public_projection
from plans.samples import SAMPLE_TRIP, SampleTrip
from plans.tokens import token_new

INVITATION_LIFETIME = dt.timedelta(days=14)
# Session key holding the hash of an invitation opened before signing in.
PENDING_INVITATION_SESSION_KEY = "plans_pending_invitation"
# Plan columns a caller may change through plan_create/plan_update.
EDITABLE_FIELDS = (
    "title",
    "description",
    "destination",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "timezone",
    "plan_data",
)


class PlanVersionConflict(Exception):
    """The plan changed since the caller read it (its `version` moved on)."""


def _is_verified(user) -> bool:
    """Whether the user has confirmed an email address (required to publish publicly).

    Reads allauth's EmailAddress directly so it works whether or not `User.is_verified`
    exists yet.
    """
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _validate_plan(plan: Plan) -> None:
    """full_clean(), with plan_data errors keyed by their JSON path.

    Plan.clean() also rewrites `plan.plan_data` to its canonical form, which is what is saved.
    """
    try:
        plan.full_clean()
    except ValidationError as error:
        errors = error.message_dict
        if "plan_data" in errors:
            del errors["plan_data"]
            errors.update(
                plan_data_errors(plan.plan_data, start_date=plan.start_date, end_date=plan.end_date)
            )
        raise ValidationError(errors) from None


def _save_fields(
    plan: Plan,
    fields: dict[str, Any],
    *,
    reason: str,
    expected_version: int | None = None,
    user=None,
):
    """Write `fields` to the plan row in one UPDATE that also increments `version`.

    With `expected_version`, the UPDATE only applies if nobody wrote in between; otherwise
    PlanVersionConflict. The trigger sets `updated_at`; it is read back with the version.
    A history row with `reason` records the new state (by `user`, else the requester).
    """
    rows = Plan.objects.filter(pk=plan.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    changed = rows.update(**fields, version=F("version") + 1, updated_at=timezone.now())
    if not changed:
        raise PlanVersionConflict("This plan was changed by someone else. Reload and retry.")
    plan.version, plan.updated_at = (
        Plan.objects.filter(pk=plan.pk).values_list("version", "updated_at").get()
    )
    history_record(Plan, [plan.pk], reason=reason, user=user)
    return plan


def plan_preferences_from_profile(*, user) -> dict:
    """The owner's profile preferences that fit the plan document's vocabulary."""
    profile = getattr(user, "travel_preferences", None) or {}
    preferences: dict[str, Any] = {}
    for key in ("budget_type", "travel_style", "pace", "group_size"):
        if key in profile:
            preferences[key] = profile[key]
    needs = profile.get("accessibility_needs")
    if isinstance(needs, list):
        preferences["accessibility_needs"] = needs
    # Keep only the values this schema accepts; the profile may use a wider vocabulary.
    for path in document_errors({"preferences": preferences}, PLAN_DATA_SCHEMA, "plan_data"):
        parts = path.split(".")
        if len(parts) >= 3:
            key = parts[2].split("[")[0]
            preferences.pop(key, None)
    return preferences


@transaction.atomic
def plan_create(
    *,
    owner,
    title: str,
    description: str = "",
    destination: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    budget: Decimal | None = None,
    currency: str | None = None,
    timezone: str | None = None,
    plan_data: dict | None = None,
    preferences_from_profile: bool = True,
) -> Plan:
    """A new draft plan; currency, time zone and preferences default from the owner's profile.

    Imports pass `preferences_from_profile=False` so the document arrives exactly as sent.
    """
    plan_data = dict(plan_data or {})
    if preferences_from_profile and "preferences" not in plan_data:
        preferences = plan_preferences_from_profile(user=owner)
        if preferences:
            plan_data["preferences"] = preferences
    plan = Plan(
        user=owner,
        title=title,
        description=description,
        destination=destination,
        start_date=start_date,
        end_date=end_date,
        budget=budget,
        currency=currency or getattr(owner, "preferred_currency", "") or "USD",
        timezone=timezone or getattr(owner, "timezone", "") or "UTC",
        plan_data=plan_data,
    )
    _validate_plan(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, expected_version: int | None = None, **changes: Any) -> Plan:
    """Change the editable fields given; everything else stays as it is.

    Raises ValidationError (nothing written) for bad values and PlanVersionConflict when
    `expected_version` no longer matches.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"plan_update() cannot change: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(plan, name, value)
    _validate_plan(plan)
    # Validation may rewrite values (plan_data to its canonical form): save what it left.
    fields = {name: getattr(plan, name) for name in changes}
    return _save_fields(plan, fields, expected_version=expected_version, reason="plan updated")


@transaction.atomic
def plan_delete(*, plan: Plan, expected_version: int | None = None) -> None:
    """Delete the plan with its members, invitations and activities (cascade).

    With `expected_version`, the row is locked only if it is still at that version (a
    concurrent writer makes the locking SELECT find nothing), else PlanVersionConflict.
    """
    if expected_version is not None:
        still_there = (
            Plan.objects.select_for_update().filter(pk=plan.pk, version=expected_version).exists()
        )
        if not still_there:
            raise PlanVersionConflict("This plan was changed by someone else. Reload and retry.")
    plan.delete()


def _set_status(plan: Plan, *, reason: str, user=None, **fields: Any) -> Plan:
    for name, value in fields.items():
        setattr(plan, name, value)
    _validate_plan(plan)
    return _save_fields(plan, fields, reason=reason, user=user)


@transaction.atomic
def plan_archive(*, plan: Plan, user=None) -> Plan:
    """Archive: out of the gallery and the default dashboard view, kept for reference."""
    return _set_status(
        plan, status=Plan.Status.ARCHIVED, is_public=False, reason="plan archived", user=user
    )


@transaction.atomic
def plan_unarchive(*, plan: Plan) -> Plan:
    """Back to a draft; it is not re-listed publicly until published again."""
    return _set_status(plan, status=Plan.Status.DRAFT, reason="plan restored from archive")


@transaction.atomic
def plan_publish(*, plan: Plan, user, public: bool) -> Plan:
    """Mark the plan published; with `public`, also list it in the gallery.

    Only travellers with a verified email address may make a plan public.
    """
    if public and not _is_verified(user):
        raise ValidationError(
            {"is_public": ["Please verify your email address before sharing a plan publicly."]}
        )
    return _set_status(
        plan, status=Plan.Status.PUBLISHED, is_public=public, reason="plan published"
    )


@transaction.atomic
def plan_unpublish(*, plan: Plan) -> Plan:
    """Back to a draft and out of the gallery."""
    return _set_status(plan, status=Plan.Status.DRAFT, is_public=False, reason="plan back to draft")


@transaction.atomic
def plan_make_private(*, plan: Plan, user=None) -> Plan:
    """Out of the public gallery; status, members and share link stay as they are."""
    return _set_status(plan, is_public=False, reason="plan made private", user=user)


PUBLIC_NEEDS_PUBLISHED = (
    "Only a published plan can be listed in the public gallery: set the status to "
    "“published” as well."
)


@transaction.atomic
def plan_change_publication(
    *,
    plan: Plan,
    user,
    status: str | None = None,
    is_public: bool | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Move the plan to `status` and gallery listing `is_public` (None: keep as it is).

    Each transition goes through its own service above (publish, unpublish, archive,
    unarchive, make private), so the rules stay in one place: listing publicly needs a
    verified email address, and only a published plan can be listed. Asking for what the
    plan already is writes nothing. The caller checks that `user` may manage the plan.
    """
    status = plan.status if status is None else status
    if is_public is None:
        # Leaving "published" unlists the plan unless the caller says otherwise.
        is_public = plan.is_public and status == Plan.Status.PUBLISHED
    public = is_public
    if status not in Plan.Status.values:
        raise ValidationError({"status": ["Choose draft, published or archived."]})
    if status == plan.status and public == plan.is_public:
        return plan
    if public and status != Plan.Status.PUBLISHED:
        raise ValidationError({"is_public": [PUBLIC_NEEDS_PUBLISHED]})
    if expected_version is not None:
        still_there = (
            Plan.objects.select_for_update().filter(pk=plan.pk, version=expected_version).exists()
        )
        if not still_there:
            raise PlanVersionConflict("This plan was changed by someone else. Reload and retry.")
    if status == Plan.Status.ARCHIVED:
        return plan_archive(plan=plan, user=user)
    if status == Plan.Status.PUBLISHED:
        if plan.status == Plan.Status.PUBLISHED and not public:
            return plan_make_private(plan=plan, user=user)
        return plan_publish(plan=plan, user=user, public=public)
    if plan.status == Plan.Status.ARCHIVED:
        return plan_unarchive(plan=plan)
    return plan_unpublish(plan=plan)


@transaction.atomic
def share_link_enable(*, plan: Plan) -> Plan:
    """Turn on link sharing; keeps the current link if there already is one."""
    if plan.share_token:
        return plan
    return share_link_rotate(plan=plan)


@transaction.atomic
def share_link_rotate(*, plan: Plan, user=None) -> Plan:
    """A new link; the old one stops working at once."""
    plan.share_token = token_new()
    return _save_fields(
        plan, {"share_token": plan.share_token}, reason="share link changed", user=user
    )


@transaction.atomic
def share_link_revoke(*, plan: Plan) -> Plan:
    """Turn link sharing off; the link stops working at once."""
    plan.share_token = None
    return _save_fields(plan, {"share_token": None}, reason="share link turned off")


HIDDEN_BY_MODERATORS = (
    "Our moderators have hidden this plan, so it can only be shown to its members until they "
    "lift this."
)


@transaction.atomic
def plan_set_visibility(*, plan: Plan, user, visibility: str) -> Plan:
    """Set who can read the plan: only members, anyone with the link, or the public gallery.

    One choice for travellers over three fields: the gallery needs the plan published and
    listed (plan_publish, so listing still needs a verified email address); leaving it puts
    a published plan back to a draft (an archived plan stays archived); the link state turns
    the share link on (keeping the current link) and "only members" turns it off. The
    gallery keeps an existing link working. A plan hidden by moderators can only be made
    members-only. Choosing the current state writes nothing. The caller checks that `user`
    may manage the plan.
    """
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": ["Choose who can see this plan."]})
    if plan.is_hidden and visibility != Visibility.MEMBERS:
        raise ValidationError({"visibility": [HIDDEN_BY_MODERATORS]})
    if visibility == plan.visibility:
        return plan
    if visibility == Visibility.PUBLIC:
        return plan_publish(plan=plan, user=user, public=True)
    if plan.status == Plan.Status.PUBLISHED:
        plan = plan_unpublish(plan=plan)
    if visibility == Visibility.LINK:
        return share_link_enable(plan=plan)
    return share_link_revoke(plan=plan) if plan.share_token else plan


SAMPLE_REASON = "copied from a sample plan"


@transaction.atomic
def plan_create_from_sample(
    *, user, sample: SampleTrip = SAMPLE_TRIP, start_date: dt.date | None = None
) -> Plan:
    """A draft plan of the user's own from a built-in sample trip (plans.samples).

    The sample lives in code, not in the database, so a new traveller can copy it on a fresh
    install; the trip starts a month from today (the traveller's day) unless `start_date` says.
    """
    start = start_date or timezone.localdate() + dt.timedelta(days=30)
    plan = Plan(
        user=user,
        title=sample.title,
        description=sample.description,
        destination=sample.destination,
        start_date=start,
        end_date=start + dt.timedelta(days=sample.days - 1),
        budget=Decimal(sample.budget),
        currency=sample.currency,
        timezone=sample.timezone,
        plan_data={"notes": sample.notes} if sample.notes else {},
    )
    _validate_plan(plan)
    plan.save()
    activity_model = plan.activities.model
    created = activity_model.objects.bulk_create(
        [activity_model(plan=plan, **row) for row in sample.activity_rows(start)]
    )
    history_record(activity_model, [a.pk for a in created], created=True, reason=SAMPLE_REASON)
    return plan


def _copy_title(title: str) -> str:
    title = f"Copy of {title}"
    return title if len(title) <= 200 else title[:199] + "…"


@transaction.atomic
def plan_duplicate(*, plan: Plan, user) -> Plan:
    """A draft copy of a plan the user can see, owned by them, with its activities.

    Members copy the whole plan; anyone else (a public or shared-link plan) copies its public
    projection, so a copy never holds more than the outsider could see.
    """
    insider = permissions.plan_role(user, plan) is not None
    source = plan if insider else public_projection(plan)
    copy = Plan(
        user=user,
        title=_copy_title(source.title),
        description=source.description,
        destination=source.destination,
        start_date=source.start_date,
        end_date=source.end_date,
        budget=source.budget,
        currency=source.currency,
        timezone=source.timezone,
        plan_data=source.plan_data,
    )
    _validate_plan(copy)
    copy.save()

    activity_model = plan.activities.model
    if insider:
        skip = {"id", "plan", "created_at", "updated_at", "version"}
        names = [
            field.attname
            for field in activity_model._meta.concrete_fields
            if field.name not in skip and field.attname not in skip
        ]
        activities = plan.activities.all()
    else:
        names, activities = PUBLIC_ACTIVITY_FIELDS, source.activities
    copies = [
        activity_model(plan=copy, **{name: getattr(activity, name) for name in names})
        for activity in activities
    ]
    created = activity_model.objects.bulk_create(copies)
    history_record(
        activity_model, [a.pk for a in created], created=True, reason="copied from another plan"
    )
    return copy


# --- members -----------------------------------------------------------------------------


def _check_member_role(role: str) -> None:
    if role not in (Role.EDITOR, Role.VIEWER):
        raise ValidationError({"role": ["Choose editor or viewer."]})


@transaction.atomic
def member_add(*, plan: Plan, user, role: str, invited_by=None) -> PlanMember:
    """Add a co-traveller; adding someone who is already a member keeps their role."""
    _check_member_role(role)
    if user.pk == plan.user_id:
        raise ValidationError({"user": ["The owner already has every permission."]})
    member, created = PlanMember.objects.get_or_create(
        plan=plan, user=user, defaults={"role": role, "invited_by": invited_by}
    )
    if created:
        _save_fields(plan, {}, reason="co-traveller added")
    return member


@transaction.atomic
def member_change_role(*, member: PlanMember, role: str) -> PlanMember:
    _check_member_role(role)
    member.role = role
    member.full_clean()
    member.save(update_fields=["role"])
    _save_fields(member.plan, {}, reason="co-traveller's role changed")
    return member


@transaction.atomic
def member_remove(*, member: PlanMember) -> None:
    """Remove a co-traveller (the owner removing them, or a member leaving)."""
    plan = member.plan
    member.delete()
    _save_fields(plan, {}, reason="co-traveller removed")


# --- invitations ---------------------------------------------------------------------------


def _send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = PlanInvitation.objects.select_related("plan", "invited_by").get(pk=invitation_id)
    link = public_url(reverse("plans:invitation", kwargs={"token": token}))
    inviter = invitation.invited_by.public_name if invitation.invited_by else "A traveller"
    product = settings.PRODUCT_NAME
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": inviter,
        "product": product,
        "home": public_url("/"),
    }
    send_mail(
        subject=f"{inviter} invited you to “{invitation.plan.title}” on {product}",
        message=render_to_string("plans/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_create(
    *, plan: Plan, email: str, role: str, invited_by
) -> tuple[PlanInvitation, str]:
    """Invite someone by email, with or without an account; returns (invitation, secret).

    Inviting an address that already has a waiting invitation replaces it (a fresh link,
    the old one stops working). The email goes out once the transaction commits.
    """
    email = email.strip().lower()
    _check_member_role(role)
    if plan.user.email.lower() == email:
        raise ValidationError({"email": ["That is the owner's own address."]})
    if PlanMember.objects.filter(plan=plan, user__email__iexact=email).exists():
        raise ValidationError({"email": ["This person is already a member of the plan."]})
    PlanInvitation.objects.filter(
        plan=plan, email=email, status=PlanInvitation.Status.PENDING
    ).update(status=PlanInvitation.Status.REVOKED)

    token = token_new()
    invitation = PlanInvitation(
        plan=plan,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(
            {"email": ["This address already has an invitation waiting."]}
        ) from None
    transaction.on_commit(lambda: _send_invitation_email(invitation.pk, token))
    return invitation, token


def _check_open(invitation: PlanInvitation) -> None:
    if invitation.status != PlanInvitation.Status.PENDING:
        raise ValidationError(f"This invitation was already {invitation.get_status_display()}.")
    if invitation.is_expired:
        raise ValidationError("This invitation has expired. Ask for a new one.")


@transaction.atomic
def invitation_accept(*, invitation: PlanInvitation, user) -> PlanMember | None:
    """Join the plan with the invitation's role; returns None for the owner themself.

    The row is locked so two tabs accepting at once join once.
    """
    invitation = (
        PlanInvitation.objects.select_for_update().select_related("plan").get(pk=invitation.pk)
    )
    _check_open(invitation)
    plan = invitation.plan
    member = None
    if user.pk != plan.user_id:
        member = member_add(
            plan=plan, user=user, role=invitation.role, invited_by=invitation.invited_by
        )
    invitation.status = PlanInvitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return member


@transaction.atomic
def invitation_decline(*, invitation: PlanInvitation) -> PlanInvitation:
    invitation = PlanInvitation.objects.select_for_update().get(pk=invitation.pk)
    _check_open(invitation)
    invitation.status = PlanInvitation.Status.DECLINED
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["status", "declined_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: PlanInvitation) -> PlanInvitation:
    """The owner withdraws a waiting invitation; its link stops working at once."""
    if invitation.status != PlanInvitation.Status.PENDING:
        raise ValidationError("Only a waiting invitation can be withdrawn.")
    invitation.status = PlanInvitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    return invitation


def invitations_accept_for_user(*, user, token_hash: str | None = None) -> list[PlanMember]:
    """Accept what is waiting for a traveller who just signed up or signed in.

    Two sources: the invitation whose link they opened before signing in (its hash kept in
    their session), and open invitations addressed to any of their verified emails.
    """
    from allauth.account.models import EmailAddress

    verified = [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    candidates = list(PlanInvitation.objects.pending().filter(email__in=verified))
    if token_hash:
        candidates += list(PlanInvitation.objects.pending().filter(token_hash=token_hash))
    joined: list[PlanMember] = []
    seen: set[int] = set()
    for invitation in candidates:
        if invitation.pk in seen:
            continue
        seen.add(invitation.pk)
        try:
            member = invitation_accept(invitation=invitation, user=user)
        except ValidationError:
            continue
        if member is not None:
            joined.append(member)
    return joined


# --- reports and moderation ----------------------------------------------------------------

REPORT_DUPLICATE_MESSAGE = (
    "You have already reported this plan. Our moderators will look at it soon; thank you."
)


@transaction.atomic
def report_create(*, plan: Plan, reporter, reason: str, details: str = "") -> PlanReport:
    """A traveller reports a plan they can read (public, shared by link or with them).

    One open report per traveller and plan: a second one is a ValidationError, not a 500.
    """
    if not permissions.can_report(reporter, plan):
        if reporter.is_authenticated and plan.user_id == reporter.pk:
            raise ValidationError("You can't report your own plan.")
        raise ValidationError("This plan can't be reported.")
    report = PlanReport(plan=plan, reporter=reporter, reason=reason, details=details.strip())
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(REPORT_DUPLICATE_MESSAGE) from None
    return report


def _reports_close(*, reports, moderator, status: str, note: str) -> int:
    """Close the still-open reports among `reports` in one UPDATE; returns how many."""
    ids = [report.pk for report in reports]
    return PlanReport.objects.filter(pk__in=ids, status=PlanReport.Status.OPEN).update(
        status=status,
        resolved_by=moderator,
        resolved_at=timezone.now(),
        resolution_note=note.strip(),
    )


@transaction.atomic
def report_resolve(*, reports, moderator, note: str = "") -> int:
    """Reports that were acted on. Closed reports are left as they are."""
    return _reports_close(
        reports=reports, moderator=moderator, status=PlanReport.Status.RESOLVED, note=note
    )


@transaction.atomic
def report_dismiss(*, reports, moderator, note: str = "") -> int:
    """Reports that needed no action. Closed reports are left as they are."""
    return _reports_close(
        reports=reports, moderator=moderator, status=PlanReport.Status.DISMISSED, note=note
    )


@transaction.atomic
def plan_hide(*, plan: Plan, moderator, reason: str) -> Plan:
    """Take a plan off the gallery and its share link; the owner sees why on its page.

    Resolves the plan's open reports, since hiding is what they asked for.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"moderation_reason": ["Say why, so the owner understands."]})
    now = timezone.now()
    fields = {
        "moderation_status": Plan.Moderation.HIDDEN,
        "moderation_reason": reason,
        "moderated_by": moderator,
        "moderated_at": now,
    }
    for name, value in fields.items():
        setattr(plan, name, value)
    _save_fields(plan, fields, reason="hidden by moderators", user=moderator)
    report_resolve(
        reports=PlanReport.objects.filter(plan=plan, status=PlanReport.Status.OPEN),
        moderator=moderator,
        note=f"Plan hidden: {reason}",
    )
    return plan


@transaction.atomic
def plan_unhide(*, plan: Plan, moderator) -> Plan:
    """Back on every surface its owner chose; who and when is kept, the reason cleared."""
    fields = {
        "moderation_status": Plan.Moderation.OK,
        "moderation_reason": "",
        "moderated_by": moderator,
        "moderated_at": timezone.now(),
    }
    for name, value in fields.items():
        setattr(plan, name, value)
    return _save_fields(plan, fields, reason="shown again by moderators", user=moderator)

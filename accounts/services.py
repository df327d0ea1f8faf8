"""Every write the accounts app makes: profile, API tokens, sessions, account deletion."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, TokenScope, User, UserSession
from accounts.validators import travel_preferences_errors

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "display_name",
    "timezone",
    "locale",
    "preferred_currency",
    "home_city",
    "travel_preferences",
)
TOKEN_SECRET_PREFIX = "wf_"  # noqa: S105 (a public marker, not a secret)
TOKEN_VISIBLE_CHARS = 8
# Writes of "last used" and "last activity" happen at most this often per token/session.
ACTIVITY_WRITE_INTERVAL = dt.timedelta(minutes=1)
USER_AGENT_MAX_LENGTH = 300


def user_update_profile(*, user: User, **changes: Any) -> User:
    """Change profile fields and travel preferences; nothing is saved unless all are valid.

    Errors are keyed by field, or by JSON path inside `travel_preferences`.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: ["is not a profile field"] for name in sorted(unknown)})
    if "preferred_currency" in changes and isinstance(changes["preferred_currency"], str):
        changes["preferred_currency"] = changes["preferred_currency"].strip().upper()
    for name, value in changes.items():
        setattr(user, name, value)
    errors: dict[str, list[str]] = {}
    try:
        user.clean_fields(
            exclude=[f.name for f in User._meta.fields if f.name not in changes]
            + ["travel_preferences"]
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "travel_preferences" in changes:
        errors.update(travel_preferences_errors(changes["travel_preferences"]))
    if errors:
        user.refresh_from_db(fields=list(changes))
        raise ValidationError(errors)
    if changes:
        user.save(update_fields=list(changes))
    return user


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a personal access token; returns it with the secret, which is never stored.

    Only people with a verified email address may create tokens.
    """
    if not user.is_verified:
        raise ValidationError(
            "Please verify your email address before creating API tokens.", code="unverified"
        )
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Give the token a name so you can recognise it later."]
    if scope not in TokenScope.values:
        errors["scope"] = ["Choose read or read_write."]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ["The expiry must be in the future."]
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_SECRET_PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        prefix=secret[: len(TOKEN_SECRET_PREFIX) + TOKEN_VISIBLE_CHARS],
        token_hash=token_hash(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke now; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Record use at most once a minute per token: no query at all inside the minute.

    The conditional UPDATE keeps concurrent requests from writing the same minute twice.
    """
    now = now or timezone.now()
    cutoff = now - ACTIVITY_WRITE_INTERVAL
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return False
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff))
        .update(last_used_at=now)
    )
    token.last_used_at = now
    return bool(updated)


def session_record(
    *, user: User, session_key: str, user_agent: str = "", ip: str | None = None
) -> UserSession:
    """Remember a new sign-in for the session list."""
    now = timezone.now()
    session, _ = UserSession.objects.update_or_create(
        session_id=session_key,
        defaults={
            "user": user,
            "user_agent": user_agent[:USER_AGENT_MAX_LENGTH],
            "ip": ip or None,
            "created_at": now,
            "last_activity": now,
        },
    )
    return session


def session_touch(
    *, user: User, session_key: str, user_agent: str = "", ip: str | None = None
) -> None:
    """Move a session's last activity to now (callers limit this to once a minute)."""
    now = timezone.now()
    updated = UserSession.objects.filter(session_id=session_key, user=user).update(
        last_activity=now, ip=ip or None
    )
    if not updated and Session.objects.filter(pk=session_key).exists():
        # A session that started before the session list existed.
        session_record(user=user, session_key=session_key, user_agent=user_agent, ip=ip)


def session_revoke(*, user: User, session_id: int) -> bool:
    """Sign out one of the user's sessions; another user's session id does nothing."""
    keys = UserSession.objects.filter(user=user, pk=session_id).values("session_id")
    deleted, _ = Session.objects.filter(pk__in=keys).delete()
    return deleted > 0


def session_revoke_others(*, user: User, current_session_key: str) -> int:
    """Sign out every session of the user except the current one; returns how many."""
    keys = (
        UserSession.objects.filter(user=user)
        .exclude(session_id=current_session_key)
        .values("session_id")
    )
    with transaction.atomic():
        count = (
            UserSession.objects.filter(user=user).exclude(session_id=current_session_key).count()
        )
        Session.objects.filter(pk__in=keys).delete()
    return count


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the user and everything they own, in one transaction.

    Cascades remove their plans (with activities and members), their memberships of other
    people's plans (those plans stay), tokens, email addresses, social accounts and sessions.
    """
    keys = UserSession.objects.filter(user=user).values("session_id")
    Session.objects.filter(pk__in=keys).delete()
    plan_model = user.plans.model
    activity_model = plan_model._meta.get_field("activities").related_model
    owned = list(user.plans.values_list("pk", flat=True))
    user.delete()
    # Deleting records history rows for the plans and activities that went with the account;
    # their content must go too, so drop every history row of what the account owned.
    activity_model.history.filter(plan_id__in=owned).delete()
    plan_model.history.filter(id__in=owned).delete()


@transaction.atomic
def users_deactivate(*, users) -> int:
    """Stop users signing in (staff action): inactive, signed out everywhere, tokens revoked."""
    ids = [user.pk for user in users]
    count = User.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
    keys = UserSession.objects.filter(user_id__in=ids).values("session_id")
    Session.objects.filter(pk__in=keys).delete()
    ApiToken.objects.filter(user_id__in=ids, revoked_at=None).update(revoked_at=timezone.now())
    return count


def tokens_revoke(*, tokens) -> int:
    """Revoke several tokens at once (staff action); already revoked ones keep their time."""
    return ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at=None).update(
        revoked_at=timezone.now()
    )

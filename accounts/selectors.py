"""Reads of accounts data, already limited to the requesting user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import ApiToken, User, UserSession
from accounts.services import token_hash


def isoformat(value: dt.date | dt.time | None) -> str | None:
    """ISO 8601 as the export writes dates, times and datetimes; None stays None."""
    return None if value is None else value.isoformat()


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get_for_user(*, user: User, pk: int) -> ApiToken:
    """The user's own token, or ApiToken.DoesNotExist (another user's token is not found)."""
    return ApiToken.objects.get(user=user, pk=pk)


def token_get_by_secret(secret: str) -> ApiToken | None:
    """The token with this secret and its user, in one lookup by the secret's SHA-256 hash."""
    try:
        return ApiToken.objects.select_related("user").get(token_hash=token_hash(secret))
    except ApiToken.DoesNotExist:
        return None


def session_list(*, user: User) -> QuerySet[UserSession]:
    """The user's signed-in sessions that have not expired, most recent activity first."""
    return UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now()).order_by(
        "-last_activity", "-id"
    )


def _money(value) -> str | None:
    return str(value) if value is not None else None


def _activity(activity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "title": activity.title,
        "description": activity.description,
        "activity_type": activity.activity_type,
        "location_name": activity.location_name,
        "address": activity.address,
        "latitude": _money(activity.latitude),
        "longitude": _money(activity.longitude),
        "scheduled_date": isoformat(activity.scheduled_date),
        "start_time": isoformat(activity.start_time),
        "end_time": isoformat(activity.end_time),
        "duration_minutes": activity.duration_minutes,
        "estimated_cost": _money(activity.estimated_cost),
        "actual_cost": _money(activity.actual_cost),
        "order_index": activity.order_index,
        "is_completed": activity.is_completed,
        "metadata": activity.metadata,
        "created_at": isoformat(activity.created_at),
        "updated_at": isoformat(activity.updated_at),
    }


def _plan(plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "description": plan.description,
        "destination": plan.destination,
        "start_date": isoformat(plan.start_date),
        "end_date": isoformat(plan.end_date),
        "budget": _money(plan.budget),
        "currency": plan.currency,
        "status": plan.status,
        "is_public": plan.is_public,
        "plan_data": plan.plan_data,
        "created_at": isoformat(plan.created_at),
        "updated_at": isoformat(plan.updated_at),
        "activities": [_activity(activity) for activity in plan.activities.all()],
        "members": [
            {
                "name": member.user.public_name,
                "role": member.role,
                "joined_at": isoformat(member.created_at),
            }
            for member in plan.members.all()
        ],
    }


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the user owns, as one JSON-ready document ("Export my data").

    Plans, activities and members are read through the ORM relations (`user.plans`,
    `plan.activities`, `plan.members`), so accounts imports no code from those apps.
    A constant number of queries whatever the size of the account.
    """
    plan_member_model = user.plan_memberships.model
    members = plan_member_model.objects.select_related("user").order_by("created_at", "id")
    plans = user.plans.order_by("created_at", "id").prefetch_related(
        "activities", Prefetch("members", queryset=members)
    )
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    socials = SocialAccount.objects.filter(user=user).order_by("provider", "date_joined")
    return {
        "format": "wayfarer-export",
        "version": 1,
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "locale": user.locale,
            "preferred_currency": user.preferred_currency,
            "home_city": user.home_city,
            "travel_preferences": user.travel_preferences,
            "date_joined": isoformat(user.date_joined),
            "last_login": isoformat(user.last_login),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
        "connected_accounts": [
            {"provider": s.provider, "connected_at": isoformat(s.date_joined)} for s in socials
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scope": t.scope,
                "created_at": isoformat(t.created_at),
                "expires_at": isoformat(t.expires_at),
                "last_used_at": isoformat(t.last_used_at),
                "revoked_at": isoformat(t.revoked_at),
            }
            for t in token_list(user=user)
        ],
        "plans": [_plan(plan) for plan in plans],
    }

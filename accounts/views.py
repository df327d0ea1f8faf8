"""Account settings pages under /account/: thin views over selectors and services."""

from __future__ import annotations

import json
import time

from allauth.account import app_settings as allauth_account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, ProfileForm, PublicNameForm, TokenCreateForm
from accounts.models import ApiToken
from config.links import next_path


@login_required
@require_GET
def overview(request):
    user = request.user
    context = {
        "social_accounts": SocialAccount.objects.filter(user=user).order_by("provider"),
        "active_token_count": selectors.token_list(user=user).active().count(),
        "session_count": selectors.session_list(user=user).count(),
    }
    return render(request, "accounts/overview.html", context)


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.user_update_profile(user=user, **form.profile_changes())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Your profile has been saved.")
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user), user=user)
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def choose_name(request):
    """The step after sign-up: the name others see, or skip and keep the neutral one."""
    user = request.user
    next_url = _next_url(request)
    form = PublicNameForm(
        request.POST or None, user=user, initial={"display_name": user.display_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, display_name=form.cleaned_data["display_name"])
        except ValidationError as exc:
            for message in exc.message_dict.get("display_name", exc.messages):
                form.add_error("display_name", message)
        else:
            messages.success(request, f"Other travellers will see you as “{user.public_name}”.")
            return redirect(next_url)
    return render(request, "accounts/choose_name.html", {"form": form, "next": next_url})


def _next_url(request) -> str:
    """Where the traveller was going (a path on this site), else the usual landing page."""
    return next_path(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def tokens(request):
    """List tokens and create one; a new secret is shown once, in this response only."""
    user = request.user
    created = secret = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.token_create(
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else "expires_in", errors)
            else:
                form.add_error(None, exc)
        else:
            form = TokenCreateForm()
    context = {
        "form": form,
        "tokens": selectors.token_list(user=user),
        "created": created,
        "secret": secret,
        "now": timezone.now(),
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        token = selectors.token_get_for_user(user=request.user, pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such token.") from exc
    services.token_revoke(token=token)
    messages.success(request, f"“{token.name}” has been revoked; apps using it are now signed out.")
    return redirect("accounts:tokens")


@login_required
@require_GET
def sessions(request):
    context = {
        "sessions": selectors.session_list(user=request.user),
        "current_key": request.session.session_key,
    }
    return render(request, "accounts/sessions.html", context)


@login_required
@require_POST
def session_revoke(request, pk: int):
    current = selectors.session_list(user=request.user).filter(pk=pk).first()
    if current is None:
        raise Http404("No such session.")
    is_current = current.session_id == request.session.session_key
    services.session_revoke(user=request.user, session_id=pk)
    if is_current:
        logout(request)
        messages.success(request, "You have been signed out of this device.")
        return redirect("account_login")
    messages.success(request, "That session has been signed out.")
    return redirect("accounts:sessions")


@login_required
@require_POST
def session_revoke_others(request):
    count = services.session_revoke_others(
        user=request.user, current_session_key=request.session.session_key
    )
    messages.success(
        request,
        f"Signed out of {count} other session{'s' if count != 1 else ''}."
        if count
        else "There were no other sessions to sign out.",
    )
    return redirect("accounts:sessions")


@login_required
@require_GET
def export(request):
    data = selectors.account_export(user=request.user)
    filename = f"wayfarer-export-{timezone.now():%Y-%m-%d}.json"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _recently_signed_in(request) -> bool:
    """For accounts without a password: a sign-in in this session within the allowed window."""
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    timeout = allauth_account_settings.REAUTHENTICATION_TIMEOUT
    return time.time() - records[-1]["at"] < timeout


@login_required
def delete(request):
    user = request.user
    needs_reauth = not user.has_usable_password() and not _recently_signed_in(request)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and not needs_reauth and form.is_valid():
        services.account_delete(user=user)
        logout(request)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("/")
    connected = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
    context = {
        "form": form,
        "needs_reauth": needs_reauth,
        # Only providers still configured can be used to sign in again.
        "reauth_providers": [
            provider
            for provider in get_social_adapter().list_providers(request)
            if provider.id in connected
        ],
    }
    return render(request, "accounts/delete.html", context)

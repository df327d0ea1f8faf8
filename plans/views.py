"""Website views for plans: thin, reading through selectors and writing through services.

Plain functions, so the share page and invitation views can be wrapped by the ratelimit
app's decorator in urls.py without changes here.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.links import public_url
from config.pagination import LargeCountCachingPaginator
from config.transactions import reads_in_autocommit
from plans import permissions, selectors, services
from plans.decorators import sign_in_instead_of_404
from plans.documents import plan_notes
from plans.forms import (
    InvitationForm,
    MemberRoleForm,
    PlanEditor,
    PublishForm,
    ReportForm,
    VisibilityForm,
)
from plans.models import Plan, PlanInvitation, Visibility
from plans.projection import public_projection

DASHBOARD_PAGE_SIZE = 12
DASHBOARD_FOLD_FILTERS_BELOW = 6
GALLERY_PAGE_SIZE = 24
PENDING_INVITATION_SESSION_KEY = services.PENDING_INVITATION_SESSION_KEY


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page(request, queryset, size: int, paginator=Paginator):
    return paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@reads_in_autocommit
def home(request):
    """The landing page: what Wayfarer does, and a few public plans to start from."""
    return render(request, "plans/home.html", {"featured": selectors.plan_featured()})


@reads_in_autocommit
@login_required
def dashboard(request):
    """My plans: owned and shared with me, filtered, searched, sorted and paginated."""
    plan_filter = selectors.plan_dashboard(user=request.user, params=request.GET)
    page = _page(request, plan_filter.qs, DASHBOARD_PAGE_SIZE)
    filtered = any(v for k, v in request.GET.items() if k != "page")
    return render(
        request,
        "plans/dashboard.html",
        {
            "filter": plan_filter,
            "page_obj": page,
            "plans": page.object_list,
            "filtered": filtered,
            # Few plans: the filters fold away (open again once one is in use).
            "filters_open": filtered or page.paginator.count >= DASHBOARD_FOLD_FILTERS_BELOW,
            "query_string": _query_without_page(request),
        },
    )


@reads_in_autocommit
def explore(request):
    """The public gallery: published plans their owners chose to list."""
    gallery = selectors.plan_gallery(params=request.GET)
    page = _page(request, gallery.qs, GALLERY_PAGE_SIZE, LargeCountCachingPaginator)
    return render(
        request,
        "plans/explore.html",
        {
            "filter": gallery,
            "page_obj": page,
            "plans": page.object_list,
            "query_string": _query_without_page(request),
        },
    )


def _initial_from_plan(plan: Plan) -> dict:
    return {
        name: getattr(plan, name)
        for name in (
            "title",
            "destination",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "timezone",
            "description",
        )
    }


@login_required
def plan_create(request):
    if request.method == "POST":
        editor = PlanEditor(request.POST)
        if editor.is_valid():
            try:
                plan = services.plan_create(owner=request.user, **editor.service_arguments())
            except ValidationError as error:
                editor.add_service_errors(error)
            else:
                messages.success(request, f"“{plan.title}” is ready. Add your first activities.")
                return redirect(plan)
    else:
        profile_preferences = services.plan_preferences_from_profile(user=request.user)
        editor = PlanEditor(
            initial={
                "currency": request.user.preferred_currency or "USD",
                "timezone": request.user.timezone or "UTC",
            },
            plan_data={"preferences": profile_preferences} if profile_preferences else None,
        )
    return render(request, "plans/plan_form.html", {"editor": editor, "plan": None})


@login_required
def plan_edit(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="edit")
    if request.method == "POST":
        editor = PlanEditor(request.POST, plan_data=plan.plan_data)
        if editor.is_valid():
            try:
                services.plan_update(plan=plan, **editor.service_arguments())
            except ValidationError as error:
                editor.add_service_errors(error)
            else:
                messages.success(request, "Your changes are saved.")
                return redirect(plan)
    else:
        editor = PlanEditor(initial=_initial_from_plan(plan), plan_data=plan.plan_data)
    return render(request, "plans/plan_form.html", {"editor": editor, "plan": plan})


@reads_in_autocommit
@sign_in_instead_of_404
def plan_detail(request, pk: int):
    """The plan page: members see the whole plan, anyone else (a public plan) its projection."""
    plan = selectors.plan_get_for_page(user=request.user, pk=pk)
    role = permissions.plan_role(request.user, plan)
    if role is None:
        return render(
            request,
            "plans/public.html",
            {
                "plan": public_projection(plan),
                "can_report": permissions.can_report(request.user, plan),
            },
        )
    context = {
        "plan": plan,
        "role": role,
        "can_edit": permissions.can_edit(request.user, plan),
        "can_manage": permissions.can_manage(request.user, plan),
        "can_report": permissions.can_report(request.user, plan),
        "doc": plan.plan_data,
        "notes": plan_notes(plan.plan_data),
        "show_private": True,
    }
    if context["can_edit"]:
        # Called by the template only when its kept list is out of date (a plan or activity
        # write moves the fragment's key).
        context["recent_changes"] = functools.partial(selectors.plan_recent_changes, plan=plan)
    # Called by the header only when its kept sum is out of date (an activity write).
    context["spent"] = functools.partial(selectors.plan_spent, plan=plan)
    # The header names everyone on the trip, so every member reads the co-travellers.
    sharing = selectors.plan_sharing(plan=plan)
    context["members"] = sharing.members
    if context["can_manage"]:
        context["invitation_count"] = sharing.pending_invitations
        context["visibility_form"] = VisibilityForm(initial={"visibility": plan.visibility})
        context["share_url"] = (
            public_url(reverse("plans:shared", args=[plan.share_token]))
            if plan.share_token and not plan.is_hidden
            else ""
        )
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_delete(request, pk: int):
    """Ask first (GET), delete on POST."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    if request.method == "POST":
        title = plan.title
        services.plan_delete(plan=plan)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("plans:dashboard")
    return render(request, "plans/plan_confirm_delete.html", {"plan": plan})


@login_required
@require_POST
def plan_archive(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    services.plan_archive(plan=plan)
    messages.success(request, f"“{plan.title}” is archived. You can bring it back any time.")
    return redirect(plan)


@login_required
@require_POST
def plan_unarchive(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    services.plan_unarchive(plan=plan)
    messages.success(request, f"“{plan.title}” is back in your plans as a draft.")
    return redirect(plan)


@login_required
def plan_publish(request, pk: int):
    """Publish the plan, optionally listing it in the public gallery (verified users only)."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.plan_publish(
                    plan=plan, user=request.user, public=form.cleaned_data["public"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("public", message)
            else:
                if plan.is_public:
                    messages.success(request, "Published and listed in the public gallery.")
                else:
                    messages.success(request, "Published. Only you and your members can see it.")
                return redirect(plan)
        messages.error(request, "The plan was not published. See the message below.")
    else:
        form = PublishForm(initial={"public": plan.is_public})
    return render(
        request,
        "plans/plan_publish.html",
        {"plan": plan, "form": form, "is_verified": services._is_verified(request.user)},
    )


@login_required
@require_POST
def plan_unpublish(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    services.plan_unpublish(plan=plan)
    messages.success(request, "The plan is a draft again and no longer in the gallery.")
    return redirect(plan)


@login_required
@require_POST
def plan_share(request, pk: int):
    """Share link settings: enable, rotate or revoke."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    action = request.POST.get("action")
    if action == "enable":
        services.share_link_enable(plan=plan)
        messages.success(request, "Link sharing is on. Anyone with the link can read the plan.")
    elif action == "rotate":
        services.share_link_rotate(plan=plan)
        messages.success(request, "You have a new link. The old one no longer works.")
    elif action == "revoke":
        services.share_link_revoke(plan=plan)
        messages.success(request, "Link sharing is off. The link no longer works.")
    else:
        messages.error(request, "That share action is not available.")
    return redirect(f"{plan.get_absolute_url()}#share")


VISIBILITY_CHANGED = {
    Visibility.MEMBERS: "Only you and your co-travellers can see this plan now.",
    Visibility.LINK: "Anyone with the link can see this plan now. Copy the link below.",
    Visibility.PUBLIC: "This plan is listed in the public gallery now.",
}


@login_required
@require_POST
def plan_visibility(request, pk: int):
    """The one visibility control: only members, anyone with the link, or the gallery."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    form = VisibilityForm(request.POST)
    if form.is_valid():
        try:
            services.plan_set_visibility(
                plan=plan, user=request.user, visibility=form.cleaned_data["visibility"]
            )
        except ValidationError as error:
            messages.error(request, f"Visibility not changed: {_error_text(error)}")
        else:
            messages.success(request, VISIBILITY_CHANGED[plan.visibility])
    else:
        messages.error(request, "Visibility not changed: choose who can see this plan.")
    return redirect(f"{plan.get_absolute_url()}#visibility")


@login_required
@require_POST
def plan_duplicate(request, pk: int):
    """Copy a plan the traveller can see into a new draft of their own."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="view")
    copy = services.plan_duplicate(plan=plan, user=request.user)
    messages.success(request, f"“{copy.title}” is your own draft now. Make it yours.")
    return redirect(copy)


@login_required
@require_POST
def plan_copy_sample(request):
    """The empty dashboard's second offer: a sample trip, copied into the traveller's plans."""
    plan = services.plan_create_from_sample(user=request.user)
    messages.success(request, f"“{plan.title}” is your own plan now. Change anything you like.")
    return redirect(plan)


@reads_in_autocommit
def shared_plan(request, token: str):
    """The read-only page behind a share link: no sign-in, the plan's public projection."""
    plan = selectors.plan_get_by_share_token(token=token)
    return render(
        request,
        "plans/shared.html",
        {
            "plan": public_projection(plan),
            "token": token,
            "can_report": permissions.can_report(request.user, plan),
        },
    )


@login_required
@require_POST
def shared_plan_duplicate(request, token: str):
    plan = selectors.plan_get_by_share_token(token=token)
    copy = services.plan_duplicate(plan=plan, user=request.user)
    messages.success(request, f"“{copy.title}” is your own draft now. Make it yours.")
    return redirect(copy)


def _report(request, plan: Plan, *, back: str):
    """The report form for a plan the traveller reached (its page or a share link)."""
    if not permissions.can_report(request.user, plan):
        messages.info(request, "You can't report your own plan.")
        return redirect(back)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_create(plan=plan, reporter=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.info(request, _error_text(error))
                return redirect(back)
            messages.success(
                request,
                "Thank you for telling us. Our moderators will look at this plan soon; "
                "the owner is not told who reported it.",
            )
            return redirect(back)
        messages.error(request, "The report was not sent. See the message below.")
    else:
        form = ReportForm()
    return render(request, "plans/report.html", {"plan": plan, "form": form, "back": back})


@login_required
def plan_report(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="view")
    return _report(request, plan, back=plan.get_absolute_url())


@login_required
def shared_plan_report(request, token: str):
    plan = selectors.plan_get_by_share_token(token=token)
    return _report(request, plan, back=reverse("plans:shared", args=[token]))


# --- members and invitations -----------------------------------------------------------------


@login_required
def plan_members(request, pk: int):
    """Members and invitations (owner only); POST sends an invitation."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = services.invitation_create(
                    plan=plan,
                    invited_by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("plans:members", pk=plan.pk)
        messages.error(request, "The invitation was not sent. See the message below.")
    else:
        form = InvitationForm()
    return render(
        request,
        "plans/members.html",
        {
            "plan": plan,
            "form": form,
            "members": selectors.plan_members(plan=plan),
            "invitations": selectors.plan_pending_invitations(plan=plan),
            "role_choices": MemberRoleForm.base_fields["role"].choices,
        },
    )


@login_required
@require_POST
def member_change_role(request, pk: int, member_pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    member = selectors.plan_get_member(plan=plan, pk=member_pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        services.member_change_role(member=member, role=form.cleaned_data["role"])
        messages.success(
            request, f"{member.user.public_name} is now {member.get_role_display().lower()}."
        )
    else:
        messages.error(request, "Choose editor or viewer.")
    return redirect("plans:members", pk=plan.pk)


@login_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    member = selectors.plan_get_member(plan=plan, pk=member_pk)
    services.member_remove(member=member)
    messages.success(request, f"{member.user.public_name} no longer has access to this plan.")
    return redirect("plans:members", pk=plan.pk)


@login_required
@require_POST
def plan_leave(request, pk: int):
    """A member leaves a plan shared with them."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="view")
    member = plan.members.filter(user=request.user).select_related("plan").first()
    if member is None:
        raise Http404("You are not a member of this plan.")
    services.member_remove(member=member)
    messages.success(request, f"You left “{plan.title}”.")
    return redirect("plans:dashboard")


@login_required
@require_POST
def invitation_revoke(request, pk: int, invitation_pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action="manage")
    invitation = selectors.plan_get_invitation(plan=plan, pk=invitation_pk)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("plans:members", pk=plan.pk)


def invitation_respond(request, token: str):
    """The page behind an emailed invitation: accept or decline.

    Visitors without an account see who invited them; the invitation is remembered in
    their session, and joining happens as soon as they sign up or sign in.
    """
    invitation = selectors.invitation_get_by_token(token=token)
    user = request.user
    if (
        invitation.status == PlanInvitation.Status.ACCEPTED
        and user.is_authenticated
        and invitation.accepted_by_id == user.pk
    ):
        messages.info(request, f"You have joined “{invitation.plan.title}”.")
        return redirect(invitation.plan)

    if request.method == "POST" and invitation.is_open:
        action = request.POST.get("action")
        if action == "decline":
            services.invitation_decline(invitation=invitation)
            request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
            messages.success(request, "You declined the invitation. Nobody was added.")
            return redirect("plans:home")
        if action == "accept":
            if not user.is_authenticated:
                return redirect(f"{reverse('account_login')}?next={request.path}")
            try:
                services.invitation_accept(invitation=invitation, user=user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
                messages.success(request, f"Welcome aboard “{invitation.plan.title}”.")
                return redirect(invitation.plan)

    if invitation.is_open and not user.is_authenticated:
        request.session[PENDING_INVITATION_SESSION_KEY] = invitation.token_hash
    inviter = invitation.invited_by.public_name if invitation.invited_by else "A traveller"
    return render(
        request,
        "plans/invitation.html",
        {"invitation": invitation, "inviter": inviter, "next": request.path},
    )

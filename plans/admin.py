"""The back office for plans and the moderation queue.

Every change of state goes through plans.services (so history, versions and reports stay
consistent) and is written to the admin log. Destructive actions ask for confirmation first.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Subquery, Value, When
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from config.admin import JSON_DOCUMENTS, PrettyJSONField
from plans import selectors, services
from plans.models import Plan, PlanMember, PlanReport

PlanActivity = Plan._meta.get_field("activities").related_model


# The owner's address, as a subquery per row rather than a join: the paginator's count (which
# Django runs on the filtered queryset) then leaves the users table alone.
_OWNER_EMAIL = Subquery(User.objects.filter(pk=OuterRef("user_id")).values("email"))


class EstimatedCountPaginator(Paginator):
    """Counts big lists from the planner's statistics instead of COUNT(*) over every match.

    The whole list: COUNT(*) over every plan reads the whole table on each load (a parallel
    index-only scan in several PostgreSQL processes). The planner's own estimate,
    pg_class.reltuples scaled to the table's current size as the planner scales it, costs
    next to nothing and is close enough for "about 200,000 plans" and the page links. Tables
    estimated below `estimate_from` rows are counted exactly, in the same single query (the
    COUNT sits in a CASE branch PostgreSQL runs only then).

    A filtered list (a search above all) is counted exactly up to `count_up_to` rows, whatever
    the table's size; past that it shows the planner's estimate for the query. Counting every
    plan matching a common word ("a", "new") read half the table again after the page itself
    was found: seconds at a million plans. An estimate at or below what was already counted
    says only "more than `count_up_to`" (`count_is_lower_bound`). Either way the count is at
    least `count_up_to + 1`, above a page and above "Show all" (list_max_show_all), so a low
    estimate can neither load every match on one page nor offer to show them all.

    The last page link follows the estimate; sorting the other way reaches the far end.
    """

    estimate_from = 10_000
    count_up_to = 1_000
    count_is_estimate = False
    count_is_lower_bound = False
    counts_every_row = False  # the whole list, not a filtered one

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = queryset.query
        if query.combinator or query.is_sliced:
            return super().count
        if query.where or query.distinct or query.group_by is not None:
            return self._count_or_estimate(queryset)
        self.counts_every_row = True
        connection = connections[queryset.db]
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        sql = f"""
            SELECT CASE WHEN estimate.n >= %s THEN estimate.n ELSE (SELECT COUNT(*) FROM {table})
                   END,
                   estimate.n >= %s
            FROM (
                SELECT (reltuples / NULLIF(relpages, 0)
                        * (pg_relation_size(oid) / current_setting('block_size')::int))::bigint AS n
                FROM pg_class WHERE oid = %s::regclass
            ) AS estimate
        """  # noqa: S608 (the table name is the model's, quoted)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.estimate_from, self.estimate_from, table])
            count, estimated = cursor.fetchone()
        self.count_is_estimate = bool(estimated)
        return count

    def _count_or_estimate(self, queryset) -> int:
        counted = queryset.order_by().values("pk")[: self.count_up_to + 1].count()
        if counted <= self.count_up_to:
            return counted
        [plan] = json.loads(queryset.order_by().explain(format="json"))
        estimate = int(plan["Plan"]["Plan Rows"])
        self.count_is_estimate = True
        self.count_is_lower_bound = estimate <= counted
        return max(estimate, counted)


class PlanChangeList(ChangeList):
    """Django's changelist; the page's rows read only what the plan list's columns show."""

    def get_results(self, request):
        super().get_results(request)
        # The page's rows load only what the columns show: not each plan's JSON document,
        # description and moderation note. Actions and the count keep the full queryset.
        self.result_list = self.result_list.only(*self.model_admin.list_page_fields).annotate(
            owner_email=_OWNER_EMAIL
        )
        if self.paginator.counts_every_row:
            # The list shows every plan: its count is the full count, so the search bar does
            # not offer "N results (Show all)" on the list that already is all.
            self.full_result_count = self.result_count


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would bypass the services' rules.

    SIMPLE_HISTORY_REVERT_DISABLED only hides the button; simple-history still saves a POST
    to the old-version page, so POSTs are refused here.
    """

    formfield_overrides = JSON_DOCUMENTS

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PlanAdminForm(forms.ModelForm):
    plan_data = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"}),
        help_text="Checked against the plan document schema on save; errors name the JSON path.",
    )

    class Meta:
        model = Plan
        # The editable columns; moderation fields change only through the hide/unhide actions.
        fields = [
            "user",
            "title",
            "description",
            "destination",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "timezone",
            "status",
            "is_public",
            "plan_data",
        ]

    def clean_plan_data(self):
        # An emptied box means an empty document, not NULL.
        data = self.cleaned_data.get("plan_data")
        return {} if data is None else data


class HasOpenReportsFilter(admin.SimpleListFilter):
    title = "open reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Has open reports"), ("no", "No open reports")]

    def queryset(self, request, queryset):
        # EXISTS, not the row's count annotation: PostgreSQL turns it into a (anti) semi-join
        # over the few open reports instead of counting reports for every plan in the table.
        has_open = Exists(
            PlanReport.objects.filter(plan=OuterRef("pk"), status=PlanReport.Status.OPEN)
        )
        if self.value() == "yes":
            return queryset.filter(has_open)
        if self.value() == "no":
            return queryset.filter(~has_open)
        return queryset


class ActivityInline(admin.TabularInline):
    """Text can be corrected here; order and days belong to the itinerary's own services."""

    model = PlanActivity
    fields = [
        "order_index",
        "scheduled_date",
        "start_time",
        "title",
        "activity_type",
        "location_name",
        "is_completed",
    ]
    readonly_fields = ["order_index", "scheduled_date", "start_time", "is_completed"]
    ordering = ["scheduled_date", "order_index", "id"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = PlanMember
    fields = ["user", "role", "invited_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # `plan` too: each row shows str(member), which names the plan.
        return super().get_queryset(request).select_related("user", "invited_by", "plan")


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Reason shown to the owner",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Plain and specific, for example: “Contains someone's phone number.”",
    )


def _confirm(modeladmin, request, queryset, *, action: str, title: str, text: str, form=None):
    """The intermediate page of a destructive action (like Django's delete confirmation)."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "text": text,
        "objects": queryset,
        "form": form,
        "action": action,
        "opts": opts,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/plans/action_confirmation.html", context)


def _confirmed(request) -> bool:
    return request.POST.get("confirmed") == "yes"


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    form = PlanAdminForm
    list_display = [
        "title",
        "owner_email",
        "destination",
        "start_date",
        "end_date",
        "status",
        "is_public",
        "moderation_status",
        "open_reports",
        "activity_total",
        "updated_at",
    ]
    # What the columns (and str(plan)) read, with the owner's email annotated by
    # PlanChangeList for the page's rows: a column reading anything else would cost a query
    # per row, which the changelist's query-count tests catch.
    list_page_fields = [
        "title",
        "destination",
        "start_date",
        "end_date",
        "status",
        "is_public",
        "moderation_status",
        "updated_at",
    ]
    list_filter = [
        "status",
        "is_public",
        "moderation_status",
        HasOpenReportsFilter,
        ("start_date", admin.DateFieldListFilter),
        ("updated_at", admin.DateFieldListFilter),
    ]
    # No date_hierarchy: Django's lists its years with a DISTINCT over every plan on each load,
    # and the "updated at" filter above already offers the ranges moderators use.
    # Shows the search box; get_search_results reads these three its own way.
    search_fields = ["title", "destination", "user__email"]
    search_help_text = (
        "Words of the title or destination (the start of a word is enough: “lisb” finds "
        "Lisbon), or the start of the owner's email. Every word must match."
    )
    autocomplete_fields = ["user"]
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = [
        "share_token",
        "public_links",
        "moderation_status",
        "moderation_reason",
        "moderated_by",
        "moderated_at",
        "version",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["user", "title", "description", "destination", "public_links"]}),
        ("Trip", {"fields": ["start_date", "end_date", "budget", "currency", "timezone"]}),
        ("Visibility", {"fields": ["status", "is_public", "share_token"]}),
        (
            "Moderation",
            {
                "fields": [
                    "moderation_status",
                    "moderation_reason",
                    "moderated_by",
                    "moderated_at",
                ]
            },
        ),
        ("Document", {"fields": ["plan_data"]}),
        ("Record", {"fields": ["version", "created_at", "updated_at"]}),
    ]
    inlines = [ActivityInline, MemberInline]
    actions = [
        "publish",
        "archive",
        "make_private",
        "hide",
        "unhide",
        "rotate_share_link",
        "resolve_reports",
    ]

    def has_add_permission(self, request):
        # Plans belong to travellers; they create them on the website.
        return False

    def get_changelist(self, request, **kwargs):
        return PlanChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return EstimatedCountPaginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_queryset(self, request):
        # Annotated on the whole queryset, not only the page's rows: the list sorts by them.
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=selectors.row_count(PlanReport, status=PlanReport.Status.OPEN),
                activity_count=selectors.row_count(PlanActivity),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        # Words through an index, not icontains over every plan; no joins, so no duplicates.
        return selectors.plan_admin_search(queryset, search_term), False

    # --- columns -----------------------------------------------------------------------------

    @admin.display(description="Owner", ordering="user__email")
    def owner_email(self, plan: Plan) -> str:
        return plan.owner_email

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, plan: Plan):
        if not plan.open_report_count:
            return 0
        url = reverse("admin:plans_planreport_changelist")
        return format_html(
            '<a href="{}?plan__id__exact={}&amp;status__exact=open">{}</a>',
            url,
            plan.pk,
            plan.open_report_count,
        )

    # Not named `activities`: the changelist sorts a column named like a model field (here the
    # reverse relation) by that field, one row per activity, not by this count.
    @admin.display(description="Activities", ordering="activity_count")
    def activity_total(self, plan: Plan) -> int:
        return plan.activity_count

    @admin.display(description="On the website")
    def public_links(self, plan: Plan) -> str:
        if plan.pk is None:
            return "—"
        return format_html('<a href="{}">Plan page</a>', plan.get_absolute_url())

    # --- saving ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Bump `version` like every other write, so API clients see the plan changed."""
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version", "updated_at"])

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance.version = F("version") + 1
            instance.save()
        formset.save_m2m()

    # --- actions -----------------------------------------------------------------------------

    def _each(self, request, queryset, write, *, done: str, message: str) -> None:
        """Apply `write` to each plan, log it, and report what happened and what did not."""
        changed, problems = 0, []
        for plan in queryset:
            try:
                with transaction.atomic():
                    write(plan)
            except ValidationError as error:
                problems.append(f"“{plan.title}”: {' '.join(error.messages)}")
                continue
            self.log_change(request, plan, message)
            changed += 1
        if changed:
            self.message_user(request, f"{changed} plan(s) {done}.", messages.SUCCESS)
        for problem in problems:
            self.message_user(request, problem, messages.WARNING)

    @admin.action(description="Publish selected plans", permissions=["change"])
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda plan: services.plan_publish(plan=plan, user=plan.user, public=plan.is_public),
            done="published",
            message="Published.",
        )

    @admin.action(description="Archive selected plans…", permissions=["change"])
    def archive(self, request, queryset):
        if not _confirmed(request):
            return _confirm(
                self,
                request,
                queryset,
                action="archive",
                title="Archive these plans?",
                text="They leave the public gallery and their owners' active plans. "
                "Owners can restore them.",
            )
        self._each(
            request,
            queryset,
            lambda plan: services.plan_archive(plan=plan, user=request.user),
            done="archived",
            message="Archived.",
        )
        return None

    @admin.action(description="Make selected plans private…", permissions=["change"])
    def make_private(self, request, queryset):
        if not _confirmed(request):
            return _confirm(
                self,
                request,
                queryset,
                action="make_private",
                title="Take these plans out of the public gallery?",
                text="Status, members and share links stay as they are.",
            )
        self._each(
            request,
            queryset,
            lambda plan: services.plan_make_private(plan=plan, user=request.user),
            done="made private",
            message="Made private (out of the public gallery).",
        )
        return None

    @admin.action(description="Hide selected plans (moderation)…", permissions=["change"])
    def hide(self, request, queryset):
        form = HideForm(request.POST if _confirmed(request) else None)
        if not form.is_valid():
            return _confirm(
                self,
                request,
                queryset,
                action="hide",
                title="Hide these plans from the public?",
                text="They disappear from the gallery, the landing page, share links and the "
                "public API. Owners and their co-travellers still see them, with your reason. "
                "Open reports on them are resolved.",
                form=form,
            )
        reason = form.cleaned_data["reason"]
        self._each(
            request,
            queryset,
            lambda plan: services.plan_hide(plan=plan, moderator=request.user, reason=reason),
            done="hidden",
            message=f"Hidden by moderators: {reason}",
        )
        return None

    @admin.action(description="Show selected hidden plans again", permissions=["change"])
    def unhide(self, request, queryset):
        self._each(
            request,
            queryset.filter(moderation_status=Plan.Moderation.HIDDEN),
            lambda plan: services.plan_unhide(plan=plan, moderator=request.user),
            done="shown again",
            message="Shown again (moderation lifted).",
        )

    @admin.action(description="Replace share links of selected plans…", permissions=["change"])
    def rotate_share_link(self, request, queryset):
        with_link = queryset.filter(share_token__isnull=False)
        if not _confirmed(request):
            return _confirm(
                self,
                request,
                queryset,
                action="rotate_share_link",
                title="Replace the share links of these plans?",
                text="The current links stop working at once; owners see the new link on their "
                "plan page. Plans without a link are left without one.",
            )
        self._each(
            request,
            with_link,
            lambda plan: services.share_link_rotate(plan=plan, user=request.user),
            done="got a new share link",
            message="Share link replaced; the old link no longer works.",
        )
        return None

    @admin.action(description="Resolve open reports of selected plans", permissions=["change"])
    def resolve_reports(self, request, queryset):
        reports = PlanReport.objects.filter(
            plan__in=queryset.values("pk"), status=PlanReport.Status.OPEN
        ).select_related("plan")
        reports = list(reports)
        count = services.report_resolve(reports=reports, moderator=request.user)
        report_admin = self.admin_site._registry[PlanReport]
        for report in reports:
            report_admin.log_change(request, report, "Resolved from the plan list.")
        self.message_user(request, f"{count} open report(s) resolved.", messages.SUCCESS)


@admin.register(PlanReport)
class PlanReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports first, oldest first."""

    list_display = [
        "created_at",
        "plan_link",
        "reason",
        "short_details",
        "reporter_link",
        "status",
        "plan_moderation",
        "resolved_by",
        "resolved_at",
    ]
    list_select_related = ["plan", "plan__user", "reporter", "resolved_by"]
    list_filter = ["status", "reason", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["plan__title", "reporter__email", "details"]
    show_full_result_count = False
    fields = [
        "plan_link",
        "public_page",
        "reporter_link",
        "reason",
        "details",
        "created_at",
        "status",
        "resolved_by",
        "resolved_at",
        "resolution_note",
    ]
    readonly_fields = [field for field in fields if field != "resolution_note"]
    actions = ["resolve", "dismiss", "hide_plans"]

    def has_add_permission(self, request):
        return False

    def get_ordering(self, request):
        open_first = Case(
            When(status=PlanReport.Status.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [open_first.asc(), "created_at", "id"]

    @admin.display(description="Plan", ordering="plan__title")
    def plan_link(self, report: PlanReport) -> str:
        url = reverse("admin:plans_plan_change", args=[report.plan_id])
        return format_html('<a href="{}">{}</a>', url, report.plan.title)

    @admin.display(description="Public page")
    def public_page(self, report: PlanReport) -> str:
        plan = report.plan
        links = [format_html('<a href="{}">Plan page</a>', plan.get_absolute_url())]
        if plan.share_token:
            url = reverse("plans:shared", args=[plan.share_token])
            links.append(format_html('<a href="{}">Share link</a>', url))
        return format_html(" · ".join(["{}"] * len(links)), *links)

    @admin.display(description="Reporter", ordering="reporter__email")
    def reporter_link(self, report: PlanReport) -> str:
        if report.reporter_id is None:
            return "Deleted account"
        url = reverse("admin:accounts_user_change", args=[report.reporter_id])
        return format_html('<a href="{}">{}</a>', url, report.reporter.email)

    @admin.display(description="Details")
    def short_details(self, report: PlanReport) -> str:
        return report.details if len(report.details) <= 80 else report.details[:79] + "…"

    @admin.display(description="Plan state", ordering="plan__moderation_status")
    def plan_moderation(self, report: PlanReport) -> str:
        return report.plan.get_moderation_status_display()

    def _close(self, request, queryset, service, verb: str) -> None:
        reports = list(queryset.filter(status=PlanReport.Status.OPEN))
        count = service(reports=reports, moderator=request.user)
        for report in reports:
            self.log_change(request, report, f"{verb.capitalize()}.")
        self.message_user(request, f"{count} report(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Resolve selected reports (acted on)", permissions=["change"])
    def resolve(self, request, queryset):
        self._close(request, queryset, services.report_resolve, "resolved")

    @admin.action(description="Dismiss selected reports (no action needed)", permissions=["change"])
    def dismiss(self, request, queryset):
        self._close(request, queryset, services.report_dismiss, "dismissed")

    @admin.action(description="Hide the reported plans…", permissions=["change"])
    def hide_plans(self, request, queryset):
        plan_admin = self.admin_site._registry[Plan]
        if not plan_admin.has_change_permission(request):
            self.message_user(request, "You may not change plans.", messages.ERROR)
            return None
        # Already hidden plans are hidden again with this reason, so their reports close too.
        plans = plan_admin.get_queryset(request).filter(pk__in=queryset.values("plan_id"))
        form = HideForm(request.POST if _confirmed(request) else None)
        if not form.is_valid():
            return _confirm(
                self,
                request,
                queryset,
                action="hide_plans",
                title="Hide the reported plans from the public?",
                text="They disappear from the gallery, share links and the public API; their "
                "owners see your reason. All their open reports are resolved.",
                form=form,
            )
        reason = form.cleaned_data["reason"]
        reports = list(queryset.filter(status=PlanReport.Status.OPEN))
        plan_admin._each(
            request,
            plans,
            lambda plan: services.plan_hide(plan=plan, moderator=request.user, reason=reason),
            done="hidden",
            message=f"Hidden by moderators: {reason}",
        )
        for report in reports:
            self.log_change(request, report, f"Resolved by hiding the plan: {reason}")
        return None

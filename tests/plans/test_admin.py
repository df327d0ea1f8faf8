"""The back office: fast lists, logged actions, schema-checked edits, moderator boundaries."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from http import HTTPStatus

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import QuerySet
from django.test import RequestFactory
from django.urls import reverse

from plans import services
from plans.admin import EstimatedCountPaginator, PlanAdmin
from plans.models import Plan, PlanReport
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:plans_plan_changelist"
REPORTS = "admin:plans_planreport_changelist"


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def moderator(moderators_group):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group)
    return moderator


def _act(client, action: str, objects, url=CHANGELIST, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(reverse(url), data)


def _log(obj) -> list[str]:
    """Change messages the admin log holds for `obj`."""
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            action_flag=CHANGE,
        ).values_list("change_message", flat=True)
    )


# --- the plan list -------------------------------------------------------------------------


@pytest.fixture
def thousand_plans(db):
    owners = UserFactory.create_batch(5)
    Plan.objects.bulk_create(
        Plan(
            user=owners[i % 5],
            title=f"Trip {i}",
            destination="Porto",
            start_date=dt.date(2030, 1, 1) + dt.timedelta(days=i % 300),
            status=["draft", "published", "archived"][i % 3],
            is_public=i % 2 == 0,
        )
        for i in range(1000)
    )
    some = list(Plan.objects.order_by("-updated_at", "-id")[:30])
    for plan in some[:10]:
        PlanActivityFactory(plan=plan)
        PlanReport.objects.create(plan=plan, reporter=owners[0], reason="spam")


@pytest.mark.parametrize("per_page", [20, 100])
def test_changelist_queries_stay_constant_at_any_page_size(
    staff_client, thousand_plans, per_page, monkeypatch, django_assert_max_num_queries
):
    """Owner and counts are subqueries of the page's one query: the same few queries per page."""
    monkeypatch.setattr(PlanAdmin, "list_per_page", per_page)
    # Session, user, savepoint pair, the count, the page's rows (owner and counts included);
    # the filters cost none: 6 at any size.
    with django_assert_max_num_queries(6):
        response = staff_client.get(reverse(CHANGELIST), {"p": 2})
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == per_page


def _page_plan_nodes(changelist) -> list[dict]:
    """Every node of the changelist page's EXPLAIN ANALYZE plan.

    Sequential scans and sorts are discouraged, so that on this small table a sort is chosen
    only when no index fits.
    """
    sql, params = changelist.result_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    return list(nodes(plan))


def test_changelist_page_walks_the_ordering_index_not_the_whole_table(staff, thousand_plans):
    """The first page is read in index order (plans_updated_idx) and stops after the page,
    with the owner and counts computed only for the page's rows, so it costs the same at any
    table size.
    Sequential scans and sorts are discouraged so the plan does not depend on this small
    table's size; without a matching index a Sort node still appears."""
    request = RequestFactory().get(reverse(CHANGELIST))
    request.user = staff
    changelist = admin.site.get_model_admin(Plan).get_changelist_instance(request)
    found = _page_plan_nodes(changelist)
    assert not any(node["Node Type"] == "Sort" for node in found)
    scans = [node for node in found if node.get("Index Name") == "plans_updated_idx"]
    assert scans
    assert scans[0]["Actual Rows"] == PlanAdmin.list_per_page
    subplans = [node for node in found if node.get("Subplan Name", "").startswith("SubPlan")]
    assert len(subplans) == 3  # the owner's email, open reports, activities
    assert all(node["Actual Loops"] == PlanAdmin.list_per_page for node in subplans)


def test_unfiltered_changelist_shows_the_planners_estimate_small_filtered_ones_count_exactly(
    staff_client, thousand_plans, monkeypatch
):
    """Over a big table the whole list says it shows about N plans, from pg_class without
    COUNT(*); a filtered list of up to `count_up_to` plans is counted exactly."""
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_from", 500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_plan")

    response = staff_client.get(reverse(CHANGELIST))
    changelist = response.context["cl"]
    assert (changelist.paginator.count_is_estimate, changelist.result_count) == (True, 1000)
    body = response.content.decode()
    assert "About 1000 plans: PostgreSQL's estimate" in body
    assert "1000 results" not in body  # the search bar offers no "Show all" on the whole list

    changelist = staff_client.get(reverse(CHANGELIST), {"status__exact": "draft"}).context["cl"]
    assert (changelist.paginator.count_is_estimate, changelist.result_count) == (False, 334)


def test_small_tables_are_counted_exactly(staff_client, thousand_plans):
    response = staff_client.get(reverse(CHANGELIST))
    changelist = response.context["cl"]
    assert (changelist.paginator.count_is_estimate, changelist.result_count) == (False, 1000)
    assert "About" not in response.content.decode()


def test_changelist_rows_load_only_what_the_columns_show(staff_client):
    """Not the plan document, description or moderation note, nor the owner's password hash."""
    plan = PlanFactory(plan_data={"preferences": {"pace": "relaxed"}})
    (row,) = staff_client.get(reverse(CHANGELIST)).context["cl"].result_list
    assert {"plan_data", "description", "moderation_reason"} <= row.get_deferred_fields()
    # The owner is not loaded at all: only their email, annotated.
    assert (row._state.fields_cache, row.owner_email) == ({}, plan.user.email)


def test_hidden_plans_filter_reads_the_partial_index(staff, thousand_plans):
    """The "hidden" moderation filter pages through plans_hidden_updated_idx (only the hidden
    plans), in order and without a sort, instead of scanning every plan."""
    Plan.objects.filter(pk__in=Plan.objects.order_by("id").values("pk")[:5]).update(
        moderation_status=Plan.Moderation.HIDDEN
    )
    request = RequestFactory().get(reverse(CHANGELIST), {"moderation_status__exact": "hidden"})
    request.user = staff
    changelist = admin.site.get_model_admin(Plan).get_changelist_instance(request)
    found = _page_plan_nodes(changelist)
    assert not any(node["Node Type"] == "Sort" for node in found)
    (scan,) = [node for node in found if node.get("Index Name") == "plans_hidden_updated_idx"]
    assert scan["Actual Rows"] == 5


def test_changelist_filters_by_last_change(staff_client):
    """ "Updated at: past 7 days" lists only plans changed this week, newest first."""
    with time_machine.travel(dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC)):
        PlanFactory(title="Old")
    PlanFactory(title="Recent")
    changelist = staff_client.get(reverse(CHANGELIST)).context["cl"]
    (spec,) = [
        spec for spec in changelist.filter_specs if getattr(spec, "field_path", "") == "updated_at"
    ]
    (link,) = [c["query_string"] for c in spec.choices(changelist) if c["display"] == "Past 7 days"]
    response = staff_client.get(reverse(CHANGELIST) + link)
    assert response.status_code == HTTPStatus.OK
    assert [plan.title for plan in response.context["cl"].result_list] == ["Recent"]


def test_changelist_shows_counts_and_owner_email(staff_client):
    plan = PlanFactory(title="Kyoto")
    PlanActivityFactory.create_batch(3, plan=plan)
    for reporter in UserFactory.create_batch(2):
        PlanReport.objects.create(plan=plan, reporter=reporter, reason="spam")
    PlanReport.objects.create(
        plan=plan,
        reporter=UserFactory(),
        reason="spam",
        status="dismissed",
        resolved_at=plan.created_at,
    )
    row = staff_client.get(reverse(CHANGELIST)).context["cl"].result_list[0]
    assert (row.title, row.owner_email, row.activity_count, row.open_report_count) == (
        "Kyoto",
        plan.user.email,
        3,
        2,
    )


@pytest.mark.parametrize("column", ["open_reports", "activity_total"])
def test_changelist_sorts_by_its_count_columns(staff_client, column):
    """Each count column sorts the list by that count; a dismissed report is not counted."""
    plans = {title: PlanFactory(title=title) for title in ["none", "one", "three"]}
    for title, n in [("one", 1), ("three", 3)]:
        PlanActivityFactory.create_batch(n, plan=plans[title])
        for reporter in UserFactory.create_batch(n):
            PlanReport.objects.create(plan=plans[title], reporter=reporter, reason="spam")
    PlanReport.objects.create(
        plan=plans["none"],
        reporter=UserFactory(),
        reason="spam",
        status="dismissed",
        resolved_at=plans["none"].created_at,
    )
    index = admin.site.get_model_admin(Plan).list_display.index(column) + 1  # after the checkbox
    for order, expected in [
        (f"-{index}", ["three", "one", "none"]),
        (f"{index}", ["none", "one", "three"]),
    ]:
        response = staff_client.get(reverse(CHANGELIST), {"o": order})
        assert [plan.title for plan in response.context["cl"].result_list] == expected


def test_open_report_count_links_to_that_plans_open_reports(staff_client):
    plan, other = PlanFactory(), PlanFactory()
    report = PlanReport.objects.create(plan=plan, reporter=UserFactory(), reason="spam")
    PlanReport.objects.create(plan=other, reporter=UserFactory(), reason="spam")
    link = f"?plan__id__exact={plan.pk}&amp;status__exact=open"
    assert link in staff_client.get(reverse(CHANGELIST)).content.decode()
    response = staff_client.get(reverse(REPORTS) + link.replace("&amp;", "&"))
    assert list(response.context["cl"].result_list) == [report]


def test_change_page_queries_do_not_grow_with_activities_and_members(
    staff_client, django_assert_max_num_queries
):
    plan = PlanFactory()
    PlanActivityFactory.create_batch(40, plan=plan)
    for _ in range(10):
        PlanMemberFactory(plan=plan)
    # 10 however many rows: the inlines load their rows (with users and plan) in one query each.
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert response.status_code == HTTPStatus.OK


def test_filters_and_search(staff_client):
    reported = PlanFactory(title="Reported", destination="Oslo")
    quiet = PlanFactory(title="Quiet", destination="Bergen")
    PlanReport.objects.create(plan=reported, reporter=UserFactory(), reason="spam")

    def titles(**params):
        response = staff_client.get(reverse(CHANGELIST), params)
        return {plan.title for plan in response.context["cl"].result_list}

    assert titles(reported="yes") == {"Reported"}
    assert titles(reported="no") == {"Quiet"}
    assert titles(q="bergen") == {"Quiet"}
    assert titles(q=quiet.user.email) == {"Quiet"}
    assert titles(moderation_status__exact="hidden") == set()


# --- the change form -----------------------------------------------------------------------


def _change_form_data(plan: Plan, **overrides) -> dict:
    data = {
        "user": plan.user_id,
        "title": plan.title,
        "description": plan.description,
        "destination": plan.destination,
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "budget": str(plan.budget),
        "currency": plan.currency,
        "timezone": plan.timezone,
        "status": plan.status,
        "plan_data": json.dumps(plan.plan_data),
        "_save": "Save",
    }
    for prefix in ("activities", "members"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_plan_data_is_shown_indented(staff_client):
    plan = PlanFactory(plan_data={"preferences": {"pace": "relaxed"}})
    body = staff_client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert "{\n  &quot;preferences&quot;: {\n    &quot;pace&quot;: &quot;relaxed&quot;" in body


def test_bad_plan_data_shows_the_json_path_error_and_saves_nothing(staff_client):
    plan = PlanFactory(title="Before")
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    bad = json.dumps({"preferences": {"group_size": 0}})
    response = staff_client.post(url, _change_form_data(plan, title="After", plan_data=bad))

    assert response.status_code == HTTPStatus.OK
    assert "preferences.group_size: must be at least 1" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.title, plan.plan_data, plan.version) == ("Before", {}, 1)


@pytest.mark.parametrize(
    "text", ["[" * 100_000, '{"notes": "a", "notes": "b"}', '{"notes": "\\u0000"}']
)
def test_plan_data_the_api_would_refuse_is_a_form_error_not_a_500(staff_client, text):
    """Deep nesting (a RecursionError before), repeated keys and NUL: "Enter a valid JSON."."""
    plan = PlanFactory(title="Before")
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    response = staff_client.post(url, _change_form_data(plan, title="After", plan_data=text))

    assert response.status_code == HTTPStatus.OK
    assert "Enter a valid JSON." in response.content.decode()
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("Before", 1)


def test_a_valid_admin_edit_saves_bumps_the_version_and_records_history(staff_client, staff):
    plan = PlanFactory(title="Before")
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    doc = {"preferences": {"group_size": 2}}
    response = staff_client.post(
        url, _change_form_data(plan, title="After", plan_data=json.dumps(doc))
    )

    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert (plan.title, plan.plan_data, plan.version) == ("After", doc, 2)
    assert (plan.history.first().title, plan.history.first().history_user) == ("After", staff)


def test_an_admin_edit_stores_the_canonical_document(staff_client):
    """Staff pasting a document in an earlier spelling save the design's shapes."""
    plan = PlanFactory(title="Before")
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    doc = {
        "transportation": {
            "arrival": {"details": "Ferry"},
            "local": {"methods": ["public_transit"]},
        }
    }
    response = staff_client.post(url, _change_form_data(plan, plan_data=json.dumps(doc)))

    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.plan_data == {
        "transportation": {
            "arrival": {"details": {"description": "Ferry"}},
            "local": {"methods": ["public_transport"]},
        }
    }


def test_share_token_and_moderation_cannot_be_edited_in_the_form(staff_client):
    plan = PlanFactory(share_token="k" * 43)
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    staff_client.post(
        url,
        _change_form_data(plan, share_token="mine", moderation_status="hidden"),
    )
    plan.refresh_from_db()
    assert (plan.share_token, plan.moderation_status) == ("k" * 43, "ok")


# --- actions -------------------------------------------------------------------------------


def test_publish_action(staff_client):
    plan = PlanFactory(status="draft")
    untouched = PlanFactory(status="draft")
    _act(staff_client, "publish", [plan])
    plan.refresh_from_db()
    untouched.refresh_from_db()
    assert (plan.status, plan.is_public, untouched.status) == ("published", False, "draft")
    assert _log(plan) == ["Published."]


def test_archive_action_asks_first(staff_client):
    plan = PlanFactory(status="published", is_public=True)
    response = _act(staff_client, "archive", [plan])
    assert response.status_code == HTTPStatus.OK
    assert "Archive these plans?" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "published"

    _act(staff_client, "archive", [plan], confirmed="yes")
    plan.refresh_from_db()
    assert (plan.status, plan.is_public) == ("archived", False)
    assert _log(plan) == ["Archived."]


def test_make_private_action_keeps_the_status(staff_client):
    plan = PlanFactory(status="published", is_public=True)
    _act(staff_client, "make_private", [plan])
    plan.refresh_from_db()
    assert plan.is_public
    _act(staff_client, "make_private", [plan], confirmed="yes")
    plan.refresh_from_db()
    assert (plan.status, plan.is_public) == ("published", False)
    assert _log(plan) == ["Made private (out of the public gallery)."]


def test_hide_action_needs_a_reason_then_hides_and_resolves(staff_client, staff):
    plan = PlanFactory(status="published", is_public=True)
    report = PlanReport.objects.create(plan=plan, reporter=UserFactory(), reason="offensive")

    response = _act(staff_client, "hide", [plan], confirmed="yes", reason="")
    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.content.decode()
    plan.refresh_from_db()
    assert plan.moderation_status == "ok"

    _act(staff_client, "hide", [plan], confirmed="yes", reason="Hateful language")
    plan.refresh_from_db()
    report.refresh_from_db()
    assert (plan.moderation_status, plan.moderation_reason, plan.moderated_by) == (
        "hidden",
        "Hateful language",
        staff,
    )
    assert (plan.status, plan.is_public) == ("published", True)
    assert (report.status, report.resolved_by) == ("resolved", staff)
    assert _log(plan) == ["Hidden by moderators: Hateful language"]


def test_unhide_action(staff_client, staff):
    plan = PlanFactory(status="published", is_public=True)
    services.plan_hide(plan=plan, moderator=staff, reason="Spam")
    _act(staff_client, "unhide", [plan])
    plan.refresh_from_db()
    assert (plan.moderation_status, plan.moderation_reason) == ("ok", "")
    assert Plan.objects.public().filter(pk=plan.pk).exists()
    assert _log(plan) == ["Shown again (moderation lifted)."]


def test_rotate_share_link_action(staff_client):
    shared = PlanFactory(share_token="a" * 43)
    private = PlanFactory()
    _act(staff_client, "rotate_share_link", [shared, private], confirmed="yes")
    shared.refresh_from_db()
    private.refresh_from_db()
    assert shared.share_token not in (None, "a" * 43)
    assert private.share_token is None
    assert _log(shared) == ["Share link replaced; the old link no longer works."]
    assert _log(private) == []


def test_resolve_reports_action_from_the_plan_list(staff_client, staff):
    plan = PlanFactory()
    report = PlanReport.objects.create(plan=plan, reporter=UserFactory(), reason="spam")
    _act(staff_client, "resolve_reports", [plan])
    report.refresh_from_db()
    plan.refresh_from_db()
    assert (report.status, report.resolved_by, plan.moderation_status) == (
        "resolved",
        staff,
        "ok",
    )
    assert _log(report) == ["Resolved from the plan list."]


# --- the report queue ----------------------------------------------------------------------


def test_report_queue_lists_open_first_then_oldest_first(staff_client, staff):
    plan = PlanFactory()
    reporters = UserFactory.create_batch(3)
    old, closed, new = (
        PlanReport.objects.create(plan=plan, reporter=reporter, reason="spam")
        for reporter in reporters
    )
    services.report_dismiss(reports=[closed], moderator=staff)
    response = staff_client.get(reverse(REPORTS))
    assert list(response.context["cl"].result_list) == [old, new, closed]
    body = response.content.decode()
    assert reverse("admin:plans_plan_change", args=[plan.pk]) in body
    assert reverse("admin:accounts_user_change", args=[reporters[0].pk]) in body


def test_report_queue_query_count(staff_client, django_assert_max_num_queries):
    for _ in range(30):
        PlanReport.objects.create(plan=PlanFactory(), reporter=UserFactory(), reason="spam")
    with django_assert_max_num_queries(8):
        staff_client.get(reverse(REPORTS))


def test_report_actions_resolve_dismiss_and_hide(staff_client, staff):
    plan = PlanFactory(status="published", is_public=True)
    first, second, third = (
        PlanReport.objects.create(plan=plan, reporter=UserFactory(), reason="spam")
        for _ in range(3)
    )
    _act(staff_client, "resolve", [first], url=REPORTS)
    _act(staff_client, "dismiss", [second], url=REPORTS)
    _act(staff_client, "hide_plans", [third], url=REPORTS, confirmed="yes", reason="Spam")
    first, second, third = (PlanReport.objects.get(pk=r.pk) for r in (first, second, third))
    plan.refresh_from_db()
    assert [r.status for r in (first, second, third)] == ["resolved", "dismissed", "resolved"]
    assert plan.moderation_status == "hidden"
    assert (_log(first), _log(second), _log(third)) == (
        ["Resolved."],
        ["Dismissed."],
        ["Resolved by hiding the plan: Spam"],
    )
    assert _log(plan) == ["Hidden by moderators: Spam"]


# --- who may do what -----------------------------------------------------------------------


def test_moderators_group_holds_exactly_the_moderation_permissions():
    """What the data migration writes, run again here: an earlier transactional test on the
    same worker may have emptied the table it filled."""
    migration = importlib.import_module("plans.migrations.0006_moderators_group")
    Group.objects.filter(name=migration.GROUP).delete()
    state = MigrationLoader(connection).project_state(("plans", "0006_moderators_group"))
    migration.create_group(state.apps, None)
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_user",
        "view_plan",
        "change_plan",
        "view_planmember",
        "view_planreport",
        "change_planreport",
        "view_historicalplan",
        "view_planactivity",
        "change_planactivity",
        "view_historicalplanactivity",
    }


def test_a_moderator_can_hide_a_plan(client, moderator):
    plan = PlanFactory(status="published", is_public=True)
    client.force_login(moderator)
    assert client.get(reverse(CHANGELIST)).status_code == HTTPStatus.OK
    assert client.get(reverse(REPORTS)).status_code == HTTPStatus.OK
    _act(client, "hide", [plan], confirmed="yes", reason="Spam")
    plan.refresh_from_db()
    assert (plan.moderation_status, plan.moderated_by) == ("hidden", moderator)
    history = client.get(reverse("admin:plans_plan_history", args=[plan.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "hidden by moderators" in history.content.decode()


def test_hiding_from_the_queue_also_closes_reports_of_an_already_hidden_plan(staff_client, staff):
    plan = PlanFactory(status="published", is_public=True)
    services.plan_hide(plan=plan, moderator=staff, reason="Spam")
    late = PlanReport.objects.create(plan=plan, reporter=UserFactory(), reason="offensive")
    _act(staff_client, "hide_plans", [late], url=REPORTS, confirmed="yes", reason="Offensive")
    late.refresh_from_db()
    plan.refresh_from_db()
    assert (late.status, plan.moderation_reason) == ("resolved", "Offensive")


def test_history_pages_offer_no_revert(staff_client):
    plan = PlanFactory()
    services.plan_update(plan=plan, title="Renamed")
    history_id = plan.history.order_by("history_id").first().history_id
    url = reverse("admin:plans_plan_simple_history", args=[plan.pk, history_id])
    assert staff_client.post(url, {}).status_code == HTTPStatus.FORBIDDEN
    plan.refresh_from_db()
    assert plan.title == "Renamed"


def test_a_moderator_cannot_delete_users_or_change_permissions(client, moderator):
    victim = UserFactory()
    client.force_login(moderator)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == HTTPStatus.OK
    forbidden = [
        ("get", reverse("admin:accounts_user_delete", args=[victim.pk]), {}),
        ("post", reverse("admin:accounts_user_delete", args=[victim.pk]), {"post": "yes"}),
        (
            "post",
            reverse("admin:accounts_user_change", args=[moderator.pk]),
            {"username": moderator.username, "is_superuser": "on"},
        ),
        ("get", reverse("admin:auth_group_changelist"), {}),
        ("get", reverse("admin:auth_group_add"), {}),
        ("get", reverse("admin:plans_plan_delete", args=[PlanFactory().pk]), {}),
    ]
    for method, url, data in forbidden:
        assert getattr(client, method)(url, data).status_code == HTTPStatus.FORBIDDEN, url
    moderator.refresh_from_db()
    assert not moderator.is_superuser
    assert type(victim).objects.filter(pk=victim.pk).exists()


def test_a_signed_in_traveller_cannot_reach_the_admin(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse(CHANGELIST)).status_code != HTTPStatus.OK


def test_admin_login_goes_through_the_sites_login(client):
    """Anonymous visitors are sent to allauth's login, never shown the admin's own form."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_admin_lives_at_the_configured_path(settings):
    """config.urls reads ADMIN_URL (from the environment) when it is imported."""
    assert reverse("admin:index") == "/" + settings.ADMIN_URL


# --- search ------------------------------------------------------------------------------------


@pytest.fixture
def searchable(db):
    maria = UserFactory(email="maria.silva@example.org")
    return {
        "lisbon": PlanFactory(
            user=maria, title="Weekend in Lisbon", destination="Lisbon, Portugal"
        ),
        "porto": PlanFactory(title="Porto by train", destination="Porto"),
        "dublin": PlanFactory(title="Rock 'n' roll & pints", destination="Dublin, Ireland"),
        "kyoto": PlanFactory(title="Temples of Kyōto", destination="Kyōto, Japan"),
    }


def _found(client, term: str) -> set[str]:
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == HTTPStatus.OK
    return {plan.title for plan in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lisbon", {"lisbon"}),
        ("LISB", {"lisbon"}),  # the start of a word, any case
        ("portugal", {"lisbon"}),  # the destination
        ("weekend lisbon", {"lisbon"}),  # every word, in any field
        ('"weekend in"', {"lisbon"}),  # a quoted phrase is one term
        ("weekend porto", set()),  # every word must match the same plan
        ("maria.silva@example.org", {"lisbon"}),  # the owner's email
        ("Maria.Sil", {"lisbon"}),  # or its start
        ("kyōto", {"kyoto"}),
        ("rock", {"dublin"}),
        ("isbon", set()),  # the middle of a word does not match (the index's price)
        ("example.org", set()),  # nor does an email's domain alone
    ],
)
def test_search_finds_word_starts_and_owner_emails(staff_client, searchable, term, expected):
    assert _found(staff_client, term) == {searchable[key].title for key in expected}


@pytest.mark.parametrize(
    "term",
    ["'", "\\", "a & b | !c", "x:*", "(", "<->", "'n'", "&", "%_", " ", "x" * 3000],
)
def test_search_reads_operators_and_quotes_as_text(staff_client, searchable, term):
    """What staff type never reaches to_tsquery as syntax: no error page, whatever it is (a
    NUL byte, which no keyboard types, is the admin's 400: tests/config/test_admin_site.py)."""
    _found(staff_client, term)


def test_search_words_joined_by_punctuation_match_next_to_each_other(staff_client, searchable):
    assert _found(staff_client, "'n' roll") == {searchable["dublin"].title}
    assert _found(staff_client, "lisbon,portugal") == {searchable["lisbon"].title}
    assert _found(staff_client, "portugal,lisbon") == set()


def test_search_reads_the_stored_document_which_follows_every_write(staff_client, searchable):
    """PostgreSQL keeps the searched words with the plan (a generated column): a renamed plan
    is found by its new words only, each plan is tested without computing to_tsvector, and
    no other read of plans loads the column."""
    from plans import services as plan_services
    from plans.selectors import plan_admin_search

    plan_services.plan_update(plan=searchable["porto"], title="Douro valley")
    assert _found(staff_client, "douro") == {"Douro valley"}
    assert _found(staff_client, "train") == set()
    queryset = plan_admin_search(Plan.objects.order_by("-updated_at"), "lisbon")[:100]
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_document" in plan
    assert "to_tsvector" not in plan
    assert "search_document" not in str(Plan.objects.all().query)
    assert [p.title for p in queryset] == ["Weekend in Lisbon"]


def test_a_search_is_counted_without_reading_the_owners(staff_client, searchable):
    """The owner's email column is the page rows' own subquery, not a join the count repeats."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(reverse(CHANGELIST), {"q": "lisbon"})
    assert [plan.owner_email for plan in response.context["cl"].result_list] == [
        "maria.silva@example.org"
    ]
    (count,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert "accounts_user" not in count.split("ANY(")[0]  # the email branch's own subquery


def test_search_reads_the_indexes_not_every_plan(searchable):
    """The search's expression is the GIN index's, and the email branch uses its own index:
    with a few rows the planner may read the table, so with that (and walking an ordering
    index) priced out, the plan must combine the two indexes."""
    from plans.selectors import plan_admin_search

    queryset = plan_admin_search(Plan.objects.order_by(), "lisbon maria")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "plans_search_gin" in plan
    # Under a C collation the unique lower(email) index serves the prefix as well.
    assert "accounts_user_email_prefix" in plan or "accounts_user_email_ci_unique" in plan
    assert "BitmapOr" in plan


def test_a_search_matching_many_plans_shows_an_estimate(staff_client, thousand_plans, monkeypatch):
    """Past `count_up_to` matches the count is the planner's ("About N plans"); below, exact."""
    monkeypatch.setattr(EstimatedCountPaginator, "count_up_to", 100)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_plan")

    response = staff_client.get(reverse(CHANGELIST), {"q": "porto"})
    changelist = response.context["cl"]
    assert changelist.paginator.count_is_estimate
    assert not changelist.paginator.count_is_lower_bound
    assert changelist.result_count > 100
    body = response.content.decode()
    assert f"About {changelist.result_count} plans: PostgreSQL's estimate" in body

    changelist = staff_client.get(reverse(CHANGELIST), {"q": "trip 999"}).context["cl"]
    assert not changelist.paginator.count_is_estimate
    assert changelist.result_count == Plan.objects.filter(title="Trip 999").count() == 1


def test_an_estimated_count_is_never_one_page_nor_show_all():
    """Below a page, or "Show all", the changelist would load every match of a low estimate."""
    plan_admin = admin.site.get_model_admin(Plan)
    floor = EstimatedCountPaginator.count_up_to + 1
    assert floor > plan_admin.list_per_page
    assert floor > plan_admin.list_max_show_all


def test_an_estimate_below_what_was_counted_says_more_than(staff_client, monkeypatch):
    """The planner cannot see through `user_id = ANY(...)` and may estimate an owner with many
    plans low: the list then says only what it knows, "at least N", and still pages."""
    monkeypatch.setattr(EstimatedCountPaginator, "count_up_to", 300)
    low_estimate = json.dumps([{"Plan": {"Plan Rows": 12}}])
    monkeypatch.setattr(QuerySet, "explain", lambda self, **options: low_estimate)
    owner = UserFactory(email="prolific@example.net")
    Plan.objects.bulk_create(Plan(user=owner, title=f"Trip {n}") for n in range(400))

    response = staff_client.get(reverse(CHANGELIST), {"q": "prolific@"})
    changelist = response.context["cl"]
    assert changelist.paginator.count_is_lower_bound
    assert changelist.result_count == 301
    body = response.content.decode()
    assert "At least 301 plans match" in body
    assert len(changelist.result_list) == PlanAdmin.list_per_page


# --- the action form -----------------------------------------------------------------------


def test_the_changelist_offers_a_moderator_only_their_actions(client, moderator, staff):
    client.force_login(staff)
    assert 'value="delete_selected"' in client.get(reverse(CHANGELIST)).text
    client.force_login(moderator)
    assert 'value="delete_selected"' not in client.get(reverse(CHANGELIST)).text


# --- the filter sidebar ----------------------------------------------------------------------

# Django 5.2 wraps the sidebar in <nav>, 6.1 in <search>.
FILTERS = re.compile(r'<(nav|search) id="changelist-filter".*?</\1>', re.DOTALL)


def _filters(client, query: str) -> str:
    response = client.get(reverse(CHANGELIST) + query)
    assert response.status_code == HTTPStatus.OK
    return FILTERS.search(response.text)[0]


def test_filter_counts_are_read_each_time(staff_client):
    """With ?_facets ("Show counts") each filter choice shows how many plans it holds now."""
    PlanFactory(status="draft")
    assert "Draft (1)" in _filters(staff_client, "?_facets=True")
    PlanFactory(status="draft")
    assert "Draft (2)" in _filters(staff_client, "?_facets=True")

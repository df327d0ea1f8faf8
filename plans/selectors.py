"""Reads of plans, already limited to what the requester may see."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from decimal import Decimal
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal

from accounts.models import User, public_name_of
from activities.selectors import activity_fingerprint_of
from plans import changes, permissions
from plans.changes import PlanChange
from plans.filters import PlanDashboardFilter, PlanGalleryFilter
from plans.models import (
    Plan,
    PlanInvitation,
    PlanMember,
    Role,
    invitation_token_hash,
)
from plans.tokens import is_token


def plan_get_for_user(*, user, pk: int, action: str = "view") -> Plan:
    """The plan if `user` may perform `action` (view, edit, manage) on it, else 404.

    Not being allowed to view is a 404; being allowed to view but not to edit is a
    PermissionDenied (403), so viewers learn why a button is missing.
    """
    plan = _plan_by_pk(Plan.objects.all(), pk)
    return _plan_allowed(plan, user=user, action=action, members_only=False)


def plan_get_for_page(*, user, pk: int) -> Plan:
    """plan_get_for_user(action="view") for the plan page, with what the page shows beside
    the plan read in the same query: `activity_digest` (activity_fingerprint, the key of the
    kept itinerary and change list) and `pending_invitations` (the sharing panel's count).
    Two round trips fewer on every view of a plan."""
    for_page = Plan.objects.annotate(
        activity_digest=activity_fingerprint_of(F("pk")),
        pending_invitations=_pending_invitations(timezone.now()),
    )
    plan = _plan_by_pk(for_page, pk)
    return _plan_allowed(plan, user=user, action="view", members_only=False)


def plan_spent(*, plan: Plan) -> Decimal | None:
    """What the plan's activities actually cost, None before any cost is known. The header
    keeps it per activity digest, so this runs once after each activity write, not on every
    view (summed in the page's own query it cost about a sixth of the page's time)."""
    return plan.activities.aggregate(total=Sum("actual_cost"))["total"]


_ALLOWED = {
    "view": permissions.can_view,
    "edit": permissions.can_edit,
    "manage": permissions.can_manage,
}


def _plan_by_pk(plans: QuerySet[Plan], pk: int) -> Plan | None:
    """The plan of `plans` with this primary key, with its owner, in one query; or None."""
    try:
        return plans.select_related("user").get(pk=pk)
    except Plan.DoesNotExist:
        return None


def _plan_allowed(plan: Plan | None, *, user, action: str, members_only: bool) -> Plan:
    """`plan` (read by primary key) if `user` may see it (else 404) and `action` it (else 403).

    Seeing is `Plan.objects.accessible_to` (`members_only`) or `visible_to`, decided on the one
    fetched row: a lookup by primary key, then the role (no query for the owner, one small
    one for anybody else). The same rules as those querysets' SQL, at a third of the cost of
    compiling them with the role annotation on every detail request.
    """
    if plan is None:
        raise Http404("No plan found.")
    plan.viewer_role = permissions.plan_role(user, plan)
    seen = plan.viewer_role is not None if members_only else permissions.can_view(user, plan)
    if not seen:
        raise Http404("No plan found.")
    if not _ALLOWED[action](user, plan):
        raise PermissionDenied
    return plan


def row_count(model, **filters) -> Subquery:
    """How many of `model`'s rows belong to the outer plan and match `filters` (see count_of)."""
    return count_of(model.objects.filter(plan=OuterRef("pk"), **filters))


def count_of(rows: QuerySet) -> Subquery:
    """`rows` (filtered on the outer plan) counted as a correlated subquery, one index probe
    per plan shown: a join with Count would multiply the plan rows before grouping them again,
    and the list's count would repeat the join. COUNT is a plain function here, not Django's
    aggregate, so the subquery has no GROUP BY and always returns one row (0 for none)."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


# What a plan card (templates/plans/_plan_card.html, the home page's featured plans) shows:
# lists load these, not the plan document, description or moderation note, nor the owner's
# password hash and preferences.
PLAN_CARD_FIELDS = (
    "title",
    "destination",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "status",
    "is_public",
    "share_token",
    "moderation_status",
    "updated_at",
    "user__display_name",
    "user__name_tag",
)


def _as_cards(queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    return queryset.select_related("user").only(*PLAN_CARD_FIELDS)


def _with_counts(queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    activity_model = Plan._meta.get_field("activities").related_model
    return queryset.annotate(
        member_count=row_count(PlanMember),
        activity_count=row_count(activity_model),
    )


def plan_dashboard(*, user, params=None) -> PlanDashboardFilter:
    """My plans (owned and shared with me) filtered by `params`, with role and counts.

    One query for the rows whatever their number: role and counts are annotations.
    """
    queryset = _as_cards(_with_counts(Plan.objects.accessible_to(user).with_role(user)))
    return PlanDashboardFilter(params or {}, queryset=queryset)


def plan_gallery(*, params=None) -> PlanGalleryFilter:
    """Public, published plans, searchable by destination and title, newest first."""
    queryset = _as_cards(_with_counts(Plan.objects.public()))
    return PlanGalleryFilter(params or {}, queryset=queryset)


def plan_featured(*, limit: int = 6) -> QuerySet[Plan]:
    """A few public plans for the landing page."""
    return _as_cards(Plan.objects.public()).order_by("-updated_at", "-id")[:limit]


def plan_get_by_share_token(*, token: str) -> Plan:
    """The plan behind a share link, or 404 when the link is unknown, revoked or hidden.

    The indexed lookup finds the row; the token is then compared in constant time, so the
    comparison itself leaks nothing about how much of a guess was right.
    """
    if not is_token(token):
        raise Http404("No plan found.")
    plan = Plan.objects.not_hidden().select_related("user").filter(share_token=token).first()
    if plan is None or not secrets.compare_digest(plan.share_token.encode(), token.encode()):
        raise Http404("No plan found.")
    return plan


def plan_members(*, plan: Plan) -> QuerySet[PlanMember]:
    return plan.members.select_related("user").order_by("created_at", "id")


class PlanSharing(NamedTuple):
    """What the plan page's sharing panel shows its managers."""

    members: list[PlanMember]
    pending_invitations: int


def _pending_invitations(now: dt.datetime) -> Subquery:
    """How many invitations to the outer plan row wait for an answer at `now`."""
    return count_of(PlanInvitation.objects.filter(plan=OuterRef("pk")).pending(now=now))


def plan_sharing(*, plan: Plan) -> PlanSharing:
    """The co-travellers (one query; `member.plan` is this plan, read through `plan.members`)
    and the count of open invitations of a plan read by plan_get_for_page, which read the
    count with the plan."""
    members = list(plan_members(plan=plan))
    return PlanSharing(members=members, pending_invitations=plan.pending_invitations)


def plan_pending_invitations(*, plan: Plan) -> QuerySet[PlanInvitation]:
    return plan.invitations.pending().select_related("invited_by")


def plan_get_member(*, plan: Plan, pk: int) -> PlanMember:
    member = plan.members.select_related("user", "plan").filter(pk=pk).first()
    if member is None:
        raise Http404("No such member.")
    return member


def plan_get_invitation(*, plan: Plan, pk: int) -> PlanInvitation:
    invitation = plan.invitations.filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitation_get_by_token(*, token: str) -> PlanInvitation:
    """The invitation behind an emailed link (found by the hash of its secret), or 404."""
    if not is_token(token):
        raise Http404("No invitation found.")
    return invitation_get_by_hash(token_hash=invitation_token_hash(token))


def invitation_get_by_hash(*, token_hash: str) -> PlanInvitation:
    invitation = (
        PlanInvitation.objects.select_related("plan", "plan__user", "invited_by")
        .filter(token_hash=token_hash)
        .first()
    )
    if invitation is None:
        raise Http404("No invitation found.")
    return invitation


# --- history -----------------------------------------------------------------------------------

# Rows read per side for each change asked for: one change may be many rows (a planner run,
# a copied plan), and the bookkeeping rows (plans.changes.HIDDEN_PREFIXES) are read and skipped.
HISTORY_ROWS_PER_CHANGE = 5


def _history_table(model) -> str:
    return connection.ops.quote_name(model.history.model._meta.db_table)


@functools.cache
def _recent_changes_sql() -> str:
    """The latest rows of a plan's history and of its activities' history, merged, with
    their authors: each side cut to the limit through its index, then the newest overall.
    Ties keep the plan's rows first, then the newer row (the order two sorted queries merged
    by time gave). For moves, whether the row put the activity on another day than its row
    before (one index probe, only for those rows)."""
    activity_model = Plan._meta.get_field("activities").related_model
    activities = _history_table(activity_model)
    moves = ", ".join(f"'{reason}'" for reason in sorted(changes.MOVES))
    return f"""
        SELECT change.side, change.history_date, change.history_type,
               change.history_change_reason, change.title, change.scheduled_date,
               CASE WHEN change.side = 1 AND change.history_change_reason IN ({moves}) THEN
                   (SELECT before.scheduled_date IS DISTINCT FROM change.scheduled_date
                    FROM {activities} AS before
                    WHERE before.id = change.id
                      AND (before.history_date, before.history_id)
                          < (change.history_date, change.history_id)
                    ORDER BY before.history_date DESC, before.history_id DESC LIMIT 1)
               END,
               change.history_user_id, author.display_name, author.name_tag
        FROM (
            (SELECT id, history_date, history_id, history_type, history_change_reason,
                    history_user_id, NULL AS title, NULL::date AS scheduled_date, 0 AS side
             FROM {_history_table(Plan)} WHERE id = %(plan)s
             ORDER BY history_date DESC, history_id DESC LIMIT %(limit)s)
            UNION ALL
            (SELECT id, history_date, history_id, history_type, history_change_reason,
                    history_user_id, title, scheduled_date, 1 AS side
             FROM {activities} WHERE plan_id = %(plan)s
             ORDER BY history_date DESC, history_id DESC LIMIT %(limit)s)
        ) AS change
        LEFT JOIN {connection.ops.quote_name(User._meta.db_table)} AS author
            ON author.id = change.history_user_id
        ORDER BY change.history_date DESC, change.side, change.history_id DESC
        LIMIT %(limit)s
    """  # noqa: S608 (table names are the models', quoted; the reasons are constants)


def _history_row(row) -> changes.HistoryRow:
    side, when, kind, reason, title, day, day_changed, author_id, display_name, name_tag = row
    return changes.HistoryRow(
        when=when,
        activity=bool(side),
        kind=kind,
        reason=reason or "",
        title=title or "",
        day=day,
        day_changed=bool(day_changed),
        author_id=author_id,
        # A row with an author has a name tag (tags are never NULL).
        author=public_name_of(display_name, name_tag) if name_tag is not None else "Someone",
    )


def plan_history_rows(*, plan: Plan, limit: int) -> list[changes.HistoryRow]:
    """The newest `limit` history rows of the plan and its activities, newest first, in one
    statement over both history tables, read as tuples rather than history instances."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    with connection.cursor() as cursor:
        cursor.execute(_recent_changes_sql(), {"plan": plan.pk, "limit": limit})
        return [_history_row(row) for row in cursor.fetchall()]


def plan_recent_changes(*, plan: Plan, limit: int = 10) -> list[PlanChange]:
    """The latest changes to the plan and its activities, newest first, as sentences.

    Reads the one history mechanism (simple-history) that website, API and admin writes all
    record into, so the owner sees every edit whatever made it; rows one action wrote are one
    change (plans.changes).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    window = limit * HISTORY_ROWS_PER_CHANGE
    rows = plan_history_rows(plan=plan, limit=window)
    return changes.describe(rows, limit=limit, complete=len(rows) < window)


# --- API -------------------------------------------------------------------------------------


def plan_api_list(*, user) -> QuerySet[Plan]:
    """Plans the user owns or is a member of, with `viewer_role` and the owner: one query
    per page (config.pagination counts only a full page)."""
    return Plan.objects.accessible_to(user).with_role(user).select_related("user")


def plan_get_for_member(*, user, pk: int, action: str = "view") -> Plan:
    """Like `plan_get_for_user`, but public plans of others are 404 too.

    The API's /plans/{id}/ shows the whole document (private notes, booking references),
    so it only answers for the owner and members; outsiders use /public/plans/{id}/.
    """
    plan = _plan_by_pk(Plan.objects.all(), pk)
    return _plan_allowed(plan, user=user, action=action, members_only=True)


def plan_public_list() -> QuerySet[Plan]:
    """The public gallery for the API, newest first; moderation rules live in `public()`."""
    return Plan.objects.public().select_related("user").order_by("-created_at", "-id")


def plan_get_public(*, pk: int) -> Plan:
    plan = Plan.objects.public().select_related("user").filter(pk=pk).first()
    if plan is None:
        raise Http404("No plan found.")
    return plan


def plan_editable_by(*, user) -> QuerySet[Plan]:
    """Plans the user may edit (owner or editor): where plan ids in API bodies are resolved.

    A plan the user may only view, or not see at all, is simply not in it, so an id of one is
    answered exactly like an id that does not exist.
    """
    if not user.is_authenticated:
        return Plan.objects.none()
    editing = PlanMember.objects.filter(plan=OuterRef("pk"), user=user, role=Role.EDITOR)
    return Plan.objects.filter(Q(user=user) | Exists(editing))


def plan_co_travellers(*, user) -> QuerySet:
    """People the user already shares a plan with (owners and members), excluding themself.

    The API adds members by user id only from this set, so ids of strangers cannot be
    probed: an id outside it is answered exactly like an id that does not exist.
    """
    user_model = Plan._meta.get_field("user").related_model
    mine = Plan.objects.accessible_to(user).values("pk")
    return (
        user_model.objects.filter(is_active=True)
        .filter(Q(plans__in=mine) | Q(plan_memberships__plan__in=mine))
        .exclude(pk=user.pk)
        .distinct()
    )


class _SearchDocument(Expression):
    """The plan's stored `search_document` (migration 0012): the words staff search plans by,
    its title and destination lower-cased but not stemmed, so a word's start finds it in any
    language. A column PostgreSQL generates, not a model field, so no other query loads it."""

    output_field = SearchVectorField()

    def __init__(self, alias: str | None = None):
        super().__init__()
        self.alias = alias

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return _SearchDocument(query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return _SearchDocument(change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        column = connection.ops.quote_name("search_document")
        # Django 6.1 quotes aliases too and renames quote_name_unless_alias to quote_name.
        quote = getattr(compiler, "quote_name", None) or compiler.quote_name_unless_alias
        return f"{quote(self.alias)}.{column}", []


class _EqualsAnyOf(Func):
    """`column = ANY(ARRAY(subquery))`: unlike `IN (subquery)`, an index scan inside an OR."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


def _tsquery_prefix(term: str) -> str:
    """`term` as a to_tsquery() text: its words, next to each other, the last one's start.

    The term is one quoted lexeme (a backslash escaped, then a quote doubled), so what staff
    type is never read as tsquery operators. to_tsquery splits it into words as the index did
    and joins them with `<->` (followed by): a quoted phrase, or words joined by punctuation
    ("lisbon,portugal"), match only next to each other. Punctuation alone matches nothing.
    """
    quoted = term.replace("\\", "\\\\").replace("'", "''")
    return f"'{quoted}':*"


def plan_admin_search(queryset: QuerySet[Plan], search_term: str) -> QuerySet[Plan]:
    """The plans matching a staff search: every word of it, in the title, destination or email.

    A word matches a plan whose title or destination has a word starting with it ("lisb" finds
    "Lisbon"), through the GIN index on the stored `_SearchDocument`, or whose owner's email starts
    with it (a whole address, or its start), through accounts_user_email_prefix. Terms split
    as Django's admin splits them: at spaces, a quoted phrase being one term.

    Django's own search (`icontains` on each field, ORed across a join) read every plan, for
    the count and again for the page: 0.8 to 2.5 s at a million plans. Here each term's two
    branches are index scans on the plans table (the GIN index, and the owner index for
    `user_id = ANY(ARRAY(...))`), which PostgreSQL combines with a BitmapOr. The price: a
    word's middle ("isbon") or an email's domain alone no longer matches.
    """
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            terms.append(bit)
    if not terms:
        return queryset
    queryset = queryset.alias(_search_document=_SearchDocument())
    for term in terms:
        words = SearchQuery(_tsquery_prefix(term), search_type="raw", config="simple")
        owners = Subquery(
            User.objects.alias(email_lower=Lower("email"))
            .filter(email_lower__startswith=term.lower())
            .values("id")
        )
        queryset = queryset.filter(Q(_search_document=words) | _EqualsAnyOf(F("user_id"), owners))
    return queryset

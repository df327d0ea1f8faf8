"""Prepared queries return what their querysets return (config.prepared).

Each hot lookup is compared, field by field, with the ORM queryset it replaces, so a Django
upgrade that changes the internals it reads fails here rather than on a request.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import ApiToken
from accounts.services import token_create
from activities import selectors as activity_selectors
from activities.models import PlanActivity
from config.prepared import PreparedQuery
from plans import selectors as plan_selectors
from plans.models import Plan, PlanInvitation, PlanMember
from tests.api_helpers import verified
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_token_by_secret_is_the_orm_lookup_with_its_user_in_one_query(django_assert_num_queries):
    user = verified(UserFactory(timezone="Asia/Tokyo"))
    token, secret = token_create(user=user, name="ci", scope="read")
    expected = ApiToken.objects.select_related("user").get(pk=token.pk)

    with django_assert_num_queries(1):
        found = account_selectors.token_get_by_secret(secret)
        owner = found.user

    assert _fields(found) == _fields(expected)
    assert _fields(owner) == _fields(expected.user)
    assert found._state.adding is False
    assert found._state.db == "default"


def test_a_token_is_found_by_its_secret_only():
    user = verified()
    _, secret = token_create(user=user, name="ci", scope="read")

    assert account_selectors.token_get_by_secret(secret).user == user
    assert account_selectors.token_get_by_secret(secret + "x") is None
    assert account_selectors.token_get_by_secret("") is None


@pytest.mark.parametrize("title", ["x' OR '1'='1", "100%s", "50%% off", "back\\slash", "Zürich"])
def test_a_text_argument_is_bound_as_a_value_not_written_into_the_sql(title):
    PlanFactory(title="Lisbon")
    wanted = PlanFactory(title=title)
    by_title = PreparedQuery(lambda text: Plan.objects.filter(title=text), str)

    assert [plan.pk for plan in by_title(title)] == [wanted.pk]
    assert by_title("Lisbon' --") == []


def test_plan_by_id_is_the_orm_lookup_and_each_call_binds_its_own_id(django_assert_num_queries):
    first = PlanFactory(
        plan_data={"preferences": {"pace": "relaxed"}, "notes": "ünïcode"},
        budget=Decimal("1234.50"),
    )
    second = PlanFactory(start_date=None, end_date=None, budget=None)

    for plan in (first, second, first):
        expected = Plan.objects.select_related("user").get(pk=plan.pk)
        with django_assert_num_queries(1):
            found = plan_selectors.plan_get_for_user(user=plan.user, pk=plan.pk)
            owner = found.user
        assert _fields(found) == _fields(expected)
        assert _fields(owner) == _fields(expected.user)


def test_an_id_is_converted_as_the_orm_would_and_one_beyond_bigint_finds_nothing(
    django_assert_num_queries,
):
    plan = PlanFactory()
    by_id = PreparedQuery(lambda pk: Plan.objects.filter(pk=pk), int)

    assert [found.pk for found in by_id(str(plan.pk))] == [plan.pk]
    with django_assert_num_queries(0):
        assert by_id(2**63) == []
        assert by_id(-(2**63) - 1) == []
    with pytest.raises(ValueError, match="seven"):
        by_id("seven")


def test_an_int_argument_may_be_for_a_small_positive_column_too():
    activity = PlanActivityFactory(order_index=3)
    PlanActivityFactory(order_index=4)
    at = PreparedQuery(
        lambda plan_id, position: PlanActivity.objects.filter(
            plan_id=plan_id, order_index=position
        ),
        int,
        int,
    )

    assert [row.pk for row in at(activity.plan_id, 3)] == [activity.pk]
    assert at(activity.plan_id, 4) == []


def test_activities_come_in_itinerary_order_with_every_field_and_their_plan(
    django_assert_num_queries,
):
    plan = PlanFactory()
    day = plan.start_date
    PlanActivityFactory(plan=plan, scheduled_date=None, order_index=0, title="Someday")
    PlanActivityFactory(
        plan=plan,
        scheduled_date=day,
        order_index=1,
        start_time=dt.time(14, 30),
        estimated_cost=Decimal("12.50"),
        latitude=Decimal("38.7223"),
        longitude=Decimal("-9.1393"),
        metadata={"tags": ["art"]},
    )
    PlanActivityFactory(plan=plan, scheduled_date=day, order_index=0)
    PlanActivityFactory(plan=plan, scheduled_date=day + dt.timedelta(days=1), order_index=0)
    PlanActivityFactory()  # another plan's

    expected = list(activity_selectors.activity_list_ordered(plan=plan))
    with django_assert_num_queries(1):
        rows = activity_selectors.activity_rows_ordered(plan=plan)
        plans = {row.plan for row in rows}

    assert [_fields(row) for row in rows] == [_fields(row) for row in expected]
    assert rows[-1].title == "Someday"
    assert plans == {plan}
    assert all(row.plan is plan for row in rows)

    first_two = activity_selectors.activity_rows_ordered(plan=plan, limit=2)
    assert [row.pk for row in first_two] == [row.pk for row in expected[:2]]
    assert activity_selectors.activity_rows_ordered(plan=PlanFactory()) == []


def test_annotations_arrive_as_attributes_as_from_the_queryset():
    plan = PlanFactory()
    PlanActivityFactory.create_batch(3, plan=plan)
    counted = PreparedQuery(
        lambda pk: Plan.objects.filter(pk=pk).annotate(total=Count("activities")), int
    )

    (found,) = counted(plan.pk)

    assert found.total == 3
    assert isinstance(found, Plan)
    assert found.pk == plan.pk


def test_a_query_its_argument_does_not_reach_is_refused():
    ignoring = PreparedQuery(lambda pk: Plan.objects.all(), int)
    sliced = PreparedQuery(lambda count: Plan.objects.all()[:count], int)
    empty = PreparedQuery(lambda pk: Plan.objects.filter(pk=pk)[:0], int)

    with pytest.raises(ValueError, match="does not reach"):
        ignoring(1)
    with pytest.raises(ValueError, match="does not reach"):
        sliced(5)
    with pytest.raises(ValueError, match="never reads"):
        empty(1)
    with pytest.raises(ValueError, match="at least 1"):
        activity_selectors.activity_rows_ordered(plan=PlanFactory(), limit=0)
    with pytest.raises(TypeError):
        PreparedQuery(lambda budget: Plan.objects.filter(budget=budget), Decimal)


def test_a_datetime_argument_is_bound_as_the_aware_moment_it_is():
    early = PlanFactory()
    Plan.objects.filter(pk=early.pk).update(created_at=dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC))
    PlanFactory()  # created now
    created_after = PreparedQuery(
        lambda when: Plan.objects.filter(created_at__gt=when).order_by("pk"), dt.datetime
    )
    lisbon = dt.timezone(dt.timedelta(hours=1))

    assert [plan.pk for plan in created_after(dt.datetime(2030, 1, 1, 12, 30, tzinfo=lisbon))] == [
        early.pk
    ]
    assert created_after(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        created_after(dt.datetime(2030, 1, 1, 12))  # naive
    with pytest.raises(ValueError, match="timezone-aware"):
        created_after("2030-01-01T12:00:00Z")


def test_the_plan_page_read_carries_the_digest_and_invitation_count(
    django_assert_num_queries,
):
    """plan_get_for_page reads, with the plan, what activity_fingerprint and the sharing
    panel would each read in a query of their own; they then read nothing more for it."""
    owner = UserFactory()
    plan, empty = PlanFactory(user=owner), PlanFactory(user=owner)
    PlanActivityFactory.create_batch(3, plan=plan)
    PlanActivityFactory(plan=empty).delete()
    now = timezone.now()
    for email, expires in [("a@example.com", 3), ("b@example.com", -1)]:
        PlanInvitation.objects.create(
            plan=plan, email=email, expires_at=now + dt.timedelta(days=expires), token_hash=email
        )
    for each in (plan, empty):
        expected_digest = activity_selectors.activity_fingerprint(plan=Plan(pk=each.pk))
        expected_count = each.invitations.pending().count()
        with django_assert_num_queries(1):
            read = plan_selectors.plan_get_for_page(user=owner, pk=each.pk)
            assert activity_selectors.activity_fingerprint(plan=read) == expected_digest
        with django_assert_num_queries(1):  # the members only
            assert plan_selectors.plan_sharing(plan=read).pending_invitations == expected_count
        assert _fields(read) == _fields(Plan.objects.get(pk=each.pk))
    assert expected_count == 0
    assert plan.invitations.pending().count() == 1
    activity = plan.activities.first()
    before = plan_selectors.plan_get_for_page(user=owner, pk=plan.pk).activity_digest
    activity.title = "Renamed"
    activity.save()
    assert plan_selectors.plan_get_for_page(user=owner, pk=plan.pk).activity_digest != before
    with pytest.raises(Http404):
        plan_selectors.plan_get_for_page(user=UserFactory(), pk=plan.pk)


def test_recent_changes_and_the_sharing_panel_are_what_the_orm_reads(
    django_assert_num_queries,
):
    owner, friend, later = UserFactory(), UserFactory(display_name="Ana"), UserFactory()
    plan = PlanFactory(user=owner)
    PlanMemberFactory(plan=plan, user=later, role="editor")
    PlanMemberFactory(plan=plan, user=friend)
    PlanMember.objects.filter(user=later).update(created_at=timezone.now() + dt.timedelta(1))
    PlanMemberFactory()  # another plan's
    now = timezone.now()
    PlanInvitation.objects.create(
        plan=PlanFactory(), email="x@example.com", expires_at=now + dt.timedelta(1), token_hash="x"
    )
    for email, status, expires in [
        ("open@example.com", "pending", now + dt.timedelta(days=3)),
        ("late@example.com", "pending", now - dt.timedelta(minutes=1)),
        ("done@example.com", "revoked", now + dt.timedelta(days=3)),
        ("open2@example.com", "pending", now + dt.timedelta(days=1)),
    ]:
        PlanInvitation.objects.create(
            plan=plan, email=email, status=status, expires_at=expires, token_hash=email
        )
    activity = PlanActivityFactory(plan=plan, title="Tram 28")
    activity.title = "Tram 28 at dawn"
    activity.save()
    expected_members = list(plan_selectors.plan_members(plan=plan))

    with django_assert_num_queries(2):  # the plan as its page reads it, then the members
        plan = plan_selectors.plan_get_for_page(user=owner, pk=plan.pk)
        sharing = plan_selectors.plan_sharing(plan=plan)
        names = [member.user.public_name for member in sharing.members]
    with django_assert_num_queries(1):
        changes = plan_selectors.plan_recent_changes(plan=plan, limit=2)

    assert [_fields(m) for m in sharing.members] == [_fields(m) for m in expected_members]
    assert names == ["Ana", later.public_name]
    assert sharing.pending_invitations == 2 == plan.invitations.pending().count()
    assert all(member.plan is plan for member in sharing.members)
    alone = plan_selectors.plan_get_for_page(user=owner, pk=PlanFactory(user=owner).pk)
    assert plan_selectors.plan_sharing(plan=alone) == ([], 0)
    with time_machine.travel(now + dt.timedelta(days=2)):  # the first invitation still open
        later_read = plan_selectors.plan_get_for_page(user=owner, pk=plan.pk)
        assert plan_selectors.plan_sharing(plan=later_read).pending_invitations == 1
    assert [(c.what, c.subject) for c in changes] == [
        ("Activity changed", "Tram 28 at dawn"),
        ("Activity added", "Tram 28"),
    ]
    assert len(plan_selectors.plan_recent_changes(plan=plan)) == 3  # and the plan's creation
    with pytest.raises(ValueError, match="at least 1"):
        plan_selectors.plan_recent_changes(plan=plan, limit=0)

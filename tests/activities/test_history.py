"""Every write from the website lands in history with its author; owners see recent changes."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from http import HTTPStatus

import pytest
from django.db import connection
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts import locales
from activities import scheduling, services
from activities.models import PlanActivity
from plans import changes, selectors
from plans import services as plan_services
from plans.history import history_record
from plans.models import Plan
from tests.activities.conftest import START
from tests.factories import PlanActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def day1(trip):
    return [
        PlanActivityFactory(plan=trip, title=title, scheduled_date=START, order_index=i)
        for i, title in enumerate(["Breakfast", "Museum", "Dinner"])
    ]


def _latest(activity: PlanActivity):
    return PlanActivity.history.filter(id=activity.pk).order_by("-history_id").first()


def test_website_edits_are_recorded_with_the_editor(client, trip, day1, editor):
    """Edit, complete, move and reorder each write a history row naming who did it."""
    client.force_login(editor)
    breakfast, museum, dinner = day1
    kwargs = {"plan_pk": trip.pk, "pk": breakfast.pk}

    client.post(
        reverse("activities:edit", kwargs=kwargs),
        {"title": "Brunch", "activity_type": "other", "scheduled_date": START.isoformat()},
    )
    row = _latest(breakfast)
    assert (row.title, row.history_user, row.history_change_reason) == (
        "Brunch",
        editor,
        "activity updated",
    )

    client.post(reverse("activities:complete", kwargs=kwargs), {"completed": "1"})
    row = _latest(breakfast)
    assert (row.is_completed, row.history_user, row.history_change_reason) == (
        True,
        editor,
        "activity marked done",
    )

    client.post(
        reverse("activities:reorder", kwargs={"plan_pk": trip.pk}),
        json.dumps({"days": {START.isoformat(): [dinner.pk, museum.pk, breakfast.pk]}}),
        content_type="application/json",
    )
    rows = {a.title: _latest(a) for a in (breakfast, dinner)}
    assert (rows["Dinner"].order_index, rows["Breakfast"].order_index) == (0, 2)
    assert {r.history_change_reason for r in rows.values()} == {"activities reordered"}
    assert {r.history_user for r in rows.values()} == {editor}
    # Museum kept its position (1): only rows that moved get a new history row.
    assert PlanActivity.history.filter(id=museum.pk).count() == 1


def test_deleting_an_activity_records_the_removal(client, trip, day1, user):
    client.force_login(user)
    breakfast = day1[0]
    client.post(reverse("activities:delete", kwargs={"plan_pk": trip.pk, "pk": breakfast.pk}))
    assert _latest(breakfast).history_type == "-"
    assert _latest(day1[1]).history_change_reason == "day closed up after a removal"


def test_importing_and_copying_record_created_rows(trip, user):
    plan_services.plan_update(
        plan=trip,
        plan_data={"itinerary": [{"day": 1, "activities": [{"activity": "Tram 28"}]}]},
    )
    services.itinerary_import_from_plan_data(plan=trip)
    imported = PlanActivity.objects.get(plan=trip, title="Tram 28")
    assert _latest(imported).history_change_reason == "imported from the plan's itinerary"

    copy = plan_services.plan_duplicate(plan=trip, user=UserFactory())
    copied = PlanActivity.objects.get(plan=copy)
    assert (_latest(copied).history_type, _latest(copied).history_change_reason) == (
        "+",
        "copied from another plan",
    )


def test_plan_service_writes_record_history(trip, user):
    plan_services.plan_update(plan=trip, title="Lisbon, slowly")
    plan_services.share_link_rotate(plan=trip, user=user)
    reasons = list(
        trip.history.order_by("-history_id").values_list("history_change_reason", "title")[:2]
    )
    assert reasons == [("share link changed", "Lisbon, slowly"), ("plan updated", "Lisbon, slowly")]


def test_recent_changes_are_the_last_ten_in_one_query(trip, day1, user, django_assert_num_queries):
    for step in range(12):
        services.activity_set_completed(activity=day1[0], completed=step % 2 == 0)
    with django_assert_num_queries(1):
        changes = selectors.plan_recent_changes(plan=trip)
    assert len(changes) == 10
    assert changes == sorted(changes, key=lambda c: c.when, reverse=True)
    assert changes[0].sentence == "Someone marked “Breakfast” not done"
    assert changes[1].sentence == "Someone marked “Breakfast” done"


def test_owner_sees_recent_changes_with_who_and_when_in_their_timezone(client, trip, user, editor):
    """The editor's change shows with their name, at the owner's local time."""
    user.timezone = "Asia/Tokyo"
    user.locale = "en-GB"
    user.save()
    activity = PlanActivityFactory(plan=trip, title="Fado night", scheduled_date=START)
    client.force_login(editor)
    client.post(
        reverse("activities:edit", kwargs={"plan_pk": trip.pk, "pk": activity.pk}),
        {"title": "Fado evening", "activity_type": "other", "scheduled_date": START.isoformat()},
    )
    # Pin the moment of the edit, to read it back in the owner's timezone.
    PlanActivity.history.filter(id=activity.pk, history_type="~").update(
        history_date=dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
    )

    client.force_login(user)
    response = client.get(trip.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Recent changes" in body
    assert f"<strong>{editor.public_name}</strong> changed “Fado evening”" in body
    assert "1 May 2030, 21:00 JST" in body  # 12:00 UTC is 21:00 in Tokyo


def test_viewers_and_strangers_do_not_see_recent_changes(client, trip, viewer):
    client.force_login(viewer)
    assert "Recent changes" not in client.get(trip.get_absolute_url()).content.decode()


def test_moderation_shows_as_the_team_not_a_named_moderator(trip, user):
    moderator = UserFactory(is_staff=True, display_name="Mo Derator")
    plan_services.plan_hide(plan=trip, moderator=moderator, reason="Spam")
    latest = selectors.plan_recent_changes(plan=trip)[0]
    assert latest.sentence == "Wayfarer moderators hid the plan from the public"


@pytest.mark.parametrize("locale", ["en", "de-DE"])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/St_Johns"])
def test_change_times_read_as_the_format_filters_write_them(zone, locale):
    """{% change_time %} (formatted once per process) against the filters it stands for,
    for the same instant given in two time zones, after another zone's and locale's output."""
    moments = [
        dt.datetime(2030, 5, 1, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2030, 5, 2, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),  # the same
        dt.datetime(2031, 1, 9, 4, 5, 6, 789, tzinfo=dt.UTC),
    ]
    ours = Template(
        "{% load plans_tags tz %}{% timezone zone %}{% change_time when %}{% endtimezone %}"
    )
    filters = Template(
        "{% load formats tz %}{% timezone zone %}"
        '<time class="muted" datetime="{{ when|date:\'c\' }}">{{ when|format_datetime }}</time>'
        "{% endtimezone %}"
    )
    for current in ("ja", locale):
        with locales.override(current):
            for when in moments:
                for other in ("Europe/Lisbon", zone):
                    context = Context({"when": when, "zone": other})
                    assert ours.render(context) == filters.render(context)


def _read_through_the_orm(plan, limit: int) -> list[tuple]:
    """The history rows "Recent changes" reads, as two ORM queries merged by time (plan rows
    first on a tie): when, which side, kind, reason, title, day, whether a move changed the
    day, and the author's public name."""
    newest = ("-history_date", "-history_id")
    plan_rows = Plan.history.filter(id=plan.pk).select_related("history_user").order_by(*newest)
    activity_rows = (
        PlanActivity.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by(*newest)
    )
    rows = [(row, False) for row in plan_rows[:limit]]
    rows += [(row, True) for row in activity_rows[:limit]]
    rows.sort(key=lambda pair: pair[0].history_date, reverse=True)
    expected = []
    for row, activity in rows[:limit]:
        reason = row.history_change_reason or ""
        day_changed = False
        if activity and reason in changes.MOVES:
            before = (
                PlanActivity.history.filter(id=row.id, history_date__lt=row.history_date)
                .order_by(*newest)
                .first()
            )
            day_changed = before is not None and before.scheduled_date != row.scheduled_date
        expected.append(
            (
                row.history_date,
                activity,
                row.history_type,
                reason,
                row.title if activity else "",
                row.scheduled_date if activity else None,
                day_changed,
                row.history_user.public_name if row.history_user else "Someone",
            )
        )
    return expected


def _rows(plan, limit: int) -> list[tuple]:
    return [
        (r.when, r.activity, r.kind, r.reason, r.title, r.day, r.day_changed, r.author)
        for r in selectors.plan_history_rows(plan=plan, limit=limit)
    ]


def test_recent_changes_read_in_one_statement_are_what_the_orm_reads(trip, day1, user):
    """Authors named three ways or none, moderators, deletions, and rows with the very same
    time, at limits below, at and above each history's length."""
    by_display = UserFactory(display_name="Ana")
    by_first = UserFactory(display_name="", first_name="Bo")
    by_username = UserFactory(display_name="", first_name="", username="cy-travels")
    plan_services.plan_update(plan=trip, title="Lisbon, slowly")
    services.activity_update(activity=day1[0], data={"title": "Late breakfast"})
    services.activity_delete(activity=day1[2])
    plan_services.plan_hide(plan=trip, moderator=UserFactory(is_staff=True), reason="Spam")
    for author, activity in [(by_display, day1[0]), (by_first, day1[1]), (by_username, None)]:
        if activity is None:
            history_record(Plan, [trip.pk], reason="renamed", user=author)
        else:
            history_record(PlanActivity, [activity.pk], reason="", user=author)
    same_moment = dt.datetime(2031, 1, 1, 9, 0, tzinfo=dt.UTC)
    Plan.history.filter(id=trip.pk, history_change_reason="renamed").update(
        history_date=same_moment
    )
    PlanActivity.history.filter(plan_id=trip.pk, history_user__in=[by_display, by_first]).update(
        history_date=same_moment
    )
    plan_histories = Plan.history.filter(id=trip.pk).count()
    activity_histories = PlanActivity.history.filter(plan_id=trip.pk).count()
    assert (plan_histories, activity_histories) == (4, 7)
    for limit in (1, 2, 3, 5, 7, 10, 50):
        assert _rows(trip, limit) == _read_through_the_orm(trip, limit), limit


def test_recent_changes_read_the_newest_rows_through_the_history_indexes(trip, day1):
    """Among thousands of other plans' history rows, each side reads its newest rows straight
    from its (plan, newest first) index, not by sorting or by walking every plan's history
    by date."""
    elsewhere = [trip.pk + 1 + n % 1000 for n in range(10_000)]  # ids of other plans
    now = timezone.now()
    PlanActivity.history.bulk_history_create(
        [*day1 * 7]
        + [
            PlanActivity(
                pk=100_000 + n, plan_id=plan_id, title="Elsewhere", created_at=now, updated_at=now
            )
            for n, plan_id in enumerate(elsewhere)
        ],
        update=True,
    )
    Plan.history.bulk_history_create(
        [trip] * 20
        + [
            Plan(pk=plan_id, user=trip.user, title="Elsewhere", created_at=now, updated_at=now)
            for plan_id in elsewhere
        ],
        update=True,
    )
    with connection.cursor() as cursor:
        for table in ("plans_historicalplan", "activities_historicalplanactivity"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("EXPLAIN " + selectors._recent_changes_sql(), {"plan": trip.pk, "limit": 50})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "plans_history_newest_idx" in plan, plan
    assert "activities_history_newest_idx" in plan, plan
    assert _rows(trip, 50) == _read_through_the_orm(trip, 50)
    assert selectors.plan_recent_changes(plan=trip)


def test_recent_changes_tell_real_writes_as_sentences(client, trip, day1, user, editor):
    """A move through the website, a planner run and its undo, each as one sentence naming who
    did it, with no change reason or batch id on the page."""
    editor.display_name = "Sam"
    editor.save()
    user.display_name = "Alex"
    user.save()
    for title in ("Tram 28", "Fado night"):
        PlanActivityFactory(plan=trip, title=title, scheduled_date=None, start_time=None)
    client.force_login(editor)
    dinner = day1[2]
    client.post(
        reverse("activities:move-day", kwargs={"plan_pk": trip.pk, "pk": dinner.pk}),
        {"day": (START + dt.timedelta(days=1)).isoformat()},
    )
    applied = scheduling.schedule_apply(plan=trip, user=user)
    n = applied.changed
    assert n >= 2  # at least the two waiting for a day
    scheduling.schedule_undo(plan=trip, user=user)

    sentences = [change.sentence for change in selectors.plan_recent_changes(plan=trip)][:3]
    assert sentences == [
        f"Alex undid the planner's changes to {n} activities",
        f"Alex re-planned {n} activities",
        "Sam moved “Dinner” to Sunday 2 June",
    ]
    client.force_login(user)
    body = client.get(trip.get_absolute_url()).content.decode()
    assert f"<strong>Alex</strong> re-planned {n} activities" in body
    assert "<strong>Sam</strong> moved “Dinner” to Sunday 2 June" in body
    assert "planner:" not in body.lower()
    assert str(applied.batch_id) not in body

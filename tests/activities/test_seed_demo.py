"""seed_demo loads realistic, valid demo data with COPY: reproducible, and only once per seed."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from itertools import groupby, pairwise
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from activities import seeding
from activities.models import ActivityType, PlanActivity
from plans.documents import validate_document
from plans.models import Plan, PlanMember
from tests.factories import PlanActivityFactory, PlanFactory, PlanMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = 42
PLAN_DATA_SCHEMA = Path(settings.BASE_DIR) / "plans" / "schemas" / "plan_data.schema.json"
METADATA_SCHEMA = Path(settings.BASE_DIR) / "activities" / "schemas" / "metadata.schema.json"
TRAVEL_PREFERENCES_SCHEMA = (
    Path(settings.BASE_DIR) / "accounts" / "schemas" / "travel_preferences.schema.json"
)
SEEDED_TABLES = [
    "accounts_user",
    "account_emailaddress",
    "plans_plan",
    "plans_planmember",
    "plan_activities",
]


def seed_demo(*extra: str, users=5, plans=40, per_plan=3, seed=SEED) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "seed_demo",
        f"--users={users}",
        f"--plans={plans}",
        f"--activities-per-plan={per_plan}",
        f"--seed={seed}",
        "--jobs=0",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def seeded_plans(seed=SEED):
    return Plan.objects.filter(user__username__startswith=seeding.seed_username_prefix(seed))


def checksums() -> dict[str, str]:
    """One md5 per table over every column of every row, in id order."""
    sums = {}
    with connection.cursor() as cursor:
        for table in SEEDED_TABLES:
            cursor.execute(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {table} t"  # noqa: S608
            )
            sums[table] = cursor.fetchone()
    return sums


def test_counts_are_exact():
    """5 travellers, each with a verified primary email; 40 plans with exactly 3 activities each."""
    out, _ = seed_demo()

    users = User.objects.filter(username__startswith=f"seed{SEED}-u")
    assert sorted(users.values_list("username", flat=True)) == [
        f"seed{SEED}-u{i}" for i in range(5)
    ]
    assert EmailAddress.objects.filter(user__in=users, verified=True, primary=True).count() == 5
    assert seeded_plans().count() == 40
    assert PlanActivity.objects.filter(plan__in=seeded_plans()).count() == 120
    assert {plan.activities.count() for plan in seeded_plans()} == {3}
    assert "created 5 travellers, 40 plans, 120 activities" in out


def test_every_row_passes_model_validation():
    """COPY bypasses Django, so every row must still pass full_clean (the CHECKs already held)."""
    seed_demo()

    for user in User.objects.filter(username__startswith=f"seed{SEED}-u"):
        user.full_clean()
    for plan in seeded_plans():
        plan.full_clean()
        if plan.start_date:
            assert plan.start_date <= plan.end_date
        assert re.fullmatch(r"[A-Z]{3}", plan.currency)
        assert plan.budget is None or plan.budget >= 0
        assert not plan.is_public or plan.status == Plan.Status.PUBLISHED
    for activity in PlanActivity.objects.filter(plan__in=seeded_plans()):
        activity.full_clean()
        assert (activity.latitude is None) == (activity.longitude is None)
        assert activity.activity_type in ActivityType.values


def test_plan_data_follows_the_schema():
    """plan_data validates against the plan_data JSON Schema, with varied preferences."""
    seed_demo(plans=60)
    documents = list(seeded_plans().values_list("plan_data", flat=True))

    for document in documents:
        validate_document(document, PLAN_DATA_SCHEMA, "plan_data")
    for document in documents:
        preferences = document["preferences"]
        assert preferences["budget_type"] in {"budget", "moderate", "luxury"}
        assert preferences["group_size"] >= 1
        assert preferences["pace"] in {"relaxed", "moderate", "fast"}
        assert set(preferences["accessibility_needs"]) <= set(seeding.ACCESSIBILITY)
        assert set(document) <= {"preferences", "accommodation", "transportation", "notes"}
        if "accommodation" in document:
            assert set(document["accommodation"]) == {"type", "booking_details", "preferences"}
        if "transportation" in document:
            transportation = document["transportation"]
            assert set(transportation["arrival"]) == {"method", "details"}
            assert transportation["local"]["methods"]
    styles = {document["preferences"]["travel_style"] for document in documents}
    assert len(styles) >= 5
    adventure = seeded_plans().filter(
        plan_data__contains={"preferences": {"travel_style": "adventure"}}
    )
    assert 0 < adventure.count() < len(documents)


def test_activity_metadata_and_profiles_follow_their_schemas():
    """Activity metadata (tags, opening hours per weekday) and profile preferences validate."""
    seed_demo()
    metadata = list(
        PlanActivity.objects.filter(plan__in=seeded_plans()).values_list("metadata", flat=True)
    )

    for document in metadata:
        validate_document(document, METADATA_SCHEMA, "metadata")
    clock = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
    for document in metadata:
        assert document["tags"]
        for day, hours in document.get("opening_hours", {}).items():
            assert day in seeding.WEEKDAYS
            assert set(hours) == {"open", "close"}
            assert clock.fullmatch(hours["open"])
            assert clock.fullmatch(hours["close"])
    assert any("opening_hours" in document for document in metadata)
    for preferences in User.objects.filter(username__startswith=f"seed{SEED}-u").values_list(
        "travel_preferences", flat=True
    ):
        validate_document(preferences, TRAVEL_PREFERENCES_SCHEMA, "travel_preferences")


def test_activities_lie_within_the_trip_with_dense_order_and_no_overlap():
    """Per plan day, order_index runs 0, 1, 2...; times never overlap; dates stay in the trip."""
    seed_demo(plans=60, per_plan=6)

    for plan in seeded_plans().prefetch_related("activities"):
        activities = sorted(
            plan.activities.all(),
            key=lambda a: (a.scheduled_date or dt.date.min, a.order_index),
        )
        for day, group in groupby(activities, key=lambda a: a.scheduled_date):
            day_activities = list(group)
            if plan.start_date is None:
                assert day is None
            else:
                assert plan.start_date <= day <= plan.end_date
            assert [a.order_index for a in day_activities] == list(range(len(day_activities)))
            timed = [a for a in day_activities if a.start_time]
            for earlier, later in pairwise(timed):
                assert earlier.end_time <= later.start_time
            for activity in timed:
                assert activity.start_time < activity.end_time
        for activity in activities:
            assert not activity.is_completed or activity.scheduled_date < dt.date.today()


def test_running_twice_with_the_same_seed_changes_nothing():
    """The second run is a no-op: same counts, byte-identical rows, and it says so."""
    seed_demo()
    before = checksums()

    out, _ = seed_demo()

    assert checksums() == before
    assert "already has 5 travellers and 40 plans; nothing to add" in out


def test_a_larger_run_tops_up_with_the_plans_a_single_run_would_make():
    """Existing rows stay untouched; the new plans are those a fresh 60-plan run creates."""
    seed_demo()
    first_forty = list(seeded_plans().order_by("id").values_list("id", "updated_at", "title"))

    out, _ = seed_demo(plans=60)

    assert "created 0 travellers, 20 plans, 60 activities" in out
    assert seeded_plans().count() == 60
    assert list(seeded_plans().order_by("id")[:40].values_list("id", "updated_at", "title")) == (
        first_forty
    )
    topped_up = list(seeded_plans().order_by("id").values_list("title", "destination"))
    User.objects.filter(username__startswith=f"seed{SEED}-u").delete()
    seed_demo(plans=60)
    assert list(seeded_plans().order_by("id").values_list("title", "destination")) == topped_up


def test_the_same_seed_reproduces_the_same_data_and_another_seed_does_not():
    """Two fresh runs with one seed agree on every plan (share tokens aside); seeds differ."""
    fields = ["title", "destination", "start_date", "end_date", "budget", "plan_data", "status"]
    seed_demo()
    first = list(seeded_plans().order_by("id").values_list(*fields))
    first_activities = list(
        PlanActivity.objects.filter(plan__in=seeded_plans())
        .order_by("id")
        .values_list("title", "scheduled_date", "start_time", "latitude", "metadata")
    )
    User.objects.filter(username__startswith=f"seed{SEED}-u").delete()
    assert not Plan.objects.exists()

    seed_demo()

    assert list(seeded_plans().order_by("id").values_list(*fields)) == first
    assert (
        list(
            PlanActivity.objects.filter(plan__in=seeded_plans())
            .order_by("id")
            .values_list("title", "scheduled_date", "start_time", "latitude", "metadata")
        )
        == first_activities
    )
    seed_demo(seed=SEED + 1)
    other = list(seeded_plans(SEED + 1).order_by("id").values_list("title", "destination"))
    assert other != [row[:2] for row in first]


def test_worker_processes_generate_the_same_rows():
    """Rows generated in worker processes, chunk by chunk, equal those generated in-process."""
    shape = seeding.SeedShape(seed=SEED, users=5, plans=23, activities_per_plan=3)
    now = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    fields = ["title", "destination", "plan_data", "user__username", "created_at"]
    seeding.seed_demo(shape, password_hash="x", now=now, jobs=0)
    in_process = list(seeded_plans().order_by("id").values_list(*fields))
    User.objects.filter(username__startswith=f"seed{SEED}-u").delete()

    result = seeding.seed_demo(shape, password_hash="x", now=now, jobs=1, chunk_size=4)

    assert result.plans_created == 23
    assert result.activities_created == 69
    assert list(seeded_plans().order_by("id").values_list(*fields)) == in_process


def test_public_and_shared_plans():
    """Public plans are published; share links are unique 43-character urlsafe tokens."""
    seed_demo("--public-ratio=0.5", "--shared-ratio=0.5", plans=60)

    public = seeded_plans().filter(is_public=True)
    assert 0 < public.count() < 60
    assert not public.exclude(status=Plan.Status.PUBLISHED).exists()
    assert Plan.objects.public().filter(pk__in=seeded_plans()).count() == public.count()
    tokens = list(seeded_plans().exclude(share_token=None).values_list("share_token", flat=True))
    assert 0 < len(tokens) < 60
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)


def test_members_are_other_seeded_travellers():
    """Shared plans name other seeded travellers as editors or viewers, never the owner."""
    seed_demo("--member-ratio=1", users=4)

    members = PlanMember.objects.filter(plan__in=seeded_plans()).select_related("plan")
    assert members.exists()
    for member in members:
        assert member.user_id != member.plan.user_id
        assert member.invited_by_id == member.plan.user_id
        assert member.role in {"editor", "viewer"}
        assert member.user.username.startswith(f"seed{SEED}-u")


def test_seeded_travellers_can_sign_in(client):
    """Every seeded traveller shares the demo password (hashed once per run)."""
    seed_demo()
    user = User.objects.get(username=f"seed{SEED}-u3")

    assert client.login(username=user.username, password=seeding.SEED_PASSWORD)
    assert len(set(User.objects.filter(username__startswith="seed").values_list("password"))) == 1


def test_sequences_continue_after_the_seeded_ids():
    """Ordinary inserts after a seed get fresh ids instead of an IntegrityError."""
    seed_demo("--member-ratio=1")
    highest_plan = Plan.objects.order_by("-id").values_list("id", flat=True).first()

    plan = PlanFactory()
    activity = PlanActivityFactory(plan=plan)
    member = PlanMemberFactory(plan=plan, user=UserFactory())

    assert plan.id > highest_plan
    assert activity.id > PlanActivity.objects.exclude(pk=activity.pk).order_by("-id")[0].id
    assert member.id > PlanMember.objects.exclude(pk=member.pk).order_by("-id")[0].id


def test_progress_is_reported_on_stderr():
    """Without --quiet, a plain-text progress bar reaches 100% for each stage."""
    _, err = seed_demo()

    assert re.search(r"users \[#+\] 100% 5/5", err)
    assert re.search(r"plans \[#+\] 100% 40/40", err)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--public-ratio=1.5"], "--public-ratio must be between 0 and 1."),
        (["--seed=-1"], "The seed must be zero or a positive number."),
        (["--plans=-5"], "Sizes cannot be negative."),
    ],
)
def test_bad_sizes_are_refused_with_nothing_written(arguments, message):
    """Invalid options stop the command with a clear message before anything is written."""
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("seed_demo", "--users=2", "--plans=3", "--jobs=0", *arguments)

    assert not User.objects.exists()


def test_plans_without_travellers_roll_back_everything():
    """Plans need owners: the error comes before any plan is written and nothing is kept."""
    with pytest.raises(CommandError, match="Plans need travellers"):
        seed_demo(users=0, plans=3)

    assert not Plan.objects.exists()


def test_copy_table_fills_unknown_columns_from_model_defaults():
    """Columns the generator does not provide get the model's default (version 1, not public)."""
    table = seeding.CopyTable(Plan, set(seeding.PLAN_KEYS) - {"version", "is_public", "budget"})
    owner = UserFactory()
    row = {
        "id": 10_000_001,
        "user_id": owner.id,
        "title": "Tab\tand newline\nand backslash \\ survive",
        "description": "",
        "destination": "Lisbon, Portugal",
        "start_date": dt.date(2026, 5, 1),
        "end_date": dt.date(2026, 5, 3),
        "currency": "EUR",
        "status": "draft",
        "plan_data": {"preferences": {"group_size": 2}},
        "share_token": None,
        "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    }
    with connection.cursor() as cursor:
        table.write(cursor.cursor, table.encode([row]))

    plan = Plan.objects.get(pk=10_000_001)
    assert (plan.version, plan.is_public, plan.budget) == (1, False, None)
    assert plan.title == "Tab\tand newline\nand backslash \\ survive"
    assert plan.plan_data == {"preferences": {"group_size": 2}}


def test_copy_table_refuses_a_not_null_column_it_cannot_fill():
    """A NOT NULL column without a default and without a generator is a clear error up front."""
    with pytest.raises(seeding.SeedError, match=r"cannot fill plans\.Plan\.title"):
        seeding.CopyTable(Plan, set(seeding.PLAN_KEYS) - {"title"})
    with pytest.raises(seeding.SeedError, match="no such field"):
        seeding.CopyTable(Plan, {*seeding.PLAN_KEYS, "mood"})


def test_copy_table_fills_optional_text_columns_with_an_empty_string():
    """A blank-allowed text column the generator does not know (moderation_reason) gets "",
    as Django would save it, so new optional columns never stop the seed."""
    table = seeding.CopyTable(Plan, seeding.PLAN_KEYS)
    assert '"moderation_reason"' in table.sql
    seeding.seed_demo(
        seeding.SeedShape(seed=7, users=2, plans=3, activities_per_plan=1), password_hash="x"
    )
    assert list(Plan.objects.values_list("moderation_reason", flat=True)) == ["", "", ""]


@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_is_vacuumed_for_index_only_scans():
    """After its commit the seeder vacuums what it loaded: the gallery's COUNT then reads the
    index alone (no heap fetches) from the first request, as it does once autovacuum passed."""
    call_command("seed_demo", users=3, plans=60, activities_per_plan=1, seed=41, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
            "AND relname IN ('plans_plan', 'plan_activities', 'accounts_user')"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "plans_plan",
            "plan_activities",
            "accounts_user",
        }
        cursor.execute("SET enable_seqscan = off")  # a 60-row table would be read whole
        try:
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM plans_plan "
                "WHERE is_public AND status = 'published' AND moderation_status = 'ok'"
            )
            plan = cursor.fetchone()[0][0]["Plan"]["Plans"][0]
        finally:
            cursor.execute("RESET enable_seqscan")
    assert plan["Node Type"] == "Index Only Scan"
    assert plan["Heap Fetches"] == 0

"""Plan and activity history: saves record themselves, services record conditional updates."""

from __future__ import annotations

import pytest

from activities.models import PlanActivity
from plans.history import history_record
from plans.models import Plan
from tests.factories import PlanActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_creating_a_plan_records_a_creation(user):
    plan = PlanFactory(user=user, title="Rome")
    assert [(h.history_type, h.title) for h in plan.history.all()] == [("+", "Rome")]


def test_history_record_captures_the_state_written_by_an_update(user):
    plan = PlanFactory(user=user, title="Rome")
    Plan.objects.filter(pk=plan.pk).update(title="Rome and Naples")
    history_record(Plan, [plan.pk], reason="renamed", user=user)
    latest = plan.history.first()
    assert (latest.history_type, latest.title, latest.history_change_reason) == (
        "~",
        "Rome and Naples",
        "renamed",
    )
    assert latest.history_user == user
    assert plan.history.count() == 2


def test_history_record_for_bulk_created_activities(plan):
    first, second = PlanActivityFactory.build_batch(2, plan=plan)
    created = PlanActivity.objects.bulk_create([first, second])
    history_record(PlanActivity, [a.pk for a in created], created=True, reason="imported")
    assert sorted(
        PlanActivity.history.filter(plan_id=plan.pk).values_list("history_type", flat=True)
    ) == ["+", "+"]

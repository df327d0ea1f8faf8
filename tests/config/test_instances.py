"""config.instances: list rows built without Model.__init__ are the instances Django builds."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.db.models.query import ModelIterable
from django.db.models.signals import post_init

from config.instances import LeanModelIterable, lean_instances
from plans.models import Plan
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = ["title", "status", "start_date", "updated_at", "plan_data", "user_id"]


def _rows(iterable_class):
    queryset = Plan.objects.only(*FIELDS).annotate(owner_email=F("user__email")).order_by("title")
    queryset._iterable_class = iterable_class
    return list(queryset)


def _state(obj) -> tuple:
    loaded = {name: value for name, value in obj.__dict__.items() if name != "_state"}
    return type(obj), loaded, obj.get_deferred_fields(), obj._state.adding, obj._state.db


def test_lean_rows_are_the_instances_django_builds():
    owner = UserFactory(email="ana@example.com")
    PlanFactory(user=owner, title="Lisbon", plan_data={"preferences": {"pace": "slow"}})
    PlanFactory(title="Kyoto", description="Temples", start_date=None, end_date=None)
    lean, django = _rows(LeanModelIterable), _rows(ModelIterable)
    assert [_state(obj) for obj in lean] == [_state(obj) for obj in django]
    assert [obj.owner_email for obj in lean][1] == "ana@example.com"


def test_a_field_left_out_loads_on_first_use_and_save_writes_the_loaded_ones(
    django_assert_num_queries,
):
    plan = PlanFactory(title="Porto", description="Port wine")
    [row] = _rows(LeanModelIterable)
    with django_assert_num_queries(1):
        assert row.description == "Port wine"
    row.title = "Porto and Douro"
    row.save()
    plan.refresh_from_db()
    assert (plan.title, plan.description) == ("Porto and Douro", "Port wine")


def test_select_related_and_listened_models_go_through_django():
    PlanFactory(title="Oslo")
    queryset = Plan.objects.select_related("user").only("title", "user__email")
    queryset._iterable_class = LeanModelIterable
    [plan] = list(queryset)
    assert plan._state.fields_cache["user"].email == plan.user.email

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Plan)
    try:
        assert not lean_instances(Plan, ("id", "title"))
        rows = _rows(LeanModelIterable)
    finally:
        post_init.disconnect(listener, sender=Plan)
    assert seen == rows
    assert lean_instances(Plan, ("id", "title"))

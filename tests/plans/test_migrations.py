"""The data migration that rewrites stored plan documents to the canonical form."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from plans.documents import plan_data_errors
from plans.models import Plan
from tests.factories import PlanFactory, UserFactory
from tests.plans.test_plan_data import CANONICAL, LEGACY

pytestmark = pytest.mark.django_db

migration = importlib.import_module("plans.migrations.0013_plan_data_canonical_form")


def _run(function) -> None:
    with connection.schema_editor() as schema_editor:
        function(apps, schema_editor)


def _stored(plan: Plan) -> tuple:
    return Plan.objects.values_list("plan_data", "updated_at", "version").get(pk=plan.pk)


def test_forward_rewrites_stored_documents_and_leaves_the_rest():
    legacy = PlanFactory()
    untouched = PlanFactory()
    without_parts = PlanFactory()
    # Written around the services, as the documents were before the canonical form.
    Plan.objects.filter(pk=legacy.pk).update(plan_data=LEGACY)
    Plan.objects.filter(pk=untouched.pk).update(plan_data=CANONICAL)
    Plan.objects.filter(pk=without_parts.pk).update(plan_data={"notes": "Only notes"})
    before = {plan.pk: _stored(plan) for plan in (legacy, untouched, without_parts)}

    _run(migration.forward)

    document, updated_at, version = _stored(legacy)
    assert document == CANONICAL
    assert plan_data_errors(document) == {}
    # Not a traveller's edit: the plan keeps its place in "recently updated" and its ETag.
    assert (updated_at, version) == before[legacy.pk][1:]
    assert _stored(untouched) == before[untouched.pk]
    assert _stored(without_parts) == before[without_parts.pk]
    # The trigger is back on for every later write.
    Plan.objects.filter(pk=legacy.pk).update(title="Changed")
    assert _stored(legacy)[1] > updated_at


def test_forward_handles_more_plans_than_one_batch(monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)
    plans = [PlanFactory() for _ in range(5)]
    Plan.objects.filter(pk__in=[plan.pk for plan in plans]).update(plan_data=LEGACY)
    _run(migration.forward)
    assert list(Plan.objects.values_list("plan_data", flat=True)) == [CANONICAL] * 5


def test_backward_writes_spellings_the_earlier_schema_accepted():
    """After a rollback the code before the migration can edit every plan again."""
    plan = PlanFactory()
    Plan.objects.filter(pk=plan.pk).update(plan_data=CANONICAL)
    _run(migration.backward)
    document = _stored(plan)[0]
    assert document["transportation"] == {
        "arrival": {"method": "train", "details": "Eurostar, 09:31"},
        "local": {"methods": ["public_transit", "walking"]},
    }
    assert [item.get("duration") for item in document["itinerary"][0]["activities"]] == [
        "120 min",
        "90 min",
        "all afternoon",
        "180 min",
        None,
        "45 min",
    ]
    assert not any("duration_text" in item for item in document["itinerary"][0]["activities"])
    # And forward again gives the canonical document back.
    _run(migration.forward)
    assert _stored(plan)[0] == CANONICAL


zone_migration = importlib.import_module("plans.migrations.0014_plan_timezone")


def test_existing_plans_take_their_owners_profile_zone_else_utc():
    """Their times were read in the owner's zone until plans had one: the instants stay put."""
    in_lisbon = PlanFactory(user=UserFactory(timezone="Europe/Lisbon"))
    in_tokyo = PlanFactory(user=UserFactory(timezone="Asia/Tokyo"))
    # A profile zone that zoneinfo no longer knows, written around the validators.
    nowhere = PlanFactory(user=UserFactory())
    type(nowhere.user).objects.filter(pk=nowhere.user_id).update(timezone="Mars/Olympus_Mons")
    Plan.objects.update(timezone="UTC")
    before = dict(Plan.objects.values_list("pk", "updated_at"))

    _run(zone_migration.zone_from_owner)

    assert dict(Plan.objects.values_list("pk", "timezone")) == {
        in_lisbon.pk: "Europe/Lisbon",
        in_tokyo.pk: "Asia/Tokyo",
        nowhere.pk: "UTC",
    }
    # Not a traveller's edit: "recently updated" lists keep their order.
    assert dict(Plan.objects.values_list("pk", "updated_at")) == before
    _run(zone_migration.zone_to_default)

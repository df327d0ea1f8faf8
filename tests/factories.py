"""Factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from activities.models import PlanActivity
from plans.models import Plan, PlanMember, Role

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"traveller{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    user = factory.SubFactory(UserFactory)
    title = factory.Faker("sentence", nb_words=3)
    destination = factory.Faker("city")
    start_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda p: p.start_date + dt.timedelta(days=4))
    budget = Decimal("1500.00")
    currency = "EUR"


class PlanMemberFactory(DjangoModelFactory):
    class Meta:
        model = PlanMember

    plan = factory.SubFactory(PlanFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class PlanActivityFactory(DjangoModelFactory):
    class Meta:
        model = PlanActivity

    plan = factory.SubFactory(PlanFactory)
    title = factory.Faker("sentence", nb_words=3)
    activity_type = "attraction"
    scheduled_date = factory.LazyAttribute(lambda a: a.plan.start_date)
    order_index = factory.Sequence(lambda n: n)

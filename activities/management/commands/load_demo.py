"""Create a small demo data set; safe to run twice.

A demo traveller with a couple of plans of their own, and a few travellers whose sample trips
(plans.samples) are published in the gallery, so the landing page and /explore/ are not empty.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from activities.models import PlanActivity
from plans import services as plan_services
from plans.models import Plan
from plans.samples import DEMO_TRIPS, SampleTrip

DEMO_EMAIL = "demo@wayfarer.local"
DEMO_PASSWORD = "wayfarer-demo"  # noqa: S105 - a published demo login for local use only
# Who shared each public demo trip (no password: nobody signs in as them), and when it starts.
DEMO_AUTHORS = {
    "Three days in Lisbon": ("demo-rosa", "Rosa", 21),
    "Kyoto temples and tea": ("demo-kenji", "Kenji", 45),
    "New York long weekend": ("demo-maya", "Maya", 70),
}


class Command(BaseCommand):
    help = "Load the demo traveller and plans (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        user, created = User.objects.get_or_create(
            username="demo",
            defaults={"email": DEMO_EMAIL, "display_name": "Demo Traveller"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            self._verify_email(user)
        start = timezone.localdate() + dt.timedelta(days=30)
        lisbon, plan_created = Plan.objects.get_or_create(
            user=user,
            title="Long weekend in Lisbon",
            defaults={
                "destination": "Lisbon, Portugal",
                "description": "Tiles, trams and custard tarts.",
                "start_date": start,
                "end_date": start + dt.timedelta(days=2),
                "budget": Decimal("850.00"),
                "currency": "EUR",
                "plan_data": {
                    "preferences": {
                        "budget_type": "moderate",
                        "travel_style": "cultural",
                        "group_size": 2,
                    },
                    "notes": "Book the Belém tower tickets online.",
                },
            },
        )
        if plan_created:
            PlanActivity.objects.bulk_create(
                [
                    PlanActivity(
                        plan=lisbon,
                        title="Castelo de São Jorge",
                        activity_type="attraction",
                        location_name="Castelo de São Jorge",
                        latitude=Decimal("38.71390000"),
                        longitude=Decimal("-9.13350000"),
                        scheduled_date=start,
                        start_time=dt.time(10, 0),
                        end_time=dt.time(12, 0),
                        estimated_cost=Decimal("15.00"),
                        order_index=0,
                    ),
                    PlanActivity(
                        plan=lisbon,
                        title="Lunch at Time Out Market",
                        activity_type="restaurant",
                        location_name="Time Out Market",
                        latitude=Decimal("38.70700000"),
                        longitude=Decimal("-9.14590000"),
                        scheduled_date=start,
                        start_time=dt.time(13, 0),
                        end_time=dt.time(14, 0),
                        estimated_cost=Decimal("30.00"),
                        order_index=1,
                    ),
                    PlanActivity(
                        plan=lisbon,
                        title="Belém Tower",
                        activity_type="attraction",
                        location_name="Torre de Belém",
                        latitude=Decimal("38.69160000"),
                        longitude=Decimal("-9.21600000"),
                        scheduled_date=start + dt.timedelta(days=1),
                        start_time=dt.time(10, 0),
                        end_time=dt.time(11, 30),
                        estimated_cost=Decimal("10.00"),
                        order_index=0,
                    ),
                ]
            )
        Plan.objects.get_or_create(
            user=user,
            title="Japan in spring",
            defaults={
                "destination": "Tokyo, Japan",
                "description": "Cherry blossoms, ideas so far.",
                "currency": "JPY",
            },
        )
        for trip in DEMO_TRIPS:
            self._public_trip(trip)
        self.stdout.write(self.style.SUCCESS(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}"))

    def _public_trip(self, trip: SampleTrip) -> Plan:
        """The sample trip, published and listed by its demo author (once)."""
        username, name, days_ahead = DEMO_AUTHORS[trip.title]
        author, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@wayfarer.local",
                "display_name": name,
                "timezone": trip.timezone,
                "preferred_currency": trip.currency,
            },
        )
        if created:
            author.set_unusable_password()
            author.save()
            self._verify_email(author)
        plan = Plan.objects.filter(user=author, title=trip.title).first()
        if plan is None:
            plan = plan_services.plan_create_from_sample(
                user=author,
                sample=trip,
                start_date=timezone.localdate() + dt.timedelta(days=days_ahead),
            )
            plan_services.plan_publish(plan=plan, user=author, public=True)
        return plan

    def _verify_email(self, user: User) -> None:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

"""Plans get a time zone of their own: the clock their activities' times are on.

Until now those times were read in the owner's profile zone, so existing plans start with it
(UTC when the owner has none that zoneinfo knows), and their instants do not move. The
`updated_at` trigger is off for the statement: the traveller changed nothing.
"""

import zoneinfo

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

import accounts.validators


def zone_from_owner(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    User = apps.get_model("accounts", "User")
    table = schema_editor.quote_name(Plan._meta.db_table)
    # Deferred constraint checks pending on the table would refuse the ALTER: run them now.
    schema_editor.connection.check_constraints()
    schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER plans_plan_updated_at")
    known = sorted(zoneinfo.available_timezones())
    owners = User.objects.filter(pk=OuterRef("user_id"), timezone__in=known)
    Plan.objects.update(
        timezone=Coalesce(Subquery(owners.values("timezone")[:1]), Value("UTC"))
    )
    schema_editor.connection.check_constraints()
    schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER plans_plan_updated_at")


def zone_to_default(apps, schema_editor):
    """Reversing drops the column next; nothing of the owners' zones to restore."""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_neutral_public_names"),
        ("plans", "0013_plan_data_canonical_form"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalplan",
            name="timezone",
            field=models.CharField(
                default="UTC", max_length=64, validators=[accounts.validators.validate_timezone]
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="timezone",
            field=models.CharField(
                default="UTC", max_length=64, validators=[accounts.validators.validate_timezone]
            ),
        ),
        migrations.RunPython(zone_from_owner, zone_to_default),
    ]

"""A BEFORE UPDATE trigger keeps plans_plan.updated_at true for every write, including
QuerySet.update() and raw SQL, which skip Django's auto_now.

clock_timestamp(), not now(): now() is the transaction's start time, which would move
updated_at backwards for a row created earlier in the same transaction.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION plans_plan_set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER plans_plan_updated_at
    BEFORE UPDATE ON plans_plan
    FOR EACH ROW EXECUTE FUNCTION plans_plan_set_updated_at();
"""

REVERSE = """
DROP TRIGGER IF EXISTS plans_plan_updated_at ON plans_plan;
DROP FUNCTION IF EXISTS plans_plan_set_updated_at();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_invitations_validators_gallery_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: history keeps being written while a big table is indexed.
    atomic = False

    dependencies = [
        ("activities", "0002_history"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="historicalplanactivity",
            index=models.Index(
                fields=["plan", "-history_date", "-history_id"],
                name="activities_history_newest_idx",
            ),
        ),
    ]

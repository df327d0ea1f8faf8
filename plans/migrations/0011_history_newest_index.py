from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: history keeps being written while a big table is indexed.
    atomic = False

    dependencies = [
        ("plans", "0010_search_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="historicalplan",
            index=models.Index(
                fields=["id", "-history_date", "-history_id"], name="plans_history_newest_idx"
            ),
        ),
    ]

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.contrib.postgres.search import SearchVector
from django.db import migrations


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: plans stay writable while a big table is indexed.
    atomic = False

    dependencies = [
        ("plans", "0009_hidden_plans_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="plan",
            index=GinIndex(
                SearchVector("title", "destination", config="simple"), name="plans_search_gin"
            ),
        ),
        # Statistics of the new expression: without them the planner guesses 1 row in 50 for
        # every search and walks the updated_at index through every plan when nothing matches.
        migrations.RunSQL("ANALYZE plans_plan", reverse_sql=migrations.RunSQL.noop),
    ]

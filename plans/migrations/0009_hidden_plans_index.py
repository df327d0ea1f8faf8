from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: plans stay writable while a big table is indexed.
    atomic = False

    dependencies = [
        ("plans", "0008_gallery_index_covers_the_ordering"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="plan",
            index=models.Index(
                condition=models.Q(("moderation_status", "hidden")),
                fields=["-updated_at", "-id"],
                name="plans_hidden_updated_idx",
            ),
        ),
    ]

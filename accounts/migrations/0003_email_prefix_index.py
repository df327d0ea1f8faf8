from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Lower


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: users can still sign up while the index is built.
    atomic = False

    dependencies = [
        ("accounts", "0002_api_tokens_and_user_sessions"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="user",
            index=models.Index(
                OpClass(Lower("email"), name="text_pattern_ops"), name="accounts_user_email_prefix"
            ),
        ),
        # Statistics of the new expression, so searches are planned on it from the start.
        migrations.RunSQL("ANALYZE accounts_user", reverse_sql=migrations.RunSQL.noop),
    ]

"""The Moderators group: exactly what moderating plans needs, nothing that edits people.

Permissions are normally created after all migrations run; creating them here first lets
a fresh database get the group in the same `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("accounts", "view_user"),
    ("plans", "view_plan"),
    ("plans", "change_plan"),
    ("plans", "view_planmember"),
    ("plans", "view_planreport"),
    ("plans", "change_planreport"),
    ("plans", "view_historicalplan"),
    ("activities", "view_planactivity"),
    ("activities", "change_planactivity"),
    ("activities", "view_historicalplanactivity"),
]


def create_group(apps, schema_editor):
    for label in {app for app, _ in PERMISSIONS}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = []
    for app_label, codename in PERMISSIONS:
        permissions.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_moderation_and_reports"),
        ("accounts", "0002_api_tokens_and_user_sessions"),
        ("activities", "0002_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]

"""« Équipe OPMIRE » may write to the registrants (`registrations.send_mailing`).

Only adds that permission to the group; the group's other permissions are left as they are.
"""

from django.db import migrations

GROUP = "Équipe OPMIRE"
PERMISSIONS = [("registrations", "send_mailing"), ("registrations", "view_mailing"),
               ("registrations", "add_mailing")]


def add_permission(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("registrations")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                     codename=codename))


def remove_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="registrations",
            codename__in=[codename for _, codename in PERMISSIONS]))


class Migration(migrations.Migration):
    dependencies = [
        ("colloque", "0004_staffaction_mailing_kinds"),
        ("registrations", "0007_reminders_mailings_consent"),
    ]

    operations = [migrations.RunPython(add_permission, remove_permission)]

"""The three staff roles, as groups: give a person a group, not permissions one by one.

- « Équipe OPMIRE »: programme and pages, registrations (change, cancel, resend, exports),
  the welcome desk, mailings.
- « Service de presse »: accreditation requests and their documents, the press kit and the
  press information.
- « Accueil »: the welcome desk only (`registrations.check_in_registration`): find a ticket
  or a badge and record the arrival, without any right to change a registration.

Running it again sets each group's permissions to this list (and leaves other groups alone).
"""

from django.db import migrations

GROUPS = {
    "Équipe OPMIRE": [
        "program.add_event", "program.change_event", "program.view_event",
        "program.add_session", "program.change_session", "program.delete_session",
        "program.view_session",
        "program.add_speaker", "program.change_speaker", "program.delete_speaker",
        "program.view_speaker",
        "program.add_sessionspeaker", "program.change_sessionspeaker",
        "program.delete_sessionspeaker", "program.view_sessionspeaker",
        "program.add_page", "program.change_page", "program.view_page",
        "registrations.view_registration", "registrations.change_registration",
        "registrations.export_registration", "registrations.check_in_registration",
        "registrations.view_registrationtransition",
    ],
    "Service de presse": [
        "press.view_accreditationrequest", "press.change_accreditationrequest",
        "press.view_accreditation_document", "press.view_accreditationtransition",
        "press.add_presskitdocument", "press.change_presskitdocument",
        "press.delete_presskitdocument", "press.view_presskitdocument",
        "press.change_pressinfo", "press.view_pressinfo",
        "program.view_event",
    ],
    "Accueil": [
        "registrations.check_in_registration",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate (post_migrate): create them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(Permission.objects.get(
                content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("colloque", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("program", "0003_session_room_overlap_exclusion"),
        ("registrations", "0006_staff_permissions"),
        ("press", "0002_accreditationrequest_checked_in_at"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

"""PostgreSQL only: two sessions of one event cannot overlap in the same room.

`Session.clean()` and the admin's inline formset give the friendly message; this
exclusion constraint is the database's last word. SQLite has no equivalent, so the
operation does nothing there. The constraint is not declared in `Session.Meta` (Django's
ExclusionConstraint is PostgreSQL-only and the project also runs on SQLite), hence raw SQL.
If the btree_gist extension cannot be created (no privilege), the migration logs a
warning and leaves the application-level check alone rather than blocking a deploy.
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

NAME = "session_no_overlap_in_room"


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except Exception:  # noqa: BLE001 - missing privilege: keep the app-level check only
            logger.warning("btree_gist unavailable: %s not created", NAME)
            return
        cursor.execute(
            f'ALTER TABLE program_session ADD CONSTRAINT {NAME} EXCLUDE USING gist '
            f'(event_id WITH =, room WITH =, tstzrange("start", "end", \'[)\') WITH &&) '
            f"WHERE (room <> '')"
        )


def remove_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE program_session DROP CONSTRAINT IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0002_speaker_photo_alt_session_constraint_messages"),
    ]

    operations = [
        migrations.RunPython(add_exclusion, remove_exclusion, elidable=False),
    ]

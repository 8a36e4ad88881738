"""The history of a request takes the shape of a registration's (`colloque.models.Transition`):
`created_at`, `actor` and `message` become `at`, `by` and `note` (renamed: the rows stay), the
statuses are read through `AccreditationTransition.status_choices` rather than the columns'
choices. The lengths stay (20 characters for a status, 3,000 for a note)."""

import django.utils.timezone
from django.db import migrations, models

import colloque.text


class Migration(migrations.Migration):

    dependencies = [
        ("press", "0005_text_checks_and_canonical_addresses"),
    ]

    operations = [
        migrations.RenameField("accreditationtransition", "created_at", "at"),
        migrations.RenameField("accreditationtransition", "actor", "by"),
        migrations.RenameField("accreditationtransition", "message", "note"),
        migrations.AlterModelOptions(
            name="accreditationtransition",
            options={"ordering": ["at", "pk"], "verbose_name": "changement de statut",
                     "verbose_name_plural": "historique des statuts"},
        ),
        migrations.AlterField(
            model_name="accreditationtransition", name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="le"),
        ),
        migrations.AlterField(
            model_name="accreditationtransition", name="from_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="de"),
        ),
        migrations.AlterField(
            model_name="accreditationtransition", name="to_status",
            field=models.CharField(max_length=20, verbose_name="vers"),
        ),
        migrations.AlterField(
            model_name="accreditationtransition", name="note",
            field=models.TextField(blank=True, max_length=3000,
                                   validators=[colloque.text.validate_multiline],
                                   verbose_name="motif ou message"),
        ),
    ]

"""Names and texts refuse invisible characters and free text has a length (validators and
max_length: no schema change), and every address is rewritten in its canonical form
(`colloque.text.normalise_email`), on which the one-active-request-per-address constraint
now holds.

Addresses that were different strings but are one mailbox (see
`registrations/migrations/0010_canonical_addresses.py`) may have given one journalist several
requests in progress for one event. One is kept: the approved one, else the oldest. The
others are refused (status « rejected ») with the reason « Demande en double : la même
adresse e-mail, écrite autrement, a une autre demande en cours. », recorded in their history
as the service's own decisions are, without an e-mail: the journalist follows the request
that was kept with its link. A refused duplicate is deleted with the other requests of the
edition (`purge_personal_data`).

An address IDNA refuses is only NFKC-normalised, trimmed and lower-cased. The reverse
migration leaves the rows as they are.
"""

import unicodedata

import colloque.text
from django.db import migrations, models

DUPLICATE = ("Demande en double : la même adresse e-mail, écrite autrement, a une autre "
             "demande en cours.")


def canonical(email: str) -> str:
    try:
        return colloque.text.normalise_email(email)
    except ValueError:
        return unicodedata.normalize("NFKC", email).strip().lower()


def normalise_addresses(apps, schema_editor):
    Request = apps.get_model("press", "AccreditationRequest")
    Transition = apps.get_model("press", "AccreditationTransition")
    rows = list(Request.objects.order_by("pk").values_list(
        "pk", "event_id", "email", "status", "created_at"))
    groups: dict[tuple, list] = {}
    for pk, event_id, email, status, created_at in rows:
        if status != "rejected":
            groups.setdefault((event_id, canonical(email)), []).append(
                (status != "approved", created_at, pk, status))
    for candidates in groups.values():
        for _rank, _created, pk, status in sorted(candidates)[1:]:
            Request.objects.filter(pk=pk).update(status="rejected")
            Transition.objects.create(accreditation_id=pk, from_status=status,
                                      to_status="rejected", message=DUPLICATE)
    for pk, _event_id, email, _status, _created in rows:
        if canonical(email) != email:
            Request.objects.filter(pk=pk).update(email=canonical(email))


class Migration(migrations.Migration):

    dependencies = [
        ('press', '0004_hash_press_tokens'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accreditationrequest',
            name='first_name',
            field=models.CharField(max_length=100, validators=[colloque.text.validate_single_line], verbose_name='prénom'),
        ),
        migrations.AlterField(
            model_name='accreditationrequest',
            name='interview_wishes',
            field=models.TextField(blank=True, max_length=2000, validators=[colloque.text.validate_multiline], verbose_name="souhaits d'interview"),
        ),
        migrations.AlterField(
            model_name='accreditationrequest',
            name='last_name',
            field=models.CharField(max_length=100, validators=[colloque.text.validate_single_line], verbose_name='nom'),
        ),
        migrations.AlterField(
            model_name='accreditationrequest',
            name='outlet',
            field=models.CharField(max_length=150, validators=[colloque.text.validate_single_line], verbose_name='média'),
        ),
        migrations.AlterField(
            model_name='accreditationrequest',
            name='press_card_number',
            field=models.CharField(blank=True, max_length=20, validators=[colloque.text.validate_single_line], verbose_name='numéro de carte de presse (CCIJP)'),
        ),
        migrations.AlterField(
            model_name='accreditationtransition',
            name='message',
            field=models.TextField(blank=True, max_length=3000, validators=[colloque.text.validate_multiline], verbose_name='motif ou message'),
        ),
        migrations.AlterField(
            model_name='pressinfo',
            name='instructions',
            field=models.TextField(blank=True, help_text="Texte libre ajouté à l'e-mail d'accréditation (stationnement, régie…).", max_length=4000, verbose_name='consignes pratiques'),
        ),
        migrations.AlterField(
            model_name='pressinfo',
            name='instructions_en',
            field=models.TextField(blank=True, help_text="Texte libre ajouté à l'e-mail d'accréditation (stationnement, régie…).", max_length=4000, null=True, verbose_name='consignes pratiques'),
        ),
        migrations.AlterField(
            model_name='pressinfo',
            name='instructions_fr',
            field=models.TextField(blank=True, help_text="Texte libre ajouté à l'e-mail d'accréditation (stationnement, régie…).", max_length=4000, null=True, verbose_name='consignes pratiques'),
        ),
        migrations.AlterField(
            model_name='pressinfo',
            name='personality',
            field=models.TextField(blank=True, default="Patrick Bloche, adjoint à la Maire de Paris chargé de l'éducation, de la petite enfance, des familles, de l'organisation et du fonctionnement du Conseil de Paris", help_text="Telle que l'invitation presse la présente.", max_length=1000, verbose_name='personnalité présente'),
        ),
        migrations.AlterField(
            model_name='pressinfo',
            name='personality_en',
            field=models.TextField(blank=True, default="Patrick Bloche, adjoint à la Maire de Paris chargé de l'éducation, de la petite enfance, des familles, de l'organisation et du fonctionnement du Conseil de Paris", help_text="Telle que l'invitation presse la présente.", max_length=1000, null=True, verbose_name='personnalité présente'),
        ),
        migrations.AlterField(
            model_name='pressinfo',
            name='personality_fr',
            field=models.TextField(blank=True, default="Patrick Bloche, adjoint à la Maire de Paris chargé de l'éducation, de la petite enfance, des familles, de l'organisation et du fonctionnement du Conseil de Paris", help_text="Telle que l'invitation presse la présente.", max_length=1000, null=True, verbose_name='personnalité présente'),
        ),
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop, elidable=False),
    ]

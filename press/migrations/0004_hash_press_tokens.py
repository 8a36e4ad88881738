"""Press tokens stored as digests (issue 10).

The random tokens of status links and badges already sent are hashed in place (now
`legacy_token_hash`, `legacy_checkin_token_hash`), so those links and badges keep working;
every request also gets the digests of its recomputable tokens (`press.models.press_token`),
which later e-mails and the badge page give. Going back leaves digests where the old code
expects tokens: no link then works (a digest cannot give the token back).
"""

import base64
import hashlib

from django.db import migrations, models
from django.utils.crypto import salted_hmac

import press.models


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _press_token(kind: str, pk: int) -> str:
    # press.models.press_token as written when this migration was.
    digest = salted_hmac(f"press.{kind}", str(pk), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_tokens(apps, schema_editor):
    AccreditationRequest = apps.get_model("press", "AccreditationRequest")
    for pk, token, checkin_token in AccreditationRequest.objects.values_list(
            "pk", "legacy_token_hash", "legacy_checkin_token_hash").iterator():
        AccreditationRequest.objects.filter(pk=pk).update(
            legacy_token_hash=_digest(token), legacy_checkin_token_hash=_digest(checkin_token),
            token_hash=_digest(_press_token("status", pk)),
            checkin_token_hash=_digest(_press_token("checkin", pk)),
        )


def fill_legacy_columns(apps, schema_editor):
    """Backwards: the old columns may not be empty."""
    AccreditationRequest = apps.get_model("press", "AccreditationRequest")
    AccreditationRequest.objects.filter(legacy_token_hash__isnull=True).update(
        legacy_token_hash=models.F("token_hash"))
    AccreditationRequest.objects.filter(legacy_checkin_token_hash__isnull=True).update(
        legacy_checkin_token_hash=models.F("checkin_token_hash"))


class Migration(migrations.Migration):

    dependencies = [
        ("press", "0003_accreditationrequest_anonymised_at"),
    ]

    operations = [
        migrations.RenameField("accreditationrequest", "token", "legacy_token_hash"),
        migrations.RenameField(
            "accreditationrequest", "checkin_token", "legacy_checkin_token_hash"),
        migrations.AlterField(
            model_name="accreditationrequest", name="legacy_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="accreditationrequest", name="legacy_checkin_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="accreditationrequest", name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="accreditationrequest", name="checkin_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, fill_legacy_columns, elidable=False),
        migrations.AlterField(
            model_name="accreditationrequest", name="token_hash",
            field=models.CharField(default=press.models.unusable_digest, editable=False,
                                   max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="accreditationrequest", name="checkin_token_hash",
            field=models.CharField(default=press.models.unusable_digest, editable=False,
                                   max_length=64, unique=True),
        ),
    ]

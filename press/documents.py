"""Journalists' uploads: checked from their content, stored under a random name.

Only PDF, JPEG and PNG, at most 5 MB. The file name and the browser's content type are
never trusted: the type is read from the first bytes of the file.
"""

import uuid

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
CONTENT_TYPES = {ext: mime for mime, ext in ALLOWED_TYPES.items()}


def sniff_document_type(file) -> str | None:
    """The allowed extension matching the file's content, or None."""
    file.seek(0)
    head = file.read(261)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    return ALLOWED_TYPES.get(kind.mime)


def validate_document(file: UploadedFile) -> str:
    """Raise ValidationError for an empty, too large or disallowed file; return its extension.

    The size is read from the upload's metadata before any content is read.
    """
    size = file.size or 0
    if size == 0:
        raise ValidationError(_("Le fichier envoyé est vide."), code="empty")
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s Mo : la limite est de 5 Mo.")
            % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ",")},
            code="too_large",
        )
    extension = sniff_document_type(file)
    if extension is None:
        raise ValidationError(
            _("Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
              "pas seulement son nom)."),
            code="bad_type",
        )
    return extension


def random_document_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def delete_stored_document(sender, instance, **kwargs) -> None:
    """post_delete of an accreditation request: its document goes with it (once the
    deletion is committed), however the request was deleted (admin, retention, erasure)."""
    if instance.assignment_letter:
        name, storage = instance.assignment_letter.name, instance.assignment_letter.storage
        transaction.on_commit(lambda: storage.delete(name))

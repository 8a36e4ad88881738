"""Journalists' uploads: checked from their content, stored under a random name.

Only PDF, JPEG and PNG, at most 5 MB. The file name and the browser's content type are
never trusted: the type is read from the first bytes of the file. Then:

- an image is refused above MAX_IMAGE_PIXELS (a 5 MB PNG can claim 100 000 × 100 000
  pixels and take gigabytes to display: a decompression bomb). Its size is read from its
  header, nothing is decoded; Pillow's own guard (`Image.MAX_IMAGE_PIXELS`) is set to the
  same limit for every image this process opens.
- a PDF is refused when it carries anything that runs or opens something by itself:
  JavaScript, a launch action, a form that submits or imports data, embedded files or rich
  media, XFA forms (`ACTIVE_CONTENT`). pypdf walks every object reachable from the document
  (catalogue, names tree, pages and their actions, annotations, form fields, object streams
  included), and the raw bytes outside streams are read too, for a file a reader may repair
  differently. A PDF pypdf cannot read, or protected by a password, is refused too.

Refused rather than flagged to staff: a press card or an assignment letter needs none of
this (a scan or « Imprimer en PDF » gives a clean file, and the message says so), and a
flagged file would still be stored and opened on a staff computer.
"""

import io
import re
import uuid
import warnings

import filetype
import pypdf
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
CONTENT_TYPES = {ext: mime for mime, ext in ALLOWED_TYPES.items()}
# 40 megapixels: a photo from any phone or a 600 dpi scan of an A4 page passes.
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# What a PDF may not hold: action types (/S), names (as a key, a /Type or /Subtype) of
# scripts, launched programs, submitted or imported data, embedded files and media.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute",
                  "/GoToE", "/Rendition", "/Sound", "/Movie"}
ACTIVE_CONTENT = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF",
                  "/RichMedia", "/RichMediaContent", "/XFA", "/FileAttachment", "/SubmitForm",
                  "/ImportData", "/Screen", "/Movie", "/Sound"}
_PDF_OBJECTS_LIMIT = 200_000  # more objects than any letter: refused as unreadable


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
    if extension == "pdf":
        check_pdf(file)
    else:
        check_image(file)
    return extension


def check_image(file) -> None:
    """Refuse an image whose header claims more than MAX_IMAGE_PIXELS, or that Pillow
    cannot read. Only the header and the chunks' checksums are read: nothing is decoded."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Cette image est trop grande (plus de %(limit)s millions de pixels). "
              "Envoyez une photo ou un scan de taille ordinaire.")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Cette image est illisible ou abîmée. Envoyez-la à nouveau, ou un PDF."),
            code="unreadable",
        ) from None
    finally:
        file.seek(0)


class ActivePdf(Exception):
    """A PDF holds content that runs or opens something (see ACTIVE_CONTENT)."""


def check_pdf(file) -> None:
    """Refuse a PDF that carries JavaScript, launch or submit actions, embedded files or
    media (anywhere pypdf reaches from the document, or in its raw bytes), or that cannot
    be read."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    try:
        if _raw_active_names(data):
            raise ActivePdf
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("Ce PDF est protégé par un mot de passe : envoyez-le sans protection."),
                code="encrypted_pdf",
            )
        _walk_pdf(reader)
    except ActivePdf:
        raise ValidationError(
            _("Ce PDF contient du JavaScript, une action automatique ou des fichiers "
              "incorporés : il est refusé par sécurité. Envoyez un scan ou un PDF simple "
              "(par exemple avec « Imprimer en PDF »)."),
            code="active_pdf",
        ) from None
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 -- hostile input: pypdf may raise anything on it
        raise ValidationError(
            _("Ce PDF est illisible ou abîmé. Envoyez-le à nouveau, ou un scan en JPEG ou PNG."),
            code="unreadable",
        ) from None


def _walk_pdf(reader: pypdf.PdfReader) -> None:
    """Every object reachable from the trailer, each visited once; raise ActivePdf."""
    pending = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, pypdf.generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > _PDF_OBJECTS_LIMIT:
            raise ValueError("too many objects")
        if isinstance(item, pypdf.generic.DictionaryObject):
            if item.get("/S") in ACTIVE_ACTIONS or item.get("/Type") in ACTIVE_CONTENT \
                    or item.get("/Subtype") in ACTIVE_CONTENT \
                    or not ACTIVE_CONTENT.isdisjoint(item.keys()):
                raise ActivePdf
            pending.extend(item.values())
        elif isinstance(item, pypdf.generic.ArrayObject):
            pending.extend(item)


# A PDF name (`/JavaScript`, written `/J#61vaScript` too) outside the streams' contents.
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


def _raw_active_names(data: bytes) -> bool:
    outside_streams = _STREAM.sub(b" ", data)
    for match in _NAME.finditer(outside_streams):
        name = _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if "/" + name.decode("latin-1") in ACTIVE_CONTENT | ACTIVE_ACTIONS:
            return True
    return False


def random_document_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def delete_stored_document(sender, instance, **kwargs) -> None:
    """post_delete of an accreditation request: its document goes with it (once the
    deletion is committed), however the request was deleted (admin, retention, erasure)."""
    if instance.assignment_letter:
        name, storage = instance.assignment_letter.name, instance.assignment_letter.storage
        transaction.on_commit(lambda: storage.delete(name))

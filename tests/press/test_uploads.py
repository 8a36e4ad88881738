"""Journalists' uploads: decompression bombs and active PDFs are refused, stored files are
private on disk (issue 12)."""

import html
import io
import os
import stat
import struct
import zlib

import pytest
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from press.models import AccreditationRequest

from .conftest import PDF, png_bytes, private_files, upload
from .test_request_form import form_data

URL = reverse("press:accreditation")


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (no real image data)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def jpeg_header(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) is rewritten to claim `width` x `height`."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(out, format="JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _link(writer: PdfWriter, action: dict) -> None:
    """A link annotation on the first page that runs `action` when clicked."""
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 200, 80)]),
        NameObject("/A"): DictionaryObject(action),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def pdf_with_document_javascript() -> bytes:
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('bonjour');"))
    return _bytes(writer)


def pdf_with_javascript_open_action() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.launchURL('https://example.org');"),
    }))
    return _bytes(writer)


def pdf_with_launch_link() -> bytes:
    writer = _writer()
    _link(writer, {NameObject("/S"): NameObject("/Launch"),
                   NameObject("/F"): TextStringObject("C:\\Windows\\System32\\calc.exe")})
    return _bytes(writer)


def pdf_with_page_open_script() -> bytes:
    writer = _writer()
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1);"))
    return _bytes(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("facture.exe", b"MZ\x90\x00")
    return _bytes(writer)


def pdf_with_hex_escaped_name() -> bytes:
    """`/J#61vaScript` is `/JavaScript` to a PDF reader; the file's cross-reference table is
    broken too, so that a reader rebuilds it (and pypdf may see another document)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pdf_with_web_link() -> bytes:
    """A letterhead's link to the newsroom's site: an ordinary link, not active content."""
    writer = _writer()
    _link(writer, {NameObject("/S"): NameObject("/URI"),
                   NameObject("/URI"): TextStringObject("https://www.leparisien.fr/")})
    return _bytes(writer)


def post_document(client, name: str, content: bytes, content_type: str):
    response = client.post(URL, form_data(press_card_number="",
                                          assignment_letter=upload(name, content, content_type)))
    return response, html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (8_000, 6_000), (65_535, 700)],
    ids=["10-gigapixels", "48-megapixels", "46-megapixels-strip"],
)
def test_image_claiming_too_many_pixels_is_refused_without_being_decoded(
    client, event, mailoutbox, width, height
):
    content = png_header(width, height)
    assert len(content) < 200
    response, body = post_document(client, "carte.png", content, "image/png")
    assert response.status_code == 200
    assert "Cette image est trop grande (plus de 40 millions de pixels)" in body
    assert AccreditationRequest.objects.count() == 0
    assert private_files() == []
    assert mailoutbox == []


def test_jpeg_claiming_too_many_pixels_is_refused(client, event):
    response, body = post_document(client, "carte.jpg", jpeg_header(60_000, 60_000),
                                   "image/jpeg")
    assert "Cette image est trop grande" in body
    assert AccreditationRequest.objects.count() == 0
    assert private_files() == []


def test_broken_image_is_refused(client, event):
    content = png_bytes()[:40]  # signature and header, then cut
    response, body = post_document(client, "carte.png", content, "image/png")
    assert "Cette image est illisible ou abîmée" in body
    assert AccreditationRequest.objects.count() == 0


@pytest.mark.parametrize(
    "build",
    [pdf_with_document_javascript, pdf_with_javascript_open_action, pdf_with_launch_link,
     pdf_with_page_open_script, pdf_with_embedded_file, pdf_with_hex_escaped_name],
    ids=["names-tree-javascript", "open-action-javascript", "launch-link", "page-open-script",
         "embedded-file", "hex-escaped-name"],
)
def test_pdf_carrying_scripts_launch_actions_or_files_is_refused(client, event, mailoutbox,
                                                                 build):
    response, body = post_document(client, "lettre.pdf", build(), "application/pdf")
    assert response.status_code == 200
    assert "Ce PDF contient du JavaScript, une action automatique ou des fichiers" in body
    assert "Imprimer en PDF" in body
    assert AccreditationRequest.objects.count() == 0
    assert private_files() == []
    assert mailoutbox == []


def test_unreadable_or_protected_pdf_is_refused(client, event):
    _, body = post_document(client, "lettre.pdf", b"%PDF-1.7\n" + os.urandom(2000),
                            "application/pdf")
    assert "Ce PDF est illisible ou abîmé" in body
    writer = _writer()
    writer.encrypt("secret")
    _, body = post_document(client, "lettre.pdf", _bytes(writer), "application/pdf")
    assert "Ce PDF est protégé par un mot de passe" in body
    assert AccreditationRequest.objects.count() == 0


@pytest.mark.parametrize("content", [PDF, pdf_with_web_link()], ids=["reportlab", "web-link"])
def test_plain_pdf_passes(client, event, content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = post_document(client, "lettre.pdf", content, "application/pdf")
    assert response.status_code == 302
    [stored] = private_files()
    assert open(stored, "rb").read() == content


def test_an_ordinary_photo_passes(client, event):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(out, format="JPEG", quality=30)
    response, _ = post_document(client, "carte.jpg", out.getvalue(), "image/jpeg")
    assert response.status_code == 302


@pytest.mark.parametrize("size", [2_000, 3 * 1024 * 1024], ids=["in-memory", "temporary-file"])
def test_stored_document_and_its_folder_are_readable_by_the_site_only(client, event, size):
    """Owner-only modes whatever the umask and however Django received the upload (small
    uploads are written from memory, large ones moved from a temporary file)."""
    content = PDF + b"%" * size  # a comment after %%EOF: still the same PDF
    old_umask = os.umask(0o022)
    try:
        response, _ = post_document(client, "lettre.pdf", content, "application/pdf")
    finally:
        os.umask(old_umask)
    assert response.status_code == 302
    [stored] = private_files()
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(stored)).st_mode) == 0o700

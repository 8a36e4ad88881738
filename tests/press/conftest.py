import io
import os

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import EventFactory


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "navy").save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "navy").save(out, format="JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A one-page PDF as a word processor's « Imprimer en PDF » makes (nothing active)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "Lettre de mission")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


PDF = pdf_bytes()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def private_files() -> list[str]:
    """Every file in the private storage (journalists' documents)."""
    root = storages["private"].location
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


@pytest.fixture
def event(db):
    """The current edition, accreditation open (deadline two days before the event)."""
    return EventFactory()


@pytest.fixture
def staff_user(django_user_model):
    """Staff who may moderate and open documents (not a superuser: permissions matter)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("presse", "presse@example.org", "pw",
                                                 is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="press"))
    return user


@pytest.fixture
def moderator_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def _empty_private_storage():
    """Each test starts with no journalist document stored."""
    for path in private_files():
        os.remove(path)

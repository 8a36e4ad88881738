"""The certificate of attendance: read back from the PDF, offered once the event has started."""

import base64
import re
import zlib

import pytest
import time_machine
from django.core import mail

from colloque.models import StaffAction
from registrations.attestation import verification_code
from registrations.models import Registration, hash_token, link_token
from tests.factories import EventFactory, WorkshopFactory, paris

from .factories import RegistrationFactory


def pdf_text(data: bytes) -> str:
    """The text a reader gets from a ReportLab PDF in a standard font: its page streams
    (ASCII85 then Flate, as ReportLab writes them) decoded, the Tj strings read as cp1252."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        stream = stream.strip()
        if stream.endswith(b"~>"):
            stream = zlib.decompress(base64.a85decode(stream[:-2]))
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            raw = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw)
            raw = re.sub(rb"\\(.)", rb"\1", raw)
            text.append(raw.decode("cp1252"))
    return "\n".join(text)


@pytest.fixture
def arrived(db):
    event = EventFactory(title="Pour plus de mixité sociale au collège")
    workshop = WorkshopFactory(event=event, title="Parents et mixité", room="Salle Lobau")
    registration = RegistrationFactory(
        event=event, workshop=workshop, first_name="Awa", last_name="Traoré",
        reference="ATTEST01", checked_in_at=paris(event.date, 9, 5),
        token_hash=hash_token(link_token("ATTEST01")))
    return registration


def test_attestation_pdf_says_who_what_when_where(arrived):
    from registrations.attestation import attestation_pdf

    data = attestation_pdf(arrived)
    assert b"/Lang (fr)" in data
    text = pdf_text(data)
    assert "ATTESTATION DE PRÉSENCE" in text
    assert "Awa Traoré" in text
    assert "a participé au colloque « Pour plus de mixité sociale au collège »," in text
    assert "de 9h00 à 16h30" in text
    assert "Hôtel de Ville, Place de l'Hôtel de Ville, 75004 Paris." in text
    assert "Atelier de l'après-midi : Parents et mixité (Salle Lobau)" in text
    assert "Ville de Paris — OPMIRE — Académie de Paris" in text
    assert f"Référence de vérification : {verification_code(arrived)}" in text
    assert "9h05" in text


def test_manage_page_offers_it_once_the_event_has_started(client, arrived):
    url = f"/inscription/gerer/{link_token(arrived.reference)}/"
    with time_machine.travel(paris(arrived.event.date, 8), tick=False):
        assert "Télécharger mon attestation" not in client.get(url).content.decode()
        assert client.get(url + "attestation.pdf").status_code == 404
    with time_machine.travel(paris(arrived.event.date, 17), tick=False):
        page = client.get(url).content.decode()
        assert "Télécharger mon attestation" in page
        response = client.get(url + "attestation.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "Awa Traoré" in pdf_text(response.content)


def test_no_attestation_without_a_recorded_arrival(client, arrived):
    Registration.objects.filter(pk=arrived.pk).update(checked_in_at=None)
    url = f"/inscription/gerer/{link_token(arrived.reference)}/attestation.pdf"
    with time_machine.travel(paris(arrived.event.date, 17), tick=False):
        assert client.get(url).status_code == 404


def test_admin_sends_it_to_those_who_came(staff_client, arrived,
                                          django_capture_on_commit_callbacks):
    absent = RegistrationFactory(event=arrived.event, email="absent@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/admin/registrations/registration/", {
            "action": "send_attestation", "_selected_action": [arrived.pk, absent.pk]})
    [message] = mail.outbox
    assert message.to == [arrived.email]
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("attestation-ATTEST01.pdf", "application/pdf")
    assert "Awa Traoré" in pdf_text(content)
    assert StaffAction.objects.get(kind="attestation").count == 1


def test_attestation_in_english(arrived):
    from registrations.attestation import attestation_pdf

    arrived.language = "en"
    data = attestation_pdf(arrived)
    assert b"/Lang (en)" in data

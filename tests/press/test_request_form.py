import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse

from press.models import AccreditationRequest, PressInfo, PressKitDocument, Status

from .conftest import PDF, jpeg_bytes, private_files, upload

URL = reverse("press:accreditation")


def form_data(**overrides):
    data = {
        "first_name": "Léa", "last_name": "Martin", "email": "Lea.Martin@example.org",
        "phone": "06 12 34 56 78", "outlet": "Le Parisien", "media_type": "print",
        "role": "journalist", "press_card_number": "123456", "crew_size": "1",
        "interview_wishes": "Patrick Bloche", "consent": "on",
    }
    data.update(overrides)
    return data


def test_e_mail_subjects_and_text_are_not_html_escaped(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    """Subjects and plain-text bodies are text: « L'Express & Co » stays as typed."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(last_name="O'Neil", outlet="L'Express & Co"))
    [mail, press_office] = mailoutbox
    assert press_office.subject == "Accréditation à examiner : Léa O'Neil (L'Express & Co)"
    assert "&#x27;" not in mail.body + press_office.body
    assert "&amp;" not in mail.body + press_office.body


def test_press_area_shows_the_invitation_without_press_settings(client, event):
    response = client.get(reverse("press:area"))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert event.title in body
    assert "Patrick Bloche" in body
    assert "Accréditation obligatoire" in body
    assert "Camille Pavlovic" in body and "01 42 76 49 61" in body and "presse@paris.fr" in body
    assert reverse("program:programme") in body
    assert reverse("press:accreditation") in body


def test_press_area_lists_press_kit_documents_staff_publish(client, event, settings):
    from django.core.files.base import ContentFile

    doc = PressKitDocument(event=event, title="Communiqué de presse")
    doc.file.save("communique.pdf", ContentFile(PDF))
    PressKitDocument.objects.create(event=event, title="Brouillon", is_published=False,
                                    file=doc.file.name)
    body = html.unescape(client.get(reverse("press:area")).content.decode())
    assert "Communiqué de presse" in body and "Brouillon" not in body
    download = client.get(doc.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_press_area_uses_staff_edited_contact(client, event):
    PressInfo.objects.create(event=event, contact_name="Jean Dupont",
                             contact_phone="01 00 00 00 00", contact_email="jean@paris.fr",
                             personality="Une adjointe")
    body = html.unescape(client.get(reverse("press:area")).content.decode())
    assert "Jean Dupont" in body and "Une adjointe" in body and "Camille" not in body


def test_form_explains_data_use_and_asks_no_identity_document(client, event):
    body = html.unescape(client.get(URL).content.decode())
    assert 'enctype="multipart/form-data"' in body
    assert reverse("program:page", args=["donnees-personnelles"]) in body
    assert "Aucune pièce d'identité n'est demandée" in body
    assert 'for="id_press_card_number"' in body and 'for="id_assignment_letter"' in body


def test_request_with_card_number_is_recorded_and_acknowledged(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    accreditation = AccreditationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("press:submitted")
    assert accreditation.status == Status.SUBMITTED
    assert accreditation.email == "lea.martin@example.org"
    assert accreditation.language == "fr"
    assert not accreditation.assignment_letter
    assert [(t.from_status, t.to_status, t.by) for t in accreditation.transitions.all()] == [
        ("", Status.SUBMITTED, None)
    ]
    [mail, press_office] = mailoutbox
    assert mail.to == ["lea.martin@example.org"]
    assert "reçue" in mail.subject
    assert press_office.to == ["presse@paris.fr"]
    assert press_office.subject.startswith("Accréditation à examiner : Léa Martin")
    assert f"/admin/press/accreditationrequest/{accreditation.pk}/change/" in press_office.body
    assert press_office.reply_to == ["lea.martin@example.org"]
    assert f"http://testserver{accreditation.get_absolute_url()}" in mail.body or (
        accreditation.get_absolute_url() in mail.body
    )
    assert len(accreditation.token) >= 40
    assert "Vérifiez votre messagerie" in html.unescape(client.get(response["Location"]).text)
    status_page = client.get(accreditation.get_absolute_url())
    assert "Demande reçue, en cours d'examen" in html.unescape(status_page.content.decode())


def test_request_in_english_is_answered_in_english(client, event, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en" + URL, form_data())
    accreditation = AccreditationRequest.objects.get()
    assert accreditation.language == "en"
    assert "/en/presse/accreditation/suivi/" in mailoutbox[0].body


def test_request_with_assignment_letter_stores_it_privately_under_a_random_name(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    letter = upload("../../lettre de mission.jpg", jpeg_bytes(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(press_card_number="", assignment_letter=letter))
    assert response.status_code == 302
    accreditation = AccreditationRequest.objects.get()
    name = accreditation.assignment_letter.name
    assert name.startswith("accreditations/") and name.endswith(".jpg")
    assert "lettre" not in name and ".." not in name
    [stored] = private_files()
    assert open(stored, "rb").read() == jpeg_bytes()
    assert [m.to for m in mailoutbox] == [["lea.martin@example.org"], ["presse@paris.fr"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lettre.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200 + b"PE\x00\x00", "ni un PDF"),
        ("lettre.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "la limite est de 5 Mo"),
        ("lettre.pdf", b"", "Le fichier envoyé est vide"),
        ("lettre.png", b"just some text pretending to be an image", "ni un PDF"),
    ],
    ids=["renamed-executable", "6-MB", "empty", "text-named-png"],
)
def test_bad_upload_is_refused_with_a_clear_message_and_nothing_stored(
    client, event, mailoutbox, name, content, message
):
    response = client.post(URL, form_data(press_card_number="",
                                          assignment_letter=upload(name, content)))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert message in body
    assert "Le formulaire contient des erreurs" in body
    assert AccreditationRequest.objects.count() == 0
    assert private_files() == []
    assert mailoutbox == []


def test_card_number_or_assignment_letter_is_required(client, event):
    response = client.post(URL, form_data(press_card_number=""))
    assert "Indiquez votre numéro de carte de presse ou joignez une lettre de mission" in (
        html.unescape(response.content.decode())
    )
    assert AccreditationRequest.objects.count() == 0


def test_missing_fields_and_consent_are_reported(client, event):
    response = client.post(URL, form_data(first_name="", consent="", media_type="satellite"))
    body = html.unescape(response.content.decode())
    assert "Votre accord est nécessaire" in body
    assert 'href="#id_first_name"' in body and 'href="#id_media_type"' in body
    assert AccreditationRequest.objects.count() == 0


PHONE_ERROR = ("Saisissez un numéro de téléphone, par exemple 06 12 34 56 78 "
               "ou +33 6 12 34 56 78.")


@pytest.mark.parametrize("phone", ["abc", "06 12 34", "06 12 34 56 7a", "+33 6 12 34 56 78 +1",
                                   "0612345678901234567890", "06/12/34/56/78"])
def test_nonsense_phone_number_is_refused_with_an_example(client, event, mailoutbox, phone):
    response = client.post(URL, form_data(phone=phone))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert PHONE_ERROR in body
    assert 'href="#id_phone"' in body
    assert AccreditationRequest.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("phone", ["06 12 34 56 78", "+33 6 12 34 56 78", "06.12.34.56.78",
                                   "+44 (0)20-7946-0958", "0612345678"])
def test_usual_phone_numbers_are_stored_as_typed(client, event, phone):
    response = client.post(URL, form_data(phone=f"  {phone} "))
    assert response.status_code == 302
    assert AccreditationRequest.objects.get().phone == phone


def test_equipment_checkboxes_are_a_labelled_group(client, event):
    body = html.unescape(client.get(URL).content.decode())
    fieldset = re.search(
        r"<fieldset[^>]*>\s*<legend[^>]*>Matériel apporté :</legend>(.*?)</fieldset>", body, re.S
    )
    assert fieldset, "« Matériel apporté » is the legend of its own fieldset"
    for name in ("has_camera", "has_tripod", "has_lights"):
        assert f'id="id_{name}"' in fieldset.group(1)
    assert "id_crew_size" not in fieldset.group(1)


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_an_address_with_a_request_in_progress_gets_the_same_page_and_its_owner_is_told(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    """The form tells nobody whether an address has asked for accreditation: same answer,
    same page; the owner of the address gets their status link again by e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(URL, form_data())
    accreditation = AccreditationRequest.objects.get()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(URL, form_data(email="LEA.martin@example.org", first_name="Autre",
                                            press_card_number="",
                                            assignment_letter=upload("l.pdf", PDF)))
    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert without_csrf(client.get(second["Location"]).text) == without_csrf(
        client.get(first["Location"]).text)
    assert AccreditationRequest.objects.count() == 1
    assert private_files() == []  # the second letter was not stored
    [mail] = mailoutbox  # to the owner only: nothing for the press office to review
    assert mail.to == ["lea.martin@example.org"]
    assert "déjà en cours" in mail.subject
    assert "Bonjour Léa" in mail.body  # the owner's name, not the one typed this time
    assert accreditation.get_absolute_url() in mail.body
    assert accreditation.get_absolute_url() in mail.alternatives[0][0]
    assert "n'ont pas été enregistrées" in mail.body


def test_the_owner_is_told_once_within_the_cooldown(
    client, event, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """Sending the form again and again does not fill a journalist's mailbox."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data())
    mailoutbox.clear()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(URL, form_data())["Location"] == reverse("press:submitted")
    assert len(mailoutbox) == 1
    later = dt.datetime.now(dt.UTC) + dt.timedelta(
        minutes=settings.REGISTRATION_RESEND_COOLDOWN_MINUTES + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data())
    assert len(mailoutbox) == 2


def test_the_same_address_in_english_is_answered_in_the_language_of_its_request(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en" + URL, form_data())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data())
    [mail] = mailoutbox
    assert "/en/presse/accreditation/suivi/" in mail.body
    assert "Bonjour" not in mail.body


def test_after_the_deadline_the_form_is_closed_and_gives_the_press_contact(client, event):
    with time_machine.travel(event.press_accreditation_deadline + dt.timedelta(minutes=1)):
        page = html.unescape(client.get(URL).content.decode())
        assert "Les demandes d'accréditation sont closes" in page
        assert "Camille Pavlovic" in page and "presse@paris.fr" in page
        assert 'name="first_name"' not in page
        response = client.post(URL, form_data(
            press_card_number="", assignment_letter=upload("l.pdf", PDF)))
        closed = html.unescape(response.content.decode())
        assert "Les demandes d'accréditation sont closes" in closed
        area = html.unescape(client.get(reverse("press:area")).content.decode())
        assert "closes depuis" in area
    assert AccreditationRequest.objects.count() == 0
    assert private_files() == []


def test_just_before_the_deadline_the_form_is_open(client, event):
    with time_machine.travel(event.press_accreditation_deadline - dt.timedelta(minutes=1)):
        assert 'name="first_name"' in html.unescape(client.get(URL).content.decode())


def test_press_pages_exist_in_english(client, event):
    from press.demo import load_press_demo

    load_press_demo(event)
    area = html.unescape(client.get("/en" + reverse("press:area")).content.decode())
    assert "Deputy Mayor of Paris" in area
    assert client.get("/en" + URL).status_code == 200


def test_a_robot_filling_the_honeypot_stores_nothing_and_gets_no_mail(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert AccreditationRequest.objects.count() == 0
    assert mailoutbox == []


def test_too_many_requests_from_one_network_are_refused_with_the_time_to_wait(
    client, event, settings
):
    settings.REGISTRATION_RATE_LIMIT = "2/h"
    for n in range(2):
        client.post(URL, form_data(email=f"journaliste{n}@example.org"), REMOTE_ADDR="192.0.2.7")
    response = client.post(URL, form_data(email="journaliste3@example.org"),
                           REMOTE_ADDR="192.0.2.200")  # the same /24
    assert response.status_code == 429
    page = html.unescape(response.content.decode())
    assert "Trop de demandes depuis votre réseau. Réessayez dans" in page
    assert 'value="journaliste3@example.org"' in page  # what was typed is kept
    assert AccreditationRequest.objects.count() == 2
    other = client.post(URL, form_data(email="journaliste4@example.org"),
                        REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_a_press_form_with_errors_is_not_counted(client, event, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert client.post(URL, form_data(phone="abc")).status_code == 200
    assert client.post(URL, form_data()).status_code == 302

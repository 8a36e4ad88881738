import html

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.formats import date_format

from press import services
from press.models import TRANSITIONS, AccreditationRequest, PressInfo, Status

from .conftest import PDF, private_files, upload
from .factories import AccreditationFactory

ALL = [s.value for s in Status]


def move(accreditation, to_status, actor):
    """Drive a request to `to_status` through the service that does it."""
    if to_status == Status.APPROVED:
        return services.accreditation_approve(accreditation=accreditation, actor=actor)
    if to_status == Status.REJECTED:
        return services.accreditation_reject(accreditation=accreditation, actor=actor,
                                             reason="Média hors sujet")
    if to_status == Status.INFO_REQUESTED:
        return services.accreditation_request_info(accreditation=accreditation, actor=actor,
                                                   message="Quel sujet préparez-vous ?")
    return services.accreditation_answer_info(accreditation=accreditation,
                                              answer="Un reportage pour le 20 h.")


def in_status(status, actor):
    accreditation = AccreditationFactory()
    if status == Status.INFO_REQUESTED:
        move(accreditation, Status.INFO_REQUESTED, actor)
    elif status in (Status.APPROVED, Status.REJECTED):
        move(accreditation, status, actor)
    accreditation.refresh_from_db()
    assert accreditation.status == status
    return accreditation


EXPECTED_SUBJECT = {
    Status.APPROVED: "accordée",
    Status.REJECTED: "Votre demande d'accréditation presse",
    Status.INFO_REQUESTED: "informations complémentaires",
    Status.SUBMITTED: "Votre réponse",
}

ALLOWED = [(a, b) for a in ALL for b in ALL if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a in ALL for b in ALL if b not in TRANSITIONS[a]]


def test_the_transition_table_is_the_one_of_the_issue():
    assert set(ALLOWED) == {
        ("submitted", "approved"), ("submitted", "rejected"), ("submitted", "info_requested"),
        ("info_requested", "submitted"), ("info_requested", "rejected"),
    }


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_is_recorded_and_emailed(
    from_status, to_status, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    accreditation = in_status(from_status, staff_user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(accreditation, to_status, staff_user)
    accreditation.refresh_from_db()
    assert accreditation.status == to_status
    last = accreditation.transitions.last()
    assert (last.from_status, last.to_status) == (from_status, to_status)
    assert last.by == (None if to_status == Status.SUBMITTED else staff_user)
    assert last.at is not None
    [mail] = [m for m in mailoutbox if m.to == [accreditation.email]]
    assert EXPECTED_SUBJECT[to_status] in mail.subject
    assert mail.alternatives and mail.alternatives[0].mimetype == "text/html"


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_refused_transition_raises_changes_nothing_and_sends_nothing(
    from_status, to_status, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    accreditation = in_status(from_status, staff_user)
    transitions = accreditation.transitions.count()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.TransitionNotAllowed, match="impossible de passer"):
            move(accreditation, to_status, staff_user)
    accreditation.refresh_from_db()
    assert accreditation.status == from_status
    assert accreditation.transitions.count() == transitions
    assert mailoutbox == []


def test_approval_mail_carries_the_badge_and_practical_instructions(
    staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    accreditation = AccreditationFactory(outlet="France Inter", role="jri")
    PressInfo.objects.create(event=accreditation.event, entrance="Porte de Lobau")
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    [mail] = mailoutbox
    [(filename, content, mimetype)] = mail.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "8h30" in mail.body and "08h30" not in mail.body and "Porte de Lobau" in mail.body
    event = accreditation.event
    with translation.override("fr"):
        day = date_format(event.date, "l j F Y")
    assert f"« {event.title} » du {day} est accordée." in mail.body
    assert f"Lieu : {event.venue}, {event.address}" in mail.body
    assert f"à {event.venue}" not in mail.body
    [(html_body, _)] = mail.alternatives
    assert f"Lieu : {event.venue}" in html.unescape(html_body)
    assert "pièce d'identité" in mail.body
    assert f"/presse/accreditation/suivi/{accreditation.token}/badge/" in mail.body
    badge_text = pdf_text(content)
    for expected in ("PRESSE", accreditation.full_name, "France Inter", "JRI",
                     accreditation.event.title):
        assert expected in badge_text
    # The QR code holds a check-in link, not the journalist's personal data in clear
    assert accreditation.email not in badge_text


def pdf_text(content: bytes) -> str:
    """The strings drawn on a reportlab PDF page (its streams are zlib, maybe ASCII85)."""
    import base64
    import codecs
    import re
    import zlib

    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        for decode in (zlib.decompress,
                       lambda s: zlib.decompress(base64.a85decode(s.strip(), adobe=True))):
            try:
                found += re.findall(rb"\((.*?)\) Tj", decode(stream))
                break
            except (zlib.error, ValueError):
                continue
    return " ".join(
        codecs.escape_decode(s.replace(b"\\(", b"(").replace(b"\\)", b")"))[0].decode("cp1252")
        for s in found
    )


def test_rejection_needs_a_reason_and_mails_it_with_the_press_contact(
    staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    accreditation = AccreditationFactory()
    with pytest.raises(services.AccreditationError, match="motif"):
        services.accreditation_reject(accreditation=accreditation, actor=staff_user, reason="  ")
    accreditation.refresh_from_db()
    assert accreditation.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_reject(accreditation=accreditation, actor=staff_user,
                                      reason="Jauge presse atteinte")
    [mail] = mailoutbox
    assert "Jauge presse atteinte" in mail.body
    assert "Camille Pavlovic" in mail.body and "presse@paris.fr" in mail.body
    assert accreditation.transitions.last().note == "Jauge presse atteinte"


def test_decision_mail_is_in_the_journalist_language(staff_user, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    accreditation = AccreditationFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_request_info(accreditation=accreditation, actor=staff_user,
                                            message="Which story?")
    assert f"/en/presse/accreditation/suivi/{accreditation.token}/" in mailoutbox[0].body


def _with_document(**kwargs):
    return AccreditationFactory(
        press_card_number="", assignment_letter=ContentFile(PDF, name="abc.pdf"), **kwargs
    )


@pytest.mark.parametrize("decision", [Status.APPROVED, Status.REJECTED])
def test_final_decision_deletes_documents(decision, staff_user, django_capture_on_commit_callbacks):
    accreditation = _with_document()
    assert len(private_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        move(accreditation, decision, staff_user)
    accreditation.refresh_from_db()
    assert not accreditation.assignment_letter
    assert accreditation.documents_deleted_at is not None
    assert accreditation.document_state == "deleted"
    assert private_files() == []


def test_final_decision_keeps_documents_staff_chose_to_keep(staff_user,
                                                             django_capture_on_commit_callbacks):
    accreditation = _with_document(keep_documents=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    accreditation.refresh_from_db()
    assert accreditation.assignment_letter and accreditation.document_state == "kept"
    assert len(private_files()) == 1


def test_request_for_information_keeps_documents(staff_user, django_capture_on_commit_callbacks):
    accreditation = _with_document()
    with django_capture_on_commit_callbacks(execute=True):
        move(accreditation, Status.INFO_REQUESTED, staff_user)
    assert len(private_files()) == 1


def test_answer_with_a_new_document_replaces_the_old_one(staff_user,
                                                        django_capture_on_commit_callbacks):
    accreditation = _with_document()
    old = accreditation.assignment_letter.name
    move(accreditation, Status.INFO_REQUESTED, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_answer_info(accreditation=accreditation, answer="Voici la lettre",
                                           document=upload("x.pdf", PDF))
    accreditation.refresh_from_db()
    assert accreditation.status == Status.SUBMITTED
    assert accreditation.assignment_letter.name != old
    assert len(private_files()) == 1


def test_submit_after_the_deadline_stores_nothing(event):
    import datetime as dt

    with pytest.raises(services.AccreditationClosed):
        services.accreditation_submit(
            event=event, data={}, language="fr",
            now=event.press_accreditation_deadline + dt.timedelta(seconds=1),
        )
    assert AccreditationRequest.objects.count() == 0


def test_requests_are_anonymised_three_months_after_the_event(
        db, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.core.management import call_command

    old = _with_document()
    old.event.date = dt.date(2026, 1, 10)
    old.event.save()
    recent = AccreditationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accreditation_purge_expired(today=dt.date(2026, 4, 10)) == 0
        assert services.accreditation_purge_expired(today=dt.date(2026, 4, 13)) == 1
    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.phone, old.outlet) == ("", "", "", "")
    assert not old.assignment_letter and old.anonymised_at
    assert private_files() == []
    call_command("purge_personal_data")
    assert AccreditationRequest.objects.filter(anonymised_at__isnull=True).get() == recent

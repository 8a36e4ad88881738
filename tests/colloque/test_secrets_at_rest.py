"""No private link's token, ticket or badge at rest in the task queue (issue 12).

The mail server is down: registration and press e-mails wait in task rows (and their
retries). Whoever reads those rows (the database, its backups, the admin's task pages)
finds no token: the real ones are computed here and looked for everywhere in the rows,
attachments decoded. When the server is back, the e-mails carry the real links, which work.
"""

import base64
import datetime as dt
import json
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from colloque import mail as colloque_mail
from press import services as press_services
from press.models import AccreditationRequest, press_token
from registrations import mailings, tasks
from registrations.models import Mailing, Registration, hash_token, link_token
from registrations.services import registration_erase
from registrations.tickets import ticket_payload, ticket_qr_png
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's own connection


@pytest.fixture
def mail_server(settings, monkeypatch):
    """The production queue and a mail server that is down until `up()` is called."""
    settings.TASKS = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    monkeypatch.setattr(colloque_mail, "breaker", colloque_mail.CircuitBreaker())
    monkeypatch.setattr("time.sleep", lambda seconds: None)

    def down(self, messages):
        raise smtplib.SMTPServerDisconnected("connection refused")

    class Server:
        later = dt.timedelta()

        def down(self):
            monkeypatch.setattr(EmailBackend, "send_messages", down)

        def up(self):
            monkeypatch.undo()
            monkeypatch.setattr(colloque_mail, "breaker", colloque_mail.CircuitBreaker())

        def run_worker(self):
            """Run what is due, then come back when the next retry is due (within the
            registration's hold: its link still confirms)."""
            with time_machine.travel(timezone.now() + self.later, tick=False):
                call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                             verbosity=0)
            self.later += dt.timedelta(minutes=5)

    server = Server()
    server.down()
    return server


def stored_text() -> str:
    """Everything the task rows hold, with every attachment they keep decoded."""
    rows = list(DBTaskResult.objects.values())
    text = json.dumps(rows, default=str)
    for row in rows:
        message = (row["args_kwargs"] or {}).get("kwargs", {}).get("message") or {}
        for attachment in message.get("attachments", []):
            if "content" in attachment:
                text += base64.b64decode(attachment["content"]).decode("latin-1")
    return text


def stored_messages() -> list[dict]:
    """The messages waiting for the mail server."""
    return [row.args_kwargs["kwargs"]["message"] for row in DBTaskResult.objects.filter(
        status="READY", task_path="colloque.mail.deliver_email")]


def test_registration_e_mails_wait_without_token_and_arrive_with_working_links(
        client, mail_server):
    event = EventFactory(plenary_capacity=10)
    response = client.post(reverse("registrations:register"), {
        "first_name": "Awa", "last_name": "Traoré", "email": "awa@example.org",
        "organisation": "Collège", "role": "Principale", "audience": "teacher",
        "wants_news": "on"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    token = link_token(registration.reference)
    secrets = [token, ticket_payload(registration).removeprefix("COLLOQUE:")]

    mail_server.run_worker()  # renders the confirmation request; the server refuses it
    mail_server.run_worker()  # its retry fails too, and is handed to the next one
    assert mail.outbox == []
    [waiting] = stored_messages()
    assert waiting["to"] == ["awa@example.org"] and "/inscription/confirmer/" in waiting["text"]
    assert not any(secret in stored_text() for secret in secrets)

    mail_server.up()
    mail_server.run_worker()
    [confirm_request] = mail.outbox
    confirm_url = reverse("registrations:confirm", kwargs={"token": token})
    assert confirm_url in confirm_request.body
    assert confirm_url in confirm_request.alternatives[0][0]
    assert client.post(confirm_url).status_code == 302

    mail_server.down()
    mail_server.run_worker()  # the ticket e-mail: QR code, calendar file and manage link
    assert len(mail.outbox) == 1
    [waiting] = [m for m in stored_messages() if "billet" in json.dumps(m)]
    assert {a["filename"] for a in waiting["attachments"]} == {
        f"billet-{registration.reference}.png", f"{event.slug}.ics"}
    assert all("content" not in a for a in waiting["attachments"])
    assert not any(secret in stored_text() for secret in secrets)

    mail_server.up()
    mail_server.run_worker()
    ticket = mail.outbox[-1]
    manage_url = reverse("registrations:manage", kwargs={"token": token})
    assert manage_url in ticket.body
    png = next(c for name, c, _ in ticket.attachments if name.endswith(".png"))
    assert png == ticket_qr_png(registration)
    ics = next(c for name, c, _ in ticket.attachments if name.endswith(".ics"))
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert manage_url in ics.replace("\r\n ", "")
    assert client.get(manage_url).status_code == 200


def test_press_e_mails_wait_without_token_and_arrive_with_working_links(
        client, mail_server, django_user_model):
    event = EventFactory()
    accreditation = press_services.accreditation_submit(
        event=event, language="fr", data={
            "first_name": "Léa", "last_name": "Martin", "email": "lea@example.org",
            "phone": "06 12 34 56 78", "outlet": "Le Parisien", "media_type": "print",
            "role": "journalist", "press_card_number": "123456", "consent": True})
    staff = django_user_model.objects.create_user("presse", is_staff=True)
    press_services.accreditation_approve(accreditation=accreditation, actor=staff)
    secrets = [press_token("status", accreditation.pk), press_token("checkin", accreditation.pk)]
    stored = AccreditationRequest.objects.get()
    assert not any(secret in json.dumps(
        list(AccreditationRequest.objects.values()), default=str) for secret in secrets)
    assert stored.token_hash and stored.checkin_token_hash  # digests only

    mail_server.run_worker()
    approval = next(m for m in stored_messages() if "badge" in json.dumps(m))
    assert approval["attachments"] == [{
        "filename": f"badge-presse-{accreditation.pk}.pdf", "mimetype": "application/pdf",
        "recompute": {"call": "press.badge.stored_badge_pdf", "args": [accreditation.pk]}}]
    assert not any(secret in stored_text() for secret in secrets)

    mail_server.up()
    mail_server.run_worker()
    to_journalist = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert len(to_journalist) == 2  # acknowledgement and approval
    status_url = reverse("press:status", kwargs={"token": secrets[0]})
    assert all(status_url in m.body for m in to_journalist)
    assert client.get(status_url).status_code == 200
    badge_url = reverse("press:badge", kwargs={"token": secrets[0]})
    approved = to_journalist[-1]
    assert badge_url in approved.body and client.get(badge_url).status_code == 200
    [(name, pdf, mimetype)] = approved.attachments
    assert pdf.startswith(b"%PDF") and mimetype == "application/pdf"


def test_news_mailing_waits_without_unsubscribe_token_and_unsubscribes_when_delivered(
        client, mail_server, django_user_model):
    from tests.registrations.factories import RegistrationFactory

    event = EventFactory()
    person = RegistrationFactory(event=event, email="awa@example.org", wants_news=True)
    staff = django_user_model.objects.create_user("opmire", is_staff=True)
    mailings.mailing_send(by=staff, mailing=Mailing(
        event=event, segment=Mailing.Segment.NEWS, subject_fr="Nouvelles", body_fr="Bonjour"))
    unsubscribe = mailings.unsubscribe_token(person.reference)

    mail_server.run_worker()  # renders the mailing, one message queued per person
    mail_server.run_worker()  # the server refuses it
    [waiting] = stored_messages()
    assert "List-Unsubscribe" in waiting["headers"]
    assert unsubscribe not in stored_text()

    mail_server.up()
    mail_server.run_worker()
    [message] = mail.outbox
    unsubscribe_url = reverse("registrations:unsubscribe", kwargs={"token": unsubscribe})
    assert unsubscribe_url in message.body
    assert unsubscribe_url in message.extra_headers["List-Unsubscribe"]
    client.post(unsubscribe_url)
    assert not Registration.objects.get().wants_news


def test_an_e_mail_whose_registration_was_erased_meanwhile_is_not_sent(client, mail_server):
    EventFactory(plenary_capacity=10)
    client.post(reverse("registrations:register"), {
        "first_name": "Awa", "last_name": "Traoré", "email": "awa@example.org",
        "organisation": "Collège", "role": "Principale", "audience": "teacher"})
    mail_server.run_worker()
    assert len(stored_messages()) == 1
    registration_erase(registration=Registration.objects.get())
    mail_server.up()
    mail_server.run_worker()
    assert mail.outbox == []
    assert stored_messages() == []  # done with, not retried


def test_a_message_queued_by_the_previous_release_is_delivered_as_it_was_rendered(
        mail_server):
    """Rows written before 27 November 2026 hold the rendered text, links included."""
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"message": {
            "subject": "Confirmez", "text": "https://x.example/inscription/confirmer/abc/",
            "html": "<p>lien</p>", "to": ["awa@example.org"], "message_id": "<old@x>"}}},
        task_path="colloque.mail.deliver_email", queue_name="default",
        backend_name="default", run_after=None)
    mail_server.up()
    mail_server.run_worker()
    [message] = mail.outbox
    assert message.body == "https://x.example/inscription/confirmer/abc/"
    assert message.extra_headers["Message-ID"] == "<old@x>"


@pytest.mark.parametrize("kind", ["confirm_request", "status", "reminder", "cancelled",
                                  "attestation"])
def test_no_registration_e_mail_waits_with_a_token(mail_server, kind):
    """Every e-mail of a registration, its mail server down: the waiting message holds no
    link's token and no ticket; delivered later, it carries the person's working link."""
    from registrations import services
    from tests.registrations.factories import RegistrationFactory

    pending = {"status": Registration.Status.PENDING, "confirmed_at": None}
    registration = RegistrationFactory(
        event=EventFactory(plenary_capacity=10), email="awa@example.org",
        checked_in_at=timezone.now(), **(pending if kind == "confirm_request" else {}))
    token = link_token(registration.reference)
    Registration.objects.filter(pk=registration.pk).update(token_hash=hash_token(token))
    if kind == "cancelled":
        services.registration_cancel(registration=registration)
    else:
        tasks.queue_email(registration=registration, kind=kind)
    mail_server.run_worker()
    [waiting] = [m for m in stored_messages() if m["to"] == ["awa@example.org"]]
    assert token not in stored_text()
    assert ticket_payload(registration).removeprefix("COLLOQUE:") not in stored_text()

    mail_server.up()
    mail_server.run_worker()
    [delivered] = [m for m in mail.outbox if m.to == ["awa@example.org"]]
    assert delivered.subject == waiting["subject"]
    if kind in ("confirm_request", "status", "reminder"):
        assert f"/{token}/" in delivered.body


@pytest.mark.parametrize("action", ["reject", "request_info", "answer_info"])
def test_no_press_e_mail_waits_with_a_token(mail_server, django_user_model, action):
    from tests.press.factories import AccreditationFactory

    accreditation = AccreditationFactory(event=EventFactory())
    press_services.current_tokens(accreditation)
    staff = django_user_model.objects.create_user("presse", is_staff=True)
    if action == "reject":
        press_services.accreditation_reject(accreditation=accreditation, actor=staff,
                                            reason="Hors sujet")
    else:
        press_services.accreditation_request_info(accreditation=accreditation, actor=staff,
                                                  message="Votre rédaction ?")
    if action == "answer_info":
        press_services.accreditation_answer_info(
            accreditation=AccreditationRequest.objects.get(), answer="Le Parisien")
    token = press_token("status", accreditation.pk)
    mail_server.run_worker()
    assert stored_messages()
    assert token not in stored_text()

    mail_server.up()
    mail_server.run_worker()
    to_journalist = [m for m in mail.outbox if m.to == [accreditation.email]]
    assert to_journalist
    if action != "reject":  # the refusal gives the reason and the press office, no link
        assert all(reverse("press:status", kwargs={"token": token}) in m.body
                   for m in to_journalist)

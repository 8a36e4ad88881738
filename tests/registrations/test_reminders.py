"""Reminders a few days before the event, and « Je ne pourrai pas venir » from them."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory, WorkshopFactory, paris

RELEASE_RE = re.compile(r"https?://[^\s\"<]+/inscription/gerer/([A-Za-z0-9_\-]+)/je-ne-viendrai-pas/")


def register(event, n, workshop=None):
    registration, _ = services.registration_create(
        event=event, first_name=f"Personne{n}", last_name="Test", email=f"p{n}@example.org",
        audience="teacher", workshop_id=workshop.pk if workshop else None)
    return services.registration_confirm(registration=registration)


def reminders_to(address):
    return [m for m in mail.outbox if address in m.to
            and ("Rappel" in m.subject or "Liste d'attente" in m.subject)]


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what waits for the commit (tasks, e-mails), as the worker would after it."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def remind(commits):
    with commits():
        call_command("send_reminders")


@pytest.fixture
def full_event(db, commits):
    """One seat in the plenary, taken by p1 (workshop in the Salle Lobau); p2 waits."""
    event = EventFactory(plenary_capacity=1)
    workshop = WorkshopFactory(event=event, title="Parents et mixité", slug="parents",
                               capacity=10, room="Salle Lobau")
    with commits():
        first = register(event, 1, workshop)
        second = register(event, 2, workshop)
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    mail.outbox.clear()
    return event


def three_days_before(event):
    return time_machine.travel(paris(event.date - dt.timedelta(days=3), 7), tick=False)


def test_reminder_carries_ticket_workshop_room_and_release_link(full_event, commits):
    with three_days_before(full_event):
        remind(commits)
    [reminder] = reminders_to("p1@example.org")
    assert "Rappel" in reminder.subject
    assert "Atelier de l'après-midi : Parents et mixité — salle : Salle Lobau" in reminder.body
    assert "/pages/infos-pratiques/" in reminder.body
    assert RELEASE_RE.search(reminder.body)
    names = [attachment[0] for attachment in reminder.attachments]
    assert any(name.startswith("billet-") for name in names)
    [waiting] = reminders_to("p2@example.org")
    assert "liste d'attente de la journée, en position 1" in waiting.body
    assert RELEASE_RE.search(waiting.body)


def test_no_reminder_too_early(full_event, commits):
    with time_machine.travel(paris(full_event.date - dt.timedelta(days=4), 7), tick=False):
        remind(commits)
    assert mail.outbox == []


def test_reminder_sent_once_when_the_command_runs_twice(full_event, commits):
    with three_days_before(full_event):
        remind(commits)
        remind(commits)
    with time_machine.travel(paris(full_event.date - dt.timedelta(days=2), 7), tick=False):
        remind(commits)
    assert len(reminders_to("p1@example.org")) == 1
    assert len(reminders_to("p2@example.org")) == 1


def test_release_link_asks_first_then_frees_the_seat_for_the_next_in_line(
        client, full_event, commits):
    with three_days_before(full_event):
        remind(commits)
    token = RELEASE_RE.search(reminders_to("p1@example.org")[0].body).group(1)
    url = f"/inscription/gerer/{token}/je-ne-viendrai-pas/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Je confirme : je ne viendrai pas" in page.content.decode()
    assert Registration.objects.get(email="p1@example.org").status == "confirmed"  # GET: no

    mail.outbox.clear()
    with commits():
        response = client.post(url)
    assert response.status_code == 302
    assert Registration.objects.get(email="p1@example.org").status == "cancelled"
    promoted = Registration.objects.get(email="p2@example.org")
    assert promoted.status == "confirmed"
    assert promoted.has_workshop_seat
    news = [m for m in mail.outbox if "p2@example.org" in m.to]
    assert news and "Une place s'est libérée pour vous" in news[0].subject
    assert "Salle Lobau" in news[0].body


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_reminder_each():
    event = EventFactory(plenary_capacity=50)
    for n in range(20):
        register(event, n)
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            call_command("send_reminders")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with three_days_before(event):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    for n in range(20):
        assert len(reminders_to(f"p{n}@example.org")) == 1, n
    assert not Registration.objects.filter(reminded_at__isnull=True).exists()


def test_ticket_email_shows_name_workshop_room_and_declared_needs(
        db, commits):
    event = EventFactory()
    workshop = WorkshopFactory(event=event, title="Parents et mixité", room="Salle Lobau")
    with commits():
        registration, _ = services.registration_create(
            event=event, first_name="Awa", last_name="Traoré", email="awa@example.org",
            audience="teacher", workshop_id=workshop.pk, accessibility_needs=["lsf"],
            accessibility_details="Près de l'interprète", accessibility_consent=True)
        services.registration_confirm(registration=registration)
    ticket = mail.outbox[-1]
    assert "Awa Traoré" in ticket.alternatives[0].content
    assert "Atelier de l'après-midi : Parents et mixité (Salle Lobau)" in ticket.body
    assert ("Besoins d'accessibilité déclarés : Interprétation en langue des signes "
            "française (LSF) — Près de l'interprète") in ticket.body


def test_needs_without_their_consent_are_not_stored(db):
    registration, _ = services.registration_create(
        event=EventFactory(), first_name="Awa", last_name="Traoré", email="awa@example.org",
        audience="teacher", accessibility_needs=["lsf"], accessibility_details="LSF")
    registration.refresh_from_db()
    assert (registration.accessibility_needs, registration.accessibility_details) == ([], "")
    assert registration.accessibility_consent_at is None

"""A hold that runs out frees its seats on time: the worker expires it and promotes the next."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import services, tasks
from registrations.models import Registration, hash_token, link_token

# The worker closes its database connection between tasks: no wrapping test transaction.
pytestmark = pytest.mark.django_db(transaction=True)
Status = Registration.Status


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    tasks._expiries_queued.clear()  # what this process remembers queuing for earlier tests


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def register(event, n):
    registration, _ = services.registration_create(
        event=event, first_name=f"P{n}", last_name="Test", email=f"p{n}@example.org",
        audience="other")
    return registration


def test_expired_hold_frees_the_seat_for_the_first_in_line_without_another_write(
        event, database_queue):
    event.plenary_capacity = 1
    event.save()
    holder = register(event, 1)  # holds the only seat, never confirms
    waiting = register(event, 2)
    token = "t-waiting"
    Registration.objects.filter(pk=waiting.pk).update(token_hash=hash_token(token))
    waiting = services.registration_confirm(
        registration=Registration.objects.get(pk=waiting.pk))
    assert waiting.status == Status.WAITLISTED
    run_worker()  # sends the e-mails, and queues the expiry of the holds: not due yet
    expiries = DBTaskResult.objects.filter(task_path="registrations.tasks.expire_hold",
                                           args_kwargs__kwargs__event_id=event.pk,
                                           status="READY")  # not the one for event.save()
    assert expiries.count() == 1  # the two holds end within a minute: one task serves both
    late = expiries.get().run_after - holder.hold_expires_at
    assert dt.timedelta(0) < late <= dt.timedelta(minutes=1, seconds=1)
    assert Registration.objects.get(pk=holder.pk).status == Status.PENDING
    mail.outbox.clear()

    with time_machine.travel(holder.hold_expires_at + late, tick=False):
        run_worker()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.EXPIRED and holder.expired_at is not None
    assert waiting.status == Status.CONFIRMED and waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [["p2@example.org"]]
    assert "Une place s'est libérée" in mail.outbox[0].subject


def test_registering_again_after_the_hold_ran_out_starts_afresh(event):
    first = register(event, 1)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        again, created = services.registration_create(
            event=event, first_name="P1", last_name="Test", email="P1@example.org",
            audience="other")
    assert created and again.pk != first.pk
    assert Registration.objects.get(pk=first.pk).status == Status.EXPIRED


def test_registering_again_sends_one_e_mail_and_queues_nothing_else(event, database_queue):
    """The confirmation request is queued before the seat decision; for a known address it
    becomes a resend of the address's link (the worker decides which), and within the
    cooldown it is taken back: nothing queued, nothing sent."""
    first = register(event, 1)

    def submit_again():
        return services.registration_create(
            event=event, first_name="Autre", last_name="Nom", email="P1@Example.org",
            audience="other")

    again, created = submit_again()
    assert not created and again.pk == first.pk
    queued = DBTaskResult.objects.filter(task_path="registrations.tasks.send_registration_email")
    kwargs = [t.args_kwargs["kwargs"] for t in queued]
    assert sorted((k["reference"], k["kind"]) for k in kwargs) == [
        (first.reference, "confirm_request"), (first.reference, "resend")]
    mail.outbox.clear()
    run_worker()
    assert [m.to for m in mail.outbox] == [["p1@example.org"]] * 2  # first link, then again
    assert "Votre lien d'inscription" in mail.outbox[1].subject
    assert Registration.objects.count() == 1

    mail.outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=9), tick=False):
        again, created = submit_again()  # within the cooldown: no e-mail
        assert not created and again.pk == first.pk
        assert queued.filter(status="READY").count() == 0
        run_worker()
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=False):
        submit_again()  # the cooldown is over: the link again
        run_worker()
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]


def test_a_confirmed_address_submitted_again_gets_its_manage_link_from_the_worker(
        event, database_queue):
    first = register(event, 1)
    Registration.objects.filter(pk=first.pk).update(status=Status.CONFIRMED)
    run_worker()
    mail.outbox.clear()
    again, created = services.registration_create(
        event=event, first_name="P1", last_name="Test", email="p1@example.org",
        audience="other")
    assert not created and again.status == Status.CONFIRMED
    run_worker()
    [message] = mail.outbox
    assert f"/inscription/gerer/{link_token(first.reference)}/" in message.body
    assert Registration.objects.get(pk=first.pk).link_resent_at is not None


def test_a_hold_about_to_end_is_replaced_by_a_new_submission(event, database_queue):
    """Sending a link that dies on arrival helps nobody: a hold with less than a minute left
    ends, and the submission registers afresh with a new link."""
    first = register(event, 1)
    with time_machine.travel(first.hold_expires_at - dt.timedelta(seconds=30), tick=False):
        again, created = services.registration_create(
            event=event, first_name="P1", last_name="Test", email="p1@example.org",
            audience="other")
    assert created and again.pk != first.pk
    assert Registration.objects.get(pk=first.pk).status == Status.EXPIRED


def test_e_mail_queued_by_the_previous_release_is_still_sent(event, database_queue):
    """Tasks queued before the task named registrations by reference (a deploy during a rush)."""
    registration = register(event, 1)
    DBTaskResult.objects.all().delete()
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"registration_id": registration.pk,
                                            "kind": "confirm_request", "token": "t-old"}},
        priority=10, task_path="registrations.tasks.send_registration_email",
        queue_name="default", backend_name="default", run_after=None)
    mail.outbox.clear()
    run_worker()
    assert DBTaskResult.objects.get(args_kwargs__kwargs__token="t-old").status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]
    # The token such rows carried is not used: the worker computes the link again.
    assert f"/inscription/confirmer/{link_token(registration.reference)}/" in mail.outbox[0].body


def test_no_status_e_mail_for_a_registration_cancelled_before_the_worker_sent_it(
        event, database_queue):
    """Confirm, then cancel at once: the queued ticket e-mail must not arrive after the
    cancellation saying « liste d'attente … position None »."""
    registration = register(event, 1)
    token = "t-quick"
    Registration.objects.filter(pk=registration.pk).update(token_hash=hash_token(token))
    services.registration_confirm(registration=Registration.objects.get(pk=registration.pk))
    services.registration_cancel(registration=Registration.objects.get(pk=registration.pk))
    mail.outbox.clear()
    run_worker()
    # The confirmation link and the ticket are out of date: only the cancellation goes out.
    assert [m.subject.split(" — ")[0] for m in mail.outbox] == ["Votre inscription est annulée"]

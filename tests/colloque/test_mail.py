"""E-mail delivery as the worker runs it: headers, idempotence, retries, circuit breaker."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail as outbox
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from colloque import mail
from colloque.management.commands.db_worker import Worker
from colloque.settings.base import mailer_from_url

DB_QUEUE = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                        "QUEUES": ["default"]}}


@pytest.fixture
def db_queue(settings, transactional_db, monkeypatch):
    """The production queue (task rows in the database, committed: the worker closes its
    connection between batches, as in production) instead of the tests' immediate one,
    and a fresh circuit breaker."""
    settings.TASKS = DB_QUEUE
    settings.SITE_URL = "https://colloque.example.org"
    monkeypatch.setattr(mail, "breaker", mail.CircuitBreaker())
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # backoffs: nothing to wait for


def _worker(**options) -> Worker:
    return Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id="test-worker",
                  excluded_queue_names=[], **options)


def _message(to="jeanne@example.org", **extra) -> dict:
    return {"subject": "Votre inscription", "text": "Bonjour", "html": "<p>Bonjour</p>",
            "to": [to], **extra}


def test_every_message_has_a_message_id_under_the_site_domain_and_a_human_reply_to(settings):
    settings.SITE_URL = "https://colloque.example.org"
    settings.REPLY_TO_EMAIL = "OPMIRE <colloque-mixite@paris.fr>"
    message = mail.build_message(_message())
    assert message.extra_headers["Message-ID"].endswith("@colloque.example.org>")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.reply_to == ["OPMIRE <colloque-mixite@paris.fr>"]
    sent = message.message()
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["Reply-To"] == "OPMIRE <colloque-mixite@paris.fr>"


def test_callers_add_their_own_headers(db, django_capture_on_commit_callbacks):
    unsubscribe = "<https://colloque.example.org/desinscription/abc>"
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_email_later(
            to="jeanne@example.org", template="registrations/emails/cancelled",
            context={"registration": None, "event": None}, language="fr",
            headers={"List-Unsubscribe": unsubscribe},
        )
    [sent] = outbox.outbox
    assert sent.message()["List-Unsubscribe"] == unsubscribe
    assert sent.message()["Message-ID"]


def test_filemail_url_writes_under_the_absolute_path_the_readme_gives():
    mailer = mailer_from_url("filemail:///var/tmp/colloque-mails", timeout=5)
    assert mailer["OPTIONS"] == {"file_path": "/var/tmp/colloque-mails"}


def test_smtp_waits_a_few_seconds_for_an_answer_not_longer():
    assert mailer_from_url("smtp://mail.example.org:25", timeout=5)["OPTIONS"]["timeout"] == 5
    assert mailer_from_url("smtp://mail.example.org:25?timeout=2", timeout=5)[
        "OPTIONS"]["timeout"] == 2


def _queue(message, **using) -> DBTaskResult:
    result = mail.deliver_email.using(**using).enqueue(message=message)
    return DBTaskResult.objects.get(id=result.id)


def test_a_task_left_running_by_a_dead_worker_is_run_again_and_sends_once(db_queue):
    row = _queue(_message(message_id="<m1@colloque.example.org>"))
    # A worker claims the task, sends the message, and dies before recording the result.
    row.claim("dead-worker")
    with mail.running_task(task_id=row.id, priority=row.priority):
        mail._deliver(row.args_kwargs["kwargs"]["message"], attempt=1)
    assert len(outbox.outbox) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        _worker().run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "already sent"
    assert len(outbox.outbox) == 1


def test_a_running_task_is_left_alone_before_the_timeout(db_queue):
    row = _queue(_message())
    row.claim("live-worker")
    _worker().run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING
    assert outbox.outbox == []


def test_a_message_sent_by_a_task_keeps_its_message_id_when_the_task_runs_again(db_queue):
    ids = []
    for _ in range(2):
        with mail.running_task(task_id="5a0e", priority=10):
            ids.append(mail._message(to="a@example.org", template="registrations/emails/cancelled",
                                     context={}, language="fr")["message_id"])
    assert ids[0] == ids[1] == "<5a0e.1@colloque.example.org>"


def test_the_worker_carries_on_through_database_errors(db_queue, monkeypatch):
    row = _queue(_message())
    outage = [OperationalError("server closed the connection unexpectedly")] * 3
    requeue = Worker.requeue_abandoned

    def flaky(self):
        if outage:
            raise outage.pop()
        return requeue(self)

    monkeypatch.setattr(Worker, "requeue_abandoned", flaky)
    _worker().run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(outbox.outbox) == 1


def test_a_task_that_failed_on_a_database_error_is_queued_again(db_queue, monkeypatch):
    row = _queue(_message())
    calls = []

    def send(self, fail_silently=False):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database system is starting up")
        outbox.outbox.append(self)
        return 1

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", send)
    _worker().run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        _worker().run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(outbox.outbox) == 1


def test_after_repeated_failures_the_queue_waits_instead_of_timing_out(db_queue, monkeypatch,
                                                                       settings):
    settings.EMAIL_BREAKER_FAILURES = 3
    settings.EMAIL_BREAKER_SECONDS = 30
    attempts = []

    def hanging_server(self, fail_silently=False):
        attempts.append(1)
        raise TimeoutError("timed out")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", hanging_server)
    rows = [_queue(_message(to=f"p{n}@example.org")) for n in range(3)]
    confirmations = [_queue(_message(to=f"c{n}@example.org", priority=10), priority=10)
                     for n in range(3)]
    _worker().run()
    assert len(attempts) == 3  # then the breaker opened: no attempt, no timeout
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 6
    paused = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, args_kwargs__kwargs__attempt=1)
    assert paused.count() == 3  # handed over without using an attempt
    assert {row.priority for row in paused} == {0}
    retried = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, args_kwargs__kwargs__attempt=2)
    assert {row.priority for row in retried} == {10}  # the first tried: confirmations
    assert DBTaskResult.objects.filter(id__in=[r.id for r in rows + confirmations],
                                       status=TaskResultStatus.SUCCESSFUL).count() == 6


def test_the_breaker_closes_when_the_server_answers_again(db_queue, monkeypatch, settings):
    settings.EMAIL_BREAKER_FAILURES = 2
    failing = [smtplib.SMTPServerDisconnected("gone")] * 2

    def server(self, fail_silently=False):
        if failing:
            raise failing.pop()
        outbox.outbox.append(self)
        return 1

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", server)
    for n in range(2):
        _queue(_message(to=f"p{n}@example.org"))
    _worker().run()
    assert mail.breaker.is_open()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        monkeypatch.setattr(mail.breaker, "open_until", 0.0)
        _worker().run()
    assert not mail.breaker.is_open()
    assert len(outbox.outbox) == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0


def test_manage_py_db_worker_is_the_worker_that_survives():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "colloque"


def test_the_senders_name_is_in_the_recipients_language(settings):
    from colloque.mail import sender

    settings.DEFAULT_FROM_EMAIL = "Colloque mixité sociale <ne-pas-repondre@paris.fr>"
    assert sender("fr") == "Colloque mixité sociale <ne-pas-repondre@paris.fr>"
    assert sender("en") == "Social mix colloquium <ne-pas-repondre@paris.fr>"
    settings.DEFAULT_FROM_EMAIL = "OPMIRE <opmire@paris.fr>"  # an operator's own name
    assert sender("en") == "OPMIRE <opmire@paris.fr>"

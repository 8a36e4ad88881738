"""The mail server is down: the registration is kept, the message waits in the outbox."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.models import Registration

# The worker closes its database connection between tasks: no wrapping test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_registration_kept_and_mail_delivered_when_server_is_back(
    client, event, form_data, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    response = client.post(reverse("registrations:register"), form_data())
    assert response.status_code == 302
    assert Registration.objects.count() == 1
    assert DBTaskResult.objects.ready().count() == 1  # committed with the registration

    def server_down(self, messages):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", server_down)
    run_worker()
    assert mail.outbox == []
    assert Registration.objects.get().status == Registration.Status.PENDING
    retry = DBTaskResult.objects.filter(status="READY",
                                        task_path="colloque.mail.deliver_email").get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now()

    monkeypatch.undo()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["awa@example.org"]
    assert "/inscription/confirmer/" in mail.outbox[0].body
    assert not DBTaskResult.objects.ready().exists()

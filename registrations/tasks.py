"""Registration e-mails through the task queue.

`queue_email()` writes a small task row in the caller's transaction (database backend: it is
committed or rolled back with the registration, so nothing is lost and nothing is sent for data
that was not saved); with a backend that runs tasks on the spot (tests), the task runs after
commit. The task renders the message from the stored registration and queues its delivery
(`colloque.mail.deliver_email`, which retries while the mail server is down).
"""

from django.db import transaction
from django.tasks import task

from . import emails
from .models import Registration

KINDS = ("confirm_request", "status", "cancelled")
# The confirmation link comes first: people wait for it to finish registering (and their
# seats are held meanwhile); tickets and notices can follow a little later during a rush.
PRIORITIES = {"confirm_request": 10}


@task()
def send_registration_email(
    *, registration_id: int, kind: str, token: str | None = None, promoted: bool = False,
    again: bool = False,
) -> str:
    with transaction.atomic():
        registration = (
            Registration.objects.select_related("event", "workshop")
            .filter(pk=registration_id).first()
        )
        if registration is None:
            return "registration deleted"
        if kind == "confirm_request":
            if not registration.hold_is_valid:
                return "hold no longer valid"
            emails.send_confirm_request(registration, token=token, again=again)
        elif kind == "status":
            emails.send_status(registration, token=token, promoted=promoted, again=again)
        elif kind == "cancelled":
            emails.send_cancelled(registration)
        else:
            raise ValueError(kind)
    return "queued"


def queue_email(*, registration: Registration, kind: str, **kwargs) -> None:
    assert kind in KINDS, kind
    kwargs = {"registration_id": registration.pk, "kind": kind, **kwargs}
    task = send_registration_email.using(priority=PRIORITIES.get(kind, 0))
    if task.get_backend().supports_defer:
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))

"""Registration e-mails and hold expiries through the task queue.

`queue_email()` writes a small task row in the caller's transaction (database backend: it is
committed or rolled back with the registration, so nothing is lost and nothing is sent for data
that was not saved); with a backend that runs tasks on the spot (tests), the task runs after
commit. The task renders the message from the stored registration and queues its delivery
(`colloque.mail.deliver_email`, which retries while the mail server is down).
`queue_hold_expiry()` queues, with each registration, the task that expires its hold when it
ends and promotes the next in line.
"""

import datetime as dt
import functools

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import emails
from .models import Registration
from .selectors import with_current_event

KINDS = ("confirm_request", "status", "cancelled", "reminder", "attestation", "resend")
# The confirmation link comes first: people wait for it to finish registering (and their
# seats are held meanwhile); tickets and notices can follow a little later during a rush.
PRIORITIES = {"confirm_request": 10}


@task()
def send_registration_email(
    *, kind: str, reference: str | None = None, token: str | None = None,
    promoted: bool = False, again: bool = False, changed: bool = False,
    registration_id: int | None = None,
) -> str:
    """`reference` (not the primary key): a submission queues its confirmation request before
    writing the registration (see services.registration_create). The link's token is
    computed here from the reference, never stored in the row (`token`: rows queued before
    27 November 2026 carried it; it is ignored). `registration_id`: tasks queued before
    26 November 2026 named the registration that way (still in a queue when the new code
    starts)."""
    lookup = {"reference": reference} if reference else {"pk": registration_id}
    with transaction.atomic():
        registration = with_current_event(
            Registration.objects.filter(**lookup).select_related("workshop").one())
        if registration is None:
            return "no such registration"
        if kind == "confirm_request":
            if not registration.hold_is_valid:
                return "hold no longer valid"
            emails.send_confirm_request(registration, again=again)
            if not again:
                queue_hold_expiry(registration)
        elif kind == "status":
            if not registration.is_active:  # cancelled (or expired) since it was queued
                return "no longer active"
            emails.send_status(registration, promoted=promoted, again=again, changed=changed)
        elif kind == "resend":  # the address was submitted again (services.registration_create)
            if registration.hold_is_valid:
                emails.send_confirm_request(registration, again=True)
            elif registration.status in (Registration.Status.CONFIRMED,
                                         Registration.Status.WAITLISTED):
                emails.send_status(registration, again=True)
            else:
                return "no longer active"
        elif kind == "cancelled":
            emails.send_cancelled(registration)
        elif kind == "reminder":
            if registration.status not in (Registration.Status.CONFIRMED,
                                           Registration.Status.WAITLISTED):
                return "no longer active"
            emails.send_reminder(registration)
        elif kind == "attestation":
            if not registration.checked_in_at:
                return "no arrival recorded"
            emails.send_attestation(registration)
        else:
            raise ValueError(kind)
    return "queued"


@task(priority=-10)
def expire_hold(*, event_id: int) -> str:
    """When a hold ends, or staff change capacities: expire what ran out and give the free
    seats to the first in line (`services.registration_expire_holds`, given at start-up)."""
    promoted = _expire_holds["run"](event_id=event_id)
    return f"{len(promoted)} promoted"


# `services.registration_expire_holds`, given by `apps.RegistrationsConfig.ready`
# (`expire_holds_with`): the services queue this module's tasks, so this module does not
# import them back.
_expire_holds = {}


def expire_holds_with(function) -> None:
    _expire_holds["run"] = function


def seats_may_have_changed(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save of an Event or a workshop: capacities may have grown, fill the free seats
    (after the commit, in the worker). A new event or session has nobody waiting yet."""
    if raw or created:
        return
    event_id = instance.event_id if hasattr(instance, "event_id") else instance.pk
    if hasattr(instance, "is_workshop") and not instance.is_workshop:
        return
    transaction.on_commit(lambda: expire_hold.enqueue(event_id=event_id))


# One expiry task serves every hold that ends within this long before it runs.
EXPIRY_BATCH = dt.timedelta(minutes=1)


def queue_hold_expiry(registration: Registration) -> None:
    """Make sure `expire_hold` runs when this registration's hold ends (at most a minute late).

    Queued by the worker with the confirmation-link e-mail, not by the submission itself:
    a rush of submissions writes no extra row, and the holds of a rush share a few tasks.
    Only with the database queue (it can defer); elsewhere (tests) holds expire at the next
    write, as they always may: seat counts never wait for this task.
    """
    backend = expire_hold.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return
    due = registration.hold_expires_at + dt.timedelta(seconds=1)
    queued = _expiries_queued.get(registration.event_id)
    if queued and due <= queued <= due + EXPIRY_BATCH:  # queued by this worker a moment ago
        return
    already = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=expire_hold.module_path,
        args_kwargs__kwargs__event_id=registration.event_id,
        run_after__gte=due, run_after__lte=due + EXPIRY_BATCH,
    )
    queued = already.order_by("-run_after").values_list("run_after", flat=True).first()
    if queued is None:  # two workers may both queue one: harmless
        queued = due + EXPIRY_BATCH
        expire_hold.using(run_after=queued).enqueue(event_id=registration.event_id)
    _expiries_queued[registration.event_id] = queued


# Event id -> run_after of the last expiry task this process queued or found (saves a query
# per e-mail during a rush, when holds end in the order they were made).
_expiries_queued: dict[int, dt.datetime] = {}


@functools.cache
def _prioritised(priority: int):
    return send_registration_email.using(priority=priority)


def queue_email(*, registration: Registration, kind: str, **kwargs) -> str | None:
    """Queue one of the registrant's e-mails in the caller's transaction.

    Returns the task's id when it is a row of the database queue (see `withdraw_email`).
    The row names the registration by its reference, never by its link's token: the worker
    computes the link again.
    """
    assert kind in KINDS, kind
    kwargs = {"reference": registration.reference, "kind": kind, **kwargs}
    task = _prioritised(PRIORITIES.get(kind, 0))
    if task.get_backend().supports_defer:
        return task.enqueue(**kwargs).id
    transaction.on_commit(lambda: task.enqueue(**kwargs))
    return None


def withdraw_email(task_id: str | None) -> None:
    """Take back an e-mail queued in this transaction. With a backend that runs tasks after the
    commit (tests), the task runs and finds no such registration: nothing is sent."""
    if task_id is not None:
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.READY).delete()

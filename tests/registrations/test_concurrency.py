"""Parallel submissions on PostgreSQL: capacities hold, nobody is lost, order is kept.

"Submission order" is the order in which PostgreSQL granted the event row lock to the
submissions: it is the order of the waiting-list numbers, of the primary keys and of the
creation times (all three are taken inside the lock), which the tests cross-check.
"""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from registrations import seats, services
from registrations.models import Registration
from tests.factories import EventFactory, WorkshopFactory

from .conftest import links_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def in_parallel(functions):
    """Run the callables in threads released together; re-raise any error."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def submit(event, workshop, n):
    return lambda: services.registration_create(
        event=event, workshop_id=workshop.pk if workshop else None, first_name=f"P{n}",
        last_name="Test",
        email=f"p{n}@example.org", audience="parent",
    )


def test_fifty_parallel_submissions_for_five_seats():
    event = EventFactory(plenary_capacity=300)
    workshop = WorkshopFactory(event=event, capacity=5)
    in_parallel([submit(event, workshop, n) for n in range(50)])
    assert Registration.objects.count() == 50  # none lost

    tokens = {links_in(m)["confirmer"] for m in mail.outbox}
    assert len(tokens) == 50
    in_parallel([
        lambda t=t: services.registration_confirm(
            registration=services.registration_for_token(t))
        for t in tokens
    ])

    registrations = list(Registration.objects.order_by("pk"))
    assert all(r.status == Registration.Status.CONFIRMED for r in registrations)
    seated = [r for r in registrations if r.has_workshop_seat]
    waiting = [r for r in registrations if r.on_workshop_waitlist]
    assert len(seated) == 5 and len(waiting) == 45
    # The first five to get the lock are seated; the others wait in the same order.
    assert seated == registrations[:5]
    assert [r.workshop_waitlist_seq for r in waiting] == sorted(
        r.workshop_waitlist_seq for r in waiting)
    assert [r.created_at for r in registrations] == sorted(r.created_at for r in registrations)
    from registrations.selectors import waitlist_position

    assert [waitlist_position(r) for r in waiting] == list(range(1, 46))

    mail.outbox.clear()
    services.registration_cancel(registration=seated[0])
    first_in_line = Registration.objects.get(pk=waiting[0].pk)
    assert first_in_line.has_workshop_seat
    assert Registration.objects.filter(seats.HOLDS_WORKSHOP.q(timezone.now()),
                                       workshop=workshop).count() == 5
    assert [m.to for m in mail.outbox if "Une place s'est libérée" in m.subject] == [
        [first_in_line.email]]
    assert waitlist_position(Registration.objects.get(pk=waiting[1].pk)) == 1


def test_parallel_submissions_for_a_small_room():
    event = EventFactory(plenary_capacity=5)
    in_parallel([submit(event, None, n) for n in range(20)])
    registrations = list(Registration.objects.order_by("pk"))
    assert len(registrations) == 20
    assert Registration.objects.filter(seats.HOLDS_DAY.q(timezone.now())).count() == 5
    assert [r.event_waitlist_seq for r in registrations] == [None] * 5 + list(range(1, 16))


def test_parallel_submissions_with_the_same_address_create_one_registration():
    event = EventFactory()
    in_parallel([
        lambda n=n: services.registration_create(
            event=event, first_name=f"P{n}", last_name="Test",
            email="same@example.org" if n % 2 else "SAME@example.org", audience="parent",
        )
        for n in range(10)
    ])
    assert Registration.objects.count() == 1
    # One confirmation request, then the link again once: the others fall in its cooldown.
    assert len(mail.outbox) == 2

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from program.models import Session
from registrations import services
from registrations.models import Registration, hash_token
from registrations.selectors import (
    event_registration_state,
    event_seats_left,
    waitlist_position,
    workshop_seats_taken,
)

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


def create(event, n, workshop=None):
    registration, created = services.registration_create(
        event=event, first_name=f"P{n}", last_name="Test", email=f"p{n}@example.org",
        audience="other", workshop=workshop,
    )
    assert created
    return registration


def confirm(registration):
    token = "t-" + registration.reference
    Registration.objects.filter(pk=registration.pk).update(token_hash=hash_token(token))
    return services.registration_confirm(
        registration=Registration.objects.get(pk=registration.pk), token=token)


def test_seat_counts_sql_matches_the_model_rules(event, workshops):
    """`services._counts` (raw SQL under the lock) and the QuerySet rules agree."""
    secteurs, parents = workshops
    past = timezone.now() - dt.timedelta(minutes=1)
    RegistrationFactory(event=event, workshop=parents)  # seated
    RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=1)  # day only
    RegistrationFactory(event=event, workshop=secteurs, status=Status.PENDING,
                        confirmed_at=None)  # valid hold
    RegistrationFactory(event=event, workshop=secteurs, status=Status.PENDING,
                        hold_expires_at=past, confirmed_at=None)  # hold ran out
    RegistrationFactory(event=event, status=Status.PENDING, event_waitlist_seq=1)
    RegistrationFactory(event=event, status=Status.WAITLISTED, event_waitlist_seq=2,
                        workshop=secteurs)
    RegistrationFactory(event=event, status=Status.CANCELLED, workshop=parents)
    RegistrationFactory(event=event, status=Status.EXPIRED, workshop=parents)
    counts = services._counts(event, timezone.now())
    assert counts["taken"] == Registration.objects.holding_day().count() == 3
    annotated = {s.pk: s.seats_taken for s in Session.objects.annotate(
        seats_taken=workshop_seats_taken())}
    assert counts["workshops"][parents.pk]["taken"] == annotated[parents.pk] == 1
    assert counts["workshops"][secteurs.pk]["taken"] == annotated[secteurs.pk] == 1
    assert counts["workshops"][parents.pk]["waiting"] == 1
    assert counts["waiting"] is True
    assert event_seats_left(event) == event.plenary_capacity - 3


def test_pending_hold_counts_until_it_runs_out(event, workshops):
    _, parents = workshops
    create(event, 1, parents)
    create(event, 2, parents)
    third = create(event, 3, parents)
    assert third.workshop_waitlist_seq == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        fourth = create(event, 4, parents)
        assert fourth.workshop_waitlist_seq is None  # the two holds ran out: seats free again
        assert Registration.objects.filter(status=Status.EXPIRED).count() == 3


def test_full_day_waitlist_then_promotion_on_cancel(event, workshops,
                                                    django_capture_on_commit_callbacks):
    _, parents = workshops
    event.plenary_capacity = 2
    event.save()
    first = confirm(create(event, 1, parents))
    confirm(create(event, 2))
    third = create(event, 3, parents)
    fourth = create(event, 4)
    assert (third.event_waitlist_seq, fourth.event_waitlist_seq) == (1, 2)
    third, fourth = confirm(third), confirm(fourth)
    assert third.status == fourth.status == Status.WAITLISTED
    assert (waitlist_position(third), waitlist_position(fourth)) == (1, 2)
    assert event_registration_state(event) == "full"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)
    third.refresh_from_db()
    assert third.status == Status.CONFIRMED and third.has_workshop_seat  # got first's seats
    assert third.promoted_at is not None and third.event_waitlist_seq is None
    assert waitlist_position(Registration.objects.get(pk=fourth.pk)) == 1
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "Une place s'est libérée" in subjects["p3@example.org"]
    assert any(name.endswith(".png") for name, *_ in
               next(m for m in mail.outbox if m.to == ["p3@example.org"]).attachments)


def test_confirming_after_a_seat_freed_takes_it_in_order(event):
    event.plenary_capacity = 1
    event.save()
    first = confirm(create(event, 1))
    waiting = create(event, 2)
    services.registration_cancel(registration=first)
    assert confirm(waiting).status == Status.CONFIRMED


def test_change_workshop_refused_when_full(event, workshops):
    secteurs, parents = workshops
    confirm(create(event, 1, parents)), confirm(create(event, 2, parents))
    mover = confirm(create(event, 3, secteurs))
    with pytest.raises(services.WorkshopUnavailable):
        services.registration_change_workshop(registration=mover, workshop=parents)
    mover.refresh_from_db()
    assert mover.workshop == secteurs and mover.has_workshop_seat


def test_change_workshop_frees_the_old_seat_for_the_first_in_line(event, workshops):
    secteurs, parents = workshops
    leaver = confirm(create(event, 1, parents))
    confirm(create(event, 2, parents))
    waiting = confirm(create(event, 3, parents))
    assert waiting.on_workshop_waitlist
    services.registration_change_workshop(registration=leaver, workshop=secteurs)
    waiting.refresh_from_db()
    assert waiting.has_workshop_seat


def test_transitions_are_journaled(event):
    registration = confirm(create(event, 1))
    services.registration_cancel(registration=registration)
    assert [(t.from_status, t.to_status) for t in registration.transitions.all()] == [
        ("", "pending"), ("pending", "confirmed"), ("confirmed", "cancelled")]


def test_cancelled_cannot_be_confirmed_again(event):
    registration = create(event, 1)
    services.registration_cancel(registration=registration)
    assert confirm(registration).status == Status.CANCELLED
    with pytest.raises(services.InvalidTransition):
        services._transition(Registration.objects.get(pk=registration.pk), Status.CONFIRMED,
                             now=timezone.now())


def test_closed_registrations_refused_by_the_service(event):
    event.registrations_closed = True
    event.save()
    with pytest.raises(services.RegistrationClosed):
        create(event, 1)


def test_confirm_near_the_end_of_the_hold_goes_through_the_event_lock(event, monkeypatch):
    registration = create(event, 1)
    locked = []
    real_lock = services._lock_event
    monkeypatch.setattr(services, "_lock_event",
                        lambda event_id: locked.append(event_id) or real_lock(event_id))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=29), tick=False):
        assert confirm(registration).status == Status.CONFIRMED
    assert locked == [event.pk]


def test_confirm_early_in_the_hold_needs_no_event_lock(event, monkeypatch):
    registration = create(event, 1)
    monkeypatch.setattr(services, "_lock_event", lambda event_id: pytest.fail("locked"))
    assert confirm(registration).status == Status.CONFIRMED

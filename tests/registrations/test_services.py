import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from program.models import Session
from registrations import seats, services
from registrations.models import Registration, hash_token, link_token
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
        audience="other", workshop_id=workshop.pk if workshop else None,
    )
    assert created
    return registration


def confirm(registration):
    token = "t-" + registration.reference
    Registration.objects.filter(pk=registration.pk).update(token_hash=hash_token(token))
    return services.registration_confirm(
        registration=Registration.objects.get(pk=registration.pk))


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
    now = timezone.now()
    counts = services._counts(event, now)
    assert counts.day.taken == Registration.objects.filter(seats.HOLDS_DAY.q(now)).count() == 3
    annotated = {s.pk: s.seats_taken for s in Session.objects.annotate(
        seats_taken=workshop_seats_taken())}
    assert counts.workshops[parents.pk].taken == annotated[parents.pk] == 1
    assert counts.workshops[secteurs.pk].taken == annotated[secteurs.pk] == 1
    assert counts.workshops[parents.pk].waiting == 1
    assert counts.day.waiting
    assert event_seats_left(event) == event.plenary_capacity - 3
    # The last number given on each line, whoever holds it now (the next one follows it).
    assert counts.day.last_seq == 2
    assert counts.workshops[parents.pk].last_seq == 1
    assert counts.workshops[secteurs.pk].last_seq == 0


def test_day_seats_count_whatever_the_session_has_become(event, workshops):
    """Staff turn a workshop into a plenary session: its people still hold their day seats."""
    secteurs, _ = workshops
    RegistrationFactory(event=event, workshop=secteurs)
    RegistrationFactory(event=event, workshop=secteurs, status=Status.PENDING,
                        confirmed_at=None)
    Session.objects.filter(pk=secteurs.pk).update(kind=Session.Kind.PLENARY, capacity=None)
    now = timezone.now()
    counts = services._counts(event, now)
    assert counts.day.taken == Registration.objects.filter(seats.HOLDS_DAY.q(now)).count() == 2
    assert secteurs.pk not in counts.workshops


def test_pending_hold_counts_until_it_runs_out(event, workshops):
    _, parents = workshops
    create(event, 1, parents)
    create(event, 2, parents)
    third = create(event, 3, parents)
    assert third.workshop_waitlist_seq == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        fourth = create(event, 4, parents)
        assert fourth.workshop_waitlist_seq is None  # the two holds ran out: seats free again
        assert not Registration.objects.filter(status=Status.EXPIRED).exists()
        # Statuses flip when the worker runs the hold's expiry task (see test_hold_expiry).
        services.registration_expire_holds(event_id=event.pk)
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


def test_change_to_a_full_workshop_joins_its_waiting_list(event, workshops,
                                                          django_capture_on_commit_callbacks):
    secteurs, parents = workshops
    confirm(create(event, 1, parents)), confirm(create(event, 2, parents))
    mover = confirm(create(event, 3, secteurs))
    behind_mover = confirm(create(event, 4, secteurs))
    moved = services.registration_change_workshop(registration=mover, workshop=parents)
    assert moved.workshop == parents and moved.on_workshop_waitlist
    assert not moved.has_workshop_seat and moved.has_day_seat  # still comes to the day
    assert waitlist_position(moved) == 1
    # A seat in the small workshop frees: the mover, first in its line, gets it and is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(
            registration=Registration.objects.filter(email="p1@example.org").get())
    moved.refresh_from_db()
    assert moved.has_workshop_seat
    assert [m.to for m in mail.outbox if "place" in m.subject] == [["p3@example.org"]]
    assert Registration.objects.get(pk=behind_mover.pk).has_workshop_seat  # untouched


def test_waiting_person_changes_to_a_workshop_with_seats(event, workshops):
    secteurs, parents = workshops
    confirm(create(event, 1, parents)), confirm(create(event, 2, parents))
    waiting = confirm(create(event, 3, parents))
    assert waiting.on_workshop_waitlist
    moved = services.registration_change_workshop(registration=waiting, workshop=secteurs)
    assert moved.has_workshop_seat and moved.workshop == secteurs


def test_first_in_line_keeps_their_place_before_confirming(event,
                                                         django_capture_on_commit_callbacks):
    """A seat that frees goes to the first in line even if they have not confirmed yet: it
    is held for them under their hold, and confirming turns it into a ticket."""
    event.plenary_capacity = 1
    event.save()
    first = confirm(create(event, 1))
    unconfirmed = create(event, 2)  # second in time, not confirmed yet
    later = confirm(create(event, 3))  # third in time, confirmed
    assert (waitlist_position(unconfirmed), waitlist_position(later)) == (1, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Status.PENDING and unconfirmed.event_waitlist_seq is None
    assert Registration.objects.get(pk=later.pk).status == Status.WAITLISTED
    assert waitlist_position(Registration.objects.get(pk=later.pk)) == 1
    assert not [m for m in mail.outbox if m.to == ["p2@example.org"]]  # told on confirming
    assert event_seats_left(event) == 0
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = confirm(unconfirmed)
    assert confirmed.status == Status.CONFIRMED and confirmed.has_day_seat
    ticket = next(m for m in mail.outbox if m.to == ["p2@example.org"])
    assert any(name.endswith(".png") for name, *_ in ticket.attachments)


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


def test_confirm_near_the_end_of_the_hold_goes_through_the_event_lock(event, monkeypatch,
                                                                     settings):
    registration = create(event, 1)
    locked = []
    real_lock = services._lock_event
    monkeypatch.setattr(services, "_lock_event",
                        lambda event_id: locked.append(event_id) or real_lock(event_id))
    last_minute = dt.timedelta(minutes=settings.REGISTRATION_HOLD_MINUTES - 1)
    with time_machine.travel(timezone.now() + last_minute, tick=False):
        assert confirm(registration).status == Status.CONFIRMED
    assert locked == [event.pk]


def test_confirm_early_in_the_hold_needs_no_event_lock(event, monkeypatch):
    registration = create(event, 1)
    monkeypatch.setattr(services, "_lock_event", lambda event_id: pytest.fail("locked"))
    assert confirm(registration).status == Status.CONFIRMED


def test_waitlist_position_sql_matches_the_model_rules(event, workshops):
    """`selectors.waitlist_position` (plain SQL) ranks people as the QuerySet rules do."""
    from registrations.models import waiting_for_day_q, waiting_for_workshop_q

    _, parents = workshops
    past = timezone.now() - dt.timedelta(minutes=1)
    day = [
        RegistrationFactory(event=event, status=Status.WAITLISTED, event_waitlist_seq=1),
        RegistrationFactory(event=event, status=Status.PENDING, event_waitlist_seq=2,
                            confirmed_at=None),
        RegistrationFactory(event=event, status=Status.PENDING, event_waitlist_seq=3,
                            hold_expires_at=past, confirmed_at=None),  # ran out: not ahead
        RegistrationFactory(event=event, status=Status.CANCELLED, event_waitlist_seq=4),
        RegistrationFactory(event=event, status=Status.WAITLISTED, event_waitlist_seq=5),
    ]
    workshop = [
        RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=1),
        RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=2,
                            status=Status.PENDING, confirmed_at=None),
        RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=3,
                            status=Status.CANCELLED),
        RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=4),
    ]
    now = timezone.now()
    for registration in day:
        if registration.status in (Status.WAITLISTED, Status.PENDING):
            expected = Registration.objects.filter(
                waiting_for_day_q(now), event=event,
                event_waitlist_seq__lt=registration.event_waitlist_seq).count() + 1
            assert waitlist_position(registration, now) == expected
    for registration in workshop:
        if registration.status in (Status.CONFIRMED, Status.PENDING):
            expected = Registration.objects.filter(
                waiting_for_workshop_q(now), workshop=parents,
                workshop_waitlist_seq__lt=registration.workshop_waitlist_seq).count() + 1
            assert waitlist_position(registration, now) == expected
    assert [waitlist_position(r, now) for r in (day[0], day[1], day[4])] == [1, 2, 3]
    assert [waitlist_position(r, now) for r in (workshop[0], workshop[1], workshop[3])] == [
        1, 2, 3]
    assert waitlist_position(day[3], now) is None  # cancelled: on no list


def test_day_promotion_does_not_jump_a_workshops_waiting_list(event):
    """A seat freed in the day and in workshop W: the person already waiting for W gets the W
    seat; the one promoted from the day's list joins W's line behind them."""
    from tests.factories import WorkshopFactory

    event.plenary_capacity = 2
    event.save()
    w = WorkshopFactory(event=event, capacity=1, slug="w")
    leaving = RegistrationFactory(event=event, workshop=w)
    waiting_for_w = RegistrationFactory(event=event, workshop=w, workshop_waitlist_seq=1)
    waiting_for_day = RegistrationFactory(event=event, workshop=w, status=Status.WAITLISTED,
                                          event_waitlist_seq=1)
    services.registration_cancel(registration=leaving)
    waiting_for_w.refresh_from_db()
    waiting_for_day.refresh_from_db()
    assert waiting_for_w.has_workshop_seat
    assert waiting_for_day.status == Status.CONFIRMED and waiting_for_day.on_workshop_waitlist
    assert waitlist_position(waiting_for_day) == 1


def test_same_address_with_capitals_outside_ascii_is_recognised(event):
    first = services.registration_create(
        event=event, first_name="A", last_name="B", email="awa@École.fr", audience="other")[0]
    again, created = services.registration_create(
        event=event, first_name="A", last_name="B", email="awa@École.fr", audience="other")
    assert not created and again.pk == first.pk
    assert Registration.objects.count() == 1


def test_hold_running_out_during_a_second_submission_starts_afresh(event, monkeypatch):
    first = create(event, 1)
    with time_machine.travel(first.hold_expires_at - dt.timedelta(milliseconds=1),
                             tick=False) as clock:
        real_send_link = services.registration_send_link

        def hold_ends_meanwhile(**kwargs):  # between the lookup and the new link
            clock.shift(dt.timedelta(seconds=1))
            return real_send_link(**kwargs)

        monkeypatch.setattr(services, "registration_send_link", hold_ends_meanwhile)
        again, created = services.registration_create(
            event=event, first_name="P1", last_name="Test", email="p1@example.org",
            audience="other")
    assert created and again.pk != first.pk
    assert Registration.objects.get(pk=first.pk).status == Status.EXPIRED


def test_more_seats_from_staff_go_to_the_waiting_list_at_once(
        event, django_capture_on_commit_callbacks):
    """After registrations close nobody else writes: a bigger room must still serve the line."""
    event.plenary_capacity = 1
    event.save()
    confirm(create(event, 1))
    waiting = confirm(create(event, 2))
    assert waiting.status == Status.WAITLISTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event.plenary_capacity = 2  # what staff do in the admin
        event.save()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [["p2@example.org"]]


def test_workshop_place_for_staff_says_nothing_for_those_who_left(event, workshops):
    _, parents = workshops
    places = {
        status: RegistrationFactory(event=event, workshop=parents, status=status,
                                    **extra).workshop_place
        for status, extra in [
            (Status.CONFIRMED, {}), (Status.CANCELLED, {}), (Status.EXPIRED, {}),
            (Status.PENDING, {"confirmed_at": None}),
        ]
    }
    assert places == {Status.CONFIRMED: "oui", Status.CANCELLED: "", Status.EXPIRED: "",
                      Status.PENDING: "réservée, à confirmer"}
    waiting = RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=1)
    assert waiting.workshop_place == "liste d'attente"


def test_link_made_under_another_secret_key_is_replaced_in_the_next_e_mail(
        event, django_capture_on_commit_callbacks):
    """A digest that is not the current key's (the key changed): the e-mail brings a link
    that works, and it is the one every later e-mail gives."""
    registration = RegistrationFactory(event=event)  # random token digest
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_send_link(registration=registration)
    token = re.search(r"/inscription/gerer/([\w-]+)/", mail.outbox[-1].body).group(1)
    assert token == link_token(registration.reference)
    assert services.registration_for_token(token).pk == registration.pk

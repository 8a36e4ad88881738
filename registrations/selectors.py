"""Reads about seats and waiting lists, shared by the programme pages and the registration form.

What holds a seat is defined once, in `registrations.models.holds_day_q` / `holds_workshop_q`:
confirmed registrations plus pending ones whose hold has not run out, read from the clock.
"""

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    Registration,
    holds_day_q,
    holds_workshop_q,
    waiting_for_day_q,
    waiting_for_workshop_q,
)


def _count_per_workshop(condition: Q) -> models.Expression:
    """Subquery counting the registrations matching `condition` in the outer Session."""
    counted = (
        Registration.objects.filter(condition, workshop=models.OuterRef("pk"))
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(
        models.Subquery(counted, output_field=models.IntegerField()), 0,
        output_field=models.IntegerField(),
    )


def workshop_seats_taken(now=None) -> models.Expression:
    """Expression counting the seats held in a workshop (annotates a Session queryset)."""
    return _count_per_workshop(holds_workshop_q(now or timezone.now()))


def workshop_waitlist_length(now=None) -> models.Expression:
    """Expression counting the people waiting for a workshop seat (annotates Sessions)."""
    return _count_per_workshop(waiting_for_workshop_q(now or timezone.now()))


def event_seats_taken(event, now=None) -> int:
    return Registration.objects.filter(event=event).filter(
        holds_day_q(now or timezone.now())
    ).count()


def event_seats_left(event, now=None) -> int:
    """Seats left in the plenary room for `event` (0 when full)."""
    return max(event.plenary_capacity - event_seats_taken(event, now), 0)


def event_waitlist_length(event, now=None) -> int:
    return Registration.objects.filter(event=event).filter(
        waiting_for_day_q(now or timezone.now())
    ).count()


def event_registration_state(event, now=None) -> str:
    """What the public pages say: "open", "full" (waiting list), "not_yet_open" or "closed"."""
    window = event.registration_window(now)
    if window != "open":
        return window
    return "open" if event_seats_left(event, now) > 0 else "full"


def waitlist_position(registration: Registration, now=None) -> int | None:
    """1-based rank on the list the person waits on (the day's, else the workshop's)."""
    now = now or timezone.now()
    others = Registration.objects.filter(event_id=registration.event_id)
    if registration.event_waitlist_seq is not None and registration.status in (
        Registration.Status.PENDING, Registration.Status.WAITLISTED
    ):
        ahead = others.filter(waiting_for_day_q(now),
                              event_waitlist_seq__lt=registration.event_waitlist_seq)
        return ahead.count() + 1
    if registration.workshop_waitlist_seq is not None and registration.status in (
        Registration.Status.PENDING, Registration.Status.CONFIRMED
    ):
        ahead = others.filter(
            waiting_for_workshop_q(now), workshop_id=registration.workshop_id,
            workshop_waitlist_seq__lt=registration.workshop_waitlist_seq,
        )
        return ahead.count() + 1
    return None


def seat_summary(event, now=None) -> dict:
    """Fill rate and waiting lists of the day and of each workshop (admin, bench)."""
    from program.models import Session

    now = now or timezone.now()
    workshops = (
        Session.objects.filter(event=event).workshops().in_order()
        .annotate(taken=workshop_seats_taken(now), waiting=workshop_waitlist_length(now))
    )
    taken = event_seats_taken(event, now)
    return {
        "event": event,
        "day": {
            "capacity": event.plenary_capacity,
            "taken": taken,
            "confirmed": Registration.objects.filter(
                event=event, status=Registration.Status.CONFIRMED).count(),
            "waiting": event_waitlist_length(event, now),
            "rate": round(100 * taken / event.plenary_capacity) if event.plenary_capacity else 0,
        },
        "workshops": [
            {
                "session": w, "capacity": w.capacity, "taken": w.taken, "waiting": w.waiting,
                "rate": round(100 * w.taken / w.capacity) if w.capacity else 0,
            }
            for w in workshops
        ],
    }

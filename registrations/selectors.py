"""Reads about seats and waiting lists: the registration form, the programme pages (through
`program_seats`, registered with the programme in `apps.py`), the admin and the desk.

What holds a seat and who waits is defined once, in `seats.py`: confirmed registrations plus
pending ones whose hold has not run out, read from the clock.
"""

import datetime as dt
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from colloque import sql
from colloque.text import normalise_email
from program.models import Event, Session

from . import seats
from .models import Registration


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
    return _count_per_workshop(seats.HOLDS_WORKSHOP.q(now or timezone.now()))


def workshop_waitlist_length(now=None) -> models.Expression:
    """Expression counting the people waiting for a workshop seat (annotates Sessions)."""
    return _count_per_workshop(seats.WAITS_FOR_WORKSHOP.q(now or timezone.now()))


def with_current_event(registration: Registration | None) -> Registration | None:
    """The registration with the current edition this process already read as its event,
    rather than a join on the wide event row (the workshop is read when it is shown)."""
    if registration is not None:
        current = Event.objects.current()
        if current is not None and current.pk == registration.event_id:
            registration.event = current
    return registration


def event_seats_taken(event, now=None) -> int:
    return Registration.objects.filter(event=event).filter(
        seats.HOLDS_DAY.q(now or timezone.now())
    ).count()


def event_seats_left(event, now=None) -> int:
    """Seats left in the plenary room for `event` (0 when full)."""
    return max(event.plenary_capacity - event_seats_taken(event, now), 0)


def event_waitlist_length(event, now=None) -> int:
    return Registration.objects.filter(event=event).filter(
        seats.WAITS_FOR_DAY.q(now or timezone.now())
    ).count()


def event_registration_state(event, now=None) -> str:
    """What the public pages say: "open", "full" (waiting list), "not_yet_open" or "closed"."""
    window = event.registration_window(now)
    if window != "open":
        return window
    return "open" if event_seats_left(event, now) > 0 else "full"


_POSITION_SQL = {  # the seat rules' SQL (seats.py), ahead of a given number
    "day": f"""
        SELECT COUNT(*) FROM {Registration._meta.db_table}
        WHERE event_id = %(event)s AND event_waitlist_seq < %(seq)s
          AND {seats.WAITS_FOR_DAY.sql()}
    """,
    "workshop": f"""
        SELECT COUNT(*) FROM {Registration._meta.db_table}
        WHERE workshop_id = %(workshop)s AND workshop_waitlist_seq < %(seq)s
          AND {seats.WAITS_FOR_WORKSHOP.sql()}
    """,
}


def waitlist_position(registration: Registration, now=None) -> int | None:
    """1-based rank on the list the person waits on (the day's, else the workshop's).

    Plain SQL (the rules of `seats.WAITS_FOR_DAY` / `WAITS_FOR_WORKSHOP`): every
    confirmation-link e-mail of a rush reads it, and the ORM spends more time building this
    query than the database running it.
    """
    Status = Registration.Status
    params = {"now": sql.db_datetime(now or timezone.now())}
    if registration.event_waitlist_seq is not None and registration.status in (
        Status.PENDING, Status.WAITLISTED
    ):
        query = _POSITION_SQL["day"]
        params.update(event=registration.event_id, seq=registration.event_waitlist_seq)
    elif registration.workshop_waitlist_seq is not None and registration.status in (
        Status.PENDING, Status.CONFIRMED
    ):
        query = _POSITION_SQL["workshop"]
        params.update(workshop=registration.workshop_id, seq=registration.workshop_waitlist_seq)
    else:
        return None
    return sql.rows(query, params)[0][0] + 1


def seat_summary(event, now=None) -> dict:
    """Fill rate and waiting lists of the day and of each workshop (admin, bench)."""
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


def desk_counters(event) -> dict:
    """The welcome desk's counters: who is expected and who has arrived, for the day and for
    each workshop.

    Expected: confirmed registrations (for a workshop, those holding a seat in it, not its
    waiting list). Present: arrival recorded (`checked_in_at`). Two queries, whatever the
    number of people.
    """
    confirmed = Q(status=Registration.Status.CONFIRMED)
    arrived = Q(checked_in_at__isnull=False)
    day = Registration.objects.filter(event=event).aggregate(
        expected=Count("pk", filter=confirmed), present=Count("pk", filter=arrived))
    seated = Q(registrations__workshop_waitlist_seq__isnull=True)
    workshops = (
        Session.objects.filter(event=event).workshops().in_order()
        .annotate(
            expected=Count("registrations", filter=seated & Q(
                registrations__status=Registration.Status.CONFIRMED)),
            present=Count("registrations", filter=seated & Q(
                registrations__checked_in_at__isnull=False)),
        )
    )
    return {"day": day, "workshops": [
        {"session": w, "expected": w.expected, "present": w.present} for w in workshops
    ]}


DESK_SEARCH_LIMIT = 20


def desk_search(event, text: str) -> list[Registration]:
    """Registrations of `event` whose name or e-mail contains every word of `text`, whatever
    the case and the accents (« lefevre » finds Lefèvre, « HELENE » Hélène, « oeuvre » Œuvre),
    for the welcome desk; at most DESK_SEARCH_LIMIT + 1, so that the desk can say there are
    more. Every status is listed: the desk says why a cancelled person has no seat.

    The words are compared in Python with the names folded (`fold`): the same on SQLite and
    PostgreSQL, without the `unaccent` extension (which a managed database may not let us
    install). One event has a few hundred registrations: reading their names and addresses
    costs a few milliseconds.
    """
    words = [_search_forms(word) for word in text.split()[:4]]
    if not words or len(text.strip()) < 2:
        return []
    people = Registration.objects.filter(event=event).values_list(
        "pk", "first_name", "last_name", "email")
    matching = [pk for pk, *fields in people
                if all(any(form in fold(" ".join(fields)) for form in forms)
                       for forms in words)]
    found = Registration.objects.filter(pk__in=matching).select_related("workshop")
    return list(found.order_by("last_name", "first_name", "pk")[:DESK_SEARCH_LIMIT + 1])


def _search_forms(word: str) -> tuple[str, ...]:
    """A searched word folded, and an address also in the form it is stored in
    (`colloque.text.normalise_email`: « awa@collège.fr » is stored « awa@xn--collge-….fr »)."""
    if "@" in word:
        try:
            return fold(word), normalise_email(word)
        except ValueError:
            pass
    return (fold(word),)


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def fold(text: str) -> str:
    """`text` without case or accents, for comparing names as people type them."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def due_for_reminder(today=None):
    """Registrations to remind today: confirmed or on the day's waiting list, for an event
    held within REMINDER_DAYS_BEFORE days (today included), not reminded yet."""
    today = today or timezone.localdate()
    return Registration.objects.filter(
        event__date__gte=today,
        event__date__lte=today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE),
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        reminded_at__isnull=True,
    ).order_by("pk")


def personal_data(registration: Registration) -> dict:
    """Everything stored about the person for this registration (RGPD right of access), as
    the manage page's JSON download gives it."""
    fields = ("reference", "first_name", "last_name", "email", "organisation", "role",
              "audience", "accessibility_needs", "accessibility_details", "wants_news",
              "language", "status", "created_at", "confirmed_at", "waitlisted_at",
              "promoted_at", "cancelled_at", "checked_in_at", "reminded_at",
              "accessibility_consent_at")
    data = {name: getattr(registration, name) for name in fields}
    data["event"] = {"title": registration.event.title, "date": registration.event.date}
    data["workshop"] = registration.workshop.title if registration.workshop_id else None
    data["history"] = [{"at": t.at, "from": t.from_status, "to": t.to_status,
                        "note": str(t.note_label)} for t in registration.transitions.all()]
    return data

"""The figures of the admin home page, for the organisers: counts only, never a person.

Each function reads one edition at one moment (`now`, so the tests and the day of the event
see the same clock) and returns plain dicts and lists for the template. Every block is one or
two aggregate queries, however many people registered. Seats come from
`registrations.selectors.seat_summary`: what holds a seat is decided there, not here.
"""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from press.models import AccreditationRequest
from registrations.models import Registration, holds_workshop_q, needs_q
from registrations.selectors import seat_summary

Status = Registration.Status
PressStatus = AccreditationRequest.Status

# The order in which the organisers read the accessibility needs (interpreters to book first).
NEEDS_ORDER = (
    Registration.Accessibility.LSF,
    Registration.Accessibility.WHEELCHAIR,
    Registration.Accessibility.LOOP,
    Registration.Accessibility.OTHER,
)


def needs_filter(code: str) -> dict[str, str]:
    """The admin list's query string for the accessibility need `code` (its own filter,
    `registrations.admin.AccessibilityFilter`, which applies `models.needs_q`)."""
    return {"besoin": code}


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def registrations_by_status(event, now) -> dict:
    """Every registration of `event` counted by status, in the order of the state machine.

    `lapsed` counts the pending ones whose hold ran out: they hold no seat any more, and the
    `expire_hold` task queued with each of them (or the next seat write) marks them expired."""
    counts = Registration.objects.filter(event=event).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Status},
        lapsed=Count("pk", filter=Q(status=Status.PENDING, hold_expires_at__lte=now)),
    )
    rows = [{"status": status.value, "label": str(status.label), "count": counts[status.value]}
            for status in Status]
    return {"rows": rows, "total": sum(row["count"] for row in rows),
            "lapsed": counts["lapsed"]}


def seats(event, now) -> dict:
    """The day's and each workshop's fill rate and waiting list, with the room."""
    summary = seat_summary(event, now)
    return {
        "day": summary["day"],
        "workshops": [
            {"pk": w["session"].pk, "title": w["session"].title, "room": w["session"].room,
             "capacity": w["capacity"], "taken": w["taken"], "waiting": w["waiting"],
             "rate": w["rate"]}
            for w in summary["workshops"]
        ],
    }


def audience_mix(event) -> dict:
    """Confirmed people by category (`Registration.Audience`), with each share in percent."""
    counted = dict(
        Registration.objects.filter(event=event, status=Status.CONFIRMED)
        .order_by().values_list("audience").annotate(n=Count("pk"))
    )
    total = sum(counted.values())
    rows = [{"audience": audience.value, "label": str(audience.label),
             "count": counted.get(audience.value, 0),
             "percent": _percent(counted.get(audience.value, 0), total)}
            for audience in Registration.Audience]
    return {"rows": rows, "total": total}


def accessibility_needs(event) -> dict:
    """What to prepare for the confirmed people: how many ask for each need, and how many ask
    for at least one."""
    labels = dict(Registration.Accessibility.choices)
    counts = Registration.objects.filter(event=event, status=Status.CONFIRMED).aggregate(
        **{code.value: Count("pk", filter=needs_q(code)) for code in NEEDS_ORDER},
        people=Count("pk", filter=Q(*[needs_q(code) for code in NEEDS_ORDER], _connector=Q.OR)),
    )
    rows = [{"code": code.value, "label": str(labels[code]), "count": counts[code.value],
             "filter": needs_filter(code)}
            for code in NEEDS_ORDER]
    return {"rows": rows, "people": counts["people"]}


def registrations_per_day(event) -> list[dict]:
    """Registrations of `event` (every status) by the day they were made, local time, from
    the first day to the last (days without any are listed with 0)."""
    counted = dict(
        Registration.objects.filter(event=event).order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day").annotate(n=Count("pk"))
    )
    if not counted:
        return []
    first, last = min(counted), max(counted)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [{"day": day, "count": counted.get(day, 0)} for day in days]


def press_requests(event) -> dict:
    """Accreditation requests of `event` by status; `pending` are those waiting on staff or on
    the journalist (submitted or information requested)."""
    counts = AccreditationRequest.objects.filter(event=event).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in PressStatus}
    )
    rows = [{"status": status.value, "label": str(status.label), "count": counts[status.value]}
            for status in PressStatus]
    pending = counts[PressStatus.SUBMITTED] + counts[PressStatus.INFO_REQUESTED]
    return {"rows": rows, "total": sum(counts.values()), "pending": pending}


def is_event_day(event, now) -> bool:
    return event.date == timezone.localdate(now)


def arrivals(event, now) -> dict:
    """On the day: confirmed people who have arrived (`checked_in_at` set) against those
    expected, overall and per workshop (its seat holders, not its waiting list)."""
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    overall = confirmed.aggregate(expected=Count("pk"),
                                  arrived=Count("pk", filter=Q(checked_in_at__isnull=False)))
    per_workshop = {
        row["workshop"]: row for row in
        confirmed.filter(holds_workshop_q(now)).order_by().values("workshop").annotate(
            expected=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False)))
    }
    workshops = [
        {"title": session.title, "room": session.room,
         "expected": per_workshop.get(session.pk, {}).get("expected", 0),
         "arrived": per_workshop.get(session.pk, {}).get("arrived", 0)}
        for session in event.sessions.workshops().in_order()
    ]
    for row in [overall, *workshops]:
        row["percent"] = _percent(row["arrived"], row["expected"])
    return {**overall, "workshops": workshops}

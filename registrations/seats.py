"""Who holds a seat, written once: the statuses and the four seat rules of a registration.

A registration holds a seat in the plenary room (the day) when it is `confirmed`, or
`pending` with a hold that has not run out (`hold_expires_at > now`) and no place on the day's
waiting list (`event_waitlist_seq` is null). It holds a seat in its workshop under the same
rule when it is not on the workshop's waiting list (`workshop_waitlist_seq` is null). It waits
for the day when it is `waitlisted`, or `pending` with a running hold and a place in line; it
waits for its workshop when it holds a day seat and has a number on the workshop's line.
Expiry is read from the clock in every rule, so seat counts never wait for the expiry task.

Each rule (`Rule`) is a list of alternatives, each a few conditions on the row's columns. From
it come the Q objects (`rule.q(now)`: QuerySets, the partial index `registration_seat_holders`
with `now=None`), the SQL fragments of the statements run under the event lock
(`rule.sql()`: `services._COUNTS_SQL`, `selectors._POSITION_SQL`) and the Python properties of
a `Registration` (`rule.holds(registration, now)`). « May this person take this seat now » is
`may_take()`, asked by every write that gives a seat.
"""

import dataclasses

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """`Registration.Status`: a registration's place in its life (see models.py)."""

    PENDING = "pending", _("En attente de confirmation")
    CONFIRMED = "confirmed", _("Confirmée")
    WAITLISTED = "waitlisted", _("Sur liste d'attente")
    CANCELLED = "cancelled", _("Annulée")
    EXPIRED = "expired", _("Expirée")


# The statuses with a claim on the event: one registration in them per address and event
# (the unique constraint `registration_one_active_per_email`).
ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

# The values a condition may ask of a column (any other value: the column equals it).
NULL, NOT_NULL, RUNNING = "IS NULL", "IS NOT NULL", "> now"
_FOREIGN_KEYS = ("event", "workshop")  # named by the field in a Q, by the column elsewhere


def _column(name: str) -> str:
    return f"{name}_id" if name in _FOREIGN_KEYS else name


@dataclasses.dataclass(frozen=True)
class Rule:
    """Any of `alternatives`, each a tuple of (column, value) conditions all true.

    Values: a status, NULL, NOT_NULL, or RUNNING (the column is a time after `now`: a hold
    still running)."""

    alternatives: tuple[tuple[tuple[str, str], ...], ...]

    def where(self, **conditions) -> "Rule":
        """This rule with `conditions` added to each alternative."""
        return Rule(tuple(alt + tuple(conditions.items()) for alt in self.alternatives))

    def q(self, now) -> Q:
        """The rule as a Q object at `now`; `now=None` leaves out the clock (what may hold a
        seat whatever the time: the partial index's condition)."""
        lookups = {NULL: ("__isnull", True), NOT_NULL: ("__isnull", False)}
        result = Q()
        for alternative in self.alternatives:
            kwargs = {}
            for column, value in alternative:
                if value == RUNNING:
                    if now is not None:
                        kwargs[f"{column}__gt"] = now
                elif value in lookups:
                    kwargs[column + lookups[value][0]] = lookups[value][1]
                else:
                    kwargs[column] = value
            result |= Q(**kwargs)
        return result

    def sql(self, now: str | None = "%(now)s") -> str:
        """The rule as an SQL condition on the registration's columns, statuses written into
        the text (constants: a prepared plan still uses the partial indexes), the clock as the
        placeholder `now`; `now=None` leaves out the clock, as `q()` does."""
        def condition(name, value):
            if value in (NULL, NOT_NULL):
                return f"{_column(name)} {value}"
            if value == RUNNING:
                return f"{_column(name)} > {now}"
            return f"{_column(name)} = '{value}'"

        return "(" + " OR ".join(
            "(" + " AND ".join(condition(*c) for c in alternative
                               if now is not None or c[1] != RUNNING) + ")"
            for alternative in self.alternatives) + ")"

    def holds(self, registration, now=None) -> bool:
        """Whether `registration` (a model instance) meets the rule at `now`."""
        now = now or timezone.now()

        def met(name, value):
            current = getattr(registration, _column(name))
            if value == NULL:
                return current is None
            if value == NOT_NULL:
                return current is not None
            if value == RUNNING:
                return current is not None and current > now
            return current == value

        return any(all(met(*c) for c in alternative) for alternative in self.alternatives)


HOLDS_DAY = Rule((
    (("status", Status.CONFIRMED),),
    (("status", Status.PENDING), ("event_waitlist_seq", NULL), ("hold_expires_at", RUNNING)),
))
HOLDS_WORKSHOP = HOLDS_DAY.where(workshop=NOT_NULL, workshop_waitlist_seq=NULL)
WAITS_FOR_DAY = Rule((
    (("status", Status.WAITLISTED),),
    (("status", Status.PENDING), ("event_waitlist_seq", NOT_NULL), ("hold_expires_at", RUNNING)),
))
# A workshop's line: people who come to the day (a day seat) and wait for a workshop seat.
WAITS_FOR_WORKSHOP = HOLDS_DAY.where(workshop_waitlist_seq=NOT_NULL)


@dataclasses.dataclass
class Seats:
    """The seats of the day or of one workshop, counted under the event lock."""

    capacity: int
    taken: int = 0
    waiting: int = 0  # how many wait for them (for the day: 1 when anybody does)
    last_seq: int = 0  # the last number given on their waiting list

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


@dataclasses.dataclass
class Counts:
    """`services._counts`: the day's seats and each workshop's, by the workshop's id."""

    day: Seats
    workshops: dict[int, Seats]


def may_take(seats: Seats | None, *, in_line: bool = False) -> bool:
    """May a person have one of these seats now? When one is free and nobody waits for it;
    `in_line`: the person is the one the line serves (first in line, or placed ahead of it by
    staff), a free seat is enough. No seats to count (`None`: not a workshop): no."""
    return seats is not None and seats.free > 0 and (in_line or not seats.waiting)

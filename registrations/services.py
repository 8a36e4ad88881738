"""Writes on registrations, in the order of a registration's life: create, confirm, change of
workshop, staff's promotion and the link sent again, cancel and erase, expiry and the waiting
lists, then the day (reminders, desk, attestation) and the anonymisation. The machinery they
share (locks, transitions, seat counts) closes the file.

Every function that changes seats starts with `_lock_event()`: a `SELECT … FOR UPDATE` on the
event row, inside `transaction.atomic`. That one row serialises every seat-changing write of
an event (plenary room and workshops alike), so availability counted after the lock is exact
and there is no lock-ordering deadlock between workshops (locks are always taken event first,
then registration rows). On SQLite the settings open transactions with BEGIN IMMEDIATE, which
serialises writers the same way. One exception, argued in `registration_confirm`: confirming a
hold that already counts for all its seats changes no count and only locks its own row.

Who holds a seat and who waits is `seats.py`; whether a person may take a free seat now is
`seats.may_take`, asked by every write below that gives one. Every status change goes through
`_transition` (the table `Registration.TRANSITIONS`), the bulk expiry included.

Seats freed by a cancellation, a change of workshop or an expired hold go first to the people
waiting, in order (`_fill_waitlists`), inside the same transaction: nobody waits for a periodic
job. E-mails are queued with `tasks.queue_email` inside the transaction (a small task row
committed with the change) and rendered by the worker, so the event lock is held only for the
seat decision itself.
"""

import datetime as dt
import functools
import re
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone

from colloque import sql
from colloque.text import normalise_email
from program.models import Event, Session

from . import seats
from .models import NOTE_LABELS, Registration, RegistrationTransition, hash_token, link_token
from .seats import Counts, Seats, may_take
from .selectors import with_current_event
from .tasks import queue_email, withdraw_email

Status = Registration.Status
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class RegistrationError(Exception):
    """A write refused by the rules (closed, full, not allowed from this status)."""


class RegistrationClosed(RegistrationError):
    pass


class WorkshopUnavailable(RegistrationError):
    pass


class InvalidTransition(RegistrationError):
    pass


# The registration hot path (every submission runs these under the event lock) sends its
# SQL directly (`colloque.sql`): the ORM spends about 0.5 ms of Python building each query, five
# times what the database needs to run it, and a rush is mostly these few statements. Their
# seat conditions are written by `seats.py`, as the QuerySets' are.
_REGISTRATION = Registration._meta.db_table
_EVENT_SEAT_COLUMNS = ("plenary_capacity", "registration_opens_at", "registration_closes_at",
                       "registrations_closed")


# 1. Create -----------------------------------------------------------------------------------

@transaction.atomic
def registration_create(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str,
    audience: str,
    organisation: str = "",
    role: str = "",
    workshop_id: int | None = None,
    accessibility_needs: list[str] | tuple = (),
    accessibility_details: str = "",
    accessibility_consent: bool = False,
    wants_news: bool = False,
    language: str = "fr",
    network: str = "",
) -> tuple[Registration, bool]:
    """Register someone, holding their seats for REGISTRATION_HOLD_MINUTES until they confirm.

    Returns `(registration, created)`. When the address already has an active registration
    for the event, nothing is created (`created` False, the registration returned is the
    address's, its fields read on access): the worker sends the person their link again,
    unless it was sent less than REGISTRATION_RESEND_COOLDOWN_MINUTES ago; both cases cost
    the same statements (`_insert_submitted`).
    `network`: where the submission came from (`colloque.ratelimit.client_network`), stored
    while the registration is unconfirmed to cap the seats held from one network.
    Side effects: seats held or a place on a waiting list; e-mail asking for confirmation.
    Raises RegistrationClosed, WorkshopUnavailable (`workshop_id` is not one of the event's
    workshops: checked here, under the lock, so the form needs no query for it), TooManyHolds
    (the network or the mail domain already holds its cap of unconfirmed registrations).
    Accessibility needs are health data: stored only with `accessibility_consent`.
    The address is stored in its canonical form (`normalise_email`, the form's already is),
    which the unique index compares: ValueError for a domain IDNA refuses.
    """
    email = normalise_email(email)
    if not accessibility_consent:
        accessibility_needs, accessibility_details = (), ""
    registration = _new_registration(
        event_id=event.pk, workshop_id=workshop_id, first_name=first_name,
        last_name=last_name, email=email, organisation=organisation, role=role,
        audience=audience, accessibility_needs=list(accessibility_needs),
        accessibility_details=accessibility_details, wants_news=wants_news, language=language,
        hold_network=network, hold_domain=hold_domain(email),
    )
    # The confirmation e-mail is queued first, before the event lock: its task row belongs to
    # this transaction all the same (committed or rolled back with the registration), and the
    # lock is held for the seat decision only. Turned into a resend if the address is known.
    queued = queue_email(registration=registration, kind="confirm_request")
    event, now = _lock_open_event(event.pk)
    registration.event = event
    _check_hold_caps(registration, now)
    for _attempt in range(2):  # the second time after expiring a stale hold of the address
        _, counts = _fill_waitlists(event, now)
        _hold_seats(registration, counts, now)
        known = _insert_submitted(registration, now=now, queued=queued)
        if known is None:
            return registration, True
        if known:  # the address is registered: its link goes again (or not: cooldown)
            pk, reference, status = known
            return Registration.from_db(connection.alias, ["id", "reference", "status"],
                                        [pk, reference, status]), False
        # A hold that ran out or is about to (its expiry task has not come yet): expire it,
        # start anew.
        _expire_stale_holds(event, now + _RESEND_MARGIN, email=email)
    raise RuntimeError(f"registration of {email!r} conflicts with itself")  # not reachable


def _new_registration(**fields) -> Registration:
    """A pending registration, not saved, with its reference and its link's digest."""
    registration = Registration(reference=_new_reference(), status=Status.PENDING, **fields)
    registration.token_hash = hash_token(link_token(registration.reference))
    return registration


def _new_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _lock_open_event(event_id: int) -> tuple[Event, dt.datetime]:
    """Lock the event; refuse unless its registrations are open. Returns it and the time,
    read after the lock: creation times follow the order in which the lock was granted."""
    event = _lock_event(event_id)
    now = timezone.now()
    if event.registration_window(now) != "open":
        raise RegistrationClosed(event.registration_window(now))
    return event, now


def _hold_seats(registration: Registration, counts: Counts, now) -> None:
    """Give the new registration its hold: the free seats it may take (`seats.may_take`),
    else a place at the end of the day's or the workshop's waiting list."""
    workshop_id = registration.workshop_id
    if workshop_id is not None and workshop_id not in counts.workshops:
        raise WorkshopUnavailable(workshop_id)  # rolls back anything done before
    registration.created_at = now
    # The registration rests on the public-interest mission, not on consent: the only
    # consent asked is for the accessibility needs (health data).
    if registration.accessibility_needs or registration.accessibility_details:
        registration.accessibility_consent_at = now
    registration.hold_expires_at = now + dt.timedelta(minutes=settings.REGISTRATION_HOLD_MINUTES)
    registration.event_waitlist_seq = registration.workshop_waitlist_seq = None
    if not may_take(counts.day):
        registration.event_waitlist_seq = counts.day.last_seq + 1
    elif workshop_id is not None and not may_take(counts.workshops[workshop_id]):
        registration.workshop_waitlist_seq = counts.workshops[workshop_id].last_seq + 1


class TooManyHolds(RegistrationError):
    """Too many unconfirmed registrations hold seats from this network (`on` "network") or
    this mail domain (`on` "domain"): the first of them ends in `seconds`."""

    def __init__(self, *, on: str, seconds: int, domain: str = ""):
        self.on, self.seconds, self.domain = on, seconds, domain
        super().__init__(f"{on}: wait {seconds} s")


# The big public webmails: thousands of unrelated people share each of them, so they have no
# cap of their own (the per-network cap and the rate limits still apply to their users).
PUBLIC_MAIL_DOMAINS = frozenset("""
    gmail.com googlemail.com orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr
    hotmail.fr hotmail.com outlook.fr outlook.com live.fr live.com msn.com yahoo.fr yahoo.com
    ymail.com icloud.com me.com mac.com aol.com aol.fr gmx.fr gmx.com gmx.de proton.me
    protonmail.com pm.me bbox.fr numericable.fr club-internet.fr aliceadsl.fr mail.com
    yandex.com libertysurf.fr netcourrier.com
""".split())
# The colloquium's own audience at institutional addresses: the teachers and school staff of
# every académie (ac-paris.fr, ac-creteil.fr, ac-versailles.fr…), the ministry, the City of
# Paris's staff and elected officials. Hundreds of them register at once the day the
# invitation goes out, none of them hoarding: no domain cap either (the network cap and the
# rate limits still apply). REGISTRATION_UNCAPPED_DOMAINS adds others (a university).
INSTITUTIONAL_MAIL_DOMAINS = frozenset({"paris.fr", "education.gouv.fr"})
_ACADEMIE = re.compile(r"ac-[a-z0-9-]+\.fr")
# Second-level labels under which each third-level domain is a different owner
# (education.gouv.fr, example.co.uk): a short stand-in for the public suffix list.
_SHARED_SECOND_LEVEL = frozenset({"gouv", "gov", "co", "com", "ac", "org", "net", "edu", "asso"})


def hold_domain(email: str) -> str:
    """The mail domain an unconfirmed registration counts against: the registered domain
    (« a.b.exemple.fr » and « exemple.fr » count together, so subdomains do not multiply the
    cap), "" for the public webmails and the institutions of the audience (no domain cap)."""
    labels = email.rpartition("@")[2].strip().lower().rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SHARED_SECOND_LEVEL else 2
    domain = ".".join(labels[-keep:])
    if (domain in PUBLIC_MAIL_DOMAINS or domain in INSTITUTIONAL_MAIL_DOMAINS
            or _ACADEMIE.fullmatch(domain) or domain in settings.REGISTRATION_UNCAPPED_DOMAINS):
        return ""
    return domain[:253]


# The unconfirmed registrations of one network and of one mail domain (those not confirmed
# whose hold still runs, on a seat or in line), and when the first of each ends: one statement
# under the event lock, reading the two partial indexes `registration_network_holds` and
# `registration_domain_holds`; the caps bound the rows it reads.
_HOLDS_SQL = f"""
SELECT COUNT(*) FILTER (WHERE hold_network = %(network)s),
  MIN(hold_expires_at) FILTER (WHERE hold_network = %(network)s),
  COUNT(*) FILTER (WHERE hold_domain = %(domain)s),
  MIN(hold_expires_at) FILTER (WHERE hold_domain = %(domain)s)
FROM {_REGISTRATION}
WHERE event_id = %(event)s AND status = '{Status.PENDING}' AND hold_expires_at > %(now)s
  AND (hold_network = %(network)s OR hold_domain = %(domain)s)
"""


def _check_hold_caps(registration: Registration, now) -> None:
    """Raise TooManyHolds when the network or the mail domain of `registration` already has
    its cap of unconfirmed registrations (REGISTRATION_HOLDS_PER_NETWORK, _PER_DOMAIN)."""
    network_cap = settings.REGISTRATION_HOLDS_PER_NETWORK
    domain_cap = settings.REGISTRATION_HOLDS_PER_DOMAIN
    # NULL matches no row: a cap turned off, or nothing known (services called directly).
    network = registration.hold_network if network_cap > 0 and registration.hold_network else None
    domain = registration.hold_domain if domain_cap > 0 and registration.hold_domain else None
    if network is None and domain is None:
        return
    (on_network, network_first, on_domain, domain_first), = sql.rows(_HOLDS_SQL, {
        "event": registration.event_id, "now": sql.db_datetime(now), "network": network,
        "domain": domain})
    if network is not None and on_network >= network_cap:
        raise TooManyHolds(on="network",
                           seconds=_seconds_until(network_first, now))
    if domain is not None and on_domain >= domain_cap:
        raise TooManyHolds(on="domain", seconds=_seconds_until(domain_first, now),
                           domain=domain)


def _seconds_until(moment, now) -> int:
    if isinstance(moment, str):  # SQLite's MIN() of a datetime column is its text
        moment = dt.datetime.fromisoformat(moment)
    return max(1, int((sql.aware(moment) - now).total_seconds()) + 1)



# A submission's registration row and first journal line, written in one statement on
# PostgreSQL (`colloque.sql`: as save() would write it). Unless the address already has an
# active registration for the event: the one-active-per-address unique index answers that,
# under the event lock (ON CONFLICT … DO NOTHING: no row, and the caller takes the slow path).
# The database needs the index's columns and condition written out: the same statuses
# (`seats.ACTIVE`) as the constraint's; a test compares the columns with the constraint's.
_ACTIVE_STATUSES_SQL = ", ".join(f"'{status}'" for status in seats.ACTIVE)
_ACTIVE_CONFLICT = (
    f"ON CONFLICT (event_id, LOWER(email)) WHERE status IN ({_ACTIVE_STATUSES_SQL}) DO NOTHING"
)


# A submission that finds its address already registered must cost what a new one costs:
# otherwise the time of the answer tells whether an address is registered (7 ms against 4 ms
# before, with two ORM reads, a second task row and a deletion on the known-address path). On
# PostgreSQL the same statement therefore also answers for a known address: it finds the
# active registration and turns the confirmation e-mail queued for the new one into a
# `resend` for it (the worker decides what to send), or withdraws it during the cooldown.
# Both paths send the same statements; `bench/known_address.py` measures them.
_KNOWN_SQL = (
    "known AS (SELECT id, reference, status FROM {registration} "
    "WHERE NOT EXISTS (SELECT 1 FROM new) AND event_id = %s AND LOWER(email) = LOWER(%s) "
    "AND status IN ({statuses}) AND (status <> '{pending}' OR hold_expires_at > %s) LIMIT 1), "
    "stamped AS (UPDATE {registration} AS r SET link_resent_at = %s FROM known "
    "WHERE r.id = known.id AND (r.link_resent_at IS NULL OR r.link_resent_at <= %s) "
    "RETURNING r.id), "
    "resend AS (UPDATE {tasks} SET args_kwargs = jsonb_set(jsonb_set("
    "args_kwargs, '{{kwargs,kind}}', '\"resend\"'), "
    "'{{kwargs,reference}}', to_jsonb(known.reference)) "
    "FROM known WHERE {tasks}.id = %s AND EXISTS (SELECT 1 FROM stamped) RETURNING 1), "
    "withdrawn AS (DELETE FROM {tasks} USING known WHERE {tasks}.id = %s "
    "AND NOT EXISTS (SELECT 1 FROM stamped) RETURNING 1) "
)


@functools.cache
def _submitted_sql(vendor: str, *, known: bool = False) -> str:
    insert = sql.insert_sql(Registration, on_conflict=_ACTIVE_CONFLICT)
    if vendor != "postgresql":
        return insert
    journal = (f"INSERT INTO {RegistrationTransition._meta.db_table} "
               "(registration_id, from_status, to_status, at, by_id, note) "
               "SELECT id, '', %s, %s, NULL, %s FROM new RETURNING registration_id")
    if not known:
        return f"WITH new AS ({insert}) {journal}"
    from django_tasks_db.models import DBTaskResult

    known_sql = _KNOWN_SQL.format(
        registration=_REGISTRATION, tasks=DBTaskResult._meta.db_table, pending=Status.PENDING,
        statuses=_ACTIVE_STATUSES_SQL)
    return (f"WITH new AS ({insert}), journal AS ({journal}), {known_sql}"
            "SELECT registration_id, NULL, NULL FROM journal "
            "UNION ALL SELECT id, reference, status FROM known")


# A hold with less than this left is not sent again when its address is submitted again: it
# ends at once and the new submission starts afresh (a link sent now would be dead on arrival).
_RESEND_MARGIN = dt.timedelta(seconds=60)


def _insert_submitted(registration: Registration, *, now, queued: str | None) -> tuple | None:
    """Write a new pending registration and its journal line: returns None.

    If the address already has an active registration for the event, nothing is written and
    the confirmation e-mail `queued` for the new one becomes a `resend` of the address's link,
    or is withdrawn when the link was sent again less than REGISTRATION_RESEND_COOLDOWN_MINUTES
    ago (`link_resent_at`): returns (pk, reference, status) of the active registration.
    Returns () when the address's registration is a hold that has run out (or is about to,
    `_RESEND_MARGIN`) and still blocks the address.
    """
    params = sql.insert_values(registration)
    postgresql = connection.vendor == "postgresql"
    known_in_sql = postgresql and queued is not None
    cooldown_start = now - dt.timedelta(minutes=settings.REGISTRATION_RESEND_COOLDOWN_MINUTES)
    if postgresql:
        params += [Status.PENDING, sql.db_datetime(now), "submitted"]
    if known_in_sql:
        params += [registration.event_id, registration.email,
                   sql.db_datetime(now + _RESEND_MARGIN), sql.db_datetime(now),
                   sql.db_datetime(cooldown_start), queued, queued]
    rows = sql.rows(_submitted_sql(connection.vendor, known=known_in_sql), params)
    if rows and (not known_in_sql or rows[0][1] is None):  # inserted
        sql.saved(registration, rows[0][0])
        if not postgresql:
            _write_journal(registration, "", Status.PENDING, now=now, by=None, note="submitted")
        return None
    if known_in_sql:
        return rows[0] if rows else ()
    # Another database or task backend (development, tests): the same decisions, in Python.
    active = _active_registration_for(registration.event, registration.email)
    if active is None or (active[1] == Status.PENDING and active[2] <= now + _RESEND_MARGIN):
        return ()
    withdraw_email(queued)
    if Registration.objects.filter(
        Q(link_resent_at__isnull=True) | Q(link_resent_at__lte=cooldown_start), pk=active[0],
    ).update(link_resent_at=now):
        queue_email(registration=Registration(reference=active[3]), kind="resend")
    return active[0], active[3], active[1]



def _active_registration_for(event: Event, email: str) -> tuple | None:
    """(pk, status, hold_expires_at, reference) of the address's active registration, if any.

    Same expression and condition as the one-active-registration unique index, which serves it.
    """
    statuses = Registration.ACTIVE_STATUSES
    rows = sql.rows(
        f"SELECT id, status, hold_expires_at, reference FROM {_REGISTRATION} WHERE event_id = %s "
        f"AND LOWER(email) = LOWER(%s) AND status IN ({', '.join(['%s'] * len(statuses))}) "
        "LIMIT 1",  # LOWER() on both sides: the database's idea of case, as in the index
        [event.pk, email.strip(), *statuses],
    )
    return (rows[0][0], rows[0][1], sql.aware(rows[0][2]), rows[0][3]) if rows else None



# 2. Confirm ----------------------------------------------------------------------------------

def registration_for_token(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return with_current_event(Registration.objects.filter(token_hash=hash_token(token)).one())


# A pending registration that holds its seats and whose hold still has this long to run is
# confirmed under its own row lock only: its seats are counted as held before and after, so
# nobody else's count changes (the margin covers the transaction's own duration).
_FAST_CONFIRM_MARGIN = dt.timedelta(seconds=60)


class _NeedsEventLock(Exception):
    pass


def registration_confirm(*, registration: Registration) -> Registration:
    """Confirm the e-mail address (double opt-in); the registration then counts.

    A held seat becomes confirmed; a place on the day's waiting list becomes `waitlisted`
    (promoted at once if a seat is free and nobody is ahead). Confirming twice is harmless.
    A hold that ran out is marked `expired` and returned as such (the view answers 410).
    The worker computes the manage link of the e-mail from the reference.
    Side effect: e-mail with the ticket or the waiting-list position.

    Fast path: a registration that holds all its seats with time to spare needs no event
    lock (see _FAST_CONFIRM_MARGIN); everything else goes through the event lock, because
    confirming may join a waiting list that a free seat should serve at once.
    """
    holds_all = (registration.event_waitlist_seq is None
                 and registration.workshop_waitlist_seq is None)
    if holds_all and registration.hold_expires_at > timezone.now() + 2 * _FAST_CONFIRM_MARGIN:
        try:
            return _confirm(registration=registration, event_locked=False)
        except _NeedsEventLock:
            pass
    return _confirm(registration=registration, event_locked=True)



@transaction.atomic
def _confirm(*, registration: Registration, event_locked: bool) -> Registration:
    event = _lock_event(registration.event_id) if event_locked else None
    # Lock the row and read again what may have changed since the caller read it (a pending
    # registration's workshop and event do not change: the caller's copies are kept).
    (status, hold_expires_at, registration.event_waitlist_seq,
     registration.workshop_waitlist_seq), = sql.rows(sql.locking(
        "SELECT status, hold_expires_at, event_waitlist_seq, workshop_waitlist_seq "
        f"FROM {_REGISTRATION} WHERE id = %s"), [registration.pk])
    registration.status, registration.hold_expires_at = status, sql.aware(hold_expires_at)
    now = timezone.now()
    if registration.status != Status.PENDING:
        return registration
    if registration.hold_expires_at <= now:
        _transition(registration, Status.EXPIRED, now=now, note="hold expired")
        registration.save()
        return registration
    if not event_locked and registration.hold_expires_at <= now + _FAST_CONFIRM_MARGIN:
        raise _NeedsEventLock
    _transition(registration, Status.WAITLISTED if registration.event_waitlist_seq is not None
                else Status.CONFIRMED, now=now, note="e-mail confirmed")
    _save_confirmation(registration, now)
    if event_locked:
        promoted, _ = _fill_waitlists(event, now, quiet_for=registration.pk)
        registration = next((r for r in promoted if r.pk == registration.pk), registration)
    queue_email(registration=registration, kind="status")
    return registration


def _save_confirmation(registration: Registration, now) -> None:
    """Write the confirmation `_transition` decided: one UPDATE of the row (the hot path), which
    also forgets the network it came from (only unconfirmed registrations count there)."""
    registration.updated_at = now
    registration.hold_network = ""
    sql.rows(f"UPDATE {_REGISTRATION} SET status = %s, confirmed_at = %s, waitlisted_at = %s, "
             "hold_network = '', updated_at = %s WHERE id = %s RETURNING id",
             [registration.status, sql.db_datetime(registration.confirmed_at),
              sql.db_datetime(registration.waitlisted_at), sql.db_datetime(now),
              registration.pk])


# 3. Change of workshop, staff's promotion, the link sent again -------------------------------

@transaction.atomic
def registration_change_workshop(
    *, registration: Registration, workshop: Session | None, by=None
) -> Registration:
    """Move a confirmed or waiting person to another workshop (or to none).

    A free seat is taken at once; when the workshop is full (or people already wait for it)
    the person joins the end of its waiting list. Either way the seat left behind goes to the
    first in line for the old workshop, in the same transaction. Side effect: e-mail with the
    new situation and calendar file, with the person's link (computed by the worker from the
    reference). Raises WorkshopUnavailable when the workshop is not one of the event's.
    """
    now = timezone.now()
    event = _lock_event(registration.event_id)
    registration = _lock_registration(registration.pk)
    if registration.status not in (Status.CONFIRMED, Status.WAITLISTED):
        raise InvalidTransition(registration.status)
    if workshop is not None and (workshop.event_id != event.pk or not workshop.is_workshop):
        raise WorkshopUnavailable(workshop.pk)
    if (workshop.pk if workshop else None) == registration.workshop_id:
        return registration
    registration.workshop = workshop
    registration.workshop_waitlist_seq = None
    if workshop is not None and registration.status == Status.CONFIRMED \
            and not may_take(_counts(event, now).workshops[workshop.pk]):
        registration.workshop_waitlist_seq = _next_workshop_seq(workshop.pk)
    registration.save()
    _journal(registration, now=now, by=by,
             note=f"workshop → {workshop.slug if workshop else '-'}")
    # Seats freed meanwhile may go to this person at once: their own e-mail says so.
    promoted, _ = _fill_waitlists(event, now, quiet_for=registration.pk)
    registration = next((r for r in promoted if r.pk == registration.pk), registration)
    queue_email(registration=registration, kind="status", changed=True)
    return registration


@transaction.atomic
def registration_promote(*, registration: Registration, by=None) -> Registration:
    """Staff: give a seat to this waiting person now (ahead of the line) if a seat is free.

    Raises WorkshopUnavailable / InvalidTransition when there is no free seat or nothing to do.
    Side effect: e-mail to the person with their ticket.
    """
    now = timezone.now()
    event = _lock_event(registration.event_id)
    registration = _lock_registration(registration.pk)
    counts = _counts(event, now)
    workshop = counts.workshops.get(registration.workshop_id)
    if registration.status == Status.WAITLISTED:
        if not may_take(counts.day, in_line=True):
            raise InvalidTransition("day full")
        registration.event_waitlist_seq = None
        registration.promoted_at = now
        _transition(registration, Status.CONFIRMED, now=now, by=by, note="promoted by staff")
        if registration.workshop_id and not may_take(workshop, in_line=True):
            registration.workshop_waitlist_seq = _next_workshop_seq(registration.workshop_id)
    elif registration.status == Status.CONFIRMED and registration.on_workshop_waitlist:
        if not may_take(workshop, in_line=True):
            raise WorkshopUnavailable(registration.workshop_id)
        registration.workshop_waitlist_seq = None
        registration.promoted_at = now
        _journal(registration, now=now, by=by, note="workshop seat given by staff")
    else:
        raise InvalidTransition(registration.status)
    registration.save()
    queue_email(registration=registration, kind="status", promoted=True)
    return registration


@transaction.atomic
def registration_send_link(*, registration: Registration, again: bool = True) -> None:
    """Send the person their link again (the same link: the one they may be using still works,
    so anyone who types their address can only send them an e-mail).

    Pending: the confirmation link. Confirmed or waiting: the status e-mail with the private
    link. Cancelled or expired: nothing (raises InvalidTransition).
    """
    registration = _lock_registration(registration.pk)
    if registration.hold_is_valid:
        queue_email(registration=registration, kind="confirm_request", again=again)
    elif registration.status in (Status.CONFIRMED, Status.WAITLISTED):
        queue_email(registration=registration, kind="status", again=again)
    else:
        raise InvalidTransition(registration.status)



# 4. Cancel, erase ----------------------------------------------------------------------------

@transaction.atomic
def registration_cancel(*, registration: Registration, by=None, note: str = "") -> Registration:
    """Cancel and give the freed seats to the first in line, in the same transaction.

    `note`: staff's reason, journalled and given in the person's e-mail.
    Side effects: e-mail to the person; e-mail to each person promoted. Idempotent.
    """
    now = timezone.now()
    event = _lock_event(registration.event_id)
    registration = _lock_registration(registration.pk)
    if registration.status not in Registration.ACTIVE_STATUSES:
        return registration
    _transition(registration, Status.CANCELLED, now=now, by=by,
                note=note or ("by staff" if by else "by the registrant"))
    registration.save()
    _fill_waitlists(event, now)
    queue_email(registration=registration, kind="cancelled")
    return registration


@transaction.atomic
def registration_erase(*, registration: Registration) -> str:
    """Erase a person's registration at their request (RGPD, right to erasure).

    The seats it held go to the first in line in the same transaction (e-mailed as for a
    cancellation), then the registration and its journal are deleted. Nothing is sent to the
    person: they asked for their data to go. E-mails still queued for it find nothing to
    send. Returns the reference, for the staff journal.
    """
    now = timezone.now()
    event = _lock_event(registration.event_id)
    registration = _lock_registration(registration.pk)
    reference = registration.reference
    registration.delete()
    _fill_waitlists(event, now)
    return reference



# 5. Expiry and the waiting lists -------------------------------------------------------------

@transaction.atomic
def registration_expire_holds(*, event_id: int) -> list[Registration]:
    """Mark the holds that ran out as expired and give their seats to the first in line.

    Run by the worker when a hold ends (`tasks.expire_hold`, queued with the registration),
    so statuses read right and waiting people are promoted on time. Seat counts never
    depended on it: they ignore holds that ran out. Returns the registrations promoted.
    """
    event = _lock_event(event_id)
    now = timezone.now()
    _expire_stale_holds(event, now)
    promoted, _ = _fill_waitlists(event, now)
    return promoted


def _expire_stale_holds(event: Event, now, *, email: str | None = None) -> None:
    """Mark holds that ran out as expired (seat counts already ignore them); with `email`,
    only that address's (the caller passes a `now` a little ahead: see _RESEND_MARGIN).

    Also frees the e-mail address for the one-active-registration constraint. One UPDATE for
    them all, on the statuses the transition table lets expire (`statuses_before`).
    """
    may_expire = Registration.statuses_before(Status.EXPIRED)
    stale = Registration.objects.filter(event=event, status__in=may_expire,
                                        hold_expires_at__lte=now)
    if email is not None:
        stale = stale.alias(address=Lower("email")).filter(address=Lower(Value(email)))
    stale = list(stale.values_list("pk", "status"))
    if not stale:
        return
    at = min(now, timezone.now())
    Registration.objects.filter(pk__in=[pk for pk, _ in stale], status__in=may_expire).update(
        status=Status.EXPIRED, expired_at=at, hold_network="", updated_at=timezone.now())
    RegistrationTransition.objects.bulk_create([
        RegistrationTransition(registration_id=pk, from_status=status,
                               to_status=Status.EXPIRED, at=at, note="hold expired")
        for pk, status in stale
    ])


def _fill_waitlists(
    event: Event, now, *, quiet_for: int | None = None
) -> tuple[list[Registration], Counts]:
    """Give free seats to the first in line, day then workshops. Caller holds the event lock.

    The line is the one people see (`seats.WAITS_FOR_DAY`): someone who has not confirmed
    yet keeps their place and gets the seat under their hold. Returns the registrations
    promoted, each confirmed one told by e-mail (except `quiet_for`, the registration whose
    own e-mail the caller is about to send; pending ones get their ticket when they confirm),
    and the seat counts after.
    """
    counts = _counts(event, now)
    promoted = _fill_day(event, counts, now)
    for registration in _fill_workshops(event, counts, now):
        if registration not in promoted:
            promoted.append(registration)
    for registration in promoted:
        if registration.pk != quiet_for and registration.status != Status.PENDING:
            queue_email(registration=registration, kind="status", promoted=True)
    return promoted, (_counts(event, now) if promoted else counts)


def _fill_day(event: Event, counts: Counts, now) -> list[Registration]:
    """The day's free seats to the first on its line; each one's workshop seat if they may
    take it, else a place at the end of that workshop's line (served by `_fill_workshops`)."""
    if not (counts.day.waiting and may_take(counts.day, in_line=True)):
        return []
    line = Registration.objects.filter(event=event).on_event_waitlist(now).select_for_update()
    promoted = list(line[:counts.day.free])
    for registration in promoted:
        registration.event_waitlist_seq = None
        registration.promoted_at = now
        if registration.status == Status.PENDING:
            # First in line but not confirmed yet: the seat is held under their hold;
            # confirming turns it into a ticket (no e-mail until then).
            _journal(registration, now=now, note="seat from waiting list, to confirm")
        else:
            _transition(registration, Status.CONFIRMED, now=now,
                        note="promoted from waiting list")
        if registration.workshop_id:
            workshop = counts.workshops.get(registration.workshop_id)
            if may_take(workshop):
                workshop.taken += 1
            else:  # behind those already waiting for it
                registration.workshop_waitlist_seq = _next_workshop_seq(
                    registration.workshop_id)
                if workshop:
                    workshop.waiting += 1
        registration.save()
    return promoted


def _fill_workshops(event: Event, counts: Counts, now) -> list[Registration]:
    """Each workshop's free seats to the first on its line."""
    promoted = []
    for workshop_id, workshop in counts.workshops.items():
        if not (workshop.waiting and may_take(workshop, in_line=True)):
            continue
        line = (Registration.objects.filter(event=event)
                .on_workshop_waitlist(workshop_id, now).select_for_update())
        for registration in line[:workshop.free]:
            registration.workshop_waitlist_seq = None
            registration.promoted_at = now
            registration.save(update_fields=["workshop_waitlist_seq", "promoted_at", "updated_at"])
            _journal(registration, now=now, note="workshop seat from waiting list")
            promoted.append(registration)
    return promoted


# 6. The day: reminders, attestation, the welcome desk; then anonymisation -------------------

@transaction.atomic
def registration_claim_reminder(*, registration_id: int, now=None) -> bool:
    """Mark the registration reminded and queue its reminder, once and only once.

    The claim is one UPDATE … WHERE reminded_at IS NULL: of two runs of `send_reminders`
    (twice in a day, or at the same time), the second finds the row taken (PostgreSQL
    makes it wait for the first one's commit, then re-reads the condition) and sends
    nothing. The e-mail task row is written in the same transaction as the claim.
    Returns whether this call sent it. Side effect: the reminder e-mail.
    """
    now = now or timezone.now()
    claimed = Registration.objects.filter(
        pk=registration_id, reminded_at__isnull=True,
        status__in=[Status.CONFIRMED, Status.WAITLISTED],
    ).update(reminded_at=now, updated_at=now)
    if not claimed:
        return False
    reference = Registration.objects.filter(pk=registration_id).values_list(
        "reference", flat=True).get()
    queue_email(registration=Registration(reference=reference), kind="reminder")
    return True


@transaction.atomic
def registration_send_attestation(*, registration: Registration, by=None) -> None:
    """E-mail the certificate of attendance (PDF). Raises InvalidTransition when no arrival
    was recorded for this registration. Side effect: the e-mail, rendered by the worker."""
    if not Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=False).exists():
        raise InvalidTransition("no arrival recorded")
    queue_email(registration=registration, kind="attestation")



@transaction.atomic
def registration_check_in(*, registration: Registration, by=None) -> bool:
    """Day-of arrival at the welcome desk. Only a confirmed registration gets in.

    Returns False when the person had already been checked in (the desk says when); raises
    InvalidTransition for a registration that is not confirmed (cancelled, waiting…). The
    arrival is journalled as the step `confirmed → confirmed` of the transition table.
    """
    registration = _lock_registration(registration.pk)
    if registration.status != Status.CONFIRMED:
        raise InvalidTransition(registration.status)
    if registration.checked_in_at:
        return False
    now = timezone.now()
    registration.checked_in_at = now
    registration.save(update_fields=["checked_in_at", "updated_at"])
    _transition(registration, Status.CONFIRMED, now=now, by=by, note="check-in")
    return True


def registrations_to_anonymise(*, today: dt.date | None = None):
    """Registrations of editions held more than PERSONAL_DATA_RETENTION_DAYS ago, not yet
    anonymised."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    return Registration.objects.filter(event__date__lt=cutoff, anonymised_at__isnull=True)


@transaction.atomic
def registration_purge_expired(*, today: dt.date | None = None) -> int:
    """Anonymise the registrations of editions held more than PERSONAL_DATA_RETENTION_DAYS
    ago, as the privacy notice announces. Returns how many.

    Names, address, organisation, function, accessibility needs (health data) and free text
    go, the private link stops working and staff's reasons in the journal are blanked; status,
    audience category, workshop, waiting-list numbers, arrival and dates stay, so the
    edition's figures (admin dashboard) are unchanged. Run daily by
    `manage.py purge_personal_data`.
    """
    now = timezone.now()
    count = 0
    for pk, reference in registrations_to_anonymise(today=today).values_list("pk", "reference"):
        Registration.objects.filter(pk=pk).update(
            first_name="", last_name="", email=f"{reference.lower()}@anonyme.invalid",
            hold_network="", hold_domain="",
            organisation="", role="", accessibility_needs=[], accessibility_details="",
            wants_news=False, token_hash=hash_token(secrets.token_urlsafe(32)),
            anonymised_at=now, updated_at=now,
        )
        RegistrationTransition.objects.filter(registration_id=pk).exclude(
            note__in=list(NOTE_LABELS)).exclude(note__startswith="workshop → ").update(note="")
        count += 1
    return count



# The machinery shared by the steps above -----------------------------------------------------

def _lock_event(event_id: int) -> Event:
    """Lock the event row; read only what the seat rules need (the row is wide: translations).

    The other fields are deferred, as with `.only()`: reading one loads it.
    """
    rows = sql.rows(sql.locking(f"SELECT id, {', '.join(_EVENT_SEAT_COLUMNS)} "
                          f"FROM {Event._meta.db_table} WHERE id = %s"), [event_id])
    if not rows:
        raise Event.DoesNotExist(event_id)
    return Event.from_db(connection.alias, ["id", *_EVENT_SEAT_COLUMNS],
                         [sql.aware(value) for value in rows[0]])


def _lock_registration(registration_id: int) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "workshop").get(pk=registration_id)
    )



def _transition(registration: Registration, to_status: str, *, now, by=None, note="") -> None:
    """Apply and journal one step of the state machine, `Registration.TRANSITIONS` (raises
    InvalidTransition if the table does not allow it). A step to the same status (the table
    lists those allowed) only writes the journal line."""
    from_status = registration.status
    if to_status not in Registration.TRANSITIONS[from_status]:
        raise InvalidTransition(f"{from_status} → {to_status}")
    registration.status = to_status
    field = {
        Status.CONFIRMED: "confirmed_at", Status.WAITLISTED: "waitlisted_at",
        Status.CANCELLED: "cancelled_at", Status.EXPIRED: "expired_at",
    }.get(to_status)
    if field and to_status != from_status:
        setattr(registration, field, now)
    _write_journal(registration, from_status, to_status, now=now, by=by, note=note)


def _journal(registration: Registration, *, now, by=None, note: str) -> None:
    """Journal a change that keeps the status (a seat given, a workshop changed…)."""
    _transition(registration, registration.status, now=now, by=by, note=note)


_JOURNAL_SQL = (
    f"INSERT INTO {RegistrationTransition._meta.db_table} "
    "(registration_id, from_status, to_status, at, by_id, note) VALUES (%s, %s, %s, %s, %s, %s)"
)


def _write_journal(registration, from_status, to_status, *, now, by, note) -> None:
    """One `RegistrationTransition` row (plain SQL: written by every submission and
    confirmation, see the hot-path note above)."""
    by_id = by.pk if by is not None and by.is_authenticated else None
    sql.rows(_JOURNAL_SQL, [registration.pk, from_status, to_status, sql.db_datetime(now), by_id,
                            note[:200]])


# One query under the lock: each workshop's capacity, then the seats held (day and workshop)
# and the people waiting (`seats.py`: pending people keep their place in line). Only rows
# that may hold a seat are read: the condition of the partial index
# `registration_seat_holders` (the day-seat rule without the clock, as the index is built)
# comes first, so the planner uses the index; the day's list is only probed. The work is
# bounded by the capacities, not by the length of the waiting lists, which grow fastest
# during a rush. Statuses are written into the text (constants), so a prepared plan still
# uses the index.
_COUNTS_SQL = f"""
WITH held AS (
  SELECT workshop_id, COUNT(*) AS day,
    COUNT(*) FILTER (WHERE {seats.HOLDS_WORKSHOP.sql()}) AS seated,
    COUNT(*) FILTER (WHERE {seats.WAITS_FOR_WORKSHOP.sql()}) AS ws_waiting
  FROM {_REGISTRATION}
  WHERE event_id = %(event)s AND {seats.HOLDS_DAY.sql(now=None)} AND {seats.HOLDS_DAY.sql()}
  GROUP BY workshop_id
)
SELECT s.id, s.capacity, 0, COALESCE(h.seated, 0), COALESCE(h.ws_waiting, 0),
  COALESCE((SELECT workshop_waitlist_seq FROM {_REGISTRATION} WHERE workshop_id = s.id
            AND workshop_waitlist_seq IS NOT NULL ORDER BY workshop_waitlist_seq DESC LIMIT 1), 0)
FROM {Session._meta.db_table} s LEFT JOIN held h ON h.workshop_id = s.id
WHERE s.event_id = %(event)s AND s.kind = '{Session.Kind.WORKSHOP}'
UNION ALL
SELECT NULL, NULL, COALESCE(SUM(day), 0), 0, 0, 0 FROM held  -- whatever the session now is
UNION ALL
SELECT NULL, NULL, 0, 0,
  CASE WHEN EXISTS (SELECT 1 FROM {_REGISTRATION} WHERE event_id = %(event)s
                    AND {seats.WAITS_FOR_DAY.sql()}) THEN 1 ELSE 0 END,
  COALESCE((SELECT event_waitlist_seq FROM {_REGISTRATION} WHERE event_id = %(event)s
            AND event_waitlist_seq IS NOT NULL ORDER BY event_waitlist_seq DESC LIMIT 1), 0)
"""


def _counts(event: Event, now) -> Counts:
    """The seats of the day and of each workshop (`seats.Seats`: capacity, taken, whether
    anybody waits, the last number given on the line), under the event lock (`event` is the
    locked row: its capacity). One short query: it runs on every seat-changing write."""
    counts = Counts(day=Seats(capacity=event.plenary_capacity), workshops={})
    params = {"event": event.pk, "now": sql.db_datetime(now)}
    for workshop_id, capacity, day, seated, waiting, last_seq in sql.rows(_COUNTS_SQL, params):
        counts.day.taken += day
        if workshop_id is None:
            counts.day.waiting = counts.day.waiting or waiting
            counts.day.last_seq = max(counts.day.last_seq, last_seq)
        else:
            counts.workshops[workshop_id] = Seats(capacity=capacity, taken=seated,
                                                  waiting=waiting, last_seq=last_seq)
    return counts


def _last_seq(column: str, owner: str, owner_id: int) -> int:
    """Last number on a waiting list: the end of its index, where MAX() would read it all."""
    rows = sql.rows(f"SELECT {column} FROM {_REGISTRATION} WHERE {owner} = %s "
                 f"AND {column} IS NOT NULL ORDER BY {column} DESC LIMIT 1", [owner_id])
    return rows[0][0] if rows else 0


def _next_workshop_seq(workshop_id: int) -> int:
    """Next number on a workshop's waiting list (caller holds the event lock)."""
    return _last_seq("workshop_waitlist_seq", "workshop_id", workshop_id) + 1


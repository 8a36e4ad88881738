"""The seat rule is written once (`registrations/seats.py`): its Q objects, its SQL and its
Python reading agree on every kind of row; the copies the database forces (the partial
index of the migrations, the ON CONFLICT clause) equal the definition; the code that owns the
rule is imported without circles."""

import ast
import datetime as dt
import itertools
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from colloque import sql
from registrations import seats, services
from registrations.models import Registration

from .factories import RegistrationFactory

Status = Registration.Status
ROOT = Path(__file__).resolve().parents[2]
RULES = {"HOLDS_DAY": seats.HOLDS_DAY, "HOLDS_WORKSHOP": seats.HOLDS_WORKSHOP,
         "WAITS_FOR_DAY": seats.WAITS_FOR_DAY, "WAITS_FOR_WORKSHOP": seats.WAITS_FOR_WORKSHOP}


@pytest.mark.django_db
def test_each_rule_reads_the_same_in_q_sql_and_python(event, workshops):
    """Every combination of status, hold, day line, workshop and workshop line."""
    _, parents = workshops
    past, future = (timezone.now() + dt.timedelta(minutes=m) for m in (-1, 30))
    for n, (status, hold, day_seq, workshop, ws_seq) in enumerate(itertools.product(
            Status.values, (past, future), (None, 1), (None, parents), (None, 1))):
        if workshop is None and ws_seq is not None:
            continue  # refused by a check constraint
        RegistrationFactory(event=event, status=status, hold_expires_at=hold,
                            event_waitlist_seq=day_seq, workshop=workshop,
                            workshop_waitlist_seq=ws_seq, email=f"p{n}@example.org")
    now = timezone.now()
    rows = list(Registration.objects.all())
    for name, rule in RULES.items():
        by_q = set(Registration.objects.filter(rule.q(now)).values_list("pk", flat=True))
        by_sql = {pk for pk, in sql.rows(
            f"SELECT id FROM {Registration._meta.db_table} WHERE {rule.sql()}",
            {"now": sql.db_datetime(now)})}
        by_python = {r.pk for r in rows if rule.holds(r, now)}
        assert by_q == by_sql == by_python, name
        assert by_q, name  # the rule matched something: the comparison was not empty
    holding = {r.pk for r in rows if seats.HOLDS_WORKSHOP.holds(r, now)}
    assert {r.pk for r in rows if r.holds_workshop_seat} == holding
    assert {r.pk for r in rows if r.has_workshop_seat} == {
        r.pk for r in rows if r.pk in holding and r.status == Status.CONFIRMED}


def test_the_seat_holders_index_is_the_day_rule_without_the_clock():
    """The migrations built the partial index with the condition the rule gives today."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    indexes = state.models["registrations", "registration"].options["indexes"]
    index = next(i for i in indexes if i.name == "registration_seat_holders")
    assert index.condition == seats.HOLDS_DAY.q(now=None)


def test_the_on_conflict_clause_names_the_one_active_per_address_constraint():
    constraint = next(c for c in Registration._meta.constraints
                      if c.name == "registration_one_active_per_email")
    assert constraint.expressions == (F("event"), Lower("email"))
    assert constraint.condition == Q(status__in=list(seats.ACTIVE))
    assert services._ACTIVE_CONFLICT == (
        "ON CONFLICT (event_id, LOWER(email)) "
        "WHERE status IN ('pending', 'confirmed', 'waitlisted') DO NOTHING")
    assert Registration.ACTIVE_STATUSES == seats.ACTIVE


def test_may_take_a_seat_when_one_is_free_and_nobody_waits():
    assert seats.may_take(seats.Seats(capacity=2, taken=1))
    assert not seats.may_take(seats.Seats(capacity=2, taken=2))
    assert not seats.may_take(seats.Seats(capacity=2, taken=1, waiting=1))
    assert seats.may_take(seats.Seats(capacity=2, taken=1, waiting=1), in_line=True)
    assert not seats.may_take(seats.Seats(capacity=2, taken=3), in_line=True)
    assert not seats.may_take(None)  # not (or no longer) a workshop


def test_expiry_follows_the_transition_table(event):
    """Only the statuses the table lets expire are expired, journalled from their status."""
    past = timezone.now() - dt.timedelta(minutes=1)
    pending = RegistrationFactory(event=event, status=Status.PENDING, hold_expires_at=past,
                                  confirmed_at=None)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED, hold_expires_at=past,
                                  event_waitlist_seq=1)
    services.registration_expire_holds(event_id=event.pk)
    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == Status.EXPIRED
    assert waiting.status == Status.CONFIRMED  # not expired: given the seat the hold freed
    assert [(t.from_status, t.to_status, t.note) for t in pending.transitions.all()] == [
        (Status.PENDING, Status.EXPIRED, "hold expired")]
    assert Registration.statuses_before(Status.EXPIRED) == [Status.PENDING]


def test_the_desk_arrival_is_a_step_of_the_transition_table(event):
    registration = RegistrationFactory(event=event)
    assert services.registration_check_in(registration=registration)
    assert [(t.from_status, t.to_status, t.note) for t in registration.transitions.all()] == [
        (Status.CONFIRMED, Status.CONFIRMED, "check-in")]
    cancelled = RegistrationFactory(event=event, status=Status.CANCELLED)
    with pytest.raises(services.InvalidTransition):
        services.registration_check_in(registration=cancelled)
    with pytest.raises(services.InvalidTransition):  # no journal line on a closed registration
        services._journal(cancelled, now=timezone.now(), note="check-in")


def _imports(path: Path, package: str) -> set[str]:
    """The modules of `package` that the file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from .x import y
                base = [node.module] if node.module else [a.name for a in node.names]
                found.update(f"{package}.{name.split('.')[0]}" for name in base)
            elif node.module and node.module.split(".")[0] in ("registrations", "program"):
                found.add(".".join(node.module.split(".")[:2]))
        elif isinstance(node, ast.Import):
            found.update(".".join(a.name.split(".")[:2]) for a in node.names)
    return found


def test_no_import_circle_in_registrations():
    graph = {f"registrations.{p.stem}": _imports(p, "registrations")
             for p in (ROOT / "registrations").glob("*.py")}
    graph = {module: {m for m in imported if m in graph and m != module}
             for module, imported in graph.items()}

    def reaches(start, target, seen=()):
        return any(m == target or (m not in seen and reaches(m, target, (*seen, m)))
                   for m in graph[start])

    assert [m for m in graph if reaches(m, m)] == []


def test_the_programme_imports_nothing_from_registrations():
    importing = [str(p.relative_to(ROOT)) for p in (ROOT / "program").rglob("*.py")
                 if any(m.startswith("registrations") for m in _imports(p, "program"))]
    assert importing == []

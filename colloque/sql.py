"""Plain SQL for the few statements every registration runs (see `registrations.services`).

Building a query through the ORM costs about 0.5 ms of Python, and an INSERT of a wide row
about 1 ms: several times what the database needs to run it. During a rush a submission is
mostly a handful of statements, so those are sent directly.

`insert()` (or `insert_sql()` and `insert_values()`, for a statement that does more) writes a
new row as a plain INSERT of that row alone: the values the ORM would write (field defaults,
`auto_now`/`auto_now_add`, JSON), computed by each field's documented `pre_save()` and
`get_db_prep_save()`, and nothing else. It is not `save()`: like `QuerySet.bulk_create()` it
sends no pre_save or post_save signal. The models written this way (Registration here, the
task row in `colloque.tasks_backend`) have no receiver but the one the task backend does itself;
tests/colloque/test_sql.py fails if one is connected, and compares the rows with the ORM's.
"""

import datetime as dt
import functools

from django.db import connection
from django.utils import timezone


def rows(sql: str, params) -> list[tuple]:
    """Run one statement; its rows, if it returns any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description is not None else []


def locking(query: str) -> str:
    """`query` with FOR UPDATE where the database has it (SQLite serialises writers itself)."""
    return query + " FOR UPDATE" if connection.features.has_select_for_update else query


def db_datetime(value):
    """A datetime as a parameter, as the ORM would send it (naive UTC on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def aware(value):
    """A datetime read back (naive UTC on SQLite) as the ORM would return it."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


@functools.cache
def _insert_fields(model) -> list:
    """Every column but a primary key the database numbers (it is returned)."""
    fields = [field for field in model._meta.get_fields()
              if field.concrete and not field.many_to_many
              and not (field.primary_key and field.db_returning)]
    unsupported = [field.name for field in fields
                   if field.generated or field.db_returning or field.has_db_default()]
    if model._meta.parents or unsupported:  # the ORM does more for these: use it
        raise TypeError(f"colloque.sql cannot insert {model.__name__} "
                        f"(inherited table or database-side values: {unsupported})")
    return fields


def insert_sql(model, *, on_conflict: str = "") -> str:
    """INSERT of a new `model` row from `insert_values()`, returning its primary key."""
    fields = _insert_fields(model)
    return (f"INSERT INTO {model._meta.db_table} ({', '.join(f.column for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) {on_conflict} "
            f"RETURNING {model._meta.pk.column}")


def insert_values(instance) -> list:
    """The parameters of `insert_sql()`: the values the ORM would write for a new `instance`
    (`auto_now` and `auto_now_add` fields are set on it, as `save()` does). No signal."""
    return [field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in _insert_fields(type(instance))]


def saved(instance, pk) -> None:
    """Mark `instance` as written with primary key `pk` (the RETURNING value; a key the
    instance already had is kept as it is), as the ORM does after an INSERT."""
    if type(instance)._meta.pk.db_returning:
        instance.pk = pk
    instance._state.adding, instance._state.db = False, connection.alias


def insert(instance) -> None:
    """Write a new `instance` as its row alone (see above: no signal)."""
    saved(instance, rows(insert_sql(type(instance)), insert_values(instance))[0][0])

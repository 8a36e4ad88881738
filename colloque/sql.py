"""Plain SQL for the few statements every registration runs (see `registrations.services`).

Building a query through the ORM costs about 0.5 ms of Python, and an INSERT of a wide row
about 1 ms: several times what the database needs to run it. During a rush a submission is
mostly a handful of statements, so those are sent directly. `insert()` writes a new row
exactly as `Model.save()` would (pre_save and post_save signals, field defaults, `auto_now`,
JSON adaptation); the tests check the rows against the ORM's.
"""

import datetime as dt
import functools

from django.db import connection
from django.db.models.signals import post_save, pre_save
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
    fields = [field for field in model._meta.concrete_fields
              if not (field.primary_key and field.db_returning)]
    unsupported = [field.name for field in fields
                   if field.generated or field.db_returning or field.has_db_default()]
    if model._meta.parents or unsupported:  # save() does more for these: use it
        raise TypeError(f"colloque.sql.insert() cannot write {model.__name__} "
                        f"(inherited table or database-side values: {unsupported})")
    return fields


def insert_sql(model, *, on_conflict: str = "") -> str:
    """INSERT of a new `model` row from `insert_values()`, returning its primary key."""
    fields = _insert_fields(model)
    return (f"INSERT INTO {model._meta.db_table} ({', '.join(f.column for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) {on_conflict} "
            f"RETURNING {model._meta.pk.column}")


def insert_values(instance) -> list:
    """The parameters of `insert_sql()`: what `save()` would write for a new `instance`.

    Sends pre_save first, as `save()` does (a receiver may fill in a field)."""
    model = type(instance)
    pre_save.send(sender=model, instance=instance, raw=False, using=connection.alias,
                  update_fields=None)
    return [field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in _insert_fields(model)]


def saved(instance, pk) -> None:
    """Mark `instance` as written with primary key `pk` (the RETURNING value; a key the
    instance already had is kept as it is) and send post_save, as `save()` does."""
    if type(instance)._meta.pk.db_returning:
        instance.pk = pk
    instance._state.adding, instance._state.db = False, connection.alias
    post_save.send(sender=type(instance), instance=instance, created=True, update_fields=None,
                   raw=False, using=connection.alias)


def insert(instance) -> None:
    """`instance.save()` for a new row, in plain SQL."""
    saved(instance, rows(insert_sql(type(instance)), insert_values(instance))[0][0])

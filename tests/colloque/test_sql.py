"""`colloque.sql.insert()` and the task backend write the same rows as the ORM would."""

import datetime as dt
import uuid

import pytest
from django.db import models
from django.db.models.functions import Upper
from django.forms.models import model_to_dict
from django.tasks import task_backends
from django.test.utils import isolate_apps
from django.utils import timezone
from django_tasks_db import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from colloque import sql
from registrations import tasks
from registrations.models import Registration
from tests.factories import EventFactory, WorkshopFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

UNIQUE = {"id", "reference", "email", "token_hash", "last_name"}  # factory sequences


def stored(model, pk, leave_out=()):
    row = model_to_dict(model.objects.get(pk=pk))
    row.update({f.attname: getattr(model.objects.get(pk=pk), f.attname)
                for f in model._meta.concrete_fields})  # model_to_dict skips editable=False
    return {k: v for k, v in row.items() if k not in UNIQUE and k not in leave_out}


def test_insert_writes_what_save_writes():
    event = EventFactory()
    workshop = WorkshopFactory(event=event)
    now = timezone.now()
    fields = dict(event=event, workshop=workshop, accessibility_needs=["lsf", "loop"],
                  wants_news=True, status=Registration.Status.PENDING, confirmed_at=None,
                  hold_expires_at=now + dt.timedelta(minutes=30), created_at=now,
                  event_waitlist_seq=4)
    by_orm = RegistrationFactory.build(**fields)
    by_orm.save()
    by_sql = RegistrationFactory.build(**fields)
    sql.insert(by_sql)
    assert by_sql.pk and not by_sql._state.adding
    assert by_sql.pk != by_orm.pk
    # updated_at is auto_now: set when each is written
    assert stored(Registration, by_sql.pk, {"updated_at"}) == stored(
        Registration, by_orm.pk, {"updated_at"})
    assert Registration.objects.get(pk=by_sql.pk).updated_at >= now


def test_task_backend_writes_the_library_row(settings):
    settings.TASKS = {
        "ours": {"BACKEND": "colloque.tasks_backend.DatabaseBackend", "QUEUES": ["default"]},
        "library": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    assert isinstance(task_backends["ours"], LibraryBackend)  # db_worker runs its tasks
    ids, later = {}, timezone.now() + dt.timedelta(hours=1)
    for name in ("ours", "library"):
        for run_after in (None, later):
            result = tasks.send_registration_email.using(
                backend=name, priority=10, run_after=run_after,
            ).enqueue(reference="ABCD2345", kind="confirm_request", token="t")
            ids[name, run_after is None] = result.id
    for now in (True, False):
        ours = stored(DBTaskResult, ids["ours", now], {"enqueued_at", "backend_name"})
        theirs = stored(DBTaskResult, ids["library", now], {"enqueued_at", "backend_name"})
        assert ours == theirs
        assert (ours["run_after"] == get_date_max()) is now  # the library's pre_save ran
        assert ours["args_kwargs"] == {"args": [], "kwargs": {
            "reference": "ABCD2345", "kind": "confirm_request", "token": "t"}}


def test_insert_keeps_a_key_chosen_before_the_row_is_written():
    key = uuid.uuid4()
    row = DBTaskResult(id=key, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                       backend_name="default")
    sql.insert(row)
    assert row.pk == key and isinstance(row.pk, uuid.UUID)  # not the database's text form
    assert DBTaskResult.objects.get(pk=key).run_after == get_date_max()


@isolate_apps("registrations")
def test_insert_refuses_what_only_save_knows_how_to_write():
    class Generated(models.Model):
        name = models.CharField(max_length=10)
        upper = models.GeneratedField(expression=Upper("name"),
                                      output_field=models.CharField(max_length=10),
                                      db_persist=True)

        class Meta:
            app_label = "registrations"

        def __str__(self):
            return self.name

    with pytest.raises(TypeError, match="upper"):
        sql.insert(Generated(name="a"))

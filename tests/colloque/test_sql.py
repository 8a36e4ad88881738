"""`colloque.sql.insert()` and the task backend write the same rows as the ORM would, send no
signal, and no receiver is skipped for the models they write."""

import datetime as dt
import uuid

import pytest
from django.db import models
from django.db.models.functions import Upper
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.tasks import task_backends
from django.tasks.signals import task_enqueued
from django.test.utils import isolate_apps
from django.utils import timezone
from django_tasks_db import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.signal_handlers import set_run_after

from colloque import sql
from colloque.tasks_backend import DatabaseBackend
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
    assert by_sql.updated_at == Registration.objects.get(pk=by_sql.pk).updated_at


def test_insert_fills_the_defaults_the_orm_fills():
    """A row given only what the form asks: every default, as the ORM writes it."""
    given = dict(event=EventFactory(), first_name="Inès", last_name="Œuvre",
                 hold_expires_at=timezone.now() + dt.timedelta(minutes=15))
    by_orm = Registration(email="a@example.org", reference="AAAA2345", token_hash="a", **given)
    by_orm.save()
    by_sql = Registration(email="b@example.org", reference="BBBB2345", token_hash="b", **given)
    sql.insert(by_sql)
    assert stored(Registration, by_sql.pk, {"updated_at", "created_at"}) == stored(
        Registration, by_orm.pk, {"updated_at", "created_at"})


def test_insert_sends_no_signal():
    """Not save(): no pre_save or post_save is sent (none was asked for, none is faked)."""
    heard = []

    def listen(sender, **kwargs):
        heard.append(sender)

    pre_save.connect(listen, sender=Registration)
    post_save.connect(listen, sender=Registration)
    try:
        sql.insert(RegistrationFactory.build(event=EventFactory()))
    finally:
        pre_save.disconnect(listen, sender=Registration)
        post_save.disconnect(listen, sender=Registration)
    assert heard == []


def test_no_receiver_listens_to_the_rows_written_in_plain_sql():
    """`colloque.sql` and the task backend send no model signal: a receiver connected to one of
    these models would never run for the rows they write. Whoever adds one must do its work
    where the row is written (as the task backend does for the library's `set_run_after`)."""
    for model in (Registration, DBTaskResult):
        assert not post_save.has_listeners(model), model
    assert not pre_save.has_listeners(Registration)
    assert pre_save.disconnect(set_run_after, sender=DBTaskResult)  # the library's one
    try:
        assert not pre_save.has_listeners(DBTaskResult)
    finally:
        pre_save.connect(set_run_after, sender=DBTaskResult)


def test_task_backend_overrides_no_private_method_of_the_library():
    private = [name for name, value in vars(DatabaseBackend).items()
               if callable(value) and name.startswith("_") and not name.startswith("__")]
    assert private == []
    assert DatabaseBackend.__bases__ == (LibraryBackend,)  # db_worker runs its tasks


def test_task_backend_writes_the_library_row(settings):
    settings.TASKS = {
        "ours": {"BACKEND": "colloque.tasks_backend.DatabaseBackend", "QUEUES": ["default"]},
        "library": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    assert isinstance(task_backends["ours"], LibraryBackend)
    ids, results, later = {}, {}, timezone.now() + dt.timedelta(hours=1)
    for name in ("ours", "library"):
        for run_after in (None, later):
            result = tasks.send_registration_email.using(
                backend=name, priority=10, run_after=run_after,
            ).enqueue(reference="ABCD2345", kind="confirm_request", token="t")
            ids[name, run_after is None] = result.id
            results[name, run_after is None] = result
    for now in (True, False):
        ours = stored(DBTaskResult, ids["ours", now], {"enqueued_at", "backend_name"})
        theirs = stored(DBTaskResult, ids["library", now], {"enqueued_at", "backend_name"})
        assert ours == theirs
        assert (ours["run_after"] == get_date_max()) is now
        assert ours["args_kwargs"] == {"args": [], "kwargs": {
            "reference": "ABCD2345", "kind": "confirm_request", "token": "t"}}
        mine, library = results["ours", now], results["library", now]
        assert type(mine) is type(library)
        assert mine.task.run_after == library.task.run_after == (None if now else later)
        assert (mine.status, mine.args, mine.kwargs, mine.backend) == (
            library.status, library.args, library.kwargs, "ours")
        assert task_backends["ours"].get_result(mine.id).enqueued_at == mine.enqueued_at


def test_task_backend_sends_task_enqueued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    heard = []

    def listen(sender, task_result, **kwargs):
        heard.append((sender, task_result.id))

    task_enqueued.connect(listen)
    try:
        result = tasks.send_registration_email.enqueue(reference="ABCD2345", kind="resend")
    finally:
        task_enqueued.disconnect(listen)
    assert heard == [(DatabaseBackend, result.id)]
    assert DBTaskResult.objects.filter(id=result.id).exists()


def test_task_backend_keeps_the_library_id_function(settings):
    key = uuid.uuid4()
    settings.TASKS = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                                  "QUEUES": ["default"],
                                  "OPTIONS": {"id_function": lambda: key}}}
    result = tasks.send_registration_email.enqueue(reference="ABCD2345", kind="resend")
    assert result.id == str(key)
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


def test_insert_keeps_a_key_chosen_before_the_row_is_written():
    key = uuid.uuid4()
    row = DBTaskResult(id=key, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                       backend_name="default", run_after=get_date_max())
    sql.insert(row)
    assert row.pk == key and isinstance(row.pk, uuid.UUID)  # not the database's text form
    assert not row._state.adding
    assert DBTaskResult.objects.get(pk=key).task_path == "x.y"

"""The task queue: django-tasks-db, its task row written by one plain INSERT, and its worker
made to survive dead processes and database outages.

Every submission queues its confirmation e-mail, a row of the database queue written in the
submission's own transaction. The library writes it with `DBTaskResult.objects.create()`,
about 0.5 ms of Python more than a plain INSERT (`bulk_create()` saves only half of that).
This backend overrides `enqueue()`, the public method every Django task backend implements
(validate the task, write it, send `task_enqueued`, return its result), and writes the same
row with `colloque.sql.insert()`, which sends no model signal: the work of the library's one
receiver (pre_save: a task without `run_after` gets `get_date_max()`, which its worker reads as
« now ») is done here. tests/colloque/test_sql.py compares the rows with the library's and
fails if another receiver is connected.

Nothing public in django-tasks-db writes its row any faster, so this relies on what it does not
document: the columns of `DBTaskResult`, `get_date_max()` and `TaskResult.db_result` (as
`colloque/management/commands/db_worker.py` relies on its worker's methods). pyproject.toml
pins the minor version this was written and tested against: check both files before raising it.

The worker is the library's, with what production needs on top: `manage.py db_worker` runs
`colloque/management/commands/db_worker.py` (a command module, imported once the apps are
ready, which this backend module is not: every `@task()` loads it).
"""

from django.tasks.signals import task_enqueued
from django.utils.json import normalize_json
from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend

from colloque import sql


class DatabaseBackend(LibraryDatabaseBackend):
    def enqueue(self, task, args, kwargs):
        if self.options.get("id_function"):  # the library's documented option: its own path
            return super().enqueue(task, args, kwargs)
        from django_tasks_db.models import DBTaskResult, get_date_max  # apps are ready now

        self.validate_task(task)
        row = DBTaskResult(  # the model's default id (uuid4), as the library's
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=get_date_max() if task.run_after is None else task.run_after,
            backend_name=self.alias,
        )
        sql.insert(row)
        result = row.task_result
        task_enqueued.send(type(self), task_result=result)
        return result

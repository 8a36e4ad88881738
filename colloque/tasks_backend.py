"""The task queue: django-tasks-db, with its task row written in plain SQL, and its worker
made to survive dead processes and database outages.

Every submission queues its confirmation e-mail, a row of the database queue written in the
submission's own transaction. The library writes it with `DBTaskResult.objects.create()`,
about 0.5 ms of Python for a wide row; this backend writes the same row with
`colloque.sql.insert()` (same defaults and signals: the library's pre_save receiver still sets
`run_after`).

The worker is the library's, with what production needs on top: `manage.py db_worker` runs
`colloque/management/commands/db_worker.py` (a command module, imported once the apps are
ready, which this backend module is not: every `@task()` loads it).
"""

from django.utils.json import normalize_json
from django_tasks_db import DatabaseBackend as LibraryDatabaseBackend

from colloque import sql


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult

        row = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        sql.insert(row)
        return row


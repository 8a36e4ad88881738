"""`manage.py db_worker`: django-tasks-db's worker, made to outlive what production does to it.

The Procfile's `worker` line runs it (with --no-reload). Same options as the library's
command (written against django-tasks-db 0.13: it uses the public `Worker.run()` and
`run_task()`, the model's fields, and the command's options).
"""

import contextlib
import datetime as dt
import logging
import os
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from colloque import mail

logger = logging.getLogger("django_tasks_db")


class Worker(library.Worker):
    """The library's worker, made to outlive what production does to it (`db_worker`).

    - A database error (PostgreSQL restarting, a failover) never ends the process: the worker
      closes its connection, waits (1 s, doubled up to 30 s) and carries on. Under honcho or a
      PaaS, a worker that exits stops the site or waits for a human.
    - A task left RUNNING by a worker that died (kill -9, a machine lost) goes back to the
      queue after TASK_RUNNING_TIMEOUT seconds, keeping its priority; after MAX_CLAIMS runs it
      is marked failed instead (a task that kills its worker must not kill every worker).
    - A task that failed on a database error is queued again rather than recorded as failed.
    - Each task runs inside `colloque.mail.running_task()`, which makes delivery idempotent:
      messages already sent by an earlier run of the task are not sent again.

    It drains the queue with the library's loop in batch mode, then looks for abandoned
    tasks, sleeps for `--interval` and drains again.
    """

    MAX_CLAIMS = 5

    def run(self) -> None:
        once, self.batch = self.batch, True
        pause = 1.0
        while self.running:
            try:
                self.requeue_abandoned()
                super().run()
                pause = 1.0
            except DatabaseError as exc:
                logger.error("Database unavailable (%s): worker waits %.0f s", exc, pause)
                self._forget_connections()
                time.sleep(pause)
                pause = min(pause * 2, 30.0)
                continue
            finally:
                self.startup_delay = False
            if once or (self.max_tasks is not None and self.tasks_run >= self.max_tasks):
                return
            time.sleep(self.interval)

    tasks_run = 0

    def run_task(self, db_task_result: DBTaskResult) -> None:
        marker = db_task_result.return_value
        sent = marker.get("sent", []) if isinstance(marker, dict) else []
        with mail.running_task(task_id=db_task_result.id, priority=db_task_result.priority,
                               sent=sent) as running:
            super().run_task(db_task_result)
            self.tasks_run += 1
            if (db_task_result.status == TaskResultStatus.FAILED
                    and db_task_result.exception_class_path in DATABASE_ERRORS):
                self.requeue(db_task_result, sent=running["sent"])

    def requeue(self, db_task_result: DBTaskResult, *, sent: list[str]) -> None:
        """Back to the queue in a minute, with the messages it already sent marked."""
        logger.warning("Task %s failed on a database error: queued again", db_task_result.id)
        mail._record(lambda: DBTaskResult.objects.filter(id=db_task_result.id).update(
            status=TaskResultStatus.READY, finished_at=None, traceback="",
            exception_class_path="", return_value={"sent": sent},
            run_after=timezone.now() + dt.timedelta(seconds=5)))

    def requeue_abandoned(self) -> None:
        cutoff = timezone.now() - dt.timedelta(seconds=settings.TASK_RUNNING_TIMEOUT)
        with transaction.atomic():
            abandoned = (DBTaskResult.objects.running()
                         .filter(backend_name=self.backend_name, started_at__lt=cutoff)
                         .select_for_update(skip_locked=True))
            for row in abandoned:
                if len(row.worker_ids) >= self.MAX_CLAIMS:
                    logger.error("Task %s abandoned by %s workers: marked failed",
                                 row.id, len(row.worker_ids))
                    row.set_failed(RuntimeError("abandoned by every worker that ran it"))
                    continue
                logger.warning("Task %s abandoned by worker %s: queued again",
                               row.id, row.worker_ids[-1] if row.worker_ids else "?")
                DBTaskResult.objects.filter(id=row.id).update(status=TaskResultStatus.READY)

    @staticmethod
    def _forget_connections() -> None:
        for conn in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):
                conn.close()


DATABASE_ERRORS = {
    f"{cls.__module__}.{cls.__qualname__}"
    for cls in (OperationalError, InterfaceError, DatabaseError)
}


class _OnlyOnce(logging.Filter):
    """The library's loop says « Starting worker » and « No more tasks » each time it drains
    the queue, i.e. every --interval here: say it once."""

    def __init__(self):
        super().__init__()
        self.seen = set()

    def filter(self, record):
        message = str(record.msg)
        if message.startswith(("Starting worker", "No more tasks to run")):
            if message[:12] in self.seen:
                return False
            self.seen.add(message[:12])
        return True


class Command(library.Command):
    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        logger.addFilter(_OnlyOnce())

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, **options) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

"""`hopnhat worker`: django-tasks-db's worker plus heartbeats and recovery of orphaned jobs."""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from hopnhat.apps.jobs.actions import beat, reap_orphaned_jobs, register_worker, unregister_worker

logger = logging.getLogger("hopnhat.worker")


def _reap() -> None:
    for job in reap_orphaned_jobs():
        logger.warning("Recovered job %s from a dead worker", job.pk)


class HeartbeatThread(threading.Thread):
    """Writes this worker's heartbeat (and that of the job it runs) and recovers orphaned jobs.

    A thread, so that it keeps beating while the main thread is busy inside a long job.
    """

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="hopnhat-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    beat(self.worker_id)
                    # Every live worker also recovers the jobs of workers that died elsewhere.
                    _reap()
                except Exception:
                    logger.exception("Heartbeat failed")
                    # Drop a broken connection so that the next beat opens a fresh one.
                    connection.close()
        finally:
            # This thread's own connection: Django does not close it for us.
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=max(5.0, settings.WORKER_HEARTBEAT_SECONDS))


class HeartbeatWorker(Worker):
    def run(self) -> None:
        register_worker(self.worker_id)
        try:
            _reap()
        except Exception:
            # Not fatal: the heartbeat thread tries again.
            logger.exception("Recovering orphaned jobs failed")
        heartbeat = HeartbeatThread(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            # Stop beating before unregistering, or a late beat would register us again.
            heartbeat.stop()
            try:
                unregister_worker(self.worker_id)
                # A job interrupted by a forced stop is now an orphan: recover it right away.
                _reap()
            except Exception:
                logger.exception("Unregistering worker %s failed", self.worker_id)


class Command(DbWorkerCommand):
    help = "Run a background job worker (heartbeats, recovery of jobs whose worker died)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # db_worker reloads on code changes when DEBUG is on; a reload kills the running job,
        # so `hopnhat worker` only reloads when asked to with --reload.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        import django_tasks_db.management.commands.db_worker as db_worker

        # The parent command builds `Worker(...)` by name; swap in ours for this call only.
        original = db_worker.Worker
        db_worker.Worker = HeartbeatWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]

"""`hopnhat worker`: django-tasks-db's worker plus heartbeats and recovery of orphaned jobs."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from hopnhat.apps.jobs.actions import beat, reap_orphaned_jobs, register_worker, unregister_worker

logger = logging.getLogger("hopnhat.worker")


class HeartbeatThread(threading.Thread):
    def __init__(self, worker_id: str) -> None:
        super().__init__(name="hopnhat-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                close_old_connections()
                beat(self.worker_id)
                # Every live worker also recovers the jobs of workers that died elsewhere.
                for job in reap_orphaned_jobs():
                    logger.warning("Recovered job %s from a dead worker", job.pk)
            except Exception:
                logger.exception("Heartbeat failed")
        connection.close()


class HeartbeatWorker(Worker):
    def run(self) -> None:
        register_worker(self.worker_id)
        for job in reap_orphaned_jobs():
            logger.warning("Recovered job %s from a dead worker", job.pk)
        heartbeat = HeartbeatThread(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stopped.set()
            unregister_worker(self.worker_id)


class Command(DbWorkerCommand):
    help = "Run a background job worker (heartbeats, recovery of jobs whose worker died)."

    def handle(self, *args: Any, **options: Any) -> None:
        import django_tasks_db.management.commands.db_worker as db_worker

        # The parent command builds `Worker(...)` by name; swap in ours for this process.
        db_worker.Worker = HeartbeatWorker  # type: ignore[misc]
        options.setdefault("reload", False)
        super().handle(*args, **options)

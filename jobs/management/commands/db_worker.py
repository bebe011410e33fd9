"""manage.py db_worker: django_tasks_db's worker, which also looks after the jobs.

When it starts, and every JOB_SWEEP_INTERVAL seconds while it runs (in a thread of its own),
it fails the jobs whose worker died (jobs/liveness.py) so that none stays "running" forever,
and every JOB_PRUNE_INTERVAL hours it prunes old finished work (jobs/pruning.py). This command
replaces the library's own of the same name: the jobs app is listed before django_tasks_db in
INSTALLED_APPS, and the earlier app's command wins.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from jobs import liveness, pruning

logger = logging.getLogger("jobs.worker")


def look_after_jobs(*, prune: bool) -> None:
    """One round: fail the dead jobs, and prune when asked. Never raises (logs)."""
    try:
        failed = liveness.sweep()
        if failed:
            logger.warning("%s job(s) had lost their worker and were marked failed.", failed)
        if prune:
            pruning.prune_all()
    except Exception:
        logger.exception("Looking after the jobs failed; trying again later.")
    finally:
        connections.close_all()


class Caretaker(threading.Thread):
    def __init__(self, sweep_every: float, prune_every: float):
        super().__init__(daemon=True, name="jobs-caretaker")
        self.sweep_every = sweep_every
        self.prune_every = prune_every
        self.last_prune = time.monotonic()

    def run(self):
        while True:
            time.sleep(self.sweep_every)
            due = self.prune_every > 0 and time.monotonic() - self.last_prune >= self.prune_every
            if due:
                self.last_prune = time.monotonic()
            look_after_jobs(prune=due)


class Command(db_worker.Command):
    help = db_worker.Command.help + " (and fail jobs whose worker died, and prune old work)"

    def handle(self, *args, **options):
        # With --reload, the parent only watches the files; its child runs the tasks.
        reloading = options.get("reload") and not options.get("batch")
        if not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            sweep_every = float(getattr(settings, "JOB_SWEEP_INTERVAL", 60))
            prune_every = float(getattr(settings, "JOB_PRUNE_INTERVAL", 24)) * 3600
            look_after_jobs(prune=prune_every > 0)
            if sweep_every > 0:
                Caretaker(sweep_every, prune_every).start()
        return super().handle(*args, **options)

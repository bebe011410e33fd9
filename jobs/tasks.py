"""The task that runs a job's handler, with its status, progress, result or failure."""

import json
import logging
import threading
import time
import traceback
from contextlib import nullcontext

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from core import clock

from . import liveness
from .errors import JobFailed
from .models import Job
from .registry import get_handler

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), and always at the start and the end.
PROGRESS_INTERVAL = 0.5


def unexpected_failure_message() -> str:
    return gettext("The work failed unexpectedly; try again or contact support.")


class Heartbeat(threading.Thread):
    """Writes a running job's heartbeat, and its latest progress, on a database connection of
    its own: every JOB_HEARTBEAT_INTERVAL seconds, and soon after each progress report.

    Its own connection, committing at once, so that the progress and the sign of life are seen
    while the handler's transaction is still open (an all-or-nothing import), and never wait on
    the row locks that transaction holds. On SQLite a write waits while the handler writes (one
    writer at a time); a beat that cannot be written is tried again at the next."""

    def __init__(self, job_id: int, interval: float):
        super().__init__(daemon=True, name=f"job-heartbeat-{job_id}")
        self.job_id = job_id
        self.interval = max(0.05, interval)
        self._lock = threading.Lock()
        self._progress = None
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def report(self, done: int, total: int | None) -> None:
        with self._lock:
            self._progress = (done, total)
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout=max(5.0, self.interval))

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                self._beat()
        finally:
            connections.close_all()  # this thread's connections only

    def _beat(self) -> None:
        with self._lock:
            progress, self._progress = self._progress, None
        fields = {"heartbeat_at": clock.real_now()}
        if progress is not None:
            fields["done"], fields["total"] = progress
        try:
            Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**fields)
        except DatabaseError:
            logger.info("Job %s: heartbeat not written (database busy); next time.", self.job_id)
            with self._lock:
                if self._progress is None:
                    self._progress = progress
            connections.close_all()


class Progress:
    """progress(done, total): cheap to call for every row; written at most every
    PROGRESS_INTERVAL seconds, when the total changes and when the work is complete — through
    the job's heartbeat (its own connection) in the worker, directly inside a transaction."""

    def __init__(self, job: Job, heartbeat: Heartbeat | None = None):
        self.job = job
        self.heartbeat = heartbeat
        self.last_write = None

    def __call__(self, done: int, total: int | None = None) -> None:
        done = max(0, int(done))
        total = None if total is None else max(0, int(total))
        if total is not None:
            done = min(done, total)
        now = time.monotonic()
        due = (
            self.last_write is None
            or total != self.job.total
            or (total is not None and done >= total)
            or now - self.last_write >= PROGRESS_INTERVAL
        )
        self.job.done, self.job.total = done, total
        if due:
            if self.heartbeat is not None:
                self.heartbeat.report(done, total)
            else:
                Job.objects.filter(pk=self.job.pk).update(
                    done=done, total=total, heartbeat_at=clock.real_now()
                )
            self.last_write = now


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _log_unexpected(job: Job, error: BaseException) -> None:
    # The frames and the exception's class only: its message may quote the data it choked on.
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error(
        "Job %s (%s, attempt %s) failed unexpectedly with %s:\n%s",
        job.pk,
        job.kind,
        job.attempts,
        type(error).__qualname__,
        frames,
    )


def execute_job(job_id: int) -> str:
    """Run one queued job to its end. A job that is not queued (already running or finished:
    a task delivered twice) is left alone. Returns the job's final status."""
    started = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=clock.now(),
        finished_at=None,
        heartbeat_at=clock.real_now(),
        worker=liveness.this_worker(),
        attempts=F("attempts") + 1,
        done=0,
        message="",
        result=None,
    )
    if not started:
        return "skipped"
    job = Job.objects.select_related("created_by", "project").get(pk=job_id)
    handler = get_handler(job.kind)
    language = getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE
    fields = {}
    # In the worker (no transaction around the task) a heartbeat thread shows the job lives;
    # inside a transaction (tests, the immediate backend) another connection could not see it.
    heartbeat = None
    if not connection.in_atomic_block and liveness.heartbeat_interval() > 0:
        heartbeat = Heartbeat(job_id, liveness.heartbeat_interval())
        heartbeat.start()
    try:
        with translation.override(language):
            try:
                if handler is None:
                    raise LookupError(f"No handler for the job kind {job.kind!r}")
                # Inside a surrounding transaction (tests, the immediate backend) a savepoint
                # keeps a failed job from breaking it; in the worker the handler manages its own.
                guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
                with guard:
                    result = handler.function(job, Progress(job, heartbeat))
                fields = {"status": Job.Status.SUCCEEDED, "result": _json(result)}
                if job.total is not None:
                    fields["done"] = job.total
            except JobFailed as failure:
                fields = {"status": Job.Status.FAILED, "message": failure.message}
            except Exception as error:
                _log_unexpected(job, error)
                fields = {"status": Job.Status.FAILED, "message": unexpected_failure_message()}
            except BaseException:
                # The worker is being stopped (a second Ctrl-C or SIGTERM): say so, then stop.
                fields = {"status": Job.Status.FAILED, "message": liveness.worker_stopped_message()}
                raise
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        if fields:
            # Not over a new attempt: a job failed as dead (a false alarm) and already retried
            # belongs to that attempt; one failed as dead and not retried gets its real end.
            Job.objects.filter(
                pk=job_id,
                status__in=[Job.Status.RUNNING, Job.Status.FAILED],
                worker=liveness.this_worker(),
            ).update(finished_at=clock.now(), **fields)
    return fields["status"]


@task()
def run_job(job_id: int) -> str:
    return execute_job(job_id)

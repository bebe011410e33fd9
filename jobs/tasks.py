"""The task that runs a job's handler, with its status, progress, result or failure."""

import json
import logging
import time
import traceback
from contextlib import nullcontext

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from core import clock

from .errors import JobFailed
from .models import Job
from .registry import get_handler

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), and always at the start and the end.
PROGRESS_INTERVAL = 0.5


def unexpected_failure_message() -> str:
    return gettext("The work failed unexpectedly; try again or contact support.")


class Progress:
    """progress(done, total): cheap to call for every row; writes to the database at most
    every PROGRESS_INTERVAL seconds, when the total changes and when the work is complete."""

    def __init__(self, job: Job):
        self.job = job
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
            Job.objects.filter(pk=self.job.pk).update(done=done, total=total)
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
    with translation.override(language):
        try:
            if handler is None:
                raise LookupError(f"No handler for the job kind {job.kind!r}")
            # Inside a surrounding transaction (tests, the immediate backend) a savepoint keeps
            # a failed job from breaking it; in the worker the handler manages its own.
            guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
            with guard:
                result = handler.function(job, Progress(job))
            fields = {"status": Job.Status.SUCCEEDED, "result": _json(result)}
            if job.total is not None:
                fields["done"] = job.total
        except JobFailed as failure:
            fields = {"status": Job.Status.FAILED, "message": failure.message}
        except Exception as error:
            _log_unexpected(job, error)
            fields = {"status": Job.Status.FAILED, "message": unexpected_failure_message()}
    Job.objects.filter(pk=job_id).update(finished_at=clock.now(), **fields)
    return fields["status"]


@task()
def run_job(job_id: int) -> str:
    return execute_job(job_id)

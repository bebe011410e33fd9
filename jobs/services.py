"""Starting and retrying jobs. The work itself runs in a task (jobs/tasks.py), in the worker."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from core import clock
from core.audit import log_action

from .errors import JobFailed
from .models import Job
from .registry import get_handler

logger = logging.getLogger(__name__)


def _enqueue(job_id: int) -> None:
    from .tasks import run_job

    try:
        run_job.enqueue(job_id)
    except Exception:
        # A queue that cannot take the task must not leave the job waiting forever.
        logger.exception("Could not enqueue job %s", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED,
            message=gettext("The work could not be started; try again or contact support."),
            finished_at=clock.now(),
        )


def _enqueue_on_commit(job_id: int) -> None:
    """The task may only see the job once it is committed. Tests set JOBS_ENQUEUE_ON_COMMIT
    off: their transaction never commits, and the immediate backend runs the job at once."""
    if getattr(settings, "JOBS_ENQUEUE_ON_COMMIT", True):
        transaction.on_commit(lambda: _enqueue(job_id))
    else:
        _enqueue(job_id)


def start_job(*, kind: str, title: str, by, project=None, payload: dict | None = None) -> Job:
    """Create a job (status queued) and enqueue the task that runs its handler when the
    current transaction commits. `payload` is JSON the handler reads as `job.payload`; it is
    never logged. Returns the job: send the user to reverse("jobs:detail", job_id=job.pk)."""
    if get_handler(kind) is None:
        raise ValueError(f"No job handler is registered for the kind {kind!r}.")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=str(title)[:250],
            project=project,
            created_by=by,
            payload=payload or {},
        )
        log_action(by=by, action="create", obj=job, project=project, reason=kind)
        _enqueue_on_commit(job.pk)
    return job


def retry_job(*, job: Job, by) -> bool:
    """Run a failed job again from the start, with its payload (its attempt count goes up when
    it starts). Returns False and changes nothing when the job is not failed (a double click,
    or someone retried already). The kind's `before_retry(job)` (jobs.registry) runs first, in
    the same transaction; it refuses with JobFailed (raised on to the caller)."""
    handler = get_handler(job.kind)
    if handler is not None and not handler.retryable:
        raise JobFailed(gettext("This work cannot be tried again; start it anew."))
    with transaction.atomic():
        if handler is not None and handler.before_retry is not None:
            current = Job.objects.select_for_update().filter(pk=job.pk).first()
            if current is None or current.status != Job.Status.FAILED:
                return False
            handler.before_retry(current)
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED,
            done=0,
            total=None,
            message="",
            result=None,
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
            worker="",
        )
        if not updated:
            return False
        log_action(by=by, action="change", obj=job, project=job.project, reason="retry")
        _enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return True

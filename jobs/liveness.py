"""Jobs whose worker died: found and failed, so that no job stays "running" forever.

A running job shows that its worker lives by its heartbeat (Job.heartbeat_at, real time),
written at every progress write and at least every JOB_HEARTBEAT_INTERVAL seconds. A job whose
heartbeat is older than JOB_HEARTBEAT_TIMEOUT, or whose worker process on this host is gone, is
marked failed with a reason the user reads, and its task queue row (django_tasks_db) too; the
job's creator may then try it again (jobs.services.retry_job).

Who looks: the worker when it starts and every JOB_SWEEP_INTERVAL seconds (jobs'
`db_worker` command), and the job pages when someone looks at a running job.
"""

import datetime as dt
import logging
import os
import socket

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from core import clock

from .models import Job

logger = logging.getLogger(__name__)

TASK_PATH = "jobs.tasks.run_job"


def heartbeat_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "JOB_HEARTBEAT_TIMEOUT", 300)))


def heartbeat_interval() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_INTERVAL", 30))


def this_worker() -> str:
    """How a job names the process that runs it: "host pid"."""
    return f"{socket.gethostname()} {os.getpid()}"


def worker_stopped_message() -> str:
    return gettext(
        "The worker stopped while this job was running, so the work did not finish. "
        "Try again; if it stops again, contact support."
    )


def _stale() -> Q:
    limit = clock.real_now() - heartbeat_timeout()
    return Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True)


def is_dead(job: Job) -> bool:
    """A running job whose heartbeat is too old (no query: the job's own fields)."""
    if job.status != Job.Status.RUNNING:
        return False
    return job.heartbeat_at is None or job.heartbeat_at < clock.real_now() - heartbeat_timeout()


def _process_gone(worker: str) -> bool:
    """True only when the worker ran on this host and its process no longer exists."""
    host, _, pid = worker.rpartition(" ")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def fail_dead(job_ids) -> int:
    """Mark these jobs failed, if they are still running, with the worker-stopped reason (in the
    language of the user who started each), and their task rows failed. Returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    failed = 0
    jobs = Job.objects.filter(pk__in=list(job_ids), status=Job.Status.RUNNING).select_related(
        "created_by"
    )
    for job in jobs:
        language = getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            message = worker_stopped_message()
        with transaction.atomic():
            marked = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, message=message, finished_at=clock.now()
            )
            if not marked:
                continue
            DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING, task_path=TASK_PATH, args_kwargs__args__0=job.pk
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=clock.real_now(),
                exception_class_path="jobs.liveness.WorkerStopped",
                traceback="The worker stopped while the task was running.",
            )
        failed += 1
        logger.warning("Job %s (%s): its worker stopped; marked failed.", job.pk, job.kind)
    return failed


# Other tasks (reminder e-mails, goal snapshots) have no heartbeat; each takes minutes at most,
# so a row of theirs still "running" after this long had its worker die under it.
OTHER_TASK_LIMIT = dt.timedelta(hours=24)


def fail_stale_task_rows() -> int:
    """Mark failed the task queue's rows of other tasks than jobs that have been running
    longer than OTHER_TASK_LIMIT (their worker died). Returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            started_at__lt=clock.real_now() - OTHER_TASK_LIMIT,
        )
        .exclude(task_path=TASK_PATH)
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=clock.real_now(),
            exception_class_path="jobs.liveness.WorkerStopped",
            traceback="The worker stopped while the task was running.",
        )
    )


def sweep(*, this_host: bool = True) -> int:
    """Fail every running job that has lost its worker. `this_host`: also those whose worker
    process on this host is gone (the worker does this; a web server need not)."""
    dead = set(
        Job.objects.filter(Q(status=Job.Status.RUNNING) & _stale()).values_list("pk", flat=True)
    )
    if this_host:
        for pk, worker in (
            Job.objects.filter(status=Job.Status.RUNNING)
            .exclude(pk__in=dead)
            .values_list("pk", "worker")
        ):
            if worker and _process_gone(worker):
                dead.add(pk)
    if this_host:
        fail_stale_task_rows()
    return fail_dead(dead) if dead else 0


def check(job: Job) -> Job:
    """For a page showing `job`: a running job without heartbeat is failed now (one cheap
    comparison; a write only when it is dead). Returns the job as it is now."""
    if not is_dead(job):
        return job
    try:
        fail_dead([job.pk])
    except DatabaseError:
        # SQLite: another write (the job's own, still going) holds the lock; look next time.
        logger.info("Job %s looks dead but could not be marked now.", job.pk)
        return job
    job.refresh_from_db()
    return job


def check_many(jobs) -> None:
    """For a list of jobs: fail the dead ones among them (each refreshed in place)."""
    for job in jobs:
        if is_dead(job):
            fresh = check(job)
            job.status, job.message, job.finished_at = (
                fresh.status,
                fresh.message,
                fresh.finished_at,
            )

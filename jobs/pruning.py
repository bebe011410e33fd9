"""Old background work removed on schedule: finished jobs and the task queue's finished rows
after JOB_RETENTION_DAYS days, and whatever other apps register (jobs.registry.pruner), by
`manage.py prune` and by the worker once every JOB_PRUNE_INTERVAL hours."""

import datetime as dt
import logging

from django.conf import settings

from core import clock

from .models import Job
from .registry import pruner, registered_pruners

logger = logging.getLogger(__name__)

BATCH = 1000


def retention() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "JOB_RETENTION_DAYS", 30)))


def _delete_in_batches(queryset) -> int:
    """Delete in batches of BATCH rows, each its own statement (and transaction)."""
    removed = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return removed
        removed += queryset.model.objects.filter(pk__in=ids).delete()[0]


@pruner("jobs")
def prune_jobs() -> int:
    """Finished jobs whose end is older than the retention (on the product's clock, like the
    job's own times); a queued or running job is never removed."""
    cutoff = clock.now() - retention()
    old = Job.objects.filter(
        status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED], finished_at__lt=cutoff
    ).order_by()
    return _delete_in_batches(old)


@pruner("task results")
def prune_task_results() -> int:
    """django_tasks_db's finished rows older than the retention (its times are real time)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = clock.real_now() - retention()
    return _delete_in_batches(DBTaskResult.objects.finished().filter(finished_at__lt=cutoff))


def prune_all() -> dict[str, int]:
    """Run every registered pruner; one that fails is logged and the others still run."""
    counts = {}
    for name, function in registered_pruners().items():
        try:
            counts[name] = int(function() or 0)
        except Exception:
            logger.exception("Pruning %s failed", name)
            counts[name] = -1
    return counts

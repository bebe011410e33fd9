"""The pages of background work: one job with its progress, and the user's recent jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import liveness, services
from .errors import JobFailed
from .models import Job
from .registry import get_handler

RECENT_JOBS = 50
# htmx stops polling when a poll is answered with this status (and still swaps the content).
HTMX_STOP_POLLING = 286


def _visible_job(request, job_id: int) -> Job:
    """The job if the user may see it, else 404 (its existence is not revealed); a running
    job whose worker died is failed now (jobs/liveness.py)."""
    job = get_object_or_404(
        Job.objects.visible_to(request.user).select_related("project", "created_by"), pk=job_id
    )
    return liveness.check(job)


def can_retry(job: Job, user) -> bool:
    """Only the user who started the work may start it again, and only when it failed."""
    handler = get_handler(job.kind)
    return (
        job.status == Job.Status.FAILED
        and job.created_by_id == user.pk
        and (handler is None or handler.retryable)
    )


def _result_items(result) -> list[tuple[str, str]]:
    if isinstance(result, dict):
        items = []
        for key, value in result.items():
            if isinstance(value, list | tuple):
                value = ", ".join(str(v) for v in value)
            items.append((str(key).replace("_", " ").capitalize(), value))
        return items
    if result in (None, "", [], {}):
        return []
    return [(_("Result"), result)]


def _context(request, job: Job) -> dict:
    handler = get_handler(job.kind)
    return {
        "job": job,
        "result_template": handler.result_template if handler else None,
        "result_items": _result_items(job.result),
        "can_retry": can_retry(job, request.user),
        "retry_is_for_creator": job.status == Job.Status.FAILED
        and job.created_by_id != request.user.pk,
    }


@login_required
@require_GET
def detail(request, job_id):
    job = _visible_job(request, job_id)
    context = _context(request, job)
    if request.htmx:
        context["announce"] = job.is_finished
        response = render(request, "jobs/_status.html", context)
        if job.is_finished:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "jobs/detail.html", context)


@login_required
@require_POST
def retry(request, job_id):
    job = _visible_job(request, job_id)
    if job.status == Job.Status.FAILED and not can_retry(job, request.user):
        messages.error(request, _("Only the person who started the work can try it again."))
        return redirect("jobs:detail", job_id=job.pk)
    try:
        retried = services.retry_job(job=job, by=request.user)
    except JobFailed as refusal:
        messages.error(request, refusal.message)
        return redirect("jobs:detail", job_id=job.pk)
    if retried:
        messages.success(request, _("The work will run again."))
    else:
        messages.info(request, _("The work is not failed, so there is nothing to retry."))
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_GET
def job_list(request):
    jobs = list(Job.objects.filter(created_by=request.user).select_related("project")[:RECENT_JOBS])
    liveness.check_many(jobs)
    return render(request, "jobs/list.html", {"jobs": jobs, "limit": RECENT_JOBS})

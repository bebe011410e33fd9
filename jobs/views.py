"""The pages of background work: one job with its progress, and the user's recent jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import services
from .models import Job
from .registry import get_handler

RECENT_JOBS = 50
# htmx stops polling when a poll is answered with this status (and still swaps the content).
HTMX_STOP_POLLING = 286


def _visible_job(request, job_id: int) -> Job:
    """The job if the user may see it, else 404 (its existence is not revealed)."""
    return get_object_or_404(
        Job.objects.visible_to(request.user).select_related("project", "created_by"), pk=job_id
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
        "can_retry": job.status == Job.Status.FAILED,
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
    if services.retry_job(job=job, by=request.user):
        messages.success(request, _("The work will run again."))
    else:
        messages.info(request, _("The work is not failed, so there is nothing to retry."))
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_GET
def job_list(request):
    jobs = Job.objects.filter(created_by=request.user).select_related("project")[:RECENT_JOBS]
    return render(request, "jobs/list.html", {"jobs": jobs, "limit": RECENT_JOBS})

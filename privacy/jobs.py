"""The background work of a large register extract: the PDF is made in the worker, kept
encrypted (privacy.ExtractFile) for the user who asked, and linked from the job's page."""

from django.utils.translation import gettext as _

from core import crypto
from core.audit import log_action
from core.models import Purpose
from jobs.errors import JobFailed
from jobs.registry import job_handler, pruner
from participants.models import Participant

from . import extract as extracts
from .models import ExtractFile


@job_handler("privacy.register_extract", result_template="privacy/_job_result.html")
def make_register_extract(job, progress):
    """payload: {"participant": id, "language": "sv" | "en"}. The scope is the job's user's
    (their memberships now, as in the web request). Returns the extract file's id."""
    from .views import extract_expiry

    payload = job.payload or {}
    participant = Participant.objects.filter(pk=payload.get("participant")).first()
    if participant is None or job.project_id is None:
        raise JobFailed(_("The person is no longer registered."))
    scope = extracts.extract_scope(participant=participant, user=job.created_by)
    if job.project_id not in scope.project_ids:
        raise JobFailed(_("You may no longer make register extracts in this project."))
    progress(0, 2)
    collected = extracts.collect(scope)
    progress(1, 2)
    content = extracts.pdf_bytes(
        collected, by=job.created_by, language=payload.get("language") or "sv"
    )
    ExtractFile.objects.filter(job=job).delete()  # a retried job makes one file
    made = ExtractFile.objects.create(
        project_id=job.project_id,
        participant_id=participant.pk,
        job=job,
        created_by=job.created_by,
        content=crypto.encrypt_bytes(content),
        expires_at=extract_expiry(),
    )
    log_action(
        by=job.created_by,
        action="export",
        obj=participant,
        project=job.project,
        reason="register extract (pdf)",
        purpose=Purpose.REQUESTED,  # an extract is made at the person's request
    )
    progress(2, 2)
    return {"extract": str(made.pk), "rows": collected.size}


@pruner("register extracts")
def prune_register_extracts() -> int:
    """Register extracts made in the background, once expired (manage.py prune)."""
    from .services import prune_extract_files

    return prune_extract_files()

"""The import's background work: the check (dry run) and the write of a large file.

The handler is safe to run again (the jobs app retries a job whose worker died): an import is
written in one transaction or not at all, so a retry starts over; an import already written
returns its result; and the upload's conditional claim lets only one run at a time."""

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from jobs.errors import JobFailed
from jobs.registry import job_handler, pruner

from . import services
from .models import Upload


@job_handler("imports.spreadsheet", result_template="imports/_job_result.html")
def run_spreadsheet_import(job, progress):
    """payload: {"upload": uuid, "action": "check" | "import", "only_valid": bool,
    "language": "sv" | "en"}. Returns the counts, and the upload's id for the result link."""
    payload = job.payload or {}
    with translation.override(payload.get("language") or "sv"):
        upload = (
            Upload.objects.select_related("project", "created_by")
            .filter(pk=payload.get("upload"), project_id=job.project_id)
            .first()
        )
        if upload is None:
            raise JobFailed(
                _(
                    "The uploaded file is no longer kept (files are kept for a day): "
                    "upload it again."
                )
            )
        if payload.get("action") == "import":
            if upload.state == Upload.State.IMPORTED:
                # A retry after the import was written (the worker died before the job was
                # marked done): the import is done, once.
                return {**(upload.result or {}), "upload": str(upload.pk), "action": "import"}
            by = get_user_model().objects.filter(pk=job.created_by_id).first()
            try:
                # Starts over after a crash or a dead worker: nothing of an unfinished import
                # was written (one transaction), and the claim lets only one run at a time.
                result = services.import_upload(
                    upload, by=by, only_valid=bool(payload.get("only_valid")), progress=progress
                )
            except services.ImportRefused as error:
                raise JobFailed(str(error)) from None
            return {**result, "upload": str(upload.pk), "action": "import"}
        if not upload.has_content:
            raise JobFailed(services.gone_message())
        report = services.validate_upload(upload, progress=progress)
        if report.get("refused"):
            raise JobFailed(report["refused"])
        return {**report["counts"], "upload": str(upload.pk), "action": "check"}


@pruner("uploads")
def prune_uploads():
    """Run by `manage.py prune` and the worker's schedule: empty the files of uploads nobody
    imported within two hours (a check, a failed import, a dead worker nobody retried) and
    delete uploads older than a day."""
    return services.prune_uploads()

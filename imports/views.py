"""Pages of the spreadsheet import: upload, preview (the dry run's report), result, template.

The uploaded file stays on the server (imports.models.Upload, encrypted) and is named in URLs
only by its random id; only the user who uploaded it sees it. A file is measured before anything
parses it (imports.reader.measure): above IMPORT_BACKGROUND_ROWS rows, or with more unpacked
text than such a file has, it is checked and written in the background (the jobs app), with a
progress page — never parsed in the request.
"""

import csv
import io

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.audit import log_action
from core.decorators import project_view
from core.spreadsheet import safe_row

from . import columns as cols
from . import services
from .forms import UploadForm
from .models import Upload
from .reader import FileRefused

CAPABILITY = "project.change"


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, without reading the rest."""

    def __init__(self, request=None, limit=0):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.import_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def job_title(upload, action: str, project) -> str:
    """What the job is, without the file's name (it may name people): rows and project."""
    rows = upload.row_count or 0
    values = {"rows": f"{rows:,}".replace(",", "\u00a0"), "project": project.title}
    if action == "check":
        return (
            ngettext(
                "Check of %(rows)s row for %(project)s",
                "Check of %(rows)s rows for %(project)s",
                rows,
            )
            % values
        )
    return (
        ngettext(
            "Import of %(rows)s row into %(project)s",
            "Import of %(rows)s rows into %(project)s",
            rows,
        )
        % values
    )


def _start_job(request, upload, *, action, only_valid=False):
    """Start the background job. An import's upload is already claimed (importing)."""
    from jobs.services import start_job

    title = job_title(upload, action, request.project)
    if action == "check":
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.VALIDATING)
    job = start_job(
        kind="imports.spreadsheet",
        title=title,
        project=request.project,
        by=request.user,
        payload={
            "upload": str(upload.pk),
            "action": action,
            "only_valid": only_valid,
            "language": translation.get_language() or "sv",
        },
    )
    # Only the job's id: the job may already have run (and set the state) in tests.
    Upload.objects.filter(pk=upload.pk).update(job_id=str(job.pk))
    return redirect("jobs:detail", job_id=job.pk)


def _uploads(request):
    return Upload.objects.filter(project=request.project, created_by=request.user)


def _get_upload(request, upload_id) -> Upload:
    upload = _uploads(request).filter(pk=upload_id).first()
    if upload is None:
        raise Http404
    return upload


@csrf_exempt
@project_view(CAPABILITY)
def index(request):
    """The upload form. The size is checked before the body is read: a too large file is
    refused from its Content-Length, and a body without one is cut off at the limit."""
    if request.method != "POST":
        services.purge_expired()
        return _index_page(request, UploadForm())
    limit = services.max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + 64 * 1024:
        return _too_large(request)
    request.upload_handlers.insert(0, LimitedUploadHandler(request, limit + 64 * 1024))
    return csrf_protect(_receive)(request)


def _too_large(request):
    form = UploadForm()
    form.errors["file"] = form.error_class([services.too_large_message()])
    return _index_page(request, form, status=413)


def _receive(request):
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, "import_too_large", False):
        return _too_large(request)
    if not form.is_valid():
        return _index_page(request, form, status=400)
    uploaded = form.cleaned_data["file"]
    if uploaded.size > services.max_bytes():
        return _too_large(request)
    try:
        upload = services.store_upload(
            project=request.project,
            by=request.user,
            filename=uploaded.name,
            content=uploaded.read(),
        )
    except FileRefused as error:
        form.add_error("file", str(error))
        return _index_page(request, form, status=400)
    if services.in_background(upload):  # decided from its measure, before any parsing
        return _start_job(request, upload, action="check")
    services.validate_upload(upload)
    return redirect("imports:preview", project_id=request.project.pk, upload_id=upload.pk)


def _index_page(request, form, status=200):
    return render(
        request,
        "imports/index.html",
        {
            "project": request.project,
            "form": form,
            "uploads": _uploads(request)[:10],
            "max_mb": services.max_bytes() // (1024 * 1024),
        },
        status=status,
    )


@project_view(CAPABILITY)
def preview(request, upload_id):
    upload = _get_upload(request, upload_id)
    if upload.state == Upload.State.IMPORTED:
        return redirect("imports:result", project_id=request.project.pk, upload_id=upload.pk)
    _settle_failed_job(upload)
    report = upload.report or {}
    counts = report.get("counts") or {}
    if request.method == "POST" and upload.state in (
        Upload.State.VALIDATED,
        Upload.State.IMPORTING,
    ):
        # One conditional UPDATE decides: of two simultaneous imports of one file, the other
        # gets this page with its message, and nothing happens twice.
        if not services.claim(upload):
            messages.error(request, services.busy_message(upload))
            return redirect("imports:preview", project_id=request.project.pk, upload_id=upload.pk)
        only_valid = request.POST.get("action") == "import_valid"
        if (upload.row_count or 0) > services.background_rows():
            return _start_job(request, upload, action="import", only_valid=only_valid)
        try:
            services.import_upload(upload, by=request.user, only_valid=only_valid)
        except services.ImportRefused as error:
            messages.error(request, str(error))
            return redirect("imports:preview", project_id=request.project.pk, upload_id=upload.pk)
        return redirect("imports:result", project_id=request.project.pk, upload_id=upload.pk)
    errors = report.get("errors") or []
    return render(
        request,
        "imports/preview.html",
        {
            "project": request.project,
            "upload": upload,
            "report": report,
            "counts": counts,
            "errors": errors[:1000],
            "errors_hidden": max(0, len(errors) - 1000) + (report.get("more_errors") or 0),
            "busy": upload.state in (Upload.State.VALIDATING, Upload.State.IMPORTING),
            "job_url": reverse("jobs:detail", kwargs={"job_id": upload.job_id})
            if upload.job_id
            else "",
        },
    )


def _settle_failed_job(upload):
    """A background job that failed unexpectedly leaves the upload usable again."""
    if upload.state not in (Upload.State.VALIDATING, Upload.State.IMPORTING) or not upload.job_id:
        return
    from jobs.models import Job

    job = Job.objects.filter(pk=upload.job_id).first()
    if job is not None and job.status != Job.Status.FAILED:
        return
    if upload.state == Upload.State.VALIDATING and not upload.report:
        upload.report = {
            "counts": {},
            "errors": [],
            "notes": [],
            "refused": job.message if job else _("The check did not finish."),
        }
    if not upload.has_content:
        upload.report = {**(upload.report or {}), "refused": services.gone_message()}
    upload.state = Upload.State.VALIDATED if upload.has_content else Upload.State.FAILED
    upload.save(update_fields=["state", "report"])


@project_view(CAPABILITY)
def rejected_csv(request, upload_id):
    """The rejected rows as they were in the file, each with its reasons (UTF-8, ;)."""
    upload = _get_upload(request, upload_id)
    if upload.state == Upload.State.IMPORTED or not upload.has_content:
        raise Http404
    try:
        headers, rows = services.rejected_rows(upload)
    except FileRefused:
        raise Http404 from None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    # Every cell through the one formula rule: a cell "=HYPERLINK(...)" stays text.
    writer.writerow(safe_row(headers))
    writer.writerows(safe_row(row) for row in rows)
    log_action(
        by=request.user, action="export", obj=upload, project=request.project, reason="rejected"
    )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rejected-rows.csv"'
    return response


@project_view(CAPABILITY)
def result(request, upload_id):
    upload = _get_upload(request, upload_id)
    if upload.state != Upload.State.IMPORTED:
        return redirect("imports:preview", project_id=request.project.pk, upload_id=upload.pk)
    return render(
        request,
        "imports/result.html",
        {"project": request.project, "upload": upload, "result": upload.result},
    )


@project_view(CAPABILITY)
def template_file(request, fmt):
    """The template: the header row in the page's language (CSV), plus the codes (XLSX)."""
    language = translation.get_language() or "sv"
    headers = cols.template_headers(language)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerow(safe_row(headers))
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        name = "import-template.csv"
    elif fmt == "xlsx":
        from .template_file import xlsx_template

        response = HttpResponse(
            xlsx_template(language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = "import-template.xlsx"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

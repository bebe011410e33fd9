"""The background work of the reports app: the PDF of a status report (reports/status.py)."""

import logging

from django.utils.translation import gettext as _

from jobs.errors import JobFailed
from jobs.registry import job_handler

from .models import StatusReport

logger = logging.getLogger(__name__)


@job_handler("reports.status_report", result_template="reports/status_job_result.html")
def make_status_report(job, progress):
    """payload: {"report": id}. Collects the figures and makes the PDF of a draft; safe to run
    again (the report keeps the last PDF made)."""
    from . import status

    report = (
        StatusReport.objects.select_related("project", "project__owner")
        .filter(pk=(job.payload or {}).get("report"), project_id=job.project_id)
        .first()
    )
    if report is None:
        raise JobFailed(_("The status report no longer exists."))
    if report.is_issued:
        raise JobFailed(_("The report has been issued; its PDF is kept as it was issued."))
    try:
        made = status.make_pdf(report, progress)
    except JobFailed:
        raise
    except RuntimeError as error:  # typst's compile errors (typst.TypstError)
        # The message may quote the report's text: logged for the operator, not shown.
        logger.exception("The PDF of status report %s could not be compiled", report.pk)
        raise JobFailed(
            _("The PDF could not be made. Try again; if it fails again, contact support.")
        ) from error
    return {"report": made.pk, "pages": _page_count(made.pdf)}


def _page_count(content) -> int | None:
    try:
        from io import BytesIO

        from pypdf import PdfReader

        return len(PdfReader(BytesIO(bytes(content))).pages)
    except Exception:
        return None

"""The pages of status reports: the list, a new report, one report (its narrative, its PDF,
issuing it), the PDF inline for the preview and as a download (reports/status.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from core.audit import log_action
from core.decorators import project_view
from core.policy import Capability, can

from . import status
from .models import StatusReport


class NewReportForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the report"), choices=StatusReport.Language.choices
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        help_text=gettext_lazy("As the steering group or the funder knows the report."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = status.period_choices(project)


class NarrativeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    narrative = forms.CharField(
        label=gettext_lazy("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Your account of the period for the steering group: what went well, what did not, "
            "what comes next. A blank line starts a new paragraph. Write no personal data."
        ),
    )


def _report(request, report_id) -> StatusReport:
    return get_object_or_404(
        StatusReport.objects.select_related("project", "created_by", "issued_by", "job"),
        pk=report_id,
        project=request.project,
    )


@project_view(Capability.REPORTS_VIEW)
def report_list(request):
    project = request.project
    reports = StatusReport.objects.filter(project=project).select_related("issued_by").defer("pdf")
    can_write = can(request.membership, Capability.REPORTS_WRITE)
    if not can_write:  # drafts are the manager's work in progress
        reports = reports.filter(status=StatusReport.Status.ISSUED)
    return render(
        request,
        "reports/status_list.html",
        {"project": project, "reports": reports, "can_write": can_write},
    )


@project_view(Capability.REPORTS_WRITE)
def report_new(request):
    project = request.project
    form = NewReportForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            report = status.create(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("period", error)
        else:
            messages.success(
                request, _("The report was created. Write your account, then make the PDF.")
            )
            return redirect("status_reports:detail", project.pk, report.pk)
    return render(request, "reports/status_new.html", {"project": project, "form": form})


@project_view(Capability.REPORTS_VIEW)
def report_detail(request, report_id):
    project = request.project
    report = _report(request, report_id)
    can_write = can(request.membership, Capability.REPORTS_WRITE)
    if not report.is_issued and not can_write:
        raise Http404
    form = None
    if can_write and not report.is_issued:
        form = NarrativeForm(
            request.POST or None, initial={"title": report.title, "narrative": report.narrative}
        )
        if request.method == "POST" and form.is_valid():
            report.title = form.cleaned_data["title"]
            report.narrative = form.cleaned_data["narrative"]
            report.save(update_fields=["title", "narrative"])  # never the PDF a job just made
            log_action(
                by=request.user, action="change", obj=report, project=project, reason="narrative"
            )
            messages.success(request, _("The report was saved. Make the PDF again to see it."))
            return redirect("status_reports:detail", project.pk, report.pk)
    elif request.method == "POST":
        return HttpResponse(status=405)
    return render(
        request,
        "reports/status_detail.html",
        {
            "project": project,
            "report": report,
            "form": form,
            "can_write": can_write,
            "period_name": status.period_name(report),
            "pdf_current": status.pdf_is_current(report),
            "job": report.job,
        },
    )


def _confirm(request, report, action: str):
    """The page before an action (a GET of its URL): what it does, and its button."""
    texts = {
        "make_pdf": (
            _("Make the PDF"),
            _(
                "The figures of the period are collected as they stand now and the PDF is made "
                "in the background; you will see its progress."
            ),
        ),
        "issue": (
            _("Issue the report"),
            _(
                "Issuing locks the report: its account, its figures and its PDF are kept exactly "
                "as they are now and can never be changed or deleted. The steering group can then "
                "download it."
            ),
        ),
        "delete": (_("Delete this draft"), _("The draft and its PDF are removed.")),
    }
    heading, text = texts[action]
    return render(
        request,
        "reports/status_confirm.html",
        {
            "project": request.project,
            "report": report,
            "action": action,
            "heading": heading,
            "text": text,
            "action_url": reverse(f"status_reports:{action}", args=[request.project.pk, report.pk]),
            "possible": not report.is_issued
            and (action != "issue" or status.pdf_is_current(report)),
            "why_not": _("An issued report is kept as it was issued.")
            if report.is_issued
            else _("Make the PDF of the report as it stands before issuing it."),
        },
    )


@project_view(Capability.REPORTS_WRITE)
@require_http_methods(["GET", "POST"])
def report_make_pdf(request, report_id):
    report = _report(request, report_id)
    if request.method == "GET":
        return _confirm(request, report, "make_pdf")
    if report.is_issued:
        messages.error(request, _("An issued report is kept as it was issued."))
        return redirect("status_reports:detail", request.project.pk, report.pk)
    job = status.start_pdf(report, by=request.user)
    return redirect("jobs:detail", job_id=job.pk)


@project_view(Capability.REPORTS_WRITE)
@require_http_methods(["GET", "POST"])
def report_issue(request, report_id):
    report = _report(request, report_id)
    if request.method == "GET":
        return _confirm(request, report, "issue")
    try:
        status.issue(report, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The report was issued. It is kept unchanged from now on."))
    return redirect("status_reports:detail", request.project.pk, report.pk)


@project_view(Capability.REPORTS_WRITE)
@require_http_methods(["GET", "POST"])
def report_delete(request, report_id):
    report = _report(request, report_id)
    if request.method == "GET":
        return _confirm(request, report, "delete")
    if report.is_issued:
        messages.error(request, _("An issued report is never deleted."))
        return redirect("status_reports:detail", request.project.pk, report.pk)
    log_action(
        by=request.user,
        action="delete",
        obj=report,
        project=request.project,
        reason="status report",
    )
    report.delete()
    messages.success(request, _("The draft was deleted."))
    return redirect("status_reports:list", request.project.pk)


def _pdf_response(request, report, *, inline: bool) -> HttpResponse:
    if not report.pdf or (
        not report.is_issued and not can(request.membership, Capability.REPORTS_WRITE)
    ):
        raise Http404
    log_action(
        by=request.user,
        action="export",
        obj=report,
        project=request.project,
        reason="status report (pdf, preview)" if inline else "status report (pdf)",
    )
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{status.download_name(report)}"'
    response["Cache-Control"] = "private, no-store"
    if inline:
        # Shown in the report page's frame, from this site only.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        )
    return response


@project_view(Capability.REPORTS_VIEW)
def report_download(request, report_id):
    return _pdf_response(request, _report(request, report_id), inline=False)


@project_view(Capability.REPORTS_VIEW)
@xframe_options_sameorigin
def report_preview(request, report_id):
    return _pdf_response(request, _report(request, report_id), inline=True)

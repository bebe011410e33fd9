"""The register extract (GDPR art. 15) and erasure on request (art. 17), reached from the
participant's page. Both only for roles with the capability (core/policy.py); both audited."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import clock, crypto
from core.audit import log_action
from core.decorators import project_view
from core.models import Purpose
from core.policy import Capability
from enrolments.access import get_visible_enrolment
from jobs.services import start_job

from . import extract as extracts
from .forms import ErasureForm
from .models import Erasure, ExtractFile
from .services import erase_participant

EXTRACT = Capability.PARTICIPANTS_REGISTER_EXTRACT.value
ERASE = Capability.PARTICIPANTS_ERASE.value
JOB_KIND = "privacy.register_extract"


def sync_limit() -> int:
    """Extracts of more rows than this are made by a background job (a PDF of thousands of
    log rows takes seconds); smaller ones in the request."""
    return getattr(settings, "REGISTER_EXTRACT_SYNC_ROWS", 500)


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "sv"


def _collected(request, enrolment):
    scope = extracts.extract_scope(participant=enrolment.participant, user=request.user)
    return extracts.collect(scope)


def _log_export(request, participant, what: str) -> None:
    log_action(
        by=request.user,
        action="export",
        obj=participant,
        project=request.project,
        reason=f"register extract ({what})",
        purpose=Purpose.REQUESTED,  # an extract is made at the person's request
    )


@project_view(EXTRACT)
@require_GET
def extract(request, enrolment_id):
    """What the extract will hold, and the two ways to get it (JSON, PDF)."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    collected = _collected(request, enrolment)
    return render(
        request,
        "privacy/extract.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "projects": collected.scope.projects,
            "enrolment_count": len(collected.enrolments),
            "log_count": len(collected.log),
            "background": collected.size > sync_limit(),
        },
    )


@project_view(EXTRACT)
@require_GET
def extract_json(request, enrolment_id):
    """The extract as JSON (docs/privacy.md describes the structure). Audited as an export."""
    enrolment = get_visible_enrolment(request, enrolment_id, log=False)
    collected = _collected(request, enrolment)
    data = extracts.as_json(collected, by=request.user)
    _log_export(request, enrolment.participant, "json")
    response = HttpResponse(extracts.json_bytes(data), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="register-extract-{enrolment.participant_id}.json"'
    )
    return response


def _pdf_response(content: bytes, participant_id: int) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="register-extract-{participant_id}.pdf"'
    )
    return response


@project_view(EXTRACT)
@require_http_methods(["GET", "POST"])
def extract_pdf(request, enrolment_id):
    """The extract as a PDF in the user's language: made at once when small; a large one is
    made by a background job (POST), whose page links to the file when it is ready."""
    enrolment = get_visible_enrolment(request, enrolment_id, log=False)
    collected = _collected(request, enrolment)
    if collected.size <= sync_limit():
        content = extracts.pdf_bytes(collected, by=request.user, language=_language())
        _log_export(request, enrolment.participant, "pdf")
        return _pdf_response(content, enrolment.participant_id)
    if request.method != "POST":
        return redirect("privacy:extract", project_id=request.project.pk, enrolment_id=enrolment.pk)
    job = start_job(
        kind=JOB_KIND,
        title=_("Register extract"),
        by=request.user,
        project=request.project,
        payload={"participant": enrolment.participant_id, "language": _language()},
    )
    return redirect("jobs:detail", job_id=job.pk)


@project_view(EXTRACT)
@require_GET
def extract_download(request, job_id):
    """A PDF a background job made: only for the user who asked, until it expires."""
    made = ExtractFile.objects.filter(
        job_id=job_id,
        project=request.project,
        created_by=request.user,
        expires_at__gt=clock.now(),
    ).first()
    if made is None:
        raise Http404
    log_action(
        by=request.user,
        action="export",
        object_type="participants.Participant",
        object_id=made.participant_id,
        project=request.project,
        reason="register extract (pdf, download)",
        purpose=Purpose.REQUESTED,  # an extract is made at the person's request
    )
    return _pdf_response(crypto.decrypt_bytes(bytes(made.content)), made.participant_id)


def extract_expiry() -> dt.datetime:
    hours = getattr(settings, "REGISTER_EXTRACT_KEEP_HOURS", 24)
    return clock.now() + dt.timedelta(hours=hours)


@project_view(ERASE)
@require_http_methods(["GET", "POST"])
def erase(request, enrolment_id):
    """Erasure in two steps: choose why (step 1), then see what is removed and confirm (step
    2). Both steps are POSTs of the same form; only the second, with `confirm`, erases."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    participant = enrolment.participant
    form = ErasureForm(request.POST if request.method == "POST" else None)
    step = 1
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            try:
                erase_participant(
                    participant=participant,
                    project=request.project,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The person's personal data is erased. The statistical record is "
                        "kept, without name or identity number."
                    ),
                )
                return redirect(
                    reverse("enrolments:participant", args=[request.project.pk, enrolment.pk])
                )
        else:
            step = 2
    return render(
        request,
        "privacy/erase.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": participant,
            "form": form,
            "step": step,
            "reason_label": dict(Erasure.Reason.choices).get(form.cleaned_data.get("reason"))
            if step == 2
            else "",
        },
    )

"""The question asked before a person outside one's own caseload is shown (core/purpose.py)."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from core.decorators import project_view
from core.purpose import ReadPurposeForm, remember

from .access import get_visible_enrolment


def _participant_url(request, enrolment) -> str:
    return reverse(
        "enrolments:participant",
        kwargs={"project_id": request.project.pk, "enrolment_id": enrolment.pk},
    )


def _safe_next(request, candidate: str | None, enrolment) -> str:
    """Where to go after the answer: a path of this site, else the person's page."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return _participant_url(request, enrolment)


def _render(request, enrolment, form, next_url, status=200):
    return render(
        request,
        "core/audit/purpose.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "form": form,
            "next": next_url,
            "action": reverse(
                "enrolments:read_purpose",
                kwargs={"project_id": request.project.pk, "enrolment_id": enrolment.pk},
            ),
        },
        status=status,
    )


def purpose_prompt(request, enrolment):
    """The question in place of a person page (raised as core.purpose.PurposeRequired). An
    htmx request reloads the whole page, which then asks."""
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    # A form sent without a purpose (the session's purpose ran out) goes to the person's page.
    next_url = request.get_full_path() if request.method == "GET" else None
    next_url = _safe_next(request, next_url, enrolment)
    return _render(request, enrolment, ReadPurposeForm(), next_url)


@project_view("enrolments.view")
@require_http_methods(["GET", "POST"])
def read_purpose(request, enrolment_id):
    """Why the user opens this person's record: remembered for the person in the session
    (core/purpose.py) and kept with each read's audit entry; then on to `next`."""
    enrolment = get_visible_enrolment(request, enrolment_id, log=False)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"), enrolment)
    if request.method == "POST":
        form = ReadPurposeForm(request.POST)
        if form.is_valid():
            remember(
                request,
                enrolment.participant_id,
                form.cleaned_data["purpose"],
                form.cleaned_data["text"].strip(),
            )
            return redirect(next_url)
        return _render(request, enrolment, form, next_url)
    return _render(request, enrolment, ReadPurposeForm(), next_url)

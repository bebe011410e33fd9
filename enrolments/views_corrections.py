"""Corrections with history (issue 11): change what was recorded about a participant — their
own fields, the enrolment's details and exit, a recorded follow-up — and widen or narrow a
consent as a new version.

Every page reads the person through enrolments.access (404 when not visible), shows a form
with the current values and a required reason, and saves through a service (one transaction,
a history row, an audit entry). The form carries the values it was built from; a save after
someone else changed the record is refused, naming what changed, and the form is shown again
with the new values in its token, so saving again is a deliberate choice.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.audit import log_action
from core.decorators import project_view
from participants import services as participant_services
from participants.corrections import read_token, values_of, version_token
from participants.forms import PersonCorrectionForm
from participants.models import Consent

from . import registration, services
from .access import get_visible_enrolment, visible_enrolments
from .correction_forms import (
    ConsentChangeForm,
    EnrolmentCorrectionForm,
    ExitCorrectionForm,
    FollowUpCorrectionForm,
)
from .forms import apply_errors
from .models import FollowUp


def _participant_url(request, enrolment, anchor: str = "corrections") -> str:
    url = reverse(
        "enrolments:participant",
        kwargs={"project_id": request.project.pk, "enrolment_id": enrolment.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def _with_token(form, values: dict) -> None:
    """Put the saved record's current values in the form's token (after a refused save: the
    user has now been told what changed, so a second save is deliberate)."""
    data = form.data.copy()
    data["original"] = version_token(values)
    form.data = data


def _save(request, form, *, save, current_values) -> bool:
    """Run the correction service; on a refusal put its errors on the form and refresh the
    token. True when saved."""
    try:
        save(expected=read_token(form.cleaned_data.get("original")))
    except ValidationError as error:
        apply_errors(form, error)
        _with_token(form, current_values())
        return False
    return True


def _page(request, *, enrolment, form, title, intro="", current=(), back=None):
    return render(
        request,
        "enrolments/correct.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "title": title,
            "intro": intro,
            "current": current,
            "back_url": back or _participant_url(request, enrolment, anchor=""),
        },
    )


def _saved(request, enrolment, message=None):
    messages.success(request, message or _("The correction is saved and kept in the history."))
    return redirect(_participant_url(request, enrolment))


# --- the person ------------------------------------------------------------------------------


@sensitive_post_parameters("identity_number", "given_name", "family_name")
@project_view("participants.correct")
@require_http_methods(["GET", "POST"])
def correct_person(request, enrolment_id):
    """Correct the person's own fields: name, gender, birth year (anonymous people; for others it
    follows the identity number), region of birth, year of arrival, education, interpreter,
    disability — and, for an identified person, the identity number (never shown in the
    history)."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    person = enrolment.participant
    fields = participant_services.compared_fields(person)

    def current_values():
        person.refresh_from_db()
        return values_of(person, fields)

    if request.method == "POST":
        form = PersonCorrectionForm(request.POST, instance=person)
        if form.is_valid() and _save(
            request,
            form,
            save=lambda expected: participant_services.correct_participant(
                participant=person,
                project=request.project,
                by=request.user,
                values=form.values(),
                identity_number=form.cleaned_data.get("identity_number") or "",
                reason=form.cleaned_data["reason"],
                expected=expected,
            ),
            current_values=current_values,
        ):
            return _saved(request, enrolment)
    else:
        form = PersonCorrectionForm(
            instance=person, initial={"original": version_token(values_of(person, fields))}
        )
    return _page(
        request,
        enrolment=enrolment,
        form=form,
        title=_("Correct the person's details"),
        intro=_(
            "The person's details are the same in every project they take part in: a "
            "correction here changes them everywhere. The history keeps the old values."
        ),
    )


# --- the enrolment ---------------------------------------------------------------------------


@project_view("enrolments.correct")
@require_http_methods(["GET", "POST"])
def correct_enrolment(request, enrolment_id):
    """Correct the referral, start, baseline and statistical fields, area and responsible case
    worker."""
    enrolment = get_visible_enrolment(request, enrolment_id)

    def current_values():
        enrolment.refresh_from_db()
        return values_of(enrolment, services.ENROLMENT_CORRECTABLE)

    form_kwargs = {"project": request.project, "user": None}
    if request.method == "POST":
        form = EnrolmentCorrectionForm(request.POST, **form_kwargs)
        if form.is_valid() and _save(
            request,
            form,
            save=lambda expected: services.correct_enrolment(
                enrolment=enrolment,
                by=request.user,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                expected=expected,
            ),
            current_values=current_values,
        ):
            return _saved(request, enrolment)
    else:
        initial = {
            name: getattr(enrolment, name)
            for name in services.ENROLMENT_CORRECTABLE
            if name != "target_groups"
        }
        initial["target_groups"] = list(enrolment.target_groups.all())
        initial["original"] = version_token(values_of(enrolment, services.ENROLMENT_CORRECTABLE))
        form = EnrolmentCorrectionForm(initial=initial, **form_kwargs)
    return _page(request, enrolment=enrolment, form=form, title=_("Correct the enrolment"))


@project_view("enrolments.correct")
@require_http_methods(["GET", "POST"])
def correct_exit(request, enrolment_id):
    """Correct a recorded exit: date, reason, status and income source at exit. Follow-ups not
    yet recorded move with the date."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    if enrolment.exited_on is None:
        messages.info(request, _("No exit is recorded for this participant."))
        return redirect(_participant_url(request, enrolment, anchor=""))

    def current_values():
        enrolment.refresh_from_db()
        return values_of(enrolment, services.EXIT_CORRECTABLE)

    if request.method == "POST":
        form = ExitCorrectionForm(request.POST, instance=enrolment)
        if form.is_valid() and _save(
            request,
            form,
            save=lambda expected: services.correct_exit(
                enrolment=enrolment,
                by=request.user,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                expected=expected,
            ),
            current_values=current_values,
        ):
            return _saved(request, enrolment)
    else:
        form = ExitCorrectionForm(
            instance=enrolment,
            initial={"original": version_token(values_of(enrolment, services.EXIT_CORRECTABLE))},
        )
    return _page(
        request,
        enrolment=enrolment,
        form=form,
        title=_("Correct the exit"),
        intro=_("Follow-ups not yet recorded fall due counting from the corrected exit date."),
    )


@project_view("enrolments.correct")
@require_http_methods(["GET", "POST"])
def correct_follow_up(request, enrolment_id, follow_up_id):
    """Correct a recorded follow-up (one of the enrolment in the address)."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_id, enrolment=enrolment)
    title = _("Correct the follow-up at day %(day)s") % {"day": follow_up.day}
    if follow_up.recorded_on is None:
        return _page(
            request,
            enrolment=enrolment,
            form=None,
            title=title,
            intro=_("This follow-up is not recorded yet, so there is nothing to correct."),
        )

    def current_values():
        follow_up.refresh_from_db()
        return values_of(follow_up, services.FOLLOW_UP_CORRECTABLE)

    if request.method == "POST":
        form = FollowUpCorrectionForm(request.POST)
        if form.is_valid() and _save(
            request,
            form,
            save=lambda expected: services.correct_follow_up(
                follow_up=follow_up,
                by=request.user,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                expected=expected,
            ),
            current_values=current_values,
        ):
            return _saved(request, enrolment)
    else:
        initial = {name: getattr(follow_up, name) for name in services.FOLLOW_UP_CORRECTABLE}
        initial["reached"] = "yes" if follow_up.reached else "no"
        initial["original"] = version_token(values_of(follow_up, services.FOLLOW_UP_CORRECTABLE))
        form = FollowUpCorrectionForm(initial=initial)
    return _page(
        request,
        enrolment=enrolment,
        form=form,
        title=title,
        intro=_("Due on %(date)s.") % {"date": follow_up.due_on.isoformat()},
    )


# --- consent versions ------------------------------------------------------------------------


@project_view("participants.change")
@require_http_methods(["GET", "POST"])
def change_consent(request, consent_id):
    """Widen or narrow a consent — the organisations it covers, its purposes — as a new
    version. The old version is kept; the new one decides who sees the person from now on."""
    project = request.project
    consent = get_object_or_404(
        Consent.objects.select_related("participant").prefetch_related("organisations"),
        pk=consent_id,
        project=project,
    )
    enrolment = (
        visible_enrolments(request)
        .filter(participant_id=consent.participant_id)
        .select_related("participant")
        .order_by("-pk")
        .first()
    )
    if enrolment is None:
        raise Http404
    form_kwargs = {"project": project, "membership": request.membership}
    if request.method == "POST":
        form = ConsentChangeForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                registration.change_consent(
                    consent=consent, by=request.user, consent_data=form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                still = (
                    visible_enrolments(request).filter(participant_id=consent.participant_id)
                ).first()
                if still is None:
                    messages.success(
                        request,
                        _(
                            "The new version of the consent is saved. It no longer covers your "
                            "organisation, so the participant is no longer shown to you."
                        ),
                    )
                    return redirect("enrolments:case_list", project_id=project.pk)
                messages.success(request, _("The new version of the consent is saved."))
                return redirect(_participant_url(request, still, anchor="consent-heading"))
    else:
        log_action(
            by=request.user,
            action="view",
            obj=consent.participant,
            project=project,
            reason=f"consent {consent.pk}",
        )
        form = ConsentChangeForm(
            initial={
                "organisations": list(consent.organisations.all()),
                "purposes": list(consent.purposes),
                "given_by": consent.given_by,
            },
            **form_kwargs,
        )
    return render(
        request,
        "enrolments/consent_change.html",
        {
            "project": project,
            "consent": consent,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "back_url": _participant_url(request, enrolment, anchor="consent-heading"),
        },
    )

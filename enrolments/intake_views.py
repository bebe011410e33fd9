"""Intake: find a person by number, register them (identified or anonymous), enrol a person
already registered, and withdraw a consent.

The identity number only ever travels in a POST body: never in a URL, the session or a log.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from core.audit import log_action
from core.decorators import project_view
from participants import identity
from participants.models import Consent, Participant

from . import registration
from .access import visible_enrolments
from .intake_forms import (
    AnonymousRegistrationForm,
    ConsentForm,
    EnrolmentForm,
    IdentityLookupForm,
    PersonForm,
    WithdrawConsentForm,
    add_errors,
)
from .models import OPEN_STATUSES, Enrolment

PARTICIPANT = "participants.Participant"
_RECOGNISED = "intake_recognised"  # session: ids of people found by number, per project


# --- paths -------------------------------------------------------------------------------------


def _project_path(project_id, suffix: str) -> str:
    """A path under the project, in the current language, for pages of other apps that may not
    be built yet."""
    return reverse("core:project_detail", args=[project_id]) + suffix


def participant_page_url(project_id, enrolment_id) -> str:
    try:
        return reverse(
            "enrolments:participant",
            kwargs={"project_id": project_id, "enrolment_id": enrolment_id},
        )
    except NoReverseMatch:
        return _project_path(project_id, f"enrolments/{enrolment_id}/")


def case_list_url(project_id) -> str:
    try:
        return reverse("enrolments:case_list", kwargs={"project_id": project_id})
    except NoReverseMatch:
        return _project_path(project_id, "enrolments/")


def _url(name, project, **kwargs):
    return reverse(f"participants:{name}", kwargs={"project_id": project.pk, **kwargs})


def _all_valid(forms) -> bool:
    """Validate every form (not stopping at the first invalid one), so all errors show."""
    results = [form.is_valid() for form in forms]
    return all(results)


def _render(request, template, context):
    forms = [f for f in context.get("all_forms", []) if f is not None]
    context["has_errors"] = any(f.is_bound and f.errors for f in forms)
    return render(request, template, context)


# --- people recognised at intake ---------------------------------------------------------------


def _remember(request, participant: Participant) -> None:
    """Note (in the session, by id only) that this user found the person by their number, so
    they may enrol them here. Ids alone cannot be guessed into an enrolment."""
    recognised = request.session.get(_RECOGNISED, {})
    ids = [i for i in recognised.get(str(request.project.pk), []) if i != participant.pk]
    recognised[str(request.project.pk)] = [*ids, participant.pk][-20:]
    request.session[_RECOGNISED] = recognised


def _recognised(request, participant_id: int) -> bool:
    recognised = request.session.get(_RECOGNISED, {})
    return participant_id in recognised.get(str(request.project.pk), [])


def _recognition(request, participant: Participant) -> dict:
    """What this user may know about the person's enrolments: in this project through the
    visibility rule; in other projects only where an active consent there covers the user's
    organisation."""
    project = request.project
    here = list(
        visible_enrolments(request).filter(participant=participant).order_by("-referred_on")
    )
    open_here = Enrolment.objects.filter(
        participant=participant, project=project, status__in=OPEN_STATUSES
    ).first()
    covered_projects = set(
        Consent.objects.current()
        .filter(
            participant=participant,
            organisations=request.membership.organisation_id,
        )
        .exclude(project=project)
        .values_list("project_id", flat=True)
    )
    elsewhere = (
        Enrolment.objects.filter(participant=participant)
        .exclude(project=project)
        .select_related("project")
        .order_by("project__title", "-referred_on")
    )
    for enrolment in here:
        enrolment.page_url = participant_page_url(project.pk, enrolment.pk)
    shown, hidden_projects = {}, set()
    for enrolment in elsewhere:
        if enrolment.project_id in covered_projects:
            shown.setdefault(enrolment.project_id, enrolment)
        else:
            hidden_projects.add(enrolment.project_id)
    open_here_visible = next((e for e in here if open_here and e.pk == open_here.pk), None)
    return {
        "participant": participant,
        # The name is shown only to someone whom a consent already lets see the person.
        "may_see_name": bool(shown or here),
        "open_here": open_here,
        "open_here_visible": open_here_visible,
        "earlier_here": [e for e in here if not e.is_open],
        "other_count": len(shown) + len(hidden_projects - set(shown)),
        "other_shown": list(shown.values()),
        "other_hidden_count": len(hidden_projects - set(shown)),
    }


# --- intake ------------------------------------------------------------------------------------


@sensitive_post_parameters("identity_number")
@project_view("participants.change")
@sensitive_variables("form", "number")
def intake(request):
    """Find a person by number. Three outcomes: not found (register them), enrolled here
    (open their page), registered elsewhere (enrol them here)."""
    project = request.project
    context = {"project": project, "searched": False}
    if request.method == "POST":
        form = IdentityLookupForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["identity_number"]
            participant = registration.find_by_identity_number(number)
            context["searched"] = True
            if participant is None:
                log_action(
                    by=request.user,
                    action="view",
                    object_type=PARTICIPANT,
                    project=project,
                    reason="intake lookup: not found",
                )
                context["not_found"] = True
                # Carried to the registration form in a POST body, never in a URL.
                context["prefill_number"] = number.formatted()
            else:
                log_action(
                    by=request.user,
                    action="view",
                    obj=participant,
                    project=project,
                    reason="intake lookup",
                )
                _remember(request, participant)
                context.update(_recognition(request, participant))
            # A fresh, empty search box: the number is not echoed back into the page.
            form = IdentityLookupForm()
    else:
        form = IdentityLookupForm()
    context["form"] = form
    return render(request, "participants/intake.html", context)


def _handle_already_registered(request, participant: Participant):
    """The number belongs to someone registered: never a second person. Send the user to
    the person's page if they are enrolled here, else to enrolling them here."""
    project = request.project
    log_action(
        by=request.user,
        action="view",
        obj=participant,
        project=project,
        reason="registration: already registered",
    )
    info = _recognition(request, participant)
    if info["open_here_visible"] is not None:
        messages.info(
            request,
            _(
                "This person is already registered and enrolled in this project: "
                "here is their page. Nothing new was saved."
            ),
        )
        return redirect(participant_page_url(project.pk, info["open_here_visible"].pk))
    if info["open_here"] is not None:
        messages.warning(
            request,
            _(
                "This person is already enrolled in this project, but their consent does not "
                "cover your organisation, so you cannot open their page. Nothing new was saved."
            ),
        )
        return redirect(_url("intake", project))
    _remember(request, participant)
    messages.info(
        request,
        _(
            "This person is already registered (recognised by their number). "
            "Enrol them in this project here instead. Nothing new was saved."
        ),
    )
    return redirect(_url("enrol_existing", project, participant_id=participant.pk))


def _intake_forms(request, data=None):
    project, membership = request.project, request.membership
    return (
        ConsentForm(data, project=project, membership=membership),
        EnrolmentForm(data, project=project, user=request.user),
    )


def _after_enrolment(request, enrolment, message):
    messages.success(request, message)
    return redirect(participant_page_url(request.project.pk, enrolment.pk))


@sensitive_post_parameters("identity_number", "given_name", "family_name")
@project_view("participants.change")
@sensitive_variables("person_form", "number", "lookup", "initial")
def register(request):
    """Register an identified person with consent and enrol them: one page, one transaction."""
    project = request.project
    if request.method == "POST" and request.POST.get("step") == "prefill":
        # Coming from the intake page with a number that was not found: start the form with
        # the number filled in, without showing errors for the fields not yet filled.
        lookup = IdentityLookupForm(request.POST)
        initial = {}
        if lookup.is_valid():
            initial["identity_number"] = lookup.cleaned_data["identity_number"].formatted()
        person_form = PersonForm(initial=initial)
        consent_form, enrolment_form = _intake_forms(request)
    elif request.method == "POST":
        person_form = PersonForm(request.POST)
        consent_form, enrolment_form = _intake_forms(request, request.POST)
        number = None
        if "identity_number" in request.POST:
            try:
                number = identity.parse_identity_number(request.POST["identity_number"])
            except ValidationError:
                number = None
        existing = registration.find_by_identity_number(number) if number else None
        if existing is not None:
            return _handle_already_registered(request, existing)
        forms = [person_form, consent_form, enrolment_form]
        if _all_valid(forms):
            try:
                enrolment = registration.register_participant(
                    project=project,
                    by=request.user,
                    membership=request.membership,
                    person_data=person_form.person_data(),
                    identity_number=person_form.cleaned_data["identity_number"],
                    consent_data=consent_form.cleaned_data,
                    enrolment_data=enrolment_form.cleaned_data,
                )
            except registration.AlreadyRegistered as already:
                return _handle_already_registered(request, already.participant)
            except ValidationError as error:
                add_errors(forms, error)
            else:
                return _after_enrolment(
                    request, enrolment, _("The participant is registered and enrolled.")
                )
    else:
        person_form = PersonForm()
        consent_form, enrolment_form = _intake_forms(request)
    return _render(
        request,
        "participants/register.html",
        {
            "project": project,
            "person_form": person_form,
            "consent_form": consent_form,
            "enrolment_form": enrolment_form,
            "all_forms": [person_form, consent_form, enrolment_form],
        },
    )


@project_view("participants.change")
def register_anonymous(request):
    """Register an anonymous participant: statistical fields and the enrolment, no consent."""
    project = request.project
    if request.method == "POST":
        person_form = AnonymousRegistrationForm(request.POST)
        enrolment_form = EnrolmentForm(request.POST, project=project, user=request.user)
        forms = [person_form, enrolment_form]
        if _all_valid(forms):
            try:
                enrolment = registration.register_anonymous(
                    project=project,
                    by=request.user,
                    membership=request.membership,
                    person_data=person_form.person_data(),
                    enrolment_data=enrolment_form.cleaned_data,
                )
            except ValidationError as error:
                add_errors(forms, error)
            else:
                return _after_enrolment(
                    request, enrolment, _("The anonymous participant is registered and enrolled.")
                )
    else:
        person_form = AnonymousRegistrationForm()
        enrolment_form = EnrolmentForm(project=project, user=request.user)
    return _render(
        request,
        "participants/register_anonymous.html",
        {
            "project": project,
            "person_form": person_form,
            "enrolment_form": enrolment_form,
            "all_forms": [person_form, enrolment_form],
        },
    )


@project_view("participants.change")
def enrol_existing(request, participant_id):
    """Enrol a person already registered: a consent for this project and the enrolment.

    Only for a person this user found by their number (or one whose earlier enrolment here
    they may see): a participant id alone does not let anyone enrol — and so see — a person.
    """
    project = request.project
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None or not (
        _recognised(request, participant.pk)
        or visible_enrolments(request).filter(participant=participant).exists()
    ):
        raise Http404
    info = _recognition(request, participant)
    consent_form, enrolment_form = _intake_forms(
        request, request.POST if request.method == "POST" else None
    )
    if participant.is_anonymous:
        consent_form = None
    forms = [f for f in (consent_form, enrolment_form) if f is not None]
    if request.method == "POST" and info["open_here"] is None:
        if _all_valid(forms):
            try:
                enrolment = registration.enrol_existing(
                    project=project,
                    by=request.user,
                    membership=request.membership,
                    participant=participant,
                    consent_data=consent_form.cleaned_data if consent_form else None,
                    enrolment_data=enrolment_form.cleaned_data,
                )
            except ValidationError as error:
                add_errors(forms, error)
            else:
                return _after_enrolment(
                    request, enrolment, _("The participant is enrolled in this project.")
                )
    elif request.method == "POST":
        messages.warning(
            request,
            _("This person already has an open enrolment in this project. Nothing new was saved."),
        )
    else:
        log_action(
            by=request.user,
            action="view",
            obj=participant,
            project=project,
            reason="enrol existing",
        )
    return _render(
        request,
        "participants/enrol_existing.html",
        {
            "project": project,
            "consent_form": consent_form,
            "enrolment_form": enrolment_form,
            "all_forms": forms,
            **info,
        },
    )


@project_view("participants.change")
def consent_withdraw(request, consent_id):
    """Record that a consent is withdrawn. GET shows a confirmation form (no JavaScript
    needed); POST withdraws."""
    project = request.project
    consent = get_object_or_404(
        Consent.objects.select_related("participant", "project").prefetch_related(
            Prefetch("organisations")
        ),
        pk=consent_id,
        project=project,
    )
    visible = (
        visible_enrolments(request).filter(participant_id=consent.participant_id).order_by("-pk")
    )
    enrolment = visible.first()
    if enrolment is None:
        raise Http404
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.withdraw_consent(
                consent=consent, by=request.user, on=form.cleaned_data.get("withdrawn_on")
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            still_visible = (
                visible_enrolments(request).filter(participant_id=consent.participant_id).first()
            )
            if still_visible is not None:
                messages.success(
                    request, _("The consent is withdrawn. Sharing under it has stopped.")
                )
                return redirect(participant_page_url(project.pk, still_visible.pk))
            messages.success(
                request,
                _(
                    "The consent is withdrawn. It no longer covers your organisation, so the "
                    "participant is no longer shown to you."
                ),
            )
            return redirect(case_list_url(project.pk))
    if request.method == "GET":
        log_action(
            by=request.user,
            action="view",
            obj=consent.participant,
            project=project,
            reason=f"consent {consent.pk}",
        )
    return _render(
        request,
        "participants/consent_withdraw.html",
        {
            "project": project,
            "consent": consent,
            "enrolment": enrolment,
            "participant_url": participant_page_url(project.pk, enrolment.pk),
            "purposes": [
                Consent.Purpose(p).label for p in consent.purposes if p in Consent.Purpose.values
            ],
            "form": form,
            "all_forms": [form],
        },
    )

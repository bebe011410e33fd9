"""Intake: find a person by number, register them (identified or anonymous), enrol a person
already registered, and withdraw a consent.

The identity number only ever travels in a POST body: never in a URL, the session or a log.
Every look-up by number goes through participants.lookup (limited per user, logged), and what
it tells the user about other projects follows docs/privacy-lookup.md: only whether the person
can be enrolled here, unless the person's consent covers the user's organisation.
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
from participants import identity, lookup
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

_RECOGNISED = "intake_recognised"  # session: ids of people found by number, per project
# A refused look-up (too many): the page is shown again with the message, as "Too Many Requests".
TOO_MANY_LOOKUPS = 429


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


def _render(request, template, context, status=200):
    forms = [f for f in context.get("all_forms", []) if f is not None]
    context["has_errors"] = any(f.is_bound and f.errors for f in forms)
    return render(request, template, context, status=status)


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
    """What this user may know about the person: in this project, whether they have an open
    enrolment (this project's own business) and what the visibility rule lets the user see; in
    other projects only what a consent there covering the user's organisation for information
    exchange lets them see (participants.lookup.covering_consents). Of any other project —
    that it exists, how many there are — nothing."""
    project = request.project
    here = list(
        visible_enrolments(request).filter(participant=participant).order_by("-referred_on")
    )
    open_here = Enrolment.objects.filter(
        participant=participant, project=project, status__in=OPEN_STATUSES
    ).first()
    covered_projects = {
        consent.project_id
        for consent in lookup.covering_consents(
            request.membership, participant, exclude_project=project
        )
    }
    shown = {}
    if covered_projects:
        for enrolment in (
            Enrolment.objects.filter(participant=participant, project__in=covered_projects)
            .select_related("project")
            .order_by("project__title", "-referred_on")
        ):
            shown.setdefault(enrolment.project_id, enrolment)
    for enrolment in here:
        enrolment.page_url = participant_page_url(project.pk, enrolment.pk)
    open_here_visible = next((e for e in here if open_here and e.pk == open_here.pk), None)
    return {
        "participant": participant,
        # The person's record is shown only to someone whom a consent already lets see them.
        "may_see_name": bool(covered_projects or here),
        "open_here": open_here,
        "open_here_visible": open_here_visible,
        "earlier_here": [e for e in here if not e.is_open],
        "other_shown": list(shown.values()),
    }


# --- intake ------------------------------------------------------------------------------------


@sensitive_post_parameters("identity_number")
@project_view("participants.change")
@sensitive_variables("form", "number")
def intake(request):
    """Find a person by number. The outcomes: enrolled in this project (open their page, or
    told that their consent does not cover you); someone you may already see (through this
    project or a consent covering your organisation: enrol them here); anyone else — registered
    in another project or nowhere, in the very same words — can be enrolled (register them)."""
    project = request.project
    context = {"project": project, "searched": False}
    status = 200
    if request.method == "POST":
        form = IdentityLookupForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["identity_number"]
            try:
                participant = lookup.find(
                    by=request.user, project=project, number=number, where="intake"
                )
            except lookup.LookupLimitReached as refusal:
                form.add_error("identity_number", refusal)
                status = TOO_MANY_LOOKUPS
            else:
                context["searched"] = True
                info = _recognition(request, participant) if participant is not None else None
                if info is not None and (info["open_here"] or info["may_see_name"]):
                    if info["may_see_name"]:
                        _remember(request, participant)
                    context.update(info)
                else:
                    context["can_enrol"] = True
                    # Carried to the registration form in a POST body, never in a URL.
                    context["prefill_number"] = number.formatted()
                # A fresh, empty search box: the number is not echoed back into the page.
                form = IdentityLookupForm()
    else:
        form = IdentityLookupForm()
    context["form"] = form
    return render(request, "participants/intake.html", context, status=status)


def _handle_enrolled_here(request, info: dict):
    """The number belongs to someone with an open enrolment in this project: never a second
    person or enrolment. Their page if the user may see them, else back to the intake."""
    project = request.project
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
@sensitive_variables("person_form", "number", "lookup_form", "initial")
def register(request):
    """Register an identified person with consent and enrol them: one page, one transaction."""
    project = request.project
    status = 200
    if request.method == "POST" and request.POST.get("step") == "prefill":
        # Coming from the intake page with a number that was not found: start the form with
        # the number filled in, without showing errors for the fields not yet filled.
        lookup_form = IdentityLookupForm(request.POST)
        initial = {}
        if lookup_form.is_valid():
            initial["identity_number"] = lookup_form.cleaned_data["identity_number"].formatted()
        person_form = PersonForm(initial=initial)
        consent_form, enrolment_form = _intake_forms(request)
    elif request.method == "POST":
        person_form = PersonForm(request.POST)
        consent_form, enrolment_form = _intake_forms(request, request.POST)
        forms = [person_form, consent_form, enrolment_form]
        number = None
        if "identity_number" in request.POST:
            try:
                number = identity.parse_identity_number(request.POST["identity_number"])
            except ValidationError:
                number = None
        try:
            existing = (
                lookup.find(by=request.user, project=project, number=number, where="registration")
                if number
                else None
            )
        except lookup.LookupLimitReached as refusal:
            _all_valid(forms)
            person_form.add_error("identity_number", refusal)
            status = TOO_MANY_LOOKUPS
        else:
            info = _recognition(request, existing) if existing is not None else None
            if info is not None and info["open_here"] is not None:
                return _handle_enrolled_here(request, info)
        # A person registered elsewhere (or earlier here) is linked by the service, and the
        # user told the same as for a new person: nothing here says whether they were known.
        if status == 200 and _all_valid(forms):
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
        status=status,
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
    """Enrol a person already registered whom the user may see: a consent for this project and
    the enrolment.

    Only for a person whose earlier enrolment here the user may see, or one they found by
    their number whose consent in another project covers their organisation (the intake then
    showed them): a participant id alone does not let anyone enrol — and so see — a person.
    Anyone else registered elsewhere is enrolled through the registration form, which shows
    nothing of another project's record.
    """
    project = request.project
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    info = _recognition(request, participant)
    if not (info["earlier_here"] or info["open_here_visible"]) and not (
        _recognised(request, participant.pk) and info["may_see_name"]
    ):
        raise Http404
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

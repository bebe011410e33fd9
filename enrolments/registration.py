"""Intake: registering people, recording and withdrawing consent, creating enrolments.

Every function here is one transaction with audit entries that name objects by type and id and
changed fields by name — never a name, a number or any other value. Bad input raises
ValidationError with a dict naming the field, in the user's language; nothing is half-saved.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import now, today
from core.models import Membership, Organisation
from core.periods import period_error
from core.policy import Capability, can, roles_with
from participants import identity
from participants.models import Consent, Participant

from .models import OPEN_STATUSES, Enrolment, Status, StatusChange

# The person fields a registration may set; everything else is derived or kept by the system.
IDENTIFIED_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "gender",
    "region_of_birth",
    "arrival_year",
    "education_level",
    "interpreter_language",
    "disability",
)
ANONYMOUS_PERSON_FIELDS = (
    "gender",
    "birth_year",
    "region_of_birth",
    "arrival_year",
    "education_level",
    "protected_identity",
)
ENROLMENT_FIELDS = (
    "referred_on",
    "referred_by",
    "started_on",
    "labour_market_status",
    "months_without_work",
    "income_source",
    "swedish_level",
    "area",
    "case_worker",
)
# Who can be a participant's responsible case worker: the roles that change enrolments.
CASE_WORKER_ROLES = roles_with(Capability.ENROLMENTS_CHANGE)
MAX_MONTHS_WITHOUT_WORK = 600


# How a consent may be recorded by a user in a form: not "imported" (an import's own) and not
# "not recorded", which only consents from before the method was asked for carry.
CONSENT_METHODS = [Consent.Method.PAPER, Consent.Method.VERBAL, Consent.Method.E_ID]
CONSENT_REFERENCE_MAX = Consent._meta.get_field("document_reference").max_length


def project_organisations(project):
    """The organisations of a project: the owner, partners and co-financiers, and the
    organisations of its members. A consent may cover these."""
    return (
        Organisation.objects.filter(
            Q(pk=project.owner_id)
            | Q(projectpartner__project=project)
            | Q(membership__project=project)
        )
        .distinct()
        .order_by("name")
    )


def project_case_workers(project):
    """The users who may be responsible case worker: case workers and managers of the project."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__project=project, memberships__role__in=CASE_WORKER_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def find_by_identity_number(value) -> Participant | None:
    """The person with this number, or None. Exact match on the keyed hash. For the services'
    own checks: a look-up a user makes goes through participants.lookup.find (limited, logged)."""
    if isinstance(value, identity.IdentityNumber):
        value = value.digits
    return Participant.objects.with_identity_number(value).first()


# --- validation shared by the services -------------------------------------------------------


def _validate_consent(*, project, membership, consent_data) -> list:
    errors: dict[str, list] = {}
    organisations = list(consent_data.get("organisations") or [])
    purposes = list(consent_data.get("purposes") or [])
    given_on = consent_data.get("given_on")
    allowed = set(project_organisations(project).values_list("pk", flat=True))
    org_ids = {getattr(o, "pk", o) for o in organisations}
    if not org_ids:
        errors.setdefault("organisations", []).append(
            _("Choose the organisations the consent covers.")
        )
    elif org_ids - allowed:
        errors.setdefault("organisations", []).append(
            _("A consent can only cover organisations that take part in this project.")
        )
    elif (
        membership is not None
        and not can(membership, Capability.PARTICIPANTS_REGISTER_FOR_OTHERS)
        and membership.organisation_id not in org_ids
    ):
        errors.setdefault("organisations", []).append(
            _(
                "The consent does not cover your own organisation, %(organisation)s: you would "
                "not be able to see the person after registering them. Tick your organisation, "
                "or let a colleague from a covered organisation register them."
            )
            % {"organisation": membership.organisation}
        )
    unknown = set(purposes) - set(Consent.Purpose.values)
    if unknown:
        errors.setdefault("purposes", []).append(
            _("Unknown purpose: %s") % ", ".join(sorted(unknown))
        )
    if Consent.Purpose.REGISTRATION not in purposes:
        errors.setdefault("purposes", []).append(
            _(
                "Registration in the project is required: without it, register the person "
                "anonymously."
            )
        )
    if not given_on:
        errors.setdefault("given_on", []).append(_("This field is required."))
    elif given_on > today():
        errors.setdefault("given_on", []).append(_("The consent cannot be given in the future."))
    method = consent_data.get("method") or ""
    if method not in CONSENT_METHODS:
        errors.setdefault("method", []).append(
            _(
                "Say how the person gave their consent: on a signed form, verbally (noted in the "
                "case file) or signed with e-identification. You confirm it with your name."
            )
        )
    if len(consent_data.get("document_reference") or "") > CONSENT_REFERENCE_MAX:
        errors.setdefault("document_reference", []).append(
            _("Keep the reference to at most %(max)s characters.") % {"max": CONSENT_REFERENCE_MAX}
        )
    if errors:
        raise ValidationError(errors)
    return sorted({getattr(o, "pk", o) for o in organisations})


def _validate_enrolment(*, project, enrolment_data) -> None:
    errors: dict[str, list] = {}
    referred_on = enrolment_data.get("referred_on")
    started_on = enrolment_data.get("started_on")
    now = today()
    if not referred_on:
        errors["referred_on"] = [_("This field is required.")]
    elif referred_on > now:
        errors["referred_on"] = [_("The referral date cannot be in the future.")]
    elif outside := period_error(project, referred_on, _enrolment_label("referred_on")):
        errors["referred_on"] = [outside]
    if started_on:
        if started_on > now:
            errors["started_on"] = [
                _("The start cannot be in the future: leave it empty until the person starts.")
            ]
        elif referred_on and started_on < referred_on:
            errors["started_on"] = [_("The start cannot be before the referral.")]
        elif outside := period_error(project, started_on, _enrolment_label("started_on")):
            errors["started_on"] = [outside]
    months = enrolment_data.get("months_without_work")
    if months is not None and (
        not isinstance(months, int) or months < 0 or months > MAX_MONTHS_WITHOUT_WORK
    ):
        errors["months_without_work"] = [
            _("Months without work is a whole number from 0 to %(max)s.")
            % {"max": MAX_MONTHS_WITHOUT_WORK}
        ]
    groups = list(enrolment_data.get("target_groups") or [])
    group_ids = {getattr(g, "pk", g) for g in groups}
    if group_ids and project.target_groups.filter(pk__in=group_ids).count() != len(group_ids):
        errors["target_groups"] = [_("Choose target groups of this project.")]
    area = enrolment_data.get("area")
    if area is not None and not project.areas.filter(pk=getattr(area, "pk", area)).exists():
        errors["area"] = [_("Choose an area of this project.")]
    case_worker = enrolment_data.get("case_worker")
    if case_worker is None:
        errors["case_worker"] = [_("This field is required.")]
    elif not Membership.objects.filter(
        project=project, user_id=getattr(case_worker, "pk", case_worker), role__in=CASE_WORKER_ROLES
    ).exists():
        errors["case_worker"] = [
            _("The responsible case worker must be a case worker or manager in this project.")
        ]
    if errors:
        raise ValidationError(errors)


def _enrolment_label(name: str) -> str:
    return capfirst(Enrolment._meta.get_field(name).verbose_name)


def _open_enrolment_error():
    return ValidationError(
        _(
            "This person already has an open enrolment in this project. Open their page "
            "instead; a new enrolment can be made once the current one has ended."
        ),
        code="open_enrolment",
    )


def _person_errors(participant: Participant, *, exclude=()) -> None:
    try:
        participant.full_clean(exclude=["household", "created_by", *exclude])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


# --- services --------------------------------------------------------------------------------


@transaction.atomic
def create_enrolment(*, project, participant: Participant, by, enrolment_data) -> Enrolment:
    """Enrol a participant: referral, start and baseline, target groups, responsible case worker.

    With a start date the enrolment is active, otherwise referred; a StatusChange from "" to
    that status is written on the start (or referral) date. Refused, with nothing saved, when
    the person already has an open enrolment in the project. Reused by the importer.
    """
    _validate_enrolment(project=project, enrolment_data=enrolment_data)
    if Enrolment.objects.filter(
        participant=participant, project=project, status__in=OPEN_STATUSES
    ).exists():
        raise _open_enrolment_error()
    values = {name: enrolment_data.get(name) for name in ENROLMENT_FIELDS}
    for name in ("labour_market_status", "income_source", "swedish_level"):
        values[name] = values[name] or ""
    started_on: dt.date | None = values["started_on"]
    status = Status.ACTIVE if started_on else Status.REFERRED
    enrolment = Enrolment(participant=participant, project=project, status=status, **values)
    enrolment.full_clean(exclude=["participant", "project"], validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        if Enrolment.objects.filter(
            participant=participant, project=project, status__in=OPEN_STATUSES
        ).exists():
            raise _open_enrolment_error() from None
        raise
    groups = list(enrolment_data.get("target_groups") or [])
    if groups:
        enrolment.target_groups.set(groups)
    StatusChange.objects.create(
        enrolment=enrolment,
        from_status="",
        to_status=status,
        changed_on=started_on or values["referred_on"],
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    fields = [name for name in ENROLMENT_FIELDS if values.get(name) not in (None, "")]
    if groups:
        fields.append("target_groups")
    log_action(by=by, action="create", obj=enrolment, project=project, fields=[*fields, "status"])
    return enrolment


CONSENT_LOGGED_FIELDS = [
    "organisations",
    "purposes",
    "given_on",
    "given_by",
    "method",
    "confirmed_by",
    "confirmed_at",
    "document_reference",
]


def _confirmation(by, consent_data) -> dict:
    """Who confirmed the consent (the user recording it), how it was given and when."""
    return {
        "method": consent_data["method"],
        "confirmed_by": _user(by),
        "confirmed_at": now(),
        "document_reference": (consent_data.get("document_reference") or "").strip(),
    }


@transaction.atomic
def record_consent(*, project, participant: Participant, by, membership, consent_data) -> Consent:
    """Record a participant's consent in a project: organisations covered, purposes, date."""
    org_ids = _validate_consent(project=project, membership=membership, consent_data=consent_data)
    consent = Consent.objects.create(
        participant=participant,
        project=project,
        purposes=sorted(set(consent_data.get("purposes") or [])),
        given_on=consent_data["given_on"],
        given_by=consent_data.get("given_by") or "participant",
        recorded_by=_user(by),
        **_confirmation(by, consent_data),
    )
    consent.organisations.set(org_ids)
    log_action(by=by, action="create", obj=consent, project=project, fields=CONSENT_LOGGED_FIELDS)
    return consent


@transaction.atomic
def register_participant(
    *,
    project,
    by,
    membership,
    person_data,
    identity_number,
    consent_data,
    enrolment_data,
) -> Enrolment:
    """Register an identified person with their consent and enrol them, in one transaction.
    Returns the new enrolment.

    A number already registered (the keyed hash makes a person unique across projects) is not
    registered twice and not refused either — that would tell the user the person is known
    elsewhere: the person typed in is checked exactly like a new one, then the consent and the
    enrolment are recorded for the person already registered, whose recorded fields are kept
    as they are (the ones typed here are not saved over another agency's record). The caller
    says the same as for a new person (docs/privacy-lookup.md). An open enrolment in this
    project is refused as usual.
    """
    if isinstance(identity_number, identity.IdentityNumber):
        identity_number = identity_number.digits
    try:
        number = identity.parse_identity_number(identity_number)
    except ValidationError as error:
        raise ValidationError({"identity_number": error.messages}) from error
    existing = find_by_identity_number(number)
    if person_data.get("protected_identity"):
        raise ValidationError(
            {
                "protected_identity": _(
                    "A person with protected identity is registered anonymously, without name "
                    "or number."
                )
            }
        )
    person = {name: person_data.get(name) for name in IDENTIFIED_PERSON_FIELDS}
    for name in ("given_name", "family_name", "interpreter_language"):
        person[name] = (person[name] or "").strip()
    for name in ("region_of_birth", "education_level"):
        person[name] = person[name] or "unknown"
    participant = Participant(**person, created_by=_user(by))
    participant.set_identity_number(number.digits)
    errors = {}
    for name in ("given_name", "family_name"):
        if not person[name]:
            errors[name] = [_("This field is required.")]
    if person["arrival_year"] and person["arrival_year"] > today().year:
        errors["arrival_year"] = [_("The year of arrival cannot be in the future.")]
    try:
        # The hash's uniqueness is left to the database (see the IntegrityError below).
        _person_errors(participant, exclude=["identity_hash", "identity_encrypted"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    # Validate the other parts before anything is written, so every error shows at once.
    for check in (
        lambda: _validate_consent(
            project=project, membership=membership, consent_data=consent_data
        ),
        lambda: _validate_enrolment(project=project, enrolment_data=enrolment_data),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if existing is None:
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            existing = find_by_identity_number(number)
            if existing is None:
                raise
            # Registered by someone else at the same moment: linked like any known person.
    if existing is not None:
        return enrol_existing(
            project=project,
            by=by,
            membership=membership,
            participant=existing,
            consent_data=consent_data,
            enrolment_data=enrolment_data,
        )
    log_action(
        by=by,
        action="create",
        obj=participant,
        project=project,
        fields=[
            *(name for name in IDENTIFIED_PERSON_FIELDS if person[name] not in (None, "")),
            "identity_number",
            "birth_year",
        ],
    )
    record_consent(
        project=project,
        participant=participant,
        by=by,
        membership=membership,
        consent_data=consent_data,
    )
    return create_enrolment(
        project=project, participant=participant, by=by, enrolment_data=enrolment_data
    )


@transaction.atomic
def register_anonymous(*, project, by, membership=None, person_data, enrolment_data) -> Enrolment:
    """Register an anonymous participant — statistical fields only, no name, number or
    consent — and enrol them. Returns the new enrolment."""
    person = {name: person_data.get(name) for name in ANONYMOUS_PERSON_FIELDS}
    person["protected_identity"] = bool(person["protected_identity"])
    for name in ("region_of_birth", "education_level"):
        person[name] = person[name] or "unknown"
    participant = Participant(is_anonymous=True, created_by=_user(by), **person)
    errors = {}
    birth_year = person["birth_year"]
    if birth_year is None:
        errors["birth_year"] = [_("This field is required.")]
    elif not 1900 <= birth_year <= today().year:
        errors["birth_year"] = [
            _("Write the birth year with four digits, between 1900 and this year.")
        ]
    if person["arrival_year"] and person["arrival_year"] > today().year:
        errors["arrival_year"] = [_("The year of arrival cannot be in the future.")]
    if not errors:
        try:
            _person_errors(participant)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        _validate_enrolment(project=project, enrolment_data=enrolment_data)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    participant.save()
    log_action(
        by=by,
        action="create",
        obj=participant,
        project=project,
        fields=[name for name in ANONYMOUS_PERSON_FIELDS if person[name] not in (None, "")]
        + ["is_anonymous"],
    )
    return create_enrolment(
        project=project, participant=participant, by=by, enrolment_data=enrolment_data
    )


@transaction.atomic
def enrol_existing(
    *, project, by, membership, participant: Participant, consent_data, enrolment_data
) -> Enrolment:
    """Enrol a person already registered (found by their number) in this project, with a
    consent for this project. Refused when they have an open enrolment here; nothing saved."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if Enrolment.objects.filter(
        participant=participant, project=project, status__in=OPEN_STATUSES
    ).exists():
        raise _open_enrolment_error()
    errors = {}
    if not participant.is_anonymous:
        try:
            _validate_consent(project=project, membership=membership, consent_data=consent_data)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        _validate_enrolment(project=project, enrolment_data=enrolment_data)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if not participant.is_anonymous:
        record_consent(
            project=project,
            participant=participant,
            by=by,
            membership=membership,
            consent_data=consent_data,
        )
    return create_enrolment(
        project=project, participant=participant, by=by, enrolment_data=enrolment_data
    )


@transaction.atomic
def withdraw_consent(*, consent: Consent, by, on: dt.date | None = None) -> Consent:
    """Record that a consent is withdrawn. Sharing stops at once: the visibility rule only
    counts consents that are not withdrawn."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.replaced_on is not None:
        raise ValidationError(
            {
                "withdrawn_on": _(
                    "This version of the consent was replaced on %(date)s: withdraw the "
                    "current version."
                )
                % {"date": consent.replaced_on.isoformat()}
            }
        )
    if consent.withdrawn_on is not None:
        raise ValidationError(
            {
                "withdrawn_on": _("This consent was already withdrawn on %(date)s.")
                % {"date": consent.withdrawn_on.isoformat()}
            }
        )
    on = on or today()
    if on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}
        )
    if on > today():
        raise ValidationError({"withdrawn_on": _("The withdrawal cannot be in the future.")})
    consent.withdrawn_on = on
    consent.withdrawal_recorded_by = _user(by)
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])
    log_action(
        by=by,
        action="change",
        obj=consent,
        project=consent.project,
        fields=["withdrawn_on", "withdrawal_recorded_by"],
    )
    return consent


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


CONSENT_CHANGE_FIELDS = ("organisations", "purposes", "given_by")


@transaction.atomic
def change_consent(*, consent: Consent, by, consent_data) -> Consent:
    """Widen or narrow a consent (organisations covered, purposes) as a new version: a new
    Consent row pointing to the one it replaces, whose `replaced_on` is set to the new
    version's date. The old row is kept unchanged otherwise, so the history shows every
    version and who recorded it; only the newest version counts for who may see the person
    (Consent.objects.current(), Enrolment.objects.visible_to). A version already replaced or
    withdrawn cannot be changed; a change that changes nothing is refused."""
    current = (
        Consent.objects.select_for_update()
        .select_related("project")
        .prefetch_related("organisations")
        .get(pk=consent.pk)
    )
    if current.replaced_on is not None:
        newer = Consent.objects.filter(previous=current).values_list("version", flat=True).first()
        raise ValidationError(
            _(
                "This consent was replaced by version %(version)s on %(date)s after you opened "
                "the form. Nothing was saved: open the participant's page and change the "
                "current version."
            )
            % {"version": newer or "?", "date": current.replaced_on.isoformat()},
            code="replaced",
        )
    if current.withdrawn_on is not None:
        raise ValidationError(
            _(
                "This consent was withdrawn on %(date)s and cannot be changed. When the "
                "participant consents again, enrol them with a new consent."
            )
            % {"date": current.withdrawn_on.isoformat()},
            code="withdrawn",
        )
    # The rule that the recorder's own organisation is covered applies to registering a person;
    # narrowing a consent may leave one's own organisation out (the view then says so).
    org_ids = _validate_consent(project=current.project, membership=None, consent_data=consent_data)
    given_on = consent_data["given_on"]
    if given_on < current.given_on:
        raise ValidationError(
            {
                "given_on": _(
                    "The new version cannot be dated before the version it replaces (%(date)s)."
                )
                % {"date": current.given_on.isoformat()}
            }
        )
    purposes = sorted(set(consent_data.get("purposes") or []))
    given_by = consent_data.get("given_by") or "participant"
    old_orgs = sorted(o.pk for o in current.organisations.all())
    if old_orgs == org_ids and sorted(current.purposes) == purposes:
        raise ValidationError(
            _(
                "The organisations and purposes are the same as in the current version: "
                "nothing to change."
            ),
            code="unchanged",
        )
    new = Consent.objects.create(
        participant=current.participant,
        project=current.project,
        purposes=purposes,
        given_on=given_on,
        given_by=given_by,
        recorded_by=_user(by),
        version=current.version + 1,
        previous=current,
        **_confirmation(by, consent_data),
    )
    new.organisations.set(org_ids)
    current.replaced_on = given_on
    current.save(update_fields=["replaced_on"])
    log_action(
        by=by,
        action="create",
        obj=new,
        project=current.project,
        fields=[*CONSENT_LOGGED_FIELDS, "previous"],
        reason=f"new version of consent {current.pk}",
    )
    log_action(by=by, action="change", obj=current, project=current.project, fields=["replaced_on"])
    return new


def consent_changes(consent: Consent) -> dict:
    """What a consent version changed against the one it replaced: organisations added and
    removed, purposes added and removed (labels), for the participant page's history."""
    previous = consent.previous
    if previous is None:
        return {}
    before = {o.pk: o for o in previous.organisations.all()}
    after = {o.pk: o for o in consent.organisations.all()}
    labels = dict(Consent.Purpose.choices)
    return {
        "organisations_added": [after[pk] for pk in after if pk not in before],
        "organisations_removed": [before[pk] for pk in before if pk not in after],
        "purposes_added": [
            str(labels.get(p, p)) for p in consent.purposes if p not in previous.purposes
        ],
        "purposes_removed": [
            str(labels.get(p, p)) for p in previous.purposes if p not in consent.purposes
        ],
    }

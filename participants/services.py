"""Writes of the participants app: corrections of a person's own fields.

(Registration and consent are written by the intake, enrolments/registration.py, because they
create an enrolment in the same transaction.) Keyword-only, one transaction, one audit entry
naming the fields (never their values), one history row (participants.Correction); bad input
raises a ValidationError naming the field and nothing is saved.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today
from core.signals import counted_data_changed

from . import identity, lookup
from .corrections import (
    IDENTITY_NUMBER,
    changes_between,
    check_unchanged,
    clean_reason,
    record_correction,
    values_of,
)
from .models import Correction, Participant

# What a correction of an identified person may change; birth year follows the number.
IDENTIFIED_CORRECTABLE = (
    "given_name",
    "family_name",
    "gender",
    "region_of_birth",
    "arrival_year",
    "education_level",
    "interpreter_language",
    "disability",
)
# An anonymous person: the statistical fields (no name, no number).
ANONYMOUS_CORRECTABLE = (
    "gender",
    "birth_year",
    "region_of_birth",
    "arrival_year",
    "education_level",
    "interpreter_language",
    "disability",
    "protected_identity",
)
_TEXT_FIELDS = ("given_name", "family_name", "interpreter_language")


def correctable_fields(participant: Participant) -> tuple[str, ...]:
    return ANONYMOUS_CORRECTABLE if participant.is_anonymous else IDENTIFIED_CORRECTABLE


def compared_fields(participant: Participant) -> tuple[str, ...]:
    """The fields a correction form shows and the concurrency check compares."""
    fields = correctable_fields(participant)
    if participant.is_anonymous:
        return fields
    return (*fields, "birth_year", IDENTITY_NUMBER)


def correct_participant(
    *, participant: Participant, project, by, **correction
) -> Correction | None:
    """Correct a person's own fields (`_correct_participant`). A new identity number that
    belongs to someone else is refused — and, since the refusal tells the user that the number
    is registered, it is logged as a read of that other person, like the intake's look-up (after
    the refused transaction is rolled back, so the entry stays). A new number is a look-up by
    number: counted against the user's limit (participants.lookup) and logged, found or not."""
    new_number = correction.get("identity_number") and not participant.is_anonymous
    if new_number:
        try:
            lookup.check_limit(by=by, project=project)
        except lookup.LookupLimitReached as refusal:
            raise ValidationError({"identity_number": refusal.messages}) from None
    try:
        result = _correct_participant(participant=participant, project=project, by=by, **correction)
    except ValidationError as error:
        other = getattr(error, "number_registered_to", None)
        if other is not None:
            log_action(
                by=by,
                action="view",
                obj=other,
                project=project,
                reason=lookup.CORRECTION_HIT_REASON,
            )
        elif new_number:
            _log_correction_lookup(by, project)
        raise
    if new_number:
        _log_correction_lookup(by, project)
    return result


def _log_correction_lookup(by, project) -> None:
    """A new number that belongs to no one else: a look-up that found no one (the person's own
    change is logged by the correction)."""
    log_action(
        by=by,
        action="view",
        object_type=lookup.PARTICIPANT,
        project=project,
        reason=f"{lookup.LOOKUP_REASON}: correction",
    )


@transaction.atomic
def _correct_participant(
    *,
    participant: Participant,
    project,
    by,
    values: dict,
    reason: str,
    expected: dict | None,
    identity_number: str = "",
) -> Correction | None:
    """Correct a person's own fields. `values` holds the correctable fields (others are
    ignored); `identity_number`, when given, replaces the number (identified people only: it is
    validated, encrypted and hashed, the birth year follows it, and the history says only that
    it changed). `expected` is the form's token values (participants.corrections): if the
    person changed after the form was opened the save is refused naming what changed.
    Returns the history row, or None when nothing differed (nothing is written)."""
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    compared = compared_fields(person)
    before = values_of(person, compared)
    check_unchanged(object_type=Participant._meta.label, expected=expected, current=before)
    errors: dict[str, list[str]] = {}
    try:
        reason = clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    for name in correctable_fields(person):
        if name not in values:
            continue
        value = values[name]
        if name in _TEXT_FIELDS:
            value = (value or "").strip()
        if name in ("region_of_birth", "education_level"):
            value = value or "unknown"
        if name == "protected_identity":
            value = bool(value)
        setattr(person, name, value)
    if not person.is_anonymous:
        for name in ("given_name", "family_name"):
            if not getattr(person, name):
                errors.setdefault(name, []).append(_("This field is required."))
    current_year = today().year
    if person.arrival_year and person.arrival_year > current_year:
        errors.setdefault("arrival_year", []).append(
            _("The year of arrival cannot be in the future.")
        )
    if person.is_anonymous and person.birth_year is not None:
        if not 1900 <= person.birth_year <= current_year:
            errors.setdefault("birth_year", []).append(
                _("Write the birth year with four digits, between 1900 and this year.")
            )
    number = other = None
    if identity_number and not person.is_anonymous:
        try:
            number = identity.parse_identity_number(identity_number)
        except ValidationError as error:
            errors.setdefault("identity_number", []).extend(error.messages)
        else:
            other = (
                Participant.objects.with_identity_number(number.digits)
                .exclude(pk=person.pk)
                .first()
            )
            if other is not None:
                errors.setdefault("identity_number", []).append(
                    _(
                        "Another person is registered with this number. Nothing was changed; "
                        "if two records are the same person, ask an administrator to merge them."
                    )
                )
            else:
                person.set_identity_number(number.digits)
    try:
        person.full_clean(exclude=["household", "created_by", "identity_hash"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        refusal = ValidationError(errors)
        refusal.number_registered_to = other
        raise refusal
    after = values_of(person, compared)
    changes = changes_between(before, after)
    if not changes:
        return None
    changed_fields = [c["field"] for c in changes]
    person.save()
    log_action(
        by=by,
        action="change",
        obj=person,
        project=project,
        fields=changed_fields,
        reason="correction",
    )
    correction = record_correction(
        participant=person,
        project=project,
        obj=person,
        kind=Correction.Kind.PERSON,
        changes=changes,
        reason=reason,
        by=by,
    )
    # The person's fields are counted (gender, age, region of birth…) in every project they
    # are enrolled in: those projects' figures go stale. (The enrolments relation is declared
    # by the enrolments app; following it imports nothing.)
    enrolments = list(person.enrolments.values_list("pk", "project_id"))
    counted_data_changed.send(
        Participant,
        project_ids=sorted({project_id for _pk, project_id in enrolments}),
        enrolment_ids=[pk for pk, _project_id in enrolments],
    )
    return correction

"""Writes of the interventions app: the catalogue, placements and attendance hours.

Every function takes keyword-only arguments and the acting user as `by=`, runs in one
transaction, writes one audit entry (field names only, never values) and raises a
ValidationError whose keys are the form fields to name when the input is wrong — in which case
nothing is saved.
"""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core import clock
from core.audit import log_action
from core.periods import period_error
from core.signals import counted_data_changed
from enrolments.models import Status

from .models import AttendanceRecord, AttendanceSession, Intervention, Participation

INTERVENTION_FIELDS = (
    "name",
    "category",
    "provider",
    "description",
    "starts_on",
    "ends_on",
    "capacity",
)
PLACEABLE_STATUSES = (Status.ACTIVE, Status.PAUSED)
MAX_SESSION_HOURS = Decimal(24)


def format_hours(value) -> str:
    """Hours the Swedish or English way: "3", "2,5" / "2.5"."""
    value = Decimal(value)
    return formats.number_format(value, decimal_pos=0 if value == value.to_integral() else 1)


def _date(value) -> str:
    return value.strftime("%Y-%m-%d")


def _has_more_than_one_decimal(value: Decimal) -> bool:
    return value.as_tuple().exponent < -1 and value != value.quantize(Decimal("0.1"))


def _label(model, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


def not_placeable_message(enrolment) -> str:
    """Why this enrolment cannot be placed: exited (re-enrol them), or not active or paused."""
    if enrolment.exited_on:
        return _(
            "%(name)s exited on %(date)s: an exited participant cannot be placed in an "
            "intervention. Re-enrol them in the project to place them again."
        ) % {"name": enrolment.participant, "date": _date(enrolment.exited_on)}
    return _(
        "Only an active or paused enrolment can be placed in an intervention; "
        "this one is “%(status)s”."
    ) % {"status": enrolment.get_status_display()}


def ongoing_count(intervention) -> int:
    return intervention.participations.filter(completion=Participation.Completion.ONGOING).count()


# --- The catalogue ---------------------------------------------------------------------------


def _validate_intervention(intervention: Intervention) -> None:
    project = intervention.project
    errors = {}
    intervention.name = (intervention.name or "").strip()
    if not intervention.name:
        errors["name"] = _("Enter the intervention's name.")
    elif (
        Intervention.objects.filter(project=project, name__iexact=intervention.name)
        .exclude(pk=intervention.pk)
        .exists()
    ):
        errors["name"] = _("The project already has an intervention called %(name)s.") % {
            "name": intervention.name
        }
    if intervention.category_id is None:
        errors["category"] = _("Choose a category.")
    if intervention.provider_id is None:
        errors["provider"] = _("Choose the organisation that provides the intervention.")
    starts, ends = intervention.starts_on, intervention.ends_on
    if outside := period_error(project, starts, _label(Intervention, "starts_on")):
        errors["starts_on"] = outside
    if ends and starts and ends < starts:
        errors["ends_on"] = _("The intervention cannot end before it starts.")
    elif outside := period_error(project, ends, _label(Intervention, "ends_on")):
        errors["ends_on"] = outside
    if intervention.capacity is not None and intervention.capacity < 1:
        errors["capacity"] = _("Give at least one place, or leave empty for no limit.")
    if intervention.pk and not errors:
        placed = intervention.participations.aggregate(
            ongoing=Count("id", filter=Q(completion=Participation.Completion.ONGOING)),
        )
        if intervention.capacity is not None and placed["ongoing"] > intervention.capacity:
            errors["capacity"] = _(
                "%(count)s participants already take part; the capacity cannot be lower."
            ) % {"count": placed["ongoing"]}
        participations = intervention.participations.all()
        if starts and participations.filter(started_on__lt=starts).exists():
            errors["starts_on"] = _(
                "A participant started before this date; the intervention cannot start later."
            )
        if ends and participations.filter(started_on__gt=ends).exists():
            errors["ends_on"] = _(
                "A participant starts after this date; the intervention cannot end earlier."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_intervention(
    *,
    by,
    project,
    name: str,
    category,
    provider,
    description: str = "",
    starts_on=None,
    ends_on=None,
    capacity=None,
) -> Intervention:
    """Add an intervention to the project's catalogue. The name is unique in the project and
    the period lies within the project's."""
    intervention = Intervention(
        project=project,
        name=name,
        category=category,
        provider=provider,
        description=description or "",
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
    )
    _validate_intervention(intervention)
    intervention.save()
    filled = [f for f in INTERVENTION_FIELDS if getattr(intervention, f) not in (None, "")]
    log_action(by=by, action="create", obj=intervention, project=project, fields=filled)
    return intervention


@transaction.atomic
def update_intervention(*, by, intervention: Intervention, **changes) -> Intervention:
    """Change an intervention of the catalogue (any of INTERVENTION_FIELDS). A capacity below
    the places already taken, or a period that leaves out a participant's start, is refused."""
    unknown = set(changes) - set(INTERVENTION_FIELDS)
    if unknown:
        raise TypeError(f"update_intervention() got unknown fields: {sorted(unknown)}")
    before = {f: getattr(intervention, f) for f in INTERVENTION_FIELDS}
    changed = [f for f, value in changes.items() if before[f] != value]
    for field, value in changes.items():
        setattr(intervention, field, "" if field == "description" and value is None else value)
    try:
        _validate_intervention(intervention)
    except ValidationError:
        for field, value in before.items():
            setattr(intervention, field, value)
        raise
    if changed:
        intervention.save(update_fields=changed)
        log_action(
            by=by, action="change", obj=intervention, project=intervention.project, fields=changed
        )
    return intervention


# --- Placement -------------------------------------------------------------------------------


@transaction.atomic
def place_participant(
    *, by, enrolment, intervention: Intervention, started_on, planned_hours=0
) -> Participation:
    """Place an active or paused enrolment in an intervention of its project. Refused when the
    intervention is full (capacity reached by ongoing participations), when the person already
    takes part in it, or when the start lies outside the enrolment's or intervention's period."""
    if intervention.project_id != enrolment.project_id:
        raise ValidationError({"intervention": _("Choose an intervention of this project.")})
    # Serialise placements in the same intervention so two case workers cannot both take the
    # last place.
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    errors = {}
    if enrolment.status not in PLACEABLE_STATUSES:
        errors[NON_FIELD_ERRORS] = not_placeable_message(enrolment)
    planned_hours = Decimal(planned_hours if planned_hours is not None else 0)
    if planned_hours < 0:
        errors["planned_hours"] = _("The planned hours cannot be negative.")
    if started_on is None:
        errors["started_on"] = _("Enter the start date.")
    elif enrolment.started_on and started_on < enrolment.started_on:
        errors["started_on"] = _(
            "The placement cannot start before the enrolment started (%(date)s)."
        ) % {"date": _date(enrolment.started_on)}
    elif intervention.starts_on and started_on < intervention.starts_on:
        errors["started_on"] = _(
            "The placement cannot start before the intervention starts (%(date)s)."
        ) % {"date": _date(intervention.starts_on)}
    elif intervention.ends_on and started_on > intervention.ends_on:
        errors["started_on"] = _(
            "The placement cannot start after the intervention ends (%(date)s)."
        ) % {"date": _date(intervention.ends_on)}
    elif outside := period_error(
        enrolment.project, started_on, _label(Participation, "started_on")
    ):
        errors["started_on"] = outside
    ongoing = intervention.participations.filter(completion=Participation.Completion.ONGOING)
    if ongoing.filter(enrolment__participant_id=enrolment.participant_id).exists():
        errors["intervention"] = _("This participant already takes part in %(intervention)s.") % {
            "intervention": intervention.name
        }
    elif intervention.capacity is not None and ongoing.count() >= intervention.capacity:
        errors["intervention"] = _(
            "%(intervention)s is full: all %(capacity)s places are taken."
        ) % {"intervention": intervention.name, "capacity": intervention.capacity}
    if errors:
        raise ValidationError(errors)
    participation = Participation.objects.create(
        intervention=intervention,
        enrolment=enrolment,
        started_on=started_on,
        planned_hours=planned_hours,
    )
    log_action(
        by=by,
        action="create",
        obj=participation,
        project=enrolment.project,
        fields=["intervention", "enrolment", "started_on", "planned_hours"],
        reason=f"enrolment {enrolment.pk}",
    )
    return participation


def end_placements_at_exit(*, exits: dict, by=None) -> int:
    """End the ongoing placements of exited enrolments at their exit dates: `exits` is
    {enrolment id: exit date}. Completion becomes "ended at exit" and the end date the exit date
    (a placement planned to start after the exit ends on its start date, so the end is never
    before the start); the hours attended are kept. Called in the exit's transaction, through
    the signal enrolments.signals.enrolments_exited (apps.py); returns how many ended."""
    if not exits:
        return 0
    ongoing = list(
        Participation.objects.select_for_update(of=("self",))
        .filter(enrolment_id__in=list(exits), completion=Participation.Completion.ONGOING)
        .select_related("intervention__project")
    )
    if not ongoing:
        return 0
    now = clock.now()
    for participation in ongoing:
        participation.completion = Participation.Completion.ENDED
        participation.ended_on = max(exits[participation.enrolment_id], participation.started_on)
        participation.updated_at = now
    Participation.objects.bulk_update(ongoing, ["completion", "ended_on", "updated_at"])
    # A bulk update sends no model signal: goals is told here.
    counted_data_changed.send(
        Participation, enrolment_ids=sorted({p.enrolment_id for p in ongoing})
    )
    for participation in ongoing:
        log_action(
            by=by,
            action="change",
            obj=participation,
            project=participation.intervention.project,
            fields=["completion", "ended_on"],
            reason=f"exit of enrolment {participation.enrolment_id}",
        )
    return len(ongoing)


def _on_enrolments_exited(sender, *, exits, by=None, **kwargs):
    end_placements_at_exit(exits=exits, by=by)


# --- Attendance ------------------------------------------------------------------------------


def _add_hours(participation: Participation, hours: Decimal) -> None:
    Participation.objects.filter(pk=participation.pk).update(
        attended_hours=F("attended_hours") + hours, updated_at=clock.now()
    )
    # An update sends no model signal: goals is told here.
    counted_data_changed.send(Participation, enrolment_ids=[participation.enrolment_id])


@transaction.atomic
def record_hours(
    *,
    by,
    participation: Participation,
    held_on=None,
    hours=None,
    completion: str | None = None,
    ended_on=None,
) -> Participation:
    """Record one participant's attended hours for a date (added to their total, kept as an
    AttendanceRecord without a session), and/or set their completion with an end date. Going
    back to "ongoing" clears the end date."""
    today = clock.today()
    errors = {}
    intervention = participation.intervention
    hours = Decimal(hours) if hours not in (None, "") else None
    adds_hours = hours is not None and hours != 0
    completion = completion or participation.completion
    if completion not in Participation.Completion.values or (
        # "Ended at exit" is the exit's to set (end_placements_at_exit), not a choice.
        completion == Participation.Completion.ENDED
        and participation.completion != Participation.Completion.ENDED
    ):
        errors["completion"] = _("Choose ongoing, completed or interrupted.")
    elif (
        completion == Participation.Completion.ONGOING
        and participation.completion != Participation.Completion.ONGOING
        and participation.enrolment.exited_on is not None
    ):
        errors["completion"] = _(
            "%(name)s exited on %(date)s: the placement cannot be ongoing again. Re-enrol them "
            "in the project and place them again."
        ) % {
            "name": participation.enrolment.participant,
            "date": _date(participation.enrolment.exited_on),
        }
    if hours is not None and hours < 0:
        errors["hours"] = _("The hours cannot be negative.")
    elif hours is not None and _has_more_than_one_decimal(hours):
        errors["hours"] = _("Give the hours with at most one decimal.")
    elif hours is not None and hours > MAX_SESSION_HOURS:
        errors["hours"] = _("At most 24 hours can be recorded for one day.")
    if adds_hours:
        if held_on is None:
            errors["held_on"] = _("Enter the date the hours were attended.")
        elif held_on > today:
            errors["held_on"] = _("The date cannot be in the future.")
        elif held_on < participation.started_on:
            errors["held_on"] = _(
                "The date cannot be before the participant started (%(date)s)."
            ) % {"date": _date(participation.started_on)}
        elif intervention.ends_on and held_on > intervention.ends_on:
            errors["held_on"] = _("The date cannot be after the intervention ended (%(date)s).") % {
                "date": _date(intervention.ends_on)
            }
        elif outside := period_error(intervention.project, held_on, _("Date")):
            errors["held_on"] = outside
        elif AttendanceRecord.objects.filter(
            participation=participation, session__isnull=True, held_on=held_on
        ).exists():
            errors["held_on"] = _(
                "Hours for %(date)s are already recorded for this participant."
            ) % {"date": _date(held_on)}
    if completion == Participation.Completion.ONGOING:
        ended_on = None
    elif "completion" not in errors:
        if ended_on is None:
            errors["ended_on"] = _(
                "Enter the end date when the participation is completed or interrupted."
            )
        elif ended_on < participation.started_on:
            errors["ended_on"] = _("The end cannot be before the start (%(date)s).") % {
                "date": _date(participation.started_on)
            }
        elif ended_on > today:
            errors["ended_on"] = _("The end date cannot be in the future.")
        elif outside := period_error(
            intervention.project, ended_on, _label(Participation, "ended_on")
        ):
            errors["ended_on"] = outside
        elif adds_hours and held_on and held_on > ended_on:
            errors.setdefault("held_on", _("The date cannot be after the participation ended."))
    changed = []
    if completion != participation.completion:
        changed.append("completion")
    if ended_on != participation.ended_on:
        changed.append("ended_on")
    if not errors and not adds_hours and not changed:
        errors["hours"] = _("Enter the hours attended, or change the completion.")
    if errors:
        raise ValidationError(errors)
    if adds_hours:
        try:
            with transaction.atomic():
                AttendanceRecord.objects.create(
                    participation=participation, held_on=held_on, hours=hours, recorded_by=by
                )
        except IntegrityError:  # the same form submitted twice at the same moment
            raise ValidationError(
                {
                    "held_on": _("Hours for %(date)s are already recorded for this participant.")
                    % {"date": _date(held_on)}
                }
            ) from None
        _add_hours(participation, hours)
        changed.append("attended_hours")
    if {"completion", "ended_on"} & set(changed):
        Participation.objects.filter(pk=participation.pk).update(
            completion=completion, ended_on=ended_on, updated_at=clock.now()
        )
        counted_data_changed.send(Participation, enrolment_ids=[participation.enrolment_id])
    participation.refresh_from_db()
    log_action(
        by=by,
        action="change",
        obj=participation,
        project=intervention.project,
        fields=changed,
    )
    return participation


def row_error(participation: Participation, message: str) -> str:
    return _("Row for %(name)s: %(problem)s") % {
        "name": participation.enrolment.participant,
        "problem": message,
    }


def row_key(participation: Participation) -> str:
    """The key a group session's row errors use (the form field of the row's hours)."""
    return f"hours_{participation.pk}"


@transaction.atomic
def record_group_session(
    *, by, intervention: Intervention, held_on, length_hours, rows
) -> AttendanceSession:
    """Record one group session for everyone placed in the intervention, in one transaction.

    `rows` is a list of (participation, hours) — 0 for "did not attend". Each row's hours lie
    between 0 and the session's length; the date lies within the intervention's period and not
    in the future; an intervention has at most one session a day (a double submission is
    refused). If any row is wrong nothing is saved, and every wrong row is named (the error
    keys are `row_key(participation)`).
    """
    today = clock.today()
    project = intervention.project
    errors = {}
    if held_on is None:
        errors["held_on"] = _("Enter the session's date.")
    elif held_on > today:
        errors["held_on"] = _("The session's date cannot be in the future.")
    elif intervention.starts_on and held_on < intervention.starts_on:
        errors["held_on"] = _(
            "The session cannot be before the intervention starts (%(date)s)."
        ) % {"date": _date(intervention.starts_on)}
    elif intervention.ends_on and held_on > intervention.ends_on:
        errors["held_on"] = _("The session cannot be after the intervention ends (%(date)s).") % {
            "date": _date(intervention.ends_on)
        }
    elif outside := period_error(project, held_on, _label(AttendanceSession, "held_on")):
        errors["held_on"] = outside
    elif AttendanceSession.objects.filter(intervention=intervention, held_on=held_on).exists():
        errors["held_on"] = _(
            "A session on %(date)s is already recorded for this intervention."
        ) % {"date": _date(held_on)}
    length_ok = False
    if length_hours is None:
        errors["length_hours"] = _("Enter the session's length in hours.")
    else:
        length_hours = Decimal(length_hours)
        if length_hours <= 0:
            errors["length_hours"] = _("The session's length must be more than 0 hours.")
        elif length_hours > MAX_SESSION_HOURS:
            errors["length_hours"] = _("The session's length cannot exceed 24 hours.")
        elif _has_more_than_one_decimal(length_hours):
            errors["length_hours"] = _("Give the length with at most one decimal.")
        else:
            length_ok = True
    if not rows:
        errors[NON_FIELD_ERRORS] = _("No participant is placed in this intervention.")
    clean_rows = []
    for participation, hours in rows:
        if participation.intervention_id != intervention.pk:
            raise ValueError("A row's participation belongs to another intervention.")
        problem = None
        if hours is None:
            problem = _("enter the hours attended (0 if they did not attend).")
        else:
            hours = Decimal(hours)
            if hours < 0:
                problem = _("the hours cannot be negative.")
            elif _has_more_than_one_decimal(hours):
                problem = _("give the hours with at most one decimal.")
            elif length_ok and hours > length_hours:
                problem = _("the hours exceed the session's length of %(length)s.") % {
                    "length": format_hours(length_hours)
                }
            elif hours > 0 and held_on and held_on < participation.started_on:
                problem = _("the session is before the participant started (%(date)s).") % {
                    "date": _date(participation.started_on)
                }
            elif held_on and participation.ended_on and held_on > participation.ended_on:
                # Not even as "did not attend": after the end (an exit, say) the person is no
                # longer in the group.
                problem = _("the session is after the participation ended (%(date)s).") % {
                    "date": _date(participation.ended_on)
                }
        if problem:
            errors[row_key(participation)] = row_error(participation, problem)
        clean_rows.append((participation, hours))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            session = AttendanceSession.objects.create(
                intervention=intervention,
                held_on=held_on,
                length_hours=length_hours,
                recorded_by=by,
            )
    except IntegrityError:  # the same session submitted twice at the same moment
        raise ValidationError(
            {
                "held_on": _("A session on %(date)s is already recorded for this intervention.")
                % {"date": _date(held_on)}
            }
        ) from None
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            participation=participation,
            session=session,
            held_on=held_on,
            hours=hours,
            recorded_by=by,
        )
        for participation, hours in clean_rows
    )
    for participation, hours in clean_rows:
        if hours:
            _add_hours(participation, hours)
    log_action(
        by=by,
        action="create",
        obj=session,
        project=project,
        fields=["held_on", "length_hours", "attended_hours"],
        reason=f"{len(clean_rows)} participations",
    )
    return session


# --- Correcting an attendance recording (issue 11) -------------------------------------------


@transaction.atomic
def correct_attendance(
    *,
    by,
    record: AttendanceRecord,
    reason: str,
    expected: dict | None,
    hours=None,
    remove: bool = False,
) -> Participation:
    """Correct the hours of one attendance recording, or remove the recording. The
    participation's attended_hours changes by the same difference in the same transaction, so
    it stays the sum of its recordings (plus any opening balance); a group session's row stays
    within the session's length. Kept as history (participants.Correction) with the reason;
    a record changed since the form was opened is refused, naming the change."""
    from participants.corrections import (
        changes_between,
        check_unchanged,
        clean_reason,
        record_correction,
        values_of,
    )
    from participants.models import Correction

    participation = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("intervention__project", "enrolment__participant")
        .get(pk=record.participation_id)
    )
    current = (
        AttendanceRecord.objects.select_for_update(of=("self",))
        .select_related("session")
        .filter(pk=record.pk)
        .first()
    )
    if current is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "This recording was removed after you opened the form. Nothing was saved."
                )
            }
        )
    compared = ("held_on", "hours")
    before = values_of(current, compared)
    check_unchanged(object_type=AttendanceRecord._meta.label, expected=expected, current=before)
    errors = {}
    try:
        reason = clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    new_hours = Decimal(0)
    if not remove:
        if hours in (None, ""):
            errors["hours"] = _("Enter the hours attended (0 if they did not attend).")
        else:
            new_hours = Decimal(hours)
            if new_hours < 0:
                errors["hours"] = _("The hours cannot be negative.")
            elif _has_more_than_one_decimal(new_hours):
                errors["hours"] = _("Give the hours with at most one decimal.")
            elif new_hours > MAX_SESSION_HOURS:
                errors["hours"] = _("At most 24 hours can be recorded for one day.")
            elif current.session is not None and new_hours > current.session.length_hours:
                errors["hours"] = _("The hours exceed the session's length of %(length)s.") % {
                    "length": format_hours(current.session.length_hours)
                }
    difference = new_hours - current.hours
    if not errors and participation.attended_hours + difference < 0:
        errors["hours"] = _(
            "The participant's attended hours would fall below 0: the total (%(total)s) is "
            "less than this recording. Ask the project manager to check the hours."
        ) % {"total": format_hours(participation.attended_hours)}
    if errors:
        raise ValidationError(errors)
    detail = f"{participation.intervention.name}, {_date(current.held_on)}"
    if remove:
        changes = [{"field": "hours", "old": before["hours"], "new": ""}]
        current.delete()
    else:
        current.hours = new_hours
        changes = changes_between(before, values_of(current, compared))
        if not changes:
            return participation
        current.save(update_fields=["hours"])
    if difference:
        _add_hours(participation, difference)
    record_correction(
        participant=participation.enrolment.participant,
        project=participation.intervention.project,
        obj=current if not remove else record,
        kind=Correction.Kind.ATTENDANCE,
        changes=changes,
        reason=reason,
        by=by,
        detail=detail,
        removed=remove,
    )
    log_action(
        by=by,
        action="delete" if remove else "change",
        obj=record,
        project=participation.intervention.project,
        fields=["hours", "attended_hours"],
        reason=f"correction, participation {participation.pk}",
    )
    participation.refresh_from_db()
    return participation

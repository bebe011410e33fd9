"""Workflows on enrolments. Each is one transaction and one audit entry."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today
from core.periods import check_within_period, period_error
from core.signals import counted_data_changed
from participants.corrections import (
    changes_between,
    check_unchanged,
    clean_reason,
    record_correction,
    values_of,
)
from participants.models import Correction

from .models import (
    ALLOWED_TRANSITIONS,
    ContactNote,
    Enrolment,
    FollowUp,
    Status,
    StatusChange,
)
from .signals import enrolments_exited, exit_corrected


@transaction.atomic
def change_status(
    *,
    enrolment: Enrolment,
    new_status: str,
    by,
    on: dt.date | None = None,
    exit_reason: str = "",
    exit_status: str = "",
    exit_income_source: str = "",
) -> Enrolment:
    """Move an enrolment along its lifecycle (ALLOWED_TRANSITIONS). Starting sets the start
    date; exiting records the exit and creates the project's follow-ups (day 90 and 180 by
    default). A change the lifecycle does not allow raises ValidationError saying why."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    current = enrolment.status
    if new_status not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(str(Status(s).label) for s in sorted(ALLOWED_TRANSITIONS[current]))
        raise ValidationError(
            {
                "status": _("An enrolment that is “%(current)s” cannot become “%(new)s”.")
                % {"current": Status(current).label, "new": Status(new_status).label}
                + " "
                + (
                    _("Allowed next: %(allowed)s.") % {"allowed": allowed}
                    if allowed
                    else _("It is closed and cannot change.")
                )
            }
        )
    # Every dated step lies within the project's period (core/periods.py); "followed up" comes
    # with the last follow-up, which may fall in the follow-up time after the period.
    if new_status == Status.EXITED:
        check_within_period(
            enrolment.project, on or today(), _label("exited_on"), field="exited_on"
        )
    else:
        check_within_period(
            enrolment.project,
            on or today(),
            _("Date"),
            field="on",
            follow_up=new_status == Status.FOLLOWED_UP,
        )
    fields = ["status"]
    if new_status == Status.ACTIVE and enrolment.started_on is None:
        enrolment.started_on = on or today()
        fields.append("started_on")
    if new_status == Status.EXITED:
        enrolment.exited_on = on or today()
        enrolment.exit_reason = exit_reason
        enrolment.exit_status = exit_status
        enrolment.exit_income_source = exit_income_source
        fields += ["exited_on", "exit_reason", "exit_status", "exit_income_source"]
        missing = {
            name: _("This field is required.")
            for name in ("exit_reason", "exit_status", "exit_income_source")
            if not getattr(enrolment, name)
        }
        if missing:
            raise ValidationError(missing)
    enrolment.status = new_status
    enrolment.full_clean(exclude=["participant", "project", "case_worker", "referred_by", "area"])
    enrolment.save(update_fields=[*fields, "updated_at"])
    # (The save above has marked the project's goal summary stale, follow-ups included.)
    if new_status == Status.EXITED:
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    enrolment=enrolment,
                    day=day,
                    due_on=enrolment.exited_on + dt.timedelta(days=day),
                )
                for day in enrolment.project.follow_up_days_or_default
            ]
        )
    StatusChange.objects.create(
        enrolment=enrolment,
        from_status=current,
        to_status=new_status,
        changed_on=on or today(),
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    log_action(by=by, action="change", obj=enrolment, project=enrolment.project, fields=fields)
    if new_status == Status.EXITED:
        # The placements end at the exit, in this transaction (interventions answers).
        enrolments_exited.send(Enrolment, exits={enrolment.pk: enrolment.exited_on}, by=_user(by))
    return enrolment


def _label(field: str) -> str:
    return _label_of(Enrolment, field)


def _label_of(model, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _attendance_after(enrolment: Enrolment, exited_on: dt.date) -> str:
    """Why the person cannot have exited on this date: attendance recorded after it (an exit
    ends the placements at the exit date, so hours after it would be hours of nobody). Empty
    when there is none. The exit and its correction both ask."""
    attended_after = (
        enrolment.participations.filter(attendance_records__held_on__gt=exited_on)
        .order_by("-attendance_records__held_on")
        .values_list("attendance_records__held_on", flat=True)
        .first()
    )
    if not attended_after:
        return ""
    return _(
        "Attendance is recorded on %(date)s, after this date. Correct or remove that recording "
        "first."
    ) % {"date": attended_after.isoformat()}


FOLLOW_UP_EARLY_DAYS = 14  # a follow-up may be recorded from this many days before it is due
EXITABLE_STATUSES = (Status.ACTIVE, Status.PAUSED)


@transaction.atomic
def exit_enrolment(
    *,
    enrolment: Enrolment,
    by,
    exited_on: dt.date,
    exit_reason: str,
    exit_status: str,
    exit_income_source: str,
) -> Enrolment:
    """Record a participant's exit: the date (not in the future, not before the start), reason,
    status and income source at exit. Creates the project's follow-ups through change_status.
    An enrolment that is not active or paused (already exited, say, by a double submission)
    raises ValidationError and nothing is saved — in particular no second set of follow-ups."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status in (Status.EXITED, Status.FOLLOWED_UP):
        raise ValidationError(
            {
                "status": _("This participant has already exited (on %(date)s).")
                % {"date": current.exited_on.isoformat() if current.exited_on else "—"}
            },
        )
    if current.status not in EXITABLE_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "Only an active or paused enrolment can exit; this one is “%(status)s”."
                )
                % {"status": Status(current.status).label}
            },
        )
    if exited_on > today():
        raise ValidationError(
            {"exited_on": _("An exit is recorded when it has happened: the date is in the future.")}
        )
    attended_after = _attendance_after(current, exited_on)
    if attended_after:
        raise ValidationError({"exited_on": attended_after})
    return change_status(
        enrolment=current,
        new_status=Status.EXITED,
        by=by,
        on=exited_on,
        exit_reason=exit_reason,
        exit_status=exit_status,
        exit_income_source=exit_income_source,
    )


@transaction.atomic
def add_note(
    *,
    enrolment: Enrolment,
    by,
    organisation,
    happened_on: dt.date,
    kind: str,
    text: str,
    visibility: str,
) -> ContactNote:
    """Write a contact note on an enrolment, authored by `by` on behalf of `organisation`.
    The text is personal data: the audit entry names the fields, never their content."""
    note = ContactNote(
        enrolment=enrolment,
        happened_on=happened_on,
        kind=kind,
        text=text,
        visibility=visibility,
        author=by,
        author_organisation=organisation,
    )
    errors = {}
    if happened_on > today():
        errors["happened_on"] = _("A note is written about something that has happened.")
    elif happened_on < enrolment.referred_on:
        errors["happened_on"] = _("The date cannot be before the referral (%(date)s).") % {
            "date": enrolment.referred_on.isoformat()
        }
    else:
        # A note of the follow-up time (on or after the exit) may fall after the period.
        after_exit = enrolment.exited_on is not None and happened_on >= enrolment.exited_on
        outside = period_error(
            enrolment.project,
            happened_on,
            _label_of(ContactNote, "happened_on"),
            follow_up=after_exit,
        )
        if outside:
            errors["happened_on"] = outside
    if not (text or "").strip():
        errors["text"] = _("Write the note.")
    if errors:
        raise ValidationError(errors)
    note.full_clean(exclude=["enrolment", "author", "author_organisation"])
    note.save()
    log_action(
        by=by,
        action="create",
        obj=note,
        project=enrolment.project,
        fields=["happened_on", "kind", "text", "visibility"],
        reason=f"enrolment {enrolment.pk}",
    )
    return note


@transaction.atomic
def record_follow_up(
    *,
    follow_up: FollowUp,
    by,
    reached: bool,
    status: str = "",
    income_source: str = "",
    source: str = "",
    recorded_on: dt.date | None = None,
) -> FollowUp:
    """Record a follow-up: reached (with the status and the source of the information) or
    not reached — a non-response, which is not the same as the status "unknown". Allowed from
    FOLLOW_UP_EARLY_DAYS before it is due, never in the future, only after the exit, and once:
    a second recording (a double submission) raises ValidationError and changes nothing. When
    every follow-up of the enrolment is recorded, the enrolment becomes "followed up"."""
    follow_up = (
        FollowUp.objects.select_for_update().select_related("enrolment").get(pk=follow_up.pk)
    )
    enrolment = follow_up.enrolment
    recorded_on = recorded_on or today()
    if follow_up.recorded_on is not None:
        raise ValidationError(
            {
                "recorded_on": _("This follow-up was already recorded on %(date)s.")
                % {"date": follow_up.recorded_on.isoformat()}
            },
        )
    if enrolment.status not in (Status.EXITED, Status.FOLLOWED_UP) or not enrolment.exited_on:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("A follow-up is recorded only after the participant has exited.")},
        )
    errors = {}
    earliest = follow_up.due_on - dt.timedelta(days=FOLLOW_UP_EARLY_DAYS)
    if recorded_on > today():
        errors["recorded_on"] = _("The date cannot be in the future.")
    elif recorded_on < earliest:
        errors["recorded_on"] = _(
            "This follow-up is due on %(due)s and can be recorded from %(earliest)s."
        ) % {"due": follow_up.due_on.isoformat(), "earliest": earliest.isoformat()}
    elif recorded_on < enrolment.exited_on:
        errors["recorded_on"] = _("The date cannot be before the exit.")
    else:
        outside = period_error(
            enrolment.project, recorded_on, _label_of(FollowUp, "recorded_on"), follow_up=True
        )
        if outside:
            errors["recorded_on"] = outside
    if reached:
        if not status:
            errors["status"] = _("Choose the participant's status.")
        if not source:
            errors["source"] = _("Say where the information comes from.")
    if errors:
        raise ValidationError(errors)
    follow_up.reached = reached
    # A non-response records no situation: status "unknown" is for a participant reached
    # who could not say, so the two stay distinct in every report.
    follow_up.status = status if reached else ""
    follow_up.income_source = income_source if reached else ""
    follow_up.source = source if reached else ""
    follow_up.recorded_on = recorded_on
    follow_up.recorded_by = by if getattr(by, "is_authenticated", False) else None
    follow_up.full_clean(exclude=["enrolment", "recorded_by"])
    fields = ["reached", "status", "income_source", "source", "recorded_on"]
    follow_up.save(update_fields=[*fields, "recorded_by", "updated_at"])
    log_action(
        by=by,
        action="change",
        obj=follow_up,
        project=enrolment.project,
        fields=fields,
        reason=f"enrolment {enrolment.pk}",
    )
    all_recorded = not enrolment.follow_ups.filter(recorded_on__isnull=True).exists()
    if all_recorded and enrolment.status == Status.EXITED:
        change_status(enrolment=enrolment, new_status=Status.FOLLOWED_UP, by=by, on=recorded_on)
    return follow_up


@transaction.atomic
def record_status_change(*, enrolment: Enrolment, new_status: str, by, on: dt.date) -> Enrolment:
    """A status change a user records by hand (start, pause, resume, decline, withdraw).
    Exiting has its own form and service (exit_enrolment: it needs the exit's facts) and
    "followed up" follows from recording the follow-ups, so both are refused here with a
    message saying where to go. The date may not be in the future nor before the enrolment's
    last recorded change; the lifecycle itself is checked by change_status."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if new_status == Status.EXITED and current.status in EXITABLE_STATUSES:
        raise ValidationError(
            {"status": _("Record an exit with the exit form: it asks for the exit's facts.")}
        )
    if new_status == Status.FOLLOWED_UP and current.status == Status.EXITED:
        raise ValidationError(
            {
                "status": _(
                    "An enrolment becomes “followed up” when all its follow-ups are recorded."
                )
            }
        )
    if current.status in (Status.EXITED, Status.FOLLOWED_UP):
        raise ValidationError(
            {
                "status": _(
                    "This participant exited on %(date)s: the enrolment's status no longer "
                    "changes by hand. To work with them again, re-enrol them in the project."
                )
                % {"date": current.exited_on.isoformat() if current.exited_on else "—"}
            }
        )
    if on > today():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    # Not before the referral, the start (once started) or the last recorded change.
    earliest = current.referred_on
    if current.started_on and current.status != Status.REFERRED:
        earliest = max(earliest, current.started_on)
    last_change = (
        current.status_changes.order_by("-changed_on").values_list("changed_on", flat=True).first()
    )
    if last_change:
        earliest = max(earliest, last_change)
    if on < earliest:
        raise ValidationError(
            {
                "on": _(
                    "The date cannot be before %(date)s (the referral, the start or the "
                    "last change of this enrolment)."
                )
                % {"date": earliest.isoformat()}
            }
        )
    return change_status(enrolment=current, new_status=new_status, by=by, on=on)


# --- Corrections (issue 11): change what was recorded, with history -----------------------------
#
# Each takes the form's `expected` values (participants.corrections.version_token), refuses the
# save when the record changed since the form was opened, validates like the first recording,
# and writes the change, one history row (participants.Correction) and one audit entry in one
# transaction. The counted rows are saved with .save() (goals hears post_save) and the projects
# are told through core.signals.counted_data_changed as well.

ENROLMENT_CORRECTABLE = (
    "referred_on",
    "referred_by",
    "started_on",
    "labour_market_status",
    "months_without_work",
    "income_source",
    "swedish_level",
    "target_groups",
    "area",
    "case_worker",
)
EXIT_CORRECTABLE = ("exited_on", "exit_reason", "exit_status", "exit_income_source")
FOLLOW_UP_CORRECTABLE = ("reached", "status", "income_source", "source", "recorded_on")
STARTED_STATUSES = (Status.ACTIVE, Status.PAUSED, Status.EXITED, Status.FOLLOWED_UP)


def _counted(enrolment) -> None:
    counted_data_changed.send(
        Enrolment, project_ids=[enrolment.project_id], enrolment_ids=[enrolment.pk]
    )


def _history(*, enrolment, obj, kind, changes, reason, by, detail="") -> None:
    record_correction(
        participant=enrolment.participant,
        project=enrolment.project,
        obj=obj,
        kind=kind,
        changes=changes,
        reason=reason,
        by=by,
        detail=detail,
    )
    log_action(
        by=by,
        action="change",
        obj=obj,
        project=enrolment.project,
        fields=[change["field"] for change in changes],
        reason=f"correction, enrolment {enrolment.pk}",
    )


def _reason_or_error(reason: str, errors: dict) -> str:
    try:
        return clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
        return ""


@transaction.atomic
def correct_enrolment(
    *, enrolment: Enrolment, by, values: dict, reason: str, expected: dict | None
) -> Enrolment:
    """Correct an enrolment's referral, start, baseline, statistical fields, area and
    responsible case worker (ENROLMENT_CORRECTABLE). The same rules as at intake
    (registration._validate_enrolment), and: a started enrolment keeps a start date, a referred
    one gets its start through "Change the status", the start stays on or before the exit and
    the first placement. The dated status changes of the referral and the start follow."""
    from .registration import _validate_enrolment

    current = (
        Enrolment.objects.select_for_update().select_related("participant").get(pk=enrolment.pk)
    )
    before = values_of(current, ENROLMENT_CORRECTABLE)
    check_unchanged(object_type=Enrolment._meta.label, expected=expected, current=before)
    errors: dict = {}
    reason = _reason_or_error(reason, errors)
    data = {name: values.get(name, getattr(current, name)) for name in ENROLMENT_CORRECTABLE}
    if "target_groups" not in values:
        data["target_groups"] = list(current.target_groups.all())
    try:
        _validate_enrolment(project=current.project, enrolment_data=data)
    except ValidationError as error:
        errors.update(error.message_dict)
    started_on = data["started_on"]
    if current.status in STARTED_STATUSES and started_on is None:
        errors.setdefault("started_on", [_("A participant who has started needs a start date.")])
    elif current.status not in STARTED_STATUSES and started_on is not None:
        errors.setdefault(
            "started_on",
            [_("This participant has not started: record the start with “Change the status”.")],
        )
    if started_on and current.exited_on and started_on > current.exited_on:
        errors.setdefault(
            "started_on",
            [
                _("The start cannot be after the exit (%(date)s).")
                % {"date": current.exited_on.isoformat()}
            ],
        )
    if started_on:
        first_placement = (
            current.participations.order_by("started_on")
            .values_list("started_on", flat=True)
            .first()
        )
        if first_placement and started_on > first_placement:
            errors.setdefault(
                "started_on",
                [
                    _(
                        "The start cannot be after the first placement in an intervention "
                        "(%(date)s)."
                    )
                    % {"date": first_placement.isoformat()}
                ],
            )
    if errors:
        raise ValidationError(errors)
    old_referred, old_started = current.referred_on, current.started_on
    for name in ENROLMENT_CORRECTABLE:
        if name == "target_groups":
            continue
        value = data[name]
        if name in ("labour_market_status", "income_source", "swedish_level"):
            value = value or ""
        setattr(current, name, value)
    current.full_clean(exclude=["participant", "project", "case_worker", "referred_by", "area"])
    after = values_of(current, [n for n in ENROLMENT_CORRECTABLE if n != "target_groups"])
    groups = list(data["target_groups"] or [])
    if any(isinstance(g, int) for g in groups):
        groups = list(current.project.target_groups.filter(pk__in=groups))
    after["target_groups"] = "; ".join(sorted(str(g) for g in groups))
    changes = changes_between(before, after)
    if not changes:
        return current
    current.save()
    if "target_groups" in values:
        current.target_groups.set(groups)
    # The dated lifecycle follows the corrected dates.
    if current.referred_on != old_referred:
        current.status_changes.filter(
            from_status="", to_status=Status.REFERRED, changed_on=old_referred
        ).update(changed_on=current.referred_on)
    if current.started_on != old_started and old_started is not None:
        current.status_changes.filter(
            to_status=Status.ACTIVE,
            from_status__in=["", Status.REFERRED],
            changed_on=old_started,
        ).update(changed_on=current.started_on)
    _history(
        enrolment=current,
        obj=current,
        kind=Correction.Kind.ENROLMENT,
        changes=changes,
        reason=reason,
        by=by,
    )
    _counted(current)
    return current


@transaction.atomic
def correct_exit(
    *, enrolment: Enrolment, by, values: dict, reason: str, expected: dict | None
) -> Enrolment:
    """Correct a recorded exit: date, reason, status and income source at exit. The date stays
    on or after the start, not in the future and on or before any follow-up already recorded;
    the follow-ups not yet recorded fall due counting from the new date."""
    current = (
        Enrolment.objects.select_for_update().select_related("participant").get(pk=enrolment.pk)
    )
    if current.exited_on is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "No exit is recorded for this enrolment, so none can be corrected."
                )
            }
        )
    before = values_of(current, EXIT_CORRECTABLE)
    check_unchanged(object_type=Enrolment._meta.label, expected=expected, current=before)
    errors: dict = {}
    reason = _reason_or_error(reason, errors)
    data = {name: values.get(name, getattr(current, name)) for name in EXIT_CORRECTABLE}
    for name in EXIT_CORRECTABLE:
        if not data[name]:
            errors.setdefault(name, [_("This field is required.")])
    exited_on = data["exited_on"]
    if exited_on:
        first_recorded = (
            current.follow_ups.filter(recorded_on__isnull=False)
            .order_by("recorded_on")
            .values_list("recorded_on", flat=True)
            .first()
        )
        attended_after = _attendance_after(current, exited_on)
        outside = period_error(current.project, exited_on, _label("exited_on"))
        if exited_on > today():
            errors.setdefault(
                "exited_on",
                [_("An exit is recorded when it has happened: the date is in the future.")],
            )
        elif current.started_on and exited_on < current.started_on:
            errors.setdefault("exited_on", [_("The exit date cannot be before the start.")])
        elif outside:
            errors.setdefault("exited_on", [outside])
        elif attended_after:
            errors.setdefault("exited_on", [attended_after])
        elif first_recorded and exited_on > first_recorded:
            errors.setdefault(
                "exited_on",
                [
                    _(
                        "A follow-up was recorded on %(date)s: the exit cannot be after it. "
                        "Correct that follow-up first."
                    )
                    % {"date": first_recorded.isoformat()}
                ],
            )
    if errors:
        raise ValidationError(errors)
    old_exit = current.exited_on
    for name in EXIT_CORRECTABLE:
        setattr(current, name, data[name])
    current.full_clean(exclude=["participant", "project", "case_worker", "referred_by", "area"])
    after = values_of(current, EXIT_CORRECTABLE)
    changes = changes_between(before, after)
    if not changes:
        return current
    current.save(update_fields=[*EXIT_CORRECTABLE, "updated_at"])
    if current.exited_on != old_exit:
        for follow_up in current.follow_ups.filter(recorded_on__isnull=True):
            follow_up.due_on = current.exited_on + dt.timedelta(days=follow_up.day)
            follow_up.save(update_fields=["due_on", "updated_at"])
        current.status_changes.filter(to_status=Status.EXITED, changed_on=old_exit).update(
            changed_on=current.exited_on
        )
        # The placements that ended at the exit end at the corrected date (interventions).
        exit_corrected.send(
            Enrolment,
            enrolment_id=current.pk,
            old=old_exit,
            new=current.exited_on,
            by=_user(by),
        )
    _history(
        enrolment=current,
        obj=current,
        kind=Correction.Kind.EXIT,
        changes=changes,
        reason=reason,
        by=by,
    )
    _counted(current)
    return current


@transaction.atomic
def correct_follow_up(
    *, follow_up: FollowUp, by, values: dict, reason: str, expected: dict | None
) -> FollowUp:
    """Correct a recorded follow-up: reached or not (a non-response), the status, income
    source and source, and the date it was recorded — by the same rules as its recording."""
    current = (
        FollowUp.objects.select_for_update()
        .select_related("enrolment", "enrolment__participant", "enrolment__project")
        .get(pk=follow_up.pk)
    )
    enrolment = current.enrolment
    if current.recorded_on is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This follow-up is not recorded yet: record it instead.")}
        )
    before = values_of(current, FOLLOW_UP_CORRECTABLE)
    check_unchanged(object_type=FollowUp._meta.label, expected=expected, current=before)
    errors: dict = {}
    reason = _reason_or_error(reason, errors)
    reached = values.get("reached", current.reached)
    status = values.get("status", current.status) or ""
    income_source = values.get("income_source", current.income_source) or ""
    source = values.get("source", current.source) or ""
    recorded_on = values.get("recorded_on") or current.recorded_on
    earliest = current.due_on - dt.timedelta(days=FOLLOW_UP_EARLY_DAYS)
    if recorded_on > today():
        errors.setdefault("recorded_on", [_("The date cannot be in the future.")])
    elif recorded_on < earliest:
        errors.setdefault(
            "recorded_on",
            [
                _("This follow-up is due on %(due)s and can be recorded from %(earliest)s.")
                % {"due": current.due_on.isoformat(), "earliest": earliest.isoformat()}
            ],
        )
    elif enrolment.exited_on and recorded_on < enrolment.exited_on:
        errors.setdefault("recorded_on", [_("The date cannot be before the exit.")])
    elif outside := period_error(
        enrolment.project, recorded_on, _label_of(FollowUp, "recorded_on"), follow_up=True
    ):
        errors.setdefault("recorded_on", [outside])
    if reached:
        if not status:
            errors.setdefault("status", [_("Choose the participant's status.")])
        if not source:
            errors.setdefault("source", [_("Say where the information comes from.")])
    if errors:
        raise ValidationError(errors)
    current.reached = bool(reached)
    current.status = status if reached else ""
    current.income_source = income_source if reached else ""
    current.source = source if reached else ""
    current.recorded_on = recorded_on
    current.full_clean(exclude=["enrolment", "recorded_by"])
    after = values_of(current, FOLLOW_UP_CORRECTABLE)
    changes = changes_between(before, after)
    if not changes:
        return current
    current.save(update_fields=[*FOLLOW_UP_CORRECTABLE, "updated_at"])
    _history(
        enrolment=enrolment,
        obj=current,
        kind=Correction.Kind.FOLLOW_UP,
        changes=changes,
        reason=reason,
        by=by,
        detail=str(current.day),
    )
    _counted(enrolment)
    return current

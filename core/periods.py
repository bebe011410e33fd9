"""The project's period (Project.starts_on – Project.ends_on): the one rule for which dates a
project's records may carry, and the recorded way a manager changes the period.

Every form and service that takes a date of a project's case work asks `period_error()` or
`check_within_period()` here: an enrolment's referral, start and exit, the other status
changes, placements (start and end), attendance (a group session's date, a single recording's
date), contact notes and recorded follow-ups. So the pages, the API and the spreadsheet import
refuse the same dates with the same message, naming the field and the period.

Follow-ups are the exception, on purpose: a follow-up falls due N days after the exit (the
project's `follow_up_days`, 90 and 180 by default), so a participant who exits near the end of
the project is followed up after it. A follow-up (and the "followed up" status change it
brings, and a contact note dated on or after the participant's exit) may therefore be dated up
to the longest follow-up day after the project's end: `follow_up_until(project)`.

A manager may move the period (`change_period()`): the end later or earlier, the start earlier
or later, with a reason, kept as a ProjectPeriodChange row and an audit entry. A change that would
leave recorded dates outside the new period is refused, naming how many records of which kind
fall outside; the apps that keep dated records answer the signal
`core.signals.records_outside_period` (core imports none of them).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import clock
from .audit import log_action
from .signals import counted_data_changed, records_outside_period


def _iso(value: dt.date) -> str:
    return value.strftime("%Y-%m-%d")


def follow_up_until(project, ends_on: dt.date | None = None) -> dt.date:
    """The last date a follow-up of the project may carry: the longest follow-up day after the
    end of the period (`ends_on`, the project's own end unless given)."""
    end = ends_on or project.ends_on
    return end + dt.timedelta(days=max(project.follow_up_days_or_default))


def period_error(project, value: dt.date | None, label, *, follow_up: bool = False) -> str | None:
    """The message for a date outside the project's period, naming the field (`label`, as the
    form shows it) and the period; None when the date is inside or empty. With `follow_up`
    the date may also fall in the follow-up time after the end (follow_up_until)."""
    if value is None:
        return None
    end = follow_up_until(project) if follow_up else project.ends_on
    if project.starts_on <= value <= end:
        return None
    values = {
        "field": str(label),
        "start": _iso(project.starts_on),
        "end": _iso(project.ends_on),
        "until": _iso(end),
    }
    if follow_up:
        return (
            _(
                "%(field)s must be within the project's period %(start)s–%(end)s or the "
                "follow-up time after it (until %(until)s)."
            )
            % values
        )
    return _("%(field)s must be within the project's period %(start)s–%(end)s.") % values


def check_within_period(
    project, value: dt.date | None, label, *, field: str, follow_up: bool = False
) -> None:
    """Raise ValidationError({field: message}) when `value` lies outside the project's period
    (see period_error)."""
    message = period_error(project, value, label, follow_up=follow_up)
    if message:
        raise ValidationError({field: message})


# --- records outside a period -----------------------------------------------------------------


def records_outside(project, starts_on: dt.date, ends_on: dt.date) -> list[tuple[str, int]]:
    """(What, how many) of the project's records carry a date outside the period
    `starts_on`–`ends_on` (follow-up dates: up to follow_up_until of that end). Only the kinds
    with at least one such record are listed."""
    found = []
    for _receiver, answer in records_outside_period.send(
        sender=project.__class__,
        project=project,
        starts_on=starts_on,
        ends_on=ends_on,
        follow_up_until=follow_up_until(project, ends_on),
    ):
        found.extend((label, count) for label, count in answer or () if count)
    return found


# --- changing the period ----------------------------------------------------------------------


@transaction.atomic
def change_period(*, project, by, starts_on: dt.date, ends_on: dt.date, reason: str):
    """Move the project's period, with a reason: kept as a ProjectPeriodChange (old and new
    dates, who, when by core.clock.now(), why) and an audit entry. Refused, with nothing saved,
    without a reason, when nothing changes, when the end is before the start, and when recorded
    dates of the project's case work would fall outside the new period (the message says how
    many, of which kinds)."""
    from .models import Project, ProjectPeriodChange

    project = Project.objects.select_for_update().get(pk=project.pk)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the period changes: the reason is kept with the change.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the start of the period.")
    if ends_on is None:
        errors["ends_on"] = _("Enter the end of the period.")
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = _("The period cannot end before it starts.")
        elif (starts_on, ends_on) == (project.starts_on, project.ends_on):
            errors["ends_on"] = _(
                "The period is already %(start)s–%(end)s: change the start or the end."
            ) % {"start": _iso(starts_on), "end": _iso(ends_on)}
    if not errors and (starts_on > project.starts_on or ends_on < project.ends_on):
        outside = records_outside(project, starts_on, ends_on)
        if outside:
            total = sum(count for _label, count in outside)
            errors["ends_on" if ends_on < project.ends_on else "starts_on"] = ngettext(
                "%(count)s recorded date falls outside %(start)s–%(end)s (%(what)s): the period "
                "cannot be shortened below the dates already recorded.",
                "%(count)s recorded dates fall outside %(start)s–%(end)s (%(what)s): the period "
                "cannot be shortened below the dates already recorded.",
                total,
            ) % {
                "count": total,
                "start": _iso(starts_on),
                "end": _iso(ends_on),
                "what": ", ".join(f"{label}: {count}" for label, count in outside),
            }
    if errors:
        raise ValidationError(errors)
    change = ProjectPeriodChange.objects.create(
        project=project,
        old_starts_on=project.starts_on,
        old_ends_on=project.ends_on,
        new_starts_on=starts_on,
        new_ends_on=ends_on,
        reason=reason,
        changed_by=by if getattr(by, "is_authenticated", False) else None,
        changed_at=clock.now(),
    )
    project.starts_on, project.ends_on = starts_on, ends_on
    project.save(update_fields=["starts_on", "ends_on", "updated_at"])
    # The goals' "whole period" and years follow the period: their summaries go stale.
    counted_data_changed.send(Project, project_ids=[project.pk])
    log_action(
        by=by,
        action="change",
        obj=project,
        project=project,
        fields=["starts_on", "ends_on"],
        reason=f"period change {change.pk}",
    )
    return change

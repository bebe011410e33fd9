"""Workflows on enrolments. Each is one transaction and one audit entry."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today

from .models import ALLOWED_TRANSITIONS, Enrolment, FollowUp, Status, StatusChange


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
    return enrolment

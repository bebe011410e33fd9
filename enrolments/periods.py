"""The enrolments' answer to core.signals.records_outside_period: how many of a project's
enrolments, status changes, contact notes and recorded follow-ups carry a date outside a
proposed period (core/periods.py has the rule; this counts by the same rule)."""

from django.db.models import F, Q
from django.utils.translation import gettext as _

from .models import ContactNote, Enrolment, FollowUp, Status, StatusChange


def _outside(field: str, starts_on, ends_on) -> Q:
    return Q(**{f"{field}__lt": starts_on}) | Q(**{f"{field}__gt": ends_on})


def records_outside(sender, *, project, starts_on, ends_on, follow_up_until, **kwargs):
    enrolments = Enrolment.objects.filter(project=project)
    in_project = {"enrolment__project": project}
    notes_outside = (
        _outside("happened_on", starts_on, follow_up_until)
        # After the end only in the follow-up time: on or after the participant's exit.
        | Q(happened_on__gt=ends_on)
        & (Q(enrolment__exited_on__isnull=True) | Q(happened_on__lt=F("enrolment__exited_on")))
    )
    return [
        (
            _("enrolments"),
            enrolments.filter(
                _outside("referred_on", starts_on, ends_on)
                | _outside("started_on", starts_on, ends_on)
                | _outside("exited_on", starts_on, ends_on)
            ).count(),
        ),
        (
            _("status changes"),
            StatusChange.objects.filter(**in_project)
            .filter(
                (~Q(to_status=Status.FOLLOWED_UP) & _outside("changed_on", starts_on, ends_on))
                | (
                    Q(to_status=Status.FOLLOWED_UP)
                    & _outside("changed_on", starts_on, follow_up_until)
                )
            )
            .count(),
        ),
        (
            _("contact notes"),
            ContactNote.objects.filter(**in_project).filter(notes_outside).count(),
        ),
        (
            _("follow-ups"),
            FollowUp.objects.filter(**in_project)
            .filter(_outside("recorded_on", starts_on, follow_up_until))
            .count(),
        ),
    ]


def connect() -> None:
    from core.signals import records_outside_period

    records_outside_period.connect(records_outside, dispatch_uid="enrolments-period")

"""The interventions' answer to core.signals.records_outside_period: how many of a project's
interventions, placements and attendance recordings carry a date outside a proposed period
(core/periods.py has the rule)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import AttendanceRecord, AttendanceSession, Intervention, Participation


def _outside(field: str, starts_on, ends_on) -> Q:
    return Q(**{f"{field}__lt": starts_on}) | Q(**{f"{field}__gt": ends_on})


def records_outside(sender, *, project, starts_on, ends_on, **kwargs):
    return [
        (
            _("interventions"),
            Intervention.objects.filter(project=project)
            .filter(
                _outside("starts_on", starts_on, ends_on) | _outside("ends_on", starts_on, ends_on)
            )
            .count(),
        ),
        (
            _("placements"),
            Participation.objects.filter(intervention__project=project)
            .filter(
                _outside("started_on", starts_on, ends_on)
                | _outside("ended_on", starts_on, ends_on)
            )
            .count(),
        ),
        (
            _("group sessions"),
            AttendanceSession.objects.filter(intervention__project=project)
            .filter(_outside("held_on", starts_on, ends_on))
            .count(),
        ),
        (
            _("single attendance recordings"),
            AttendanceRecord.objects.filter(
                participation__intervention__project=project, session__isnull=True
            )
            .filter(_outside("held_on", starts_on, ends_on))
            .count(),
        ),
    ]

"""The placements on the participant page's timeline (enrolments.signals.timeline_events)."""

from .models import Participation


def timeline_events(sender, *, enrolment, **kwargs) -> list[dict]:
    """The enrolment's participations with their intervention and category, one query."""
    return [
        {
            "kind": "participation",
            "date": participation.started_on,
            "obj": participation,
            "pk": participation.pk,
        }
        for participation in Participation.objects.filter(enrolment=enrolment).select_related(
            "intervention", "intervention__category"
        )
    ]

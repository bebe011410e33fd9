"""The plans' rows on the participant page's timeline (enrolments.signals.timeline_events)."""

from django.db.models import Count
from django.utils import timezone

from .models import ActionPlan, Assessment


def timeline_events(sender, *, enrolment, **kwargs) -> list[dict]:
    """The enrolment's assessments (with their number of items) and action plans (with their
    number of steps), two queries."""
    events = [
        {
            "kind": "assessment",
            "date": assessment.assessed_on,
            "obj": assessment,
            "pk": assessment.pk,
        }
        for assessment in Assessment.objects.filter(enrolment=enrolment).annotate(
            item_count=Count("items")
        )
    ]
    events.extend(
        {
            "kind": "plan",
            "date": timezone.localdate(plan.created_at),
            "obj": plan,
            "pk": plan.pk,
        }
        for plan in ActionPlan.objects.filter(enrolment=enrolment).annotate(
            step_count=Count("steps")
        )
    )
    return events

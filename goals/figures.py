"""The project's figures beside the goals: the participant flow by gender, the hours by
intervention category and the follow-ups due.

Each is one aggregate query whatever the number of participants, unsuppressed and in no
language; goals.summaries stores them in the project's summary, and the dashboard
(reports/dashboard.py) labels them and hides small cells for the reader.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Sum

from core.clock import today
from enrolments.models import Enrolment, FollowUp, Status
from interventions.models import Participation
from participants.models import Gender

DUE_SOON_DAYS = 14
GENDERS = [Gender.WOMAN, Gender.MAN, Gender.OTHER]
FLOW_STAGES = ["referred", "started", "exited", "followed_up"]


def participant_flow(project) -> dict[str, dict[str, int]]:
    """Stage -> gender -> number of enrolments, in one grouped query. Referred: every
    enrolment; started: with a start date; exited: with an exit date; followed up: at least one
    follow-up recorded (reached or not)."""
    recorded = FollowUp.objects.filter(enrolment=OuterRef("pk"), recorded_on__isnull=False)
    rows = (
        Enrolment.objects.filter(project=project)
        .order_by()
        .values("participant__gender")
        .annotate(
            referred=Count("pk"),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            exited=Count("pk", filter=Q(exited_on__isnull=False)),
            followed_up=Count("pk", filter=Q(status=Status.FOLLOWED_UP) | Q(Exists(recorded))),
        )
    )
    flow = {stage: {g.value: 0 for g in GENDERS} for stage in FLOW_STAGES}
    for row in rows:
        gender = row["participant__gender"] or Gender.OTHER
        if gender not in flow["referred"]:
            gender = Gender.OTHER.value
        for stage in FLOW_STAGES:
            flow[stage][gender] += row[stage]
    return flow


def hours_rows(project) -> list[dict]:
    """Attended hours and the number of participants per intervention category, one query,
    unsuppressed and in both languages (stored in the project's summary)."""
    rows = (
        Participation.objects.filter(intervention__project=project)
        .order_by()
        .values(
            "intervention__category__code",
            "intervention__category__name",
            "intervention__category__name_en",
            "intervention__category__order",
        )
        .annotate(hours=Sum("attended_hours"), people=Count("enrolment", distinct=True))
        .order_by("intervention__category__order", "intervention__category__code")
    )
    return [
        {
            "code": row["intervention__category__code"],
            "name": row["intervention__category__name"],
            "name_en": row["intervention__category__name_en"],
            "hours": row["hours"] or 0,
            "people": row["people"],
        }
        for row in rows
    ]


def follow_up_counts(project) -> dict:
    """Follow-ups not yet recorded: overdue and due within DUE_SOON_DAYS, one query."""
    current = today()
    return FollowUp.objects.filter(enrolment__project=project, recorded_on__isnull=True).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=current)),
        due_soon=Count(
            "pk",
            filter=Q(due_on__gte=current, due_on__lte=current + dt.timedelta(days=DUE_SOON_DAYS)),
        ),
    )

"""When a household has become self-sufficient (seed 002): the one rule, asked by the
`household_share` goal, the area programme's pages and the household's own page.

A household is **self-sufficient** when it has at least one registered member and every member
(a Participant with the household) has an enrolment in the counted projects that has exited
with an income source other than social assistance or none. It became so on the **date** the
last member exited; the **source** is the exit income source the enrolments recorded. A
household without a registered member is *missing*: its outcome is unknown, not "no".
"""

from django.db.models import Exists, OuterRef, Q, Subquery

from participants.models import Participant

from .models import Enrolment, IncomeSource, Status

NOT_SELF_SUFFICIENT_INCOME = [str(IncomeSource.SOCIAL_ASSISTANCE), str(IncomeSource.NONE)]
EXITED = [Status.EXITED, Status.FOLLOWED_UP]


def self_sufficient_exits(project_ids):
    """The exits that make a member self-sufficient: exited from a counted project with an
    income other than social assistance or none (the household page lists them per member)."""
    return Enrolment.objects.filter(project_id__in=project_ids, status__in=EXITED).exclude(
        exit_income_source__in=[*NOT_SELF_SUFFICIENT_INCOME, ""]
    )


def conditions(project_ids) -> dict[str, Q]:
    """{"num": self-sufficient, "missing": no registered member}, as conditions on a Household
    queryset (for pop.counts and grouped counts)."""
    self_sufficient_exit = self_sufficient_exits(project_ids).filter(participant_id=OuterRef("pk"))
    members = Participant.objects.filter(household_id=OuterRef("pk"))
    not_yet = members.exclude(Exists(self_sufficient_exit))
    return {"num": Q(Exists(members)) & ~Q(Exists(not_yet)), "missing": ~Q(Exists(members))}


def self_sufficient_on(project_ids):
    """The date the household's last member exited (meaningful where `num` holds)."""
    last_exit = (
        Enrolment.objects.filter(
            participant__household_id=OuterRef("pk"), project_id__in=project_ids, status__in=EXITED
        )
        .order_by("-exited_on")
        .values("exited_on")[:1]
    )
    return Subquery(last_exit)

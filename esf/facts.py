"""One enrolment's facts, read from Följsam's fields, and the tests the indicators use.

A participant in ESF terms is an enrolment that started (one person enrolled twice in a
project counts twice, as two entries). Everything here is plain Python over a `Facts` row, so
that the figures can be checked by counting the same rows another way (tests/test_esf.py).
"""

import datetime as dt
from dataclasses import dataclass

from enrolments.models import (
    EMPLOYED_STATUSES,
    IN_WORK_STATUSES,
    LabourMarketStatus,
    OutcomeStatus,
)
from participants.models import ISCED_BAND, RegionOfBirth

# Six months after leaving: the project's follow-up day closest to 180 within this window.
SIX_MONTH_DAYS = range(150, 211)

S = LabourMarketStatus
EMPLOYED_AT_START = frozenset({S.EMPLOYED_PART_TIME})
UNEMPLOYED_AT_START = frozenset(
    {S.UNEMPLOYED, S.LONG_TERM_UNEMPLOYED, S.IN_PROGRAMME, S.NEWLY_ARRIVED}
)
INACTIVE_AT_START = frozenset({S.INACTIVE, S.SICK_LEAVE, S.STUDYING})
del S
FULL_TIME = frozenset({OutcomeStatus.EMPLOYED_FULL_TIME, OutcomeStatus.SUBSIDISED_FULL_TIME})


@dataclass(frozen=True)
class Facts:
    enrolment_id: int
    gender: str  # "woman", "man", "other"
    age: int  # at entry: the year of the start minus the birth year
    status: str  # labour-market status at start, "" when not recorded
    months_without_work: int | None
    isced: str  # "0-2", "3-4", "5-8", "" when unknown
    region_of_birth: str
    disability: bool | None
    started_on: dt.date | None
    exited_on: dt.date | None
    exit_status: str
    six_months_due: bool  # the six-month follow-up has fallen due (on or before today)
    six_months_status: str | None  # the status then when recorded and reached, else None


# --- what may be missing --------------------------------------------------------------------

MISSING = {
    "status": lambda x: not x.status,
    "education": lambda x: not x.isced,
    "origin": lambda x: x.region_of_birth in ("", RegionOfBirth.UNKNOWN),
    "disability": lambda x: x.disability is None,
    "exit": lambda x: x.exit_status in ("", OutcomeStatus.UNKNOWN),
    "six_months": lambda x: x.six_months_status is None,
}


def missing(facts: Facts, needs) -> list[str]:
    return [need for need in needs if MISSING[need](facts)]


# --- the tests ------------------------------------------------------------------------------


def employed(x: Facts) -> bool:
    return x.status in EMPLOYED_AT_START


def unemployed(x: Facts) -> bool:
    return x.status in UNEMPLOYED_AT_START


def long_term_unemployed(x: Facts) -> bool:
    """Recorded as long-term unemployed, or unemployed 12 months or more (6 below 25)."""
    if x.status == LabourMarketStatus.LONG_TERM_UNEMPLOYED:
        return True
    if not unemployed(x) or x.months_without_work is None:
        return False
    return x.months_without_work >= (6 if x.age < 25 else 12)


def inactive(x: Facts) -> bool:
    return x.status in INACTIVE_AT_START


def in_education(x: Facts) -> bool:
    return x.status == LabourMarketStatus.STUDYING


def inactive_not_in_education(x: Facts) -> bool:
    return inactive(x) and not in_education(x)


def age_below(limit: int):
    def test(x: Facts) -> bool:
        return x.age < limit

    return test


def age_above(limit: int):
    def test(x: Facts) -> bool:
        return x.age > limit

    return test


def age_between(low: int, high: int):
    def test(x: Facts) -> bool:
        return low <= x.age <= high

    return test


def above_54_out_of_work(x: Facts) -> bool:
    return x.age > 54 and (unemployed(x) or inactive_not_in_education(x))


def isced(band: str):
    def test(x: Facts) -> bool:
        return x.isced == band

    return test


def born_abroad(x: Facts) -> bool:
    return x.region_of_birth not in ("", RegionOfBirth.SWEDEN, RegionOfBirth.UNKNOWN)


def disabled(x: Facts) -> bool:
    return x.disability is True


def disadvantaged(x: Facts) -> bool:
    return born_abroad(x) or disabled(x)


def in_work_on_leaving(x: Facts) -> bool:
    return x.exit_status in IN_WORK_STATUSES


def studies_on_leaving(x: Facts) -> bool:
    return x.exit_status == OutcomeStatus.STUDIES


def work_or_studies_on_leaving(x: Facts) -> bool:
    return in_work_on_leaving(x) or studies_on_leaving(x)


def inactive_job_seeking_on_leaving(x: Facts) -> bool:
    return inactive(x) and x.exit_status == OutcomeStatus.JOB_SEEKING


def disadvantaged_progress_on_leaving(x: Facts) -> bool:
    return disadvantaged(x) and (
        x.exit_status in IN_WORK_STATUSES
        or x.exit_status in (OutcomeStatus.STUDIES, OutcomeStatus.JOB_SEEKING)
    )


def in_work_six_months(x: Facts) -> bool:
    return x.six_months_status in IN_WORK_STATUSES


def improved_six_months(x: Facts) -> bool:
    return employed(x) and x.six_months_status in FULL_TIME


def above_54_in_work_six_months(x: Facts) -> bool:
    return x.age > 54 and in_work_six_months(x)


def disadvantaged_in_work_six_months(x: Facts) -> bool:
    return disadvantaged(x) and in_work_six_months(x)


assert EMPLOYED_STATUSES <= IN_WORK_STATUSES


# --- reading the rows -----------------------------------------------------------------------


def six_month_day(project) -> int | None:
    """The project's follow-up day standing for "six months after leaving", or None."""
    days = [d for d in (project.follow_up_days or []) if d in SIX_MONTH_DAYS]
    return min(days, key=lambda d: (abs(d - 180), d)) if days else None


def read(project, today: dt.date) -> list[Facts]:
    """The facts of every started enrolment of the project and the projects below it (a
    programme's parts, a main project's sub-projects: core.models.Project.counted_project_ids,
    the one rule for roll-ups)."""
    from enrolments.models import Enrolment, FollowUp

    project_ids = project.counted_project_ids()
    day = six_month_day(project)
    follow_ups = {}
    if day is not None:
        for enrolment_id, due_on, reached, status in FollowUp.objects.filter(
            enrolment__project_id__in=project_ids, day=day
        ).values_list("enrolment_id", "due_on", "reached", "status"):
            follow_ups[enrolment_id] = (due_on, reached, status)
    rows = (
        Enrolment.objects.filter(project_id__in=project_ids, started_on__isnull=False)
        .order_by("id")
        .values_list(
            "id",
            "participant__gender",
            "participant__birth_year",
            "labour_market_status",
            "months_without_work",
            "participant__education_level",
            "participant__region_of_birth",
            "participant__disability",
            "started_on",
            "exited_on",
            "exit_status",
        )
    )
    result = []
    for (
        pk, gender, birth_year, status, months, education, region, disability, started,
        exited, exit_status,
    ) in rows:  # fmt: skip
        due = False
        six_status = None
        if day is not None and exited is not None:
            due_on, reached, recorded = follow_ups.get(
                pk, (exited + dt.timedelta(days=day), None, "")
            )
            due = due_on <= today
            if reached and recorded:
                six_status = recorded
        result.append(
            Facts(
                enrolment_id=pk,
                gender=gender,
                age=started.year - birth_year,
                status=status or "",
                months_without_work=months,
                isced=ISCED_BAND.get(education, "") or "",
                region_of_birth=region or "",
                disability=disability,
                started_on=started,
                exited_on=exited,
                exit_status=exit_status or "",
                six_months_due=due,
                six_months_status=six_status,
            )
        )
    return result

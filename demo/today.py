"""The demo's today, Monday 2015-06-22, and what each demo login finds to do on it.

The area programme (2010–2015) is the project running on that date; the ESF projects of
2008–2013 are finished and show their results. So that every login has work waiting:

- `caseworker` has families in Områdesprogram Segevång who left this spring: their 90-day
  follow-ups are overdue, due within 14 days, within a month and later (`RECENT_EXITS`);
- `provider` (Lernia Malmö) runs a group in Segevång since April, with hours recorded at every
  Monday and Wednesday session up to last week, and today's session still to record
  (`lernia_group`);
- `manager` manages Segevång beside the finished projects: everyone's follow-ups and the figures;
- `steering` and `evaluator` read the running programme's and the finished projects' goals;
- `dpo` finds this morning's reads of Segevång's families in the audit log, each with its
  purpose (`morning_reads`).

Everything here is fixed (dates as offsets from DEMO_TODAY, no random choice of who), so the
demo is the same every time; every date lies inside the project's period.
"""

import datetime as dt
from decimal import Decimal

from core.audit import log_action
from core.models import Purpose
from enrolments.models import Enrolment, ExitReason, IncomeSource, OutcomeStatus, Status
from interventions.models import AttendanceRecord, AttendanceSession, Participation

from .synthetic import Case, FollowUpPlan, Synthetic

# The Makefile's DEMO_TODAY; `load_demo` stamps what it writes on this date.
DEMO_TODAY = dt.date(2015, 6, 22)
FOLLOW_UP_DAY = 90  # the area parts follow up 90 days after exit

# Days from DEMO_TODAY to the 90-day follow-up of the case worker's families who left this
# spring: two overdue, four within 14 days, two within 15–30 days, two later.
FOLLOW_UP_DUE_IN = [-12, -5, 0, 3, 8, 13, 19, 27, 45, 72]
RECENT_EXIT_STATUSES = [OutcomeStatus.JOB_SEEKING, OutcomeStatus.OTHER_PROGRAMME]

LERNIA = "Lernia Malmö"
LERNIA_GROUP = "Yrkessvenska och arbetsträning (Lernia)"
LERNIA_PERIOD = (dt.date(2015, 4, 13), dt.date(2015, 9, 25))
LERNIA_PLACES = 12
LERNIA_PEOPLE = 9
SESSION_HOURS = Decimal("3.0")
SESSION_WEEKDAYS = (0, 2)  # Monday and Wednesday mornings


def recent_exit_dates() -> list[dt.date]:
    return [DEMO_TODAY + dt.timedelta(days=days - FOLLOW_UP_DAY) for days in FOLLOW_UP_DUE_IN]


def recent_exit(case: Case, exited_on: dt.date, number: int) -> None:
    """A family that left this spring, still on social assistance (so the page's 51
    self-sufficient households stay 51), with its 90-day follow-up not yet recorded."""
    case.status = Status.EXITED
    case.exited_on = exited_on
    case.exit_reason = ExitReason.COMPLETED
    case.exit_status = RECENT_EXIT_STATUSES[number % len(RECENT_EXIT_STATUSES)]
    case.exit_income_source = IncomeSource.SOCIAL_ASSISTANCE
    case.follow_ups = [FollowUpPlan(FOLLOW_UP_DAY, reached=None)]


def session_days() -> list[dt.date]:
    """The group's sessions from its start up to last week: today's is still to record."""
    day, days = LERNIA_PERIOD[0], []
    while day < DEMO_TODAY:
        if day.weekday() in SESSION_WEEKDAYS:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def lernia_group(syn: Synthetic, key: str = "omr_segevang") -> dict[str, int]:
    """Place people of Segevång who are still taking part in Lernia's group, with the hours of
    every session up to last week. Call after the project's cases are added, before writing."""
    intervention = syn.interventions[key][LERNIA_GROUP]
    provider = syn.world.users["provider"]
    open_cases = [
        c
        for c in syn.cases
        if c.project_key == key and c.status == Status.ACTIVE and c.exited_on is None
    ]
    people = open_cases[:: max(1, len(open_cases) // LERNIA_PEOPLE)][:LERNIA_PEOPLE]
    days = session_days()
    sessions = []
    for day in days:
        session = AttendanceSession(
            intervention=intervention, held_on=day, length_hours=SESSION_HOURS, recorded_by=provider
        )
        sessions.append(session)
        syn.rows[AttendanceSession].append(session)
        syn.backdate[AttendanceSession].append((session, day))
    records = 0
    for number, case in enumerate(people):
        # Two joined three weeks later, when places came free.
        joined = LERNIA_PERIOD[0] + dt.timedelta(days=21 if number in (3, 7) else 0)
        participation = Participation(
            intervention=intervention,
            enrolment=case.enrolment,
            started_on=joined,
            ended_on=None,
            planned_hours=SESSION_HOURS * len(SESSION_WEEKDAYS) * 24,
            attended_hours=Decimal("0.0"),
            completion=Participation.Completion.ONGOING,
        )
        syn.rows[Participation].append(participation)
        case.participations.append(participation)
        for session in sessions:
            if session.held_on < joined:
                continue
            roll = syn.rng.random()
            hours = SESSION_HOURS if roll < 0.82 else Decimal("1.5") if roll < 0.9 else Decimal(0)
            participation.attended_hours += hours
            record = AttendanceRecord(
                participation=participation,
                session=session,
                held_on=session.held_on,
                hours=hours,
                recorded_by=provider,
            )
            syn.rows[AttendanceRecord].append(record)
            syn.backdate[AttendanceRecord].append((record, session.held_on))
            records += 1
    return {f"placed in {LERNIA_GROUP}": len(people)}


# This morning's reads in Segevång (08:00 onwards), so that the data protection officer's audit
# log has the working day in it: (reader, how many people, purpose). The case workers open their
# own families; the manager opens others' families for the follow-ups, with that purpose.
MORNING_READS = [
    ("caseworker", 4, Purpose.OWN_CASELOAD),
    ("maria.svensson", 3, Purpose.OWN_CASELOAD),
    ("manager", 3, Purpose.FOLLOW_UP),
]


def morning_reads(syn: Synthetic, key: str = "omr_segevang") -> dict[str, int]:
    """Audit entries of reads of people's pages on DEMO_TODAY, written as the pages write them
    (core.audit.log_action, one per person opened), in a fixed order."""
    project = syn.world.projects[key]
    enrolments = list(
        Enrolment.objects.filter(project=project).order_by("pk").select_related("participant")
    )
    written = 0
    for username, count, purpose in MORNING_READS:
        user = syn.world.users[username]
        if purpose == Purpose.OWN_CASELOAD:
            chosen = [e for e in enrolments if e.case_worker_id == user.pk][:count]
        else:
            chosen = [e for e in enrolments if e.case_worker_id not in (None, user.pk)][:count]
        for enrolment in chosen:
            log_action(
                by=user,
                action="view",
                obj=enrolment.participant,
                project=project,
                reason=f"enrolment {enrolment.pk}",
                purpose=purpose,
            )
            written += 1
    return {"reads logged this morning (Segevång)": written}

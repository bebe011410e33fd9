"""What happens to the people of a closed project: who starts, who leaves and how, their
situation at exit and at each follow-up, and their survey answers.

Outcomes are set by quotas, not left to chance, so the goals of SPEC's goal table come out where
the demo wants them (some met, some narrowly missed, different for women and men) whatever the
random draw: `work90` is the share of completers in work at the first follow-up, by gender;
`job_or_chances`, `jc`, `network` and `confidence` are shares of completers whose exit survey
answer is 4 or 5 (the few non-respondents count as "no", so the shares hold whether a goal
divides by completers or by respondents only).
"""

import datetime as dt
from dataclasses import dataclass, field

from enrolments.models import ExitReason, OutcomeStatus, Status

from .synthetic import IN_WORK, Case, FollowUpPlan, Synthetic, days, income_for

OS = OutcomeStatus


@dataclass
class Plan:
    n_declined: int
    n_withdrawn_before_start: int
    n_withdrawn_active: int
    non_completers: dict[str, int]  # exit reason -> count
    duration: tuple[int, int]  # days from start to exit for completers
    last_exit: dt.date
    work90: dict[str, float]  # gender -> share of completers in work at day 90
    work_at_exit: float  # of those in work at day 90, share already in work at exit
    work_kinds: dict[str, int]
    education_share: float  # of completers not in work at day 90: studies or a programme
    not_working_income: dict[str, int]
    not_reached: float  # share of completers not reached at day 90
    not_recorded: float  # share of completers whose day-90 follow-up is still not recorded
    exit_nonresponse: float
    network: float
    confidence: float
    jc: float | None = None
    job_or_chances: float | None = None
    days: list[int] = field(default_factory=lambda: [90])


def yes_value(syn: Synthetic) -> int:
    return syn.pick({4: 55, 5: 45})


def no_value(syn: Synthetic) -> int:
    return syn.pick({1: 1, 2: 3, 3: 6})


def decide(syn: Synthetic, cases: list[Case], plan: Plan) -> None:
    """Set status, exit, follow-ups and surveys of every case of a closed project."""
    rng = syn.rng
    order = list(cases)
    rng.shuffle(order)
    declined = order[: plan.n_declined]
    cut = plan.n_declined + plan.n_withdrawn_before_start
    withdrawn_before = order[plan.n_declined : cut]
    started = order[cut:]
    for c in declined:
        c.status = Status.DECLINED
        c.started_on = None
    for c in withdrawn_before:
        c.status = Status.WITHDRAWN
        c.started_on = None
        c.consent_withdrawn_on = c.referred_on + dt.timedelta(days=rng.randint(3, 20))
    withdrawn_active = started[: plan.n_withdrawn_active]
    exited = started[plan.n_withdrawn_active :]
    for c in withdrawn_active:
        c.status = Status.WITHDRAWN
        c.consent_withdrawn_on = _end(c, rng.randint(30, 120), plan.last_exit)
    reasons = [r for r, n in plan.non_completers.items() for _ in range(n)]
    non_completers = exited[: len(reasons)]
    completers = exited[len(reasons) :]
    for c, reason in zip(non_completers, reasons, strict=True):
        c.exit_reason = reason
        c.exited_on = _end(c, rng.randint(30, plan.duration[0]), plan.last_exit)
        _non_completer(syn, c, plan)
    for c in completers:
        c.exit_reason = ExitReason.COMPLETED
        c.exited_on = _end(c, rng.randint(*plan.duration), plan.last_exit)
    _completers(syn, completers, plan)
    for c in started:
        if rng.random() < 0.85:
            c.surveys["entry"] = {
                "job_chances": syn.pick({1: 3, 2: 5, 3: 4, 4: 1}),
                "network": syn.pick({1: 4, 2: 5, 3: 3, 4: 1}),
                "self_confidence": syn.pick({1: 2, 2: 4, 3: 5, 4: 2}),
            }
    for c in exited:
        recorded = all(f.reached is not None for f in c.follow_ups)
        c.status = Status.FOLLOWED_UP if recorded else Status.EXITED


def _end(case: Case, length: int, last: dt.date) -> dt.date:
    return max(case.started_on, min(case.started_on + dt.timedelta(days=length), last))


def _not_working(syn: Synthetic, plan: Plan) -> str:
    return syn.pick(plan.not_working_income)


def _completers(syn: Synthetic, cases: list[Case], plan: Plan) -> None:
    rng = syn.rng
    n = len(cases)
    in_work = set()
    for gender, share in plan.work90.items():
        group = [c for c in cases if c.participant.gender == gender]
        in_work |= {id(c) for c in syn.sample(group, round(share * len(group)))}
    working = [c for c in cases if id(c) in in_work]
    rest = [c for c in cases if id(c) not in in_work]
    educated = {id(c) for c in syn.sample(rest, round(plan.education_share * len(rest)))}
    others = [c for c in rest if id(c) not in educated]
    unreached = {id(c) for c in syn.sample(others, round(plan.not_reached * n))}
    others = [c for c in others if id(c) not in unreached]
    unrecorded = {id(c) for c in syn.sample(others, round(plan.not_recorded * n))}

    for c in cases:
        key = id(c)
        if key in in_work:
            day90 = syn.pick(plan.work_kinds)
            at_exit = (
                day90
                if rng.random() < plan.work_at_exit
                else syn.pick({OS.JOB_SEEKING: 3, OS.OTHER_PROGRAMME: 1})
            )
        elif key in educated:
            day90 = syn.pick({OS.STUDIES: 5, OS.OTHER_PROGRAMME: 4})
            at_exit = day90 if rng.random() < 0.7 else OS.JOB_SEEKING
        else:
            day90 = syn.pick(
                {OS.JOB_SEEKING: 12, OS.PARENTAL_LEAVE: 2, OS.SICK_LEAVE: 2, OS.OTHER: 1}
            )
            at_exit = day90 if rng.random() < 0.8 else OS.JOB_SEEKING
        c.exit_status = at_exit
        c.exit_income_source = income_for(at_exit, not_working=_not_working(syn, plan))
        first = plan.days[0]
        if key in unreached:
            c.follow_ups.append(FollowUpPlan(first, reached=False))
        elif key in unrecorded:
            c.follow_ups.append(FollowUpPlan(first, reached=None))
        else:
            c.follow_ups.append(_reached(syn, plan, first, day90))
        for later in plan.days[1:]:
            c.follow_ups.append(_later(syn, plan, later, day90, key in unrecorded))

    _exit_surveys(syn, cases, working, plan)


def _reached(syn: Synthetic, plan: Plan, day: int, status: str) -> FollowUpPlan:
    source = syn.pick({"participant": 6, "register": 3, "employer": 2 if status in IN_WORK else 0})
    return FollowUpPlan(
        day,
        reached=True,
        status=status,
        income_source=income_for(status, not_working=_not_working(syn, plan)),
        source=source,
    )


def _later(syn: Synthetic, plan: Plan, day: int, before: str, unrecorded: bool) -> FollowUpPlan:
    rng = syn.rng
    if unrecorded or rng.random() < 0.08:
        return FollowUpPlan(day, reached=None)
    if rng.random() < 0.1:
        return FollowUpPlan(day, reached=False)
    if before in IN_WORK:
        status = before if rng.random() < 0.9 else OS.JOB_SEEKING
    elif before == OS.JOB_SEEKING and rng.random() < 0.18:
        status = syn.pick(plan.work_kinds)
    else:
        status = before
    return _reached(syn, plan, day, status)


def _exit_surveys(syn: Synthetic, cases: list[Case], working: list[Case], plan: Plan) -> None:
    n = len(cases)
    silent = {id(c) for c in syn.sample(cases, round(plan.exit_nonresponse * n))}
    answering = [c for c in cases if id(c) not in silent]
    if plan.job_or_chances is not None:
        # "a job or increased chances of one": those in work at exit, then enough others.
        employed = [c for c in answering if c.exit_status in IN_WORK]
        employed_all = sum(1 for c in cases if c.exit_status in IN_WORK)
        wanted = round(plan.job_or_chances * n) - employed_all
        others = [c for c in answering if c.exit_status not in IN_WORK]
        chances = {id(c) for c in employed} | {id(c) for c in syn.sample(others, wanted)}
    else:
        chances = {id(c) for c in syn.sample(answering, round(plan.jc * n))}
    network = {id(c) for c in syn.sample(answering, round(plan.network * n))}
    confidence = {id(c) for c in syn.sample(answering, round(plan.confidence * n))}
    for c in answering:
        key = id(c)
        c.surveys["exit"] = {
            "job_chances": yes_value(syn) if key in chances else no_value(syn),
            "network": yes_value(syn) if key in network else no_value(syn),
            "self_confidence": yes_value(syn) if key in confidence else no_value(syn),
            "satisfaction": syn.pick({2: 1, 3: 2, 4: 6, 5: 5}),
        }
        first = c.follow_ups[0] if c.follow_ups else None
        if first and first.reached and syn.rng.random() < 0.5:
            c.surveys["follow_up"] = {
                "job_chances": c.surveys["exit"]["job_chances"],
                "satisfaction": syn.pick({3: 2, 4: 5, 5: 4}),
            }


def _non_completer(syn: Synthetic, c: Case, plan: Plan) -> None:
    rng = syn.rng
    status = {
        ExitReason.DROPPED_OUT: {OS.JOB_SEEKING: 8, OS.SICK_LEAVE: 3, OS.UNKNOWN: 4, OS.OTHER: 3,
                                 OS.EMPLOYED_PART_TIME: 2},
        ExitReason.MOVED: {OS.UNKNOWN: 6, OS.JOB_SEEKING: 3, OS.OTHER: 1},
        ExitReason.OTHER: {OS.PARENTAL_LEAVE: 5, OS.SICK_LEAVE: 3, OS.OTHER: 2},
    }[c.exit_reason]  # fmt: skip
    c.exit_status = syn.pick(status)
    c.exit_income_source = income_for(c.exit_status, not_working=_not_working(syn, plan))
    reach = 0.3 if c.exit_reason == ExitReason.MOVED else 0.65
    for day in plan.days:
        roll = rng.random()
        if roll < 0.1:
            c.follow_ups.append(FollowUpPlan(day, reached=None))
        elif roll < 0.1 + reach:
            later = c.exit_status if c.exit_status != OS.UNKNOWN else OS.JOB_SEEKING
            if rng.random() < 0.12:
                later = syn.pick(plan.work_kinds)
            c.follow_ups.append(_reached(syn, plan, day, later))
        else:
            c.follow_ups.append(FollowUpPlan(day, reached=False))
    if rng.random() < 0.15 and days(c.started_on, c.exited_on) > 7:
        c.surveys["exit"] = {
            "job_chances": syn.pick({1: 2, 2: 3, 3: 3, 4: 1}),
            "network": syn.pick({1: 2, 2: 3, 3: 3, 4: 1}),
            "self_confidence": syn.pick({2: 3, 3: 3, 4: 2}),
            "satisfaction": syn.pick({1: 1, 2: 2, 3: 3, 4: 2}),
        }

"""The area programme's participants (seed 002): families on long-term social assistance in
Segevång, and residents of Herrgården, some of them earlier participants of Framtid i Fokus.

Segevång reproduces the page's figures: "Under perioden juni 2013 till december 2014 har
projektet haft kontakt med 131 barnfamiljer varav 51 ... har blivit självförsörjande."

How "self-sufficient" is derived from the data: a household is self-sufficient when every adult
member (every Participant with household=it) has an enrolment in the Segevång part that has
exited (status exited or followed_up) with an exit income source other than social assistance
or no income. The 51 such households have all adults exited with status employed or studies
and income salary, study allowance or unemployment insurance; in the other 80 every adult is
either still enrolled (active or paused) or exited with social assistance as income source.
"""

import datetime as dt

from enrolments.models import ExitReason, IncomeSource, LabourMarketStatus, OutcomeStatus, Status
from participants.models import Household

from .cohorts import day_between, person, swedish_level
from .outcomes import no_value, yes_value
from .synthetic import Case, FollowUpPlan, Synthetic
from .today import (
    LERNIA,
    LERNIA_GROUP,
    LERNIA_PERIOD,
    LERNIA_PLACES,
    recent_exit,
    recent_exit_dates,
)

OS = OutcomeStatus
SEGEVANG_CONTACTED = 131
SEGEVANG_SELF_SUFFICIENT = 51
FIRST_CONTACT, LAST_CONTACT = dt.date(2013, 6, 1), dt.date(2014, 12, 31)
SEGEVANG_AS_OF = dt.date(2015, 3, 31)
MIX = {
    "arabic": 30,
    "somali": 18,
    "swedish": 14,
    "bosnian": 8,
    "kurdish": 8,
    "persian": 6,
    "dari": 6,
    "tigrinya": 5,
    "polish": 3,
    "nordic": 2,
}
LEVELS = {"sfi_b": 2, "sfi_c": 4, "sfi_d": 4, "basic": 3, "fluent": 3}


def area_interventions(syn: Synthetic) -> None:
    period = (dt.date(2013, 6, 1), dt.date(2015, 12, 31))
    north = "Malmö stad, Stadsområdesförvaltning Norr"
    syn.create_interventions(
        "omr_segevang",
        [
            ("Familjecoachning", "guidance", north, *period, 40),
            ("Jobb Malmö – områdesarbetare", "job_search", "Jobb Malmö", *period, 30),
            ("Studie- och yrkesvägledning", "basic_education", "Malmö stad, Komvux", *period, 20),
            ("Områdesanställning", "subsidised_employment", north, *period, 15),
            ("Praktik via Jobb Malmö", "internship", "Jobb Malmö", *period, 20),
            # The provider login's group, running on the demo's today (demo/today.py).
            (LERNIA_GROUP, "work_training", LERNIA, *LERNIA_PERIOD, LERNIA_PLACES),
        ],
    )
    period = (dt.date(2011, 1, 1), dt.date(2015, 12, 31))
    east = "Malmö stad, Stadsområdesförvaltning Öster"
    syn.create_interventions(
        "omr_herrgarden",
        [
            ("Kraftsamling Herrgården – jobbcoachning", "guidance", east, *period, 30),
            ("Områdesanställning Herrgården", "subsidised_employment", east, *period, 10),
            ("Yrkesutbildning bygg", "vocational_training", "Malmö stad, Komvux", *period, 12),
        ],
    )


def segevang(syn: Synthetic) -> dict[str, int]:
    w = syn.world
    rng = syn.rng
    key = "omr_segevang"
    project = w.projects[key]
    area = w.areas["Segevång"]
    north = w.orgs["Malmö stad, Stadsområdesförvaltning Norr"]
    jobb = w.orgs["Jobb Malmö"]
    af = w.orgs["Arbetsförmedlingen Malmö"]
    target = w.target_groups[(key, "barnfamiljer-langvarigt-forsorjningsstod")]
    workers = w.case_workers[key]
    catalogue = syn.interventions[key]
    contacts = sorted(day_between(syn, FIRST_CONTACT, LAST_CONTACT) for _ in range(131))
    # Self-sufficient families need time to get there before the end of 2014.
    early = [i for i, day in enumerate(contacts) if day <= dt.date(2014, 8, 31)]
    self_sufficient = set(syn.sample(early, SEGEVANG_SELF_SUFFICIENT))
    households = []
    # The demo's case worker's families who left this spring (demo/today.py).
    spring_exits = recent_exit_dates()
    for i, contacted in enumerate(contacts):
        adults = 1 if rng.random() < 0.45 else 2
        household = Household(
            project=project,
            reference=f"SEG-{contacted.year}-{i + 1:03d}",
            area=area,
            adults=adults,
            children=syn.pick({1: 3, 2: 4, 3: 3, 4: 2, 5: 1}),
            long_term_social_assistance=True,
            contacted_on=contacted,
        )
        households.append(household)
    Household.objects.bulk_create(households)

    for i, household in enumerate(households):
        worker = workers[0] if rng.random() < 0.36 else rng.choice(workers[1:])
        household.contact_worker = worker[0]  # the family's case worker is its contact
        origin_mix = {syn.pick(MIX): 1}  # a couple shares an origin
        genders = ["woman" if rng.random() < 0.8 else "man"]
        if household.adults == 2:
            genders = ["woman", "man"]
        fate_open = rng.random() < (0.75 if household.contacted_on > dt.date(2014, 6, 30) else 0.4)
        for gender in genders:
            p = person(
                syn,
                mix=origin_mix,
                women=1.0 if gender == "woman" else 0.0,
                born=(1965, 1992),
                arrived_by=household.contacted_on.year,
                arrival=(1990, 2012),
                anonymous=0.03,
                household=household,
                created_by=worker[0],
            )
            start = household.contacted_on + dt.timedelta(days=rng.randint(0, 21))
            case = Case(
                project_key=key,
                participant=p,
                referred_on=household.contacted_on,
                referred_by=north,
                case_worker=worker,
                status=Status.ACTIVE,
                as_of=SEGEVANG_AS_OF,
                started_on=start,
                baseline={
                    "labour_market_status": syn.pick(
                        {
                            LabourMarketStatus.LONG_TERM_UNEMPLOYED: 12,
                            LabourMarketStatus.INACTIVE: 4,
                            LabourMarketStatus.SICK_LEAVE: 2,
                            LabourMarketStatus.UNEMPLOYED: 2,
                        }
                    ),
                    "months_without_work": rng.randint(12, 72),
                    "income_source": IncomeSource.SOCIAL_ASSISTANCE,
                    "swedish_level": swedish_level(syn, p, LEVELS),
                    "area": area,
                },
                target_groups=[target],
                consent_orgs=[north, jobb] + ([af] if rng.random() < 0.5 else []),
            )
            if i in self_sufficient:
                _self_sufficient(syn, case)
            elif fate_open or rng.random() < 0.3:
                case.status = Status.PAUSED if rng.random() < 0.1 else Status.ACTIVE
                if worker is workers[0] and case.status == Status.ACTIVE and spring_exits:
                    recent_exit(case, spring_exits.pop(0), len(spring_exits))
            else:
                _closed_on_assistance(syn, case)
            case.interventions = _segevang_choices(syn, case, catalogue)
            syn.add(case)
    Household.objects.bulk_update(households, ["contact_worker"])
    return {
        "households": len(households),
        "self-sufficient households": len(self_sufficient),
    }


def _self_sufficient(syn: Synthetic, case: Case) -> None:
    rng = syn.rng
    last = min(dt.date(2014, 12, 31), case.started_on + dt.timedelta(days=420))
    first = min(case.started_on + dt.timedelta(days=60), last)
    case.exited_on = day_between(syn, first, last)
    case.exit_reason = ExitReason.COMPLETED
    case.exit_status = syn.pick(
        {
            OS.EMPLOYED_FULL_TIME: 5,
            OS.EMPLOYED_PART_TIME: 3,
            OS.SUBSIDISED_FULL_TIME: 4,
            OS.STUDIES: 4,
        }
    )
    if case.exit_status == OS.STUDIES:
        case.exit_income_source = IncomeSource.STUDY_ALLOWANCE
    elif case.exit_status == OS.EMPLOYED_PART_TIME and rng.random() < 0.3:
        case.exit_income_source = IncomeSource.UNEMPLOYMENT_INSURANCE
    else:
        case.exit_income_source = IncomeSource.SALARY
    _follow_up(syn, case, case.exit_status, case.exit_income_source)
    if rng.random() < 0.6:
        case.surveys["exit"] = {
            "job_chances": yes_value(syn),
            "network": yes_value(syn) if rng.random() < 0.7 else no_value(syn),
            "self_confidence": yes_value(syn),
            "satisfaction": syn.pick({3: 1, 4: 4, 5: 4}),
        }


def _closed_on_assistance(syn: Synthetic, case: Case) -> None:
    rng = syn.rng
    last = min(dt.date(2014, 12, 31), case.started_on + dt.timedelta(days=400))
    first = min(case.started_on + dt.timedelta(days=30), last)
    case.exited_on = day_between(syn, first, last)
    case.exit_reason = syn.pick(
        {ExitReason.COMPLETED: 3, ExitReason.DROPPED_OUT: 3, ExitReason.MOVED: 2, "other": 2}
    )
    case.exit_status = syn.pick(
        {OS.JOB_SEEKING: 6, OS.OTHER_PROGRAMME: 3, OS.PARENTAL_LEAVE: 2, OS.SICK_LEAVE: 2}
    )
    case.exit_income_source = IncomeSource.SOCIAL_ASSISTANCE
    if case.exit_reason == ExitReason.MOVED and rng.random() < 0.6:
        case.follow_ups.append(FollowUpPlan(90, reached=False))
        case.status = Status.FOLLOWED_UP
        return
    _follow_up(syn, case, case.exit_status, IncomeSource.SOCIAL_ASSISTANCE)


def _follow_up(syn: Synthetic, case: Case, status: str, income: str) -> None:
    roll = syn.rng.random()
    if roll < 0.06:
        case.follow_ups.append(FollowUpPlan(90, reached=None))
        case.status = Status.EXITED
        return
    if roll < 0.14:
        case.follow_ups.append(FollowUpPlan(90, reached=False))
    else:
        source = syn.pick({"participant": 3, "register": 2})
        case.follow_ups.append(FollowUpPlan(90, True, status, income, source))
    case.status = Status.FOLLOWED_UP


def _segevang_choices(syn: Synthetic, case: Case, catalogue) -> list:
    rng = syn.rng
    chosen = ["Familjecoachning"]
    if rng.random() < 0.6:
        chosen.append("Jobb Malmö – områdesarbetare")
    if case.exit_status == OS.STUDIES or rng.random() < 0.2:
        chosen.append("Studie- och yrkesvägledning")
    if case.exit_status == OS.SUBSIDISED_FULL_TIME or rng.random() < 0.15:
        chosen.append("Områdesanställning")
    if rng.random() < 0.3:
        chosen.append("Praktik via Jobb Malmö")
    return [catalogue[name] for name in chosen]


def herrgarden(syn: Synthetic, fif_cases: list[Case]) -> dict[str, int]:
    """Residents of Herrgården in the area programme, 2011–2014. Fourteen of them took part in
    Framtid i Fokus earlier: the same Participant, found again through the identity hash."""
    w = syn.world
    rng = syn.rng
    key = "omr_herrgarden"
    area = w.areas["Herrgården"]
    east = w.orgs["Malmö stad, Stadsområdesförvaltning Öster"]
    jobb = w.orgs["Jobb Malmö"]
    target = w.target_groups[(key, "arbetslosa-herrgarden")]
    worker = w.case_workers[key][0]
    catalogue = syn.interventions[key]
    returners = [
        c.participant
        for c in fif_cases
        if c.exited_on
        and not c.participant.is_anonymous
        and c.follow_ups
        and c.follow_ups[0].status not in ("employed_full_time", "self_employed")
    ]
    people = syn.sample(returners, 14)
    returning = len(people)
    mix = {"arabic": 4, "somali": 2, "kurdish": 1, "bosnian": 1, "dari": 1}
    for _ in range(12):
        people.append(
            person(
                syn,
                mix=mix,
                women=0.5,
                born=(1960, 1993),
                arrived_by=2012,
                anonymous=0.04,
                created_by=worker[0],
            )
        )
    outcomes = (
        ["work"] * 6 + ["studies"] * 4 + ["seeking"] * 4 + ["dropped"] * 3 + ["open"] * 7
    ) + ["declined"] * 2
    rng.shuffle(outcomes)
    for p, outcome in zip(people, outcomes, strict=True):
        referred = day_between(syn, dt.date(2011, 3, 1), dt.date(2014, 10, 31))
        case = Case(
            project_key=key,
            participant=p,
            referred_on=referred,
            referred_by=jobb if rng.random() < 0.5 else east,
            case_worker=worker,
            status=Status.ACTIVE,
            as_of=dt.date(2015, 6, 30),
            started_on=referred + dt.timedelta(days=rng.randint(3, 30)),
            baseline={
                "labour_market_status": LabourMarketStatus.LONG_TERM_UNEMPLOYED,
                "months_without_work": rng.randint(12, 96),
                "income_source": IncomeSource.SOCIAL_ASSISTANCE,
                "swedish_level": swedish_level(syn, p, LEVELS),
                "area": area,
            },
            target_groups=[target],
            consent_orgs=[east, jobb],
        )
        if outcome == "declined":
            case.status, case.started_on = Status.DECLINED, None
        elif outcome == "open":
            case.status = Status.ACTIVE
        else:
            status, income, reason = {
                "work": (OS.SUBSIDISED_FULL_TIME, IncomeSource.SALARY, ExitReason.COMPLETED),
                "studies": (OS.STUDIES, IncomeSource.STUDY_ALLOWANCE, ExitReason.COMPLETED),
                "seeking": (OS.JOB_SEEKING, IncomeSource.SOCIAL_ASSISTANCE, ExitReason.COMPLETED),
                "dropped": (OS.JOB_SEEKING, IncomeSource.SOCIAL_ASSISTANCE, ExitReason.DROPPED_OUT),
            }[outcome]
            last = min(dt.date(2015, 3, 31), case.started_on + dt.timedelta(days=360))
            case.exited_on = day_between(
                syn, min(case.started_on + dt.timedelta(days=90), last), last
            )
            case.exit_reason, case.exit_status, case.exit_income_source = reason, status, income
            _follow_up(syn, case, status, income)
        if case.started_on:
            chosen = [catalogue["Kraftsamling Herrgården – jobbcoachning"]]
            if outcome == "work" or rng.random() < 0.2:
                chosen.append(catalogue["Områdesanställning Herrgården"])
            if rng.random() < 0.3:
                chosen.append(catalogue["Yrkesutbildning bygg"])
            case.interventions = chosen
        syn.add(case)
    return {"Herrgården enrolments": len(people), "enrolled in two projects": returning}

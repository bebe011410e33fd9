"""The participants of the twin projects of seed 001 (Malmö's Framtid i Fokus and its Göteborg
twin) and of seed 004 (Integration genom arbete).

Framtid i Fokus serves 60 long-term unemployed social-assistance recipients in Herrgården (the
number on its page); the twin serves about as many in Bergsjön and Kortedala with identical
interventions and somewhat weaker results, so the comparison shows a difference. Integration
genom arbete serves about 300 refugees in four municipalities of north-western Skåne. The page
does not name the four; the demo uses Åstorp (the owner's), Bjuv, Klippan and Ängelholm.
"""

import datetime as dt

from enrolments.models import IncomeSource, LabourMarketStatus, OutcomeStatus
from participants.models import EducationLevel

from .outcomes import Plan, decide
from .synthetic import IN_WORK, Case, Synthetic

OS = OutcomeStatus
E = EducationLevel
EDUCATION = {
    "swedish": {E.PRIMARY: 3, E.UPPER_SECONDARY: 5, E.POST_SECONDARY_SHORT: 1},
    "default": {
        E.PRIMARY_SHORT: 4,
        E.PRIMARY: 3,
        E.UPPER_SECONDARY: 3,
        E.POST_SECONDARY_SHORT: 1,
        E.POST_SECONDARY_LONG: 1,
        E.UNKNOWN: 1,
    },
}
ARRIVAL = {
    "arabic": (1991, 2007),
    "somali": (1990, 2007),
    "persian": (1986, 2005),
    "dari": (1998, 2008),
    "kurdish": (1990, 2006),
    "tigrinya": (2000, 2008),
    "bosnian": (1992, 1996),
    "polish": (2004, 2008),
    "nordic": (1985, 2005),
}


def day_between(syn: Synthetic, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=syn.rng.randint(0, (last - first).days))


def person(syn, *, mix, women, born, arrived_by, anonymous=0.05, created_by=None, **extra):
    """A participant drawn from a population mix; five in a hundred are registered anonymously."""
    rng = syn.rng
    origin = syn.pick(mix)
    gender = "woman" if rng.random() < women else "man"
    birth_year = rng.randint(*born)
    arrival_range = extra.pop("arrival", None)
    arrival = None
    if origin != "swedish":
        first, last = arrival_range or ARRIVAL.get(origin, (1990, 2006))
        last = min(last, arrived_by)
        arrival = max(birth_year + 1, rng.randint(min(first, last), last))
    is_anonymous = rng.random() < anonymous
    education = syn.pick(EDUCATION.get(origin, EDUCATION["default"]))
    return syn.participant(
        origin=origin,
        gender=gender,
        birth_year=birth_year,
        arrival_year=arrival,
        education=education,
        anonymous=is_anonymous,
        protected=is_anonymous and rng.random() < 0.4,
        created_by=created_by,
        **extra,
    )


def swedish_level(syn: Synthetic, participant, weights: dict) -> str:
    if participant.region_of_birth in ("sweden", "nordic"):
        return "fluent"
    return syn.pick(weights)


# Twin projects (seed 001) ------------------------------------------------------------------

TWIN = {
    "fif": {
        "mix": {"arabic": 34, "somali": 16, "kurdish": 10, "bosnian": 10, "persian": 8,
                "dari": 7, "tigrinya": 5, "swedish": 6, "polish": 2, "nordic": 2},
        "women": 0.45,
        "plan": Plan(
            n_declined=4, n_withdrawn_before_start=0, n_withdrawn_active=2,
            non_completers={"dropped_out": 6, "moved": 4, "other": 2},
            duration=(180, 330), last_exit=dt.date(2010, 6, 30),
            work90={"man": 0.45, "woman": 0.36}, work_at_exit=0.7,
            work_kinds={OS.SUBSIDISED_FULL_TIME: 8, OS.EMPLOYED_PART_TIME: 5,
                        OS.EMPLOYED_FULL_TIME: 4, OS.SUBSIDISED_PART_TIME: 2, OS.SELF_EMPLOYED: 1},
            education_share=0.3, not_working_income={IncomeSource.SOCIAL_ASSISTANCE: 1},
            not_reached=0.06, not_recorded=0.04, exit_nonresponse=0.04,
            job_or_chances=0.76, network=0.83, confidence=0.93,
        ),
        "started": 60,
    },
    "gbg": {
        "mix": {"somali": 22, "arabic": 22, "tigrinya": 10, "persian": 10, "dari": 8,
                "kurdish": 8, "bosnian": 5, "swedish": 12, "nordic": 3},
        "women": 0.48,
        "plan": Plan(
            n_declined=3, n_withdrawn_before_start=1, n_withdrawn_active=1,
            non_completers={"dropped_out": 7, "moved": 4, "other": 2},
            duration=(180, 330), last_exit=dt.date(2010, 6, 30),
            work90={"man": 0.32, "woman": 0.26}, work_at_exit=0.65,
            work_kinds={OS.SUBSIDISED_FULL_TIME: 8, OS.EMPLOYED_PART_TIME: 6,
                        OS.EMPLOYED_FULL_TIME: 3, OS.SUBSIDISED_PART_TIME: 2},
            education_share=0.28,
            not_working_income={IncomeSource.SOCIAL_ASSISTANCE: 4,
                                IncomeSource.ACTIVITY_SUPPORT: 1},
            not_reached=0.08, not_recorded=0.05, exit_nonresponse=0.05,
            job_or_chances=0.68, network=0.8, confidence=0.88,
        ),
        "started": 58,
    },
}  # fmt: skip


def twin_interventions(syn: Synthetic) -> None:
    period = (dt.date(2008, 7, 1), dt.date(2010, 6, 30))
    for key, (owner, school, internship) in {
        "fif": ("Arbete & Utbildning", "Lernia Malmö", "MKB Fastighets AB"),
        "gbg": (
            "Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad",
            "Lernia Göteborg",
            "Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad",
        ),
    }.items():
        syn.create_interventions(
            key,
            [
                ("Uppsökande och motiverande samtal", "outreach", owner, *period, None),
                ("Individuell vägledning och coachning", "guidance", owner, *period, 40),
                ("Gruppvägledning för kvinnor och män", "guidance", owner, *period, 15),
                ("SFI med arbetsplatsinriktning", "sfi", school, *period, 20),
                ("Yrkesutbildning lager och logistik", "vocational_training", school, *period, 12),
                ("Jobbsökarträning", "job_search", school, *period, 15),
                ("Arbetsplatsförlagd praktik", "internship", internship, *period, 25),
                ("Hälsa och friskvård", "health", owner, *period, 12),
                ("Gemensamma aktiviteter Malmö–Göteborg", "other", owner, *period, None),
            ],
        )  # fmt: skip


def twin_cohort(syn: Synthetic, key: str) -> list[Case]:
    w = syn.world
    rng = syn.rng
    cfg = TWIN[key]
    plan: Plan = cfg["plan"]
    tg = {code: w.target_groups[(key, code)] for (k, code) in w.target_groups if k == key}
    main_group = (
        "langtidsarbetslosa-forsorjningsstod"
        if key == "fif"
        else ("langtidsarbetslosa-bidragstagare")
    )
    workers = w.case_workers[key]
    total = cfg["started"] + plan.n_declined + plan.n_withdrawn_before_start
    intake = sorted(
        day_between(syn, dt.date(2008, 7, 14), dt.date(2009, 11, 30)) for _ in range(total)
    )
    if key == "fif":
        af = w.orgs["Arbetsförmedlingen Malmö"]
        social = w.orgs["Malmö stad, SDF Rosengård, Individ- och familjeomsorgen"]
        owner = w.orgs["Arbete & Utbildning"]
        # A handful whose consent does not cover Arbete & Utbildning: Arbetsförmedlingen's.
        af_only = set(rng.sample(range(total), 5))
    else:
        af = w.orgs["Arbetsförmedlingen Göteborg Nordost"]
        owner = w.orgs["Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad"]
        af_only = set()
    cases = []
    for i, referred in enumerate(intake):
        p = person(syn, mix=cfg["mix"], women=cfg["women"], born=(1950, 1988), arrived_by=2007)
        if key == "fif":
            area = w.areas["Herrgården"]
            referrer = af if i in af_only or rng.random() < 0.3 else social
            if i in af_only:
                worker, consent = workers[2], [af, social]
            else:
                worker = workers[0] if rng.random() < 0.56 else workers[1]
                consent = [owner, social] + ([af] if rng.random() < 0.4 else [])
        else:
            area = w.areas["Bergsjön" if rng.random() < 0.6 else "Kortedala"]
            district = w.orgs[f"Göteborgs stad, SDF {area.name}"]
            referrer = district if rng.random() < 0.65 else af
            worker = rng.choice(workers)
            consent = [owner, af] + ([district] if rng.random() < 0.5 else [])
        p.created_by = worker[0]
        sfi_student = key == "fif" and p.region_of_birth != "sweden" and rng.random() < 0.2
        level = swedish_level(
            syn,
            p,
            {"sfi_b": 2, "sfi_c": 3, "sfi_d": 3}
            if sfi_student
            else {"sfi_b": 2, "sfi_c": 4, "sfi_d": 4, "basic": 3, "fluent": 2},
        )
        p.interpreter_language = p.interpreter_language if level in ("sfi_b", "sfi_c") else ""
        age = referred.year - p.birth_year
        groups = [tg["sfi-forsorjningsstod" if sfi_student else main_group]]
        if p.region_of_birth == "outside_europe":
            groups.append(tg["utomeuropeiskt-fodda"])
        if key == "fif" and age < 25 and p.education_level in ("primary_short", "primary"):
            groups.append(tg["unga-kort-utbildning"])
        if key == "fif" and rng.random() < 0.15:
            groups.append(tg["langtidssjuka-ohalsa"])
            p.disability = rng.random() < 0.5
        cases.append(
            Case(
                project_key=key,
                participant=p,
                referred_on=referred,
                referred_by=referrer,
                case_worker=worker,
                status="",
                as_of=dt.date(2011, 1, 31),
                started_on=referred + dt.timedelta(days=rng.randint(5, 30)),
                baseline={
                    "labour_market_status": LabourMarketStatus.STUDYING
                    if sfi_student
                    else LabourMarketStatus.LONG_TERM_UNEMPLOYED,
                    "months_without_work": rng.randint(12, 120),
                    "income_source": syn.pick(plan.not_working_income),
                    "swedish_level": level,
                    "area": area,
                },
                target_groups=groups,
                consent_orgs=consent,
            )
        )
    decide(syn, cases, plan)
    catalogue = syn.interventions[key]
    for c in cases:
        if c.started_on:
            c.interventions = twin_choices(syn, c, catalogue)
        syn.add(c)
    return cases


def twin_choices(syn: Synthetic, c: Case, catalogue) -> list:
    rng = syn.rng
    works = any(f.status in IN_WORK for f in c.follow_ups) or c.exit_status in IN_WORK
    chosen = []
    if rng.random() < 0.5:
        chosen.append("Uppsökande och motiverande samtal")
    chosen.append("Individuell vägledning och coachning")
    if rng.random() < 0.45:
        chosen.append("Gruppvägledning för kvinnor och män")
    if c.baseline["swedish_level"] in ("sfi_b", "sfi_c", "sfi_d") and rng.random() < 0.8:
        chosen.append("SFI med arbetsplatsinriktning")
    if rng.random() < 0.35:
        chosen.append("Yrkesutbildning lager och logistik")
    if rng.random() < 0.6:
        chosen.append("Jobbsökarträning")
    if rng.random() < (0.8 if works else 0.45):
        chosen.append("Arbetsplatsförlagd praktik")
    if any(t.code == "langtidssjuka-ohalsa" for t in c.target_groups):
        chosen.append("Hälsa och friskvård")
    if rng.random() < 0.2:
        chosen.append("Gemensamma aktiviteter Malmö–Göteborg")
    return [catalogue[name] for name in chosen]


# Integration genom arbete (seed 004) -------------------------------------------------------

IGA_PLAN = Plan(
    n_declined=6, n_withdrawn_before_start=2, n_withdrawn_active=3,
    non_completers={"dropped_out": 18, "moved": 21, "other": 6},
    duration=(150, 220), last_exit=dt.date(2013, 3, 31),
    work90={"man": 0.52, "woman": 0.38}, work_at_exit=0.55,
    work_kinds={OS.EMPLOYED_FULL_TIME: 25, OS.EMPLOYED_PART_TIME: 25, OS.SUBSIDISED_FULL_TIME: 30,
                OS.SUBSIDISED_PART_TIME: 8, OS.SELF_EMPLOYED: 12},
    education_share=0.36,
    not_working_income={IncomeSource.ESTABLISHMENT_ALLOWANCE: 7,
                        IncomeSource.SOCIAL_ASSISTANCE: 3},
    not_reached=0.08, not_recorded=0.04, exit_nonresponse=0.05,
    jc=0.875, network=0.8, confidence=0.86, days=[90, 180],
)  # fmt: skip
IGA_STARTED = 298
IGA_MIX = {"arabic": 30, "somali": 22, "dari": 14, "tigrinya": 12, "kurdish": 12, "persian": 8}
# municipality -> (share, municipal organisation, case-worker username, internship provider)
IGA_MUNICIPALITIES = {
    "Åstorp": (28, "Integrationsenheten", "linnea.strom", "Företagarföreningen i Åstorp"),
    "Bjuv": (22, "Bjuvs kommun, Integrationsenheten", "ali.hashemi", "Företagarna Bjuv"),
    "Klippan": (22, "Klippans kommun, Flyktingmottagningen", "eva.persson",
                "Klippans Näringslivsråd"),
    "Ängelholm": (28, "Ängelholms kommun, Integrationsenheten", "nadia.karimi",
                  "Söderåsens Handelsträdgård AB"),
}  # fmt: skip
IGA_ENTREPRENEURSHIP = "Eget företagande"
IGA_ENTREPRENEURSHIP_WOMEN = "Eget företagande för kvinnor"


def iga_interventions(syn: Synthetic) -> None:
    first, last = dt.date(2009, 2, 1), dt.date(2013, 3, 31)
    owner = "Integrationsenheten"
    specs = [
        ("Så fungerar Sverige", "civic_orientation", owner, first, last, 30),
        ("Arbetscoachning", "guidance", owner, first, last, 60),
        ("Att erhålla ett arbete", "job_search",
         "Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg", first, last, 30),
        ("Mervärdesutbildning: bokföring, företagsekonomi och IT", "vocational_training",
         "Folkuniversitetet Helsingborg", first, last, 16),
        (IGA_ENTREPRENEURSHIP, "entrepreneurship", "Företagarföreningen i Åstorp", first, last, 15),
        (IGA_ENTREPRENEURSHIP_WOMEN, "entrepreneurship", owner, dt.date(2010, 2, 1), last, 12),
    ]  # fmt: skip
    for municipality, (_, _, _, provider) in IGA_MUNICIPALITIES.items():
        specs.append((f"Praktik i {municipality}", "internship", provider, first, last, 30))
    syn.create_interventions("iga", specs)


def iga_cohort(syn: Synthetic) -> list[Case]:
    w = syn.world
    rng = syn.rng
    plan = IGA_PLAN
    target = w.target_groups[("iga", "flyktingar")]
    af = w.orgs["Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg"]
    owner = w.orgs["Integrationsenheten"]
    af_worker = next(cw for cw in w.case_workers["iga"] if cw[1] == af)
    total = IGA_STARTED + plan.n_declined + plan.n_withdrawn_before_start
    intake = sorted(
        day_between(syn, dt.date(2009, 2, 2), dt.date(2012, 9, 14)) for _ in range(total)
    )
    weights = {m: v[0] for m, v in IGA_MUNICIPALITIES.items()}
    cases = []
    for referred in intake:
        municipality = syn.pick(weights)
        _, org_name, username, _ = IGA_MUNICIPALITIES[municipality]
        municipal = w.orgs[org_name]
        worker = next(cw for cw in w.case_workers["iga"] if cw[0].username == username)
        arrived = (referred.year - 2, referred.year)
        level = syn.pick({"sfi_a": 20, "sfi_b": 35, "sfi_c": 30, "sfi_d": 15})
        p = person(
            syn,
            mix=IGA_MIX,
            women=0.41,
            born=(1952, 1991),
            arrived_by=referred.year,
            arrival=arrived,
            coordination=rng.random() < 0.03,
            interpreter=level in ("sfi_a", "sfi_b"),
            created_by=worker[0],
        )
        if referred >= dt.date(2010, 12, 1) and rng.random() < 0.65:
            referrer = af  # the establishment reform moved newly arrived refugees to AF
        else:
            referrer = municipal
        if rng.random() < 0.15:
            worker = af_worker
        months = max(2, (referred.year - p.arrival_year) * 12 + rng.randint(-3, 6))
        cases.append(
            Case(
                project_key="iga",
                participant=p,
                referred_on=referred,
                referred_by=referrer,
                case_worker=worker,
                status="",
                as_of=dt.date(2013, 12, 31),
                started_on=referred + dt.timedelta(days=rng.randint(3, 21)),
                baseline={
                    "labour_market_status": LabourMarketStatus.NEWLY_ARRIVED,
                    "months_without_work": min(months, 40),
                    "income_source": IncomeSource.ESTABLISHMENT_ALLOWANCE,
                    "swedish_level": level,
                },
                target_groups=[target],
                consent_orgs=[owner, af] + ([municipal] if municipal != owner else []),
            )
        )
        cases[-1].municipality = municipality
    decide(syn, cases, plan)
    # A few consents withdrawn after the exit: sharing stops, the statistics remain.
    for c in syn.sample([c for c in cases if c.exited_on], 3):
        c.consent_withdrawn_on = c.exited_on + dt.timedelta(days=rng.randint(10, 60))
    catalogue = syn.interventions["iga"]
    for c in cases:
        if c.started_on:
            c.interventions = iga_choices(syn, c, catalogue)
        syn.add(c)
    return cases


def iga_choices(syn: Synthetic, c: Case, catalogue) -> list:
    rng = syn.rng
    statuses = {f.status for f in c.follow_ups} | {c.exit_status}
    works = bool(statuses & IN_WORK)
    woman = c.participant.gender == "woman"
    chosen = ["Så fungerar Sverige", "Arbetscoachning"]
    if rng.random() < 0.85:
        chosen.append("Att erhålla ett arbete")
    educated = c.participant.education_level in ("post_secondary_short", "post_secondary_long")
    if rng.random() < (0.6 if educated else 0.15):
        chosen.append("Mervärdesutbildning: bokföring, företagsekonomi och IT")
    if rng.random() < (0.85 if works else 0.5):
        chosen.append(f"Praktik i {c.municipality}")
    if OS.SELF_EMPLOYED in statuses or rng.random() < 0.06:
        # The course for women started in February 2010 (the page hoped for one).
        women_only = woman and c.ended_on > dt.date(2010, 3, 1) and rng.random() < 0.8
        chosen.append(IGA_ENTREPRENEURSHIP_WOMEN if women_only else IGA_ENTREPRENEURSHIP)
    return [catalogue[name] for name in chosen]

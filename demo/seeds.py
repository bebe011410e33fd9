"""The five seed projects as their pages describe them, the projects they mention, the demo's
organisations and areas, and the login list (the users themselves are made in demo.staff).

Every value that a seed page states (title, owner, contact, grant, budget, period, partners,
municipalities, narrative sections) is copied from the page; everything else is invented and
says so (statistics carry the source "Synthetic demo value")."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from core.models import (
    Area,
    AreaStatistic,
    Municipality,
    Organisation,
    Project,
    ProjectPartner,
    ProjectSection,
    Role,
    TargetGroup,
)

from . import own_texts, seed_texts

DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo accounts
SYNTHETIC = "Synthetic demo value"
ESF = "Europeiska socialfonden (ESF) 2007–2013"
PROGRAMME_AREA_2 = "Programområde 2 Ökat arbetskraftsutbud"

# The "Kommun" list of pages 001, 003 and 004 (identical on all three): Skåne and Blekinge.
SKANE_BLEKINGE = (
    "Bjuv Bromölla Burlöv Båstad Eslöv Helsingborg Hässleholm Höganäs Hörby Höör Karlshamn "
    "Karlskrona Klippan Kristianstad Kävlinge Landskrona Lomma Lund Malmö Olofström Osby "
    "Perstorp Ronneby Simrishamn Sjöbo Skurup Staffanstorp Svalöv Svedala Sölvesborg Tomelilla "
    "Trelleborg Vellinge Ystad Åstorp Ängelholm Örkelljunga"
).split() + ["Östra Göinge"]


class DemoLogin(NamedTuple):
    username: str
    name: str
    role: str
    organisation: str
    projects: str


DEMO_LOGINS = [
    DemoLogin(
        "caseworker",
        "Amira Haddad",
        Role.CASE_WORKER,
        "Arbete & Utbildning",
        "Framtid i Fokus; Områdesprogram Segevång",
    ),
    DemoLogin(
        "provider",
        "Johan Ek",
        Role.PROVIDER,
        "Lernia Malmö",
        "Framtid i Fokus; Områdesprogram Segevång",
    ),
    DemoLogin(
        "manager",
        "Helena Sandberg",
        Role.MANAGER,
        "the project owner",
        "I Arbetsmarknadens Utkant; Framtid i Fokus; Integration genom arbete; "
        "Samverkan för storstadsintegration Malmö; Jobb för alla (Förprojektering); "
        "Områdesprogram för ett socialt hållbart Malmö and its part Segevång",
    ),
    DemoLogin(
        "evaluator",
        "Per Ahlström",
        Role.EVALUATOR,
        "Extern utvärderare AB",
        "Framtid i Fokus; Framtid i Fokus – Göteborg; Integration genom arbete",
    ),
    DemoLogin(
        "steering",
        "Karin Bengtsson",
        Role.STEERING,
        "Malmö stad, stadskontoret",
        "Områdesprogram för ett socialt hållbart Malmö and its five parts; "
        "I Arbetsmarknadens Utkant; Integration genom arbete",
    ),
    DemoLogin(
        "dpo",
        "Ingrid Lindqvist",
        Role.DATA_PROTECTION,
        "Malmö stad",
        "I Arbetsmarknadens Utkant; Framtid i Fokus; Samverkan för storstadsintegration Malmö; "
        "Områdesprogram Segevång (the audit log, never a person's record)",
    ),
    DemoLogin("admin", "Systemadministratör", "administrator", "—", "none (staff, superuser)"),
]

M = Organisation.Kind
# name, kind, municipality (None when the organisation is national or unknown)
ORGANISATIONS = [
    ("INAR Integration och Arbetsmarknad", M.MUNICIPALITY, "Malmö"),
    ("Försäkringskassan", M.SOCIAL_INSURANCE, None),
    ("Arbete & Utbildning", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, SDF Rosengård, Individ- och familjeomsorgen", M.MUNICIPALITY, "Malmö"),
    ("Arbetsförmedlingen Malmö", M.EMPLOYMENT_SERVICE, "Malmö"),
    ("Lernia Malmö", M.EDUCATION_PROVIDER, "Malmö"),
    ("MKB Fastighets AB", M.EMPLOYER, "Malmö"),
    ("Göteborgs stad, SDF Bergsjön", M.MUNICIPALITY, "Göteborg"),
    ("Göteborgs stad, SDF Kortedala", M.MUNICIPALITY, "Göteborg"),
    ("Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad", M.MUNICIPALITY, "Göteborg"),
    ("Arbetsförmedlingen Göteborg Nordost", M.EMPLOYMENT_SERVICE, "Göteborg"),
    ("Lernia Göteborg", M.EDUCATION_PROVIDER, "Göteborg"),
    ("Malmö stad, stadskontoret", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, Stadsområdesförvaltning Öster", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, Stadsområdesförvaltning Väster", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, Stadsområdesförvaltning Innerstaden", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, Stadsområdesförvaltning Söder", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, Stadsområdesförvaltning Norr", M.MUNICIPALITY, "Malmö"),
    ("Jobb Malmö", M.MUNICIPALITY, "Malmö"),
    ("Malmö stad, Komvux", M.EDUCATION_PROVIDER, "Malmö"),
    ("Burlövs Kommun", M.MUNICIPALITY, "Burlöv"),
    ("Arbetsförmedlingen Arlöv", M.EMPLOYMENT_SERVICE, "Burlöv"),
    ("Försäkringskassan Lund", M.SOCIAL_INSURANCE, "Lund"),
    ("Universitetssjukhuset I Lund", M.REGION, "Lund"),
    ("AS3 Jobbcenter Malmö", M.OTHER, "Malmö"),
    ("Lunds kvinnoforum", M.CIVIL_SOCIETY, "Lund"),
    ("Integrationsenheten", M.MUNICIPALITY, "Åstorp"),
    ("Integrationssamordningen", M.MUNICIPALITY, "Åstorp"),
    ("Kommunstyrelsen/ledningskontoret", M.MUNICIPALITY, "Åstorp"),
    ("Personalsektionen", M.MUNICIPALITY, "Åstorp"),
    ("Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg", M.EMPLOYMENT_SERVICE, "Helsingborg"),
    ("Bjuvs kommun, Integrationsenheten", M.MUNICIPALITY, "Bjuv"),
    ("Klippans kommun, Flyktingmottagningen", M.MUNICIPALITY, "Klippan"),
    ("Ängelholms kommun, Integrationsenheten", M.MUNICIPALITY, "Ängelholm"),
    ("Företagarföreningen i Åstorp", M.CIVIL_SOCIETY, "Åstorp"),
    ("Företagarna Bjuv", M.CIVIL_SOCIETY, "Bjuv"),
    ("Klippans Näringslivsråd", M.CIVIL_SOCIETY, "Klippan"),
    ("Söderåsens Handelsträdgård AB", M.EMPLOYER, "Åstorp"),
    ("Folkuniversitetet Helsingborg", M.EDUCATION_PROVIDER, "Helsingborg"),
    ("Extern utvärderare AB", M.OTHER, None),
]

# name, municipality, district
AREAS = [
    ("Herrgården", "Malmö", "Rosengård"),
    ("Holma/Kroksbäck", "Malmö", "Hyllie"),
    ("Södra Sofielund/Seved", "Malmö", "Södra Innerstaden"),
    ("Lindängen", "Malmö", "Fosie"),
    ("Segevång", "Malmö", "Kirseberg"),
    ("Bergsjön", "Göteborg", "Bergsjön"),
    ("Kortedala", "Göteborg", "Kortedala"),
]
# Invented context statistics (population 20–64, employment rate %, social assistance %) for
# the first year; later years drift. Herrgården's 15 % employment is the figure on page 001.
AREA_BASELINES = {
    "Herrgården": (2008, 3100, 15.0, 52.0),
    "Holma/Kroksbäck": (2010, 4400, 38.0, 29.0),
    "Södra Sofielund/Seved": (2010, 3300, 44.0, 24.0),
    "Lindängen": (2010, 4100, 41.0, 25.0),
    "Segevång": (2010, 1900, 46.0, 21.0),
    "Bergsjön": (2008, 9200, 39.0, 33.0),
    "Kortedala": (2008, 17000, 63.0, 10.5),
}
AREA_LAST_YEAR = {"Bergsjön": 2010, "Kortedala": 2010}
# The area programme's stadsområdesförvaltning for each area.
AREA_OWNERS = {
    "Herrgården": "Malmö stad, Stadsområdesförvaltning Öster",
    "Holma/Kroksbäck": "Malmö stad, Stadsområdesförvaltning Väster",
    "Södra Sofielund/Seved": "Malmö stad, Stadsområdesförvaltning Innerstaden",
    "Lindängen": "Malmö stad, Stadsområdesförvaltning Söder",
    "Segevång": "Malmö stad, Stadsområdesförvaltning Norr",
}
AREA_PART_KEYS = {
    "Herrgården": "omr_herrgarden",
    "Holma/Kroksbäck": "omr_holma",
    "Södra Sofielund/Seved": "omr_seved",
    "Lindängen": "omr_lindangen",
    "Segevång": "omr_segevang",
}


@dataclass
class World:
    """What the seeds create, by key, for the synthetic participants to refer to."""

    orgs: dict[str, Organisation] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    target_groups: dict[tuple[str, str], TargetGroup] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    # project key -> [(user, organisation)] of the case workers
    case_workers: dict[str, list] = field(default_factory=dict)

    def project_organisations(self, key: str) -> set[int]:
        """Ids of the organisations taking part in a project: owner, partners, staff."""
        project = self.projects[key]
        ids = {project.owner_id}
        ids |= set(project.partners.values_list("organisation_id", flat=True))
        ids |= set(project.memberships.values_list("organisation_id", flat=True))
        return ids


def _municipalities(names):
    found = {m.name: m for m in Municipality.objects.filter(name__in=names)}
    missing = set(names) - set(found)
    if missing:
        raise LookupError(f"Municipalities not loaded: {', '.join(sorted(missing))}")
    return [found[n] for n in names]


def create_organisations(world: World) -> None:
    names = {m for _, _, m in ORGANISATIONS if m}
    municipalities = {m.name: m for m in _municipalities(sorted(names))}
    for name, kind, municipality in ORGANISATIONS:
        world.orgs[name] = Organisation.objects.create(
            name=name, kind=kind, municipality=municipalities.get(municipality)
        )


def create_areas(world: World) -> None:
    municipalities = {m.name: m for m in _municipalities(["Malmö", "Göteborg"])}
    statistics = []
    for name, municipality, district in AREAS:
        area = Area.objects.create(
            name=name, municipality=municipalities[municipality], district=district
        )
        world.areas[name] = area
        first, population, employment, assistance = AREA_BASELINES[name]
        for i, year in enumerate(range(first, AREA_LAST_YEAR.get(name, 2014) + 1)):
            statistics.append(
                AreaStatistic(
                    area=area,
                    year=year,
                    population_20_64=population + 35 * i,
                    employment_rate=Decimal(str(round(employment + 0.9 * i, 1))),
                    social_assistance_share=Decimal(str(round(assistance - 1.1 * i, 1))),
                    source=SYNTHETIC,
                )
            )
    AreaStatistic.objects.bulk_create(statistics)


# The ESF projects' documents are kept until three years after the programme's closure (Council
# Regulation (EC) No 1083/2006, art. 90): fifteen years after a project's end covers it, so on
# the demo's date no project is past retention and `manage.py anonymise_expired` leaves it whole.
DEMO_RETENTION_MONTHS = 180


def _project(world, key, *, owner, municipalities=(), areas=(), **fields):
    fields.setdefault("retention_months", DEMO_RETENTION_MONTHS)
    project = Project.objects.create(owner=world.orgs[owner], **fields)
    project.municipalities.set(_municipalities(list(municipalities)))
    project.areas.set([world.areas[a] for a in areas])
    world.projects[key] = project
    return project


def _sections(project, swedish: dict, english: dict | None = None, other=()):
    keys = [k for k, _ in ProjectSection.Key.choices]
    rows = [
        ProjectSection(project=project, key=k, language="sv", body=body, order=keys.index(k))
        for k, body in swedish.items()
    ]
    rows += [
        ProjectSection(
            project=project, key="other", heading=heading, language="sv", body=body, order=20 + i
        )
        for i, (heading, body) in enumerate(other)
    ]
    rows += [
        ProjectSection(project=project, key=k, language="en", body=body, order=keys.index(k))
        for k, body in (english or {}).items()
    ]
    ProjectSection.objects.bulk_create(rows)


def _partners(world, project, co_financiers=(), partners=(), confirmed_on=None):
    """One row per organisation, with both flags when it is in both lists of the page."""
    for name in dict.fromkeys([*co_financiers, *partners]):
        ProjectPartner.objects.create(
            project=project,
            organisation=world.orgs[name],
            is_co_financier=name in co_financiers,
            is_partner=name in partners,
            confirmed_on=confirmed_on(name) if confirmed_on else None,
        )


def _target_groups(world, key, groups):
    for code, name, name_en in groups:
        world.target_groups[(key, code)] = TargetGroup.objects.create(
            project=world.projects[key], code=code, name=name, name_en=name_en
        )


PRIORITY_GROUPS = [
    ("utomeuropeiskt-fodda", "Utomeuropeiskt födda", "Born outside Europe"),
    (
        "unga-kort-utbildning",
        "Ungdomar med kort och bristfällig utbildning",
        "Young people with short or incomplete education",
    ),
    (
        "langtidssjuka-ohalsa",
        "Långtidssjukskrivna och/eller långtidsarbetslösa med psykisk och fysisk ohälsa",
        "Long-term sick or unemployed with mental or physical ill health",
    ),
]


def create_projects(world: World) -> None:
    d = dt.date
    esf = {"funding_programme": ESF, "programme_area": PROGRAMME_AREA_2, "region": "Sydsverige"}

    # Seed 000. The page's "Kommun" list is empty; the project is Malmö's, so Malmö it is.
    p = _project(
        world,
        "storstad",
        title="Samverkan för storstadsintegration Malmö",
        title_en="Cooperation for Metropolitan Integration in Malmö",
        owner="INAR Integration och Arbetsmarknad",
        contact_name="Ulrika Lagergren",
        contact_email="ulrika.lagergren@malmo.se",
        contact_phone="040-34 10 49",
        phase=Project.Phase.PRE_STUDY,
        starts_on=d(2009, 9, 14),
        ends_on=d(2010, 5, 14),
        esf_grant=Decimal("860624"),
        total_budget=Decimal("1147500"),
        municipalities=["Malmö"],
        **esf,
    )
    _sections(p, seed_texts.STORSTADSINTEGRATION, own_texts.ENGLISH["storstad"])
    _partners(world, p, co_financiers=["Försäkringskassan"], partners=["Försäkringskassan"])
    _target_groups(
        world,
        "storstad",
        [
            ("langtidsarbetslosa", "Långtidsarbetslösa", "Long-term unemployed"),
            ("unga", "Ungdomar", "Young people"),
            ("forsorjningsstod", "Personer med försörjningsstöd", "Social-assistance recipients"),
        ],
    )

    # The main project of seed 001; its page is not among the seeds, so no grant or budget.
    p = _project(
        world,
        "utkant",
        title="I Arbetsmarknadens Utkant",
        title_en="On the Edge of the Labour Market",
        owner="Malmö stad",
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=d(2008, 7, 1),
        ends_on=d(2010, 6, 30),
        municipalities=["Malmö"],
        **esf,
    )
    _sections(p, {"summary": own_texts.UTKANT["sv"]}, {"summary": own_texts.UTKANT["en"]})
    _target_groups(world, "utkant", PRIORITY_GROUPS)

    # Seed 001.
    p = _project(
        world,
        "fif",
        title="Framtid i Fokus - ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg",
        title_en="Future in Focus – a Twin Project in Cooperation between Malmö and Gothenburg",
        kind=Project.Kind.SUB_PROJECT,
        parent=world.projects["utkant"],
        owner="Arbete & Utbildning",
        contact_name="Mats Johansson",
        contact_email="mats.johansson@malmo.se",
        contact_phone="040-344055",
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=d(2008, 7, 1),
        ends_on=d(2010, 6, 30),
        esf_grant=Decimal("4797459"),
        total_budget=Decimal("11997459"),
        municipalities=SKANE_BLEKINGE,
        areas=["Herrgården"],
        follow_up_days=[90],
        **esf,
    )
    _sections(p, seed_texts.FRAMTID_I_FOKUS, own_texts.ENGLISH["fif"])
    _partners(
        world, p, co_financiers=["Arbete & Utbildning"], partners=["Göteborgs stad, SDF Bergsjön"]
    )
    _target_groups(
        world,
        "fif",
        [
            (
                "langtidsarbetslosa-forsorjningsstod",
                "Långtidsarbetslösa försörjningsstödstagare",
                "Long-term unemployed social-assistance recipients",
            ),
            (
                "sfi-forsorjningsstod",
                "SFI-studerande försörjningsstödstagare",
                "SFI students on social assistance",
            ),
            *PRIORITY_GROUPS,
        ],
    )

    # The Göteborg twin of seed 001 (no page of its own among the seeds).
    p = _project(
        world,
        "gbg",
        title="Framtid i Fokus – Göteborg (Bergsjön/Kortedala)",
        title_en="Future in Focus – Gothenburg (Bergsjön/Kortedala)",
        owner="Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad",
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=d(2008, 7, 1),
        ends_on=d(2010, 6, 30),
        municipalities=["Göteborg"],
        areas=["Bergsjön", "Kortedala"],
        follow_up_days=[90],
        funding_programme=ESF,
        programme_area=PROGRAMME_AREA_2,
        region="Västsverige",
    )
    _sections(p, {"summary": own_texts.GOTEBORG["sv"]}, {"summary": own_texts.GOTEBORG["en"]})
    _partners(world, p, partners=["Arbete & Utbildning", "Göteborgs stad, SDF Kortedala"])
    _target_groups(
        world,
        "gbg",
        [
            (
                "langtidsarbetslosa-bidragstagare",
                "Långtidsarbetslösa bidragstagare",
                "Long-term unemployed benefit recipients",
            ),
            PRIORITY_GROUPS[0],
        ],
    )
    world.projects["fif"].twins.add(p)

    # Seed 002: a municipal programme; the page gives no grant, budget or region. It says
    # "2010-2015" and "five years"; the exact first and last days are not on the page.
    p = _project(
        world,
        "omrade",
        title="Områdesprogram för ett socialt hållbart Malmö",
        title_en="Area Programmes for a Socially Sustainable Malmö",
        kind=Project.Kind.PROGRAMME,
        owner="Malmö stad, stadskontoret",
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=d(2010, 1, 1),
        ends_on=d(2015, 12, 31),
        municipalities=["Malmö"],
        areas=list(AREA_OWNERS),
    )
    _sections(
        p,
        {"summary": seed_texts.OMRADESPROGRAM_SUMMARY},
        own_texts.ENGLISH["omrade"],
        other=seed_texts.OMRADESPROGRAM_OTHER,
    )
    for area, owner in AREA_OWNERS.items():
        key = AREA_PART_KEYS[area]
        part = _project(
            world,
            key,
            title=f"Områdesprogram {area}",
            title_en=f"Area Programme {area}",
            kind=Project.Kind.AREA_PART,
            parent=p,
            owner=owner,
            phase=Project.Phase.IMPLEMENTATION,
            starts_on=d(2010, 1, 1),
            ends_on=d(2015, 12, 31),
            municipalities=["Malmö"],
            areas=[area],
            follow_up_days=[90],
        )
        texts = own_texts.area_part(area)
        if area == "Segevång":
            texts["sv"] += " " + own_texts.SEGEVANG_EXTRA
        _sections(part, {"summary": texts["sv"]}, {"summary": texts["en"]})
    _target_groups(
        world,
        "omr_segevang",
        [
            (
                "barnfamiljer-langvarigt-forsorjningsstod",
                "Barnfamiljer med långvarigt försörjningsstöd",
                "Families with children on long-term social assistance",
            )
        ],
    )
    _target_groups(
        world,
        "omr_herrgarden",
        [("arbetslosa-herrgarden", "Arbetslösa boende på Herrgården", "Unemployed residents")],
    )

    # Seed 003.
    p = _project(
        world,
        "jfa",
        title="Jobb för alla (Förprojektering)",
        title_en="Jobs for All (pre-study)",
        owner="Burlövs Kommun",
        contact_name="Paul Nilsson",
        contact_email="paul.nilsson@burlov.se",
        contact_phone="040-439324",
        phase=Project.Phase.PRE_STUDY,
        starts_on=d(2008, 5, 15),
        ends_on=d(2008, 11, 15),
        esf_grant=Decimal("290754"),
        total_budget=Decimal("454155"),
        municipalities=SKANE_BLEKINGE,
        **esf,
    )
    _sections(p, seed_texts.JOBB_FOR_ALLA, own_texts.ENGLISH["jfa"])
    confirmed = {
        "Burlövs Kommun": d(2008, 5, 15),
        "Arbetsförmedlingen Arlöv": d(2008, 5, 28),
        "Försäkringskassan Lund": d(2008, 6, 4),
        "Universitetssjukhuset I Lund": d(2008, 6, 17),
        "AS3 Jobbcenter Malmö": d(2008, 8, 26),
        "Lunds kvinnoforum": d(2008, 9, 9),
    }
    _partners(
        world,
        p,
        co_financiers=[
            "Arbetsförmedlingen Arlöv",
            "Burlövs Kommun",
            "Försäkringskassan Lund",
            "Universitetssjukhuset I Lund",
        ],
        partners=[
            "Arbetsförmedlingen Arlöv",
            "AS3 Jobbcenter Malmö",
            "Försäkringskassan Lund",
            "Lunds kvinnoforum",
            "Universitetssjukhuset I Lund",
        ],
        confirmed_on=confirmed.get,
    )
    _target_groups(
        world,
        "jfa",
        [
            (
                "utrikes-fodda-langtidsarbetslosa",
                "Utrikes födda långtidsarbetslösa",
                "Foreign-born long-term unemployed",
            ),
            ("unga", "Ungdomar", "Young people"),
            (
                "funktionsnedsattning",
                "Personer med funktionsnedsättning",
                "People with disabilities",
            ),
        ],
    )

    # Seed 004.
    p = _project(
        world,
        "iga",
        title="Integration genom arbete",
        title_en="Integration through Work",
        owner="Integrationsenheten",
        contact_name="Azad Jonczyk",
        contact_email="azad.jonczyk@astorp.se",
        contact_phone="042-64059",
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=d(2009, 1, 15),
        ends_on=d(2013, 3, 31),
        esf_grant=Decimal("12464585"),
        total_budget=Decimal("29090968"),
        municipalities=SKANE_BLEKINGE,
        follow_up_days=[90, 180],
        **esf,
    )
    _sections(p, seed_texts.INTEGRATION_GENOM_ARBETE, own_texts.ENGLISH["iga"])
    _partners(
        world,
        p,
        co_financiers=["Integrationssamordningen", "Kommunstyrelsen/ledningskontoret"],
        partners=[
            "Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg",
            "Integrationssamordningen",
            "Kommunstyrelsen/ledningskontoret",
            "Personalsektionen",
        ],
    )
    _target_groups(
        world,
        "iga",
        [
            (
                "flyktingar",
                "Flyktingar mottagna i kommunerna",
                "Refugees received by the municipalities",
            )
        ],
    )

"""The demo's staff (users with the password "demo" and their memberships) and the reference
programmes seed 001 compares itself with."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from core.models import Membership, Role
from goals.models import ReferenceProgramme, ReferenceValue

from .seeds import AREA_PART_KEYS, DEMO_PASSWORD, SYNTHETIC, World

# username, first name, last name, language, staff/superuser, [(project key, organisation, role)]
USERS = [
    ("caseworker", "Amira", "Haddad", "sv", [
        ("fif", "Arbete & Utbildning", Role.CASE_WORKER),
        ("omr_segevang", "Malmö stad, Stadsområdesförvaltning Norr", Role.CASE_WORKER),
    ]),
    # On the demo's today the provider runs a group in Segevång and the manager manages that
    # running part beside the finished projects (demo/today.py).
    ("provider", "Johan", "Ek", "sv", [
        ("fif", "Lernia Malmö", Role.PROVIDER),
        ("omr_segevang", "Lernia Malmö", Role.PROVIDER),
    ]),
    ("manager", "Helena", "Sandberg", "sv", [
        ("utkant", "Malmö stad", Role.MANAGER),
        ("fif", "Arbete & Utbildning", Role.MANAGER),
        ("iga", "Integrationsenheten", Role.MANAGER),
        ("storstad", "INAR Integration och Arbetsmarknad", Role.MANAGER),
        ("omr_segevang", "Malmö stad, Stadsområdesförvaltning Norr", Role.MANAGER),
        # The programme over the five areas (its households and context statistics) and the
        # finished pre-study to turn into its implementation (docs/prestudy.md, docs/areas.md).
        ("omrade", "Malmö stad, stadskontoret", Role.MANAGER),
        ("jfa", "Burlövs Kommun", Role.MANAGER),
    ]),
    ("evaluator", "Per", "Ahlström", "en", [
        ("fif", "Extern utvärderare AB", Role.EVALUATOR),
        ("gbg", "Extern utvärderare AB", Role.EVALUATOR),
        ("iga", "Extern utvärderare AB", Role.EVALUATOR),
    ]),
    ("steering", "Karin", "Bengtsson", "sv", [
        ("omrade", "Malmö stad, stadskontoret", Role.STEERING),
        *[(k, "Malmö stad, stadskontoret", Role.STEERING) for k in AREA_PART_KEYS.values()],
        ("utkant", "Malmö stad, stadskontoret", Role.STEERING),
        # reads and downloads the issued status reports (demo/status_reports.py)
        ("iga", "Integrationsenheten", Role.STEERING),
    ]),
    # The municipality's data protection officer answers "who has read my data?" from the log.
    ("dpo", "Ingrid", "Lindqvist", "sv", [
        (key, "Malmö stad", Role.DATA_PROTECTION)
        for key in ("utkant", "fif", "storstad", "omr_segevang")
    ]),
    ("admin", "Systemadministratör", "", "sv", []),
    # Further staff, not on the login list: they carry caseloads and manage the other projects.
    ("karin.lund", "Karin", "Lund", "sv", [("fif", "Arbete & Utbildning", Role.CASE_WORKER)]),
    ("omar.farah", "Omar", "Farah", "sv", [("fif", "Arbetsförmedlingen Malmö", Role.CASE_WORKER)]),
    ("sofia.berg", "Sofia", "Berg", "sv", [
        ("gbg", "Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad", Role.MANAGER),
    ]),
    ("dawit.tesfaye", "Dawit", "Tesfaye", "sv", [
        ("gbg", "Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad", Role.CASE_WORKER),
    ]),
    ("jenny.holm", "Jenny", "Holm", "sv", [
        ("gbg", "Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad", Role.CASE_WORKER),
    ]),
    ("linnea.strom", "Linnea", "Ström", "sv", [
        ("iga", "Integrationsenheten", Role.CASE_WORKER),
    ]),
    ("ali.hashemi", "Ali", "Hashemi", "sv", [
        ("iga", "Bjuvs kommun, Integrationsenheten", Role.CASE_WORKER),
    ]),
    ("eva.persson", "Eva", "Persson", "sv", [
        ("iga", "Klippans kommun, Flyktingmottagningen", Role.CASE_WORKER),
    ]),
    ("nadia.karimi", "Nadia", "Karimi", "sv", [
        ("iga", "Ängelholms kommun, Integrationsenheten", Role.CASE_WORKER),
    ]),
    ("jonas.wall", "Jonas", "Wall", "sv", [
        ("iga", "Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg", Role.CASE_WORKER),
    ]),
    ("lars.wiklund", "Lars", "Wiklund", "sv", [
        ("omrade", "Malmö stad, stadskontoret", Role.MANAGER),
        *[(k, "Malmö stad, stadskontoret", Role.MANAGER) for k in AREA_PART_KEYS.values()],
    ]),
    ("maria.svensson", "Maria", "Svensson", "sv", [
        ("omr_segevang", "Malmö stad, Stadsområdesförvaltning Norr", Role.CASE_WORKER),
    ]),
    ("hodan.abdi", "Hodan", "Abdi", "sv", [
        ("omr_segevang", "Malmö stad, Stadsområdesförvaltning Norr", Role.CASE_WORKER),
    ]),
    ("fredrik.olsson", "Fredrik", "Olsson", "sv", [
        ("omr_herrgarden", "Malmö stad, Stadsområdesförvaltning Öster", Role.CASE_WORKER),
    ]),
    ("emma.lind", "Emma", "Lind", "sv", [("jfa", "Burlövs Kommun", Role.MANAGER)]),
]  # fmt: skip


def create_users(world: World) -> None:
    """All demo users share the password "demo", hashed once (hashing is slow by design)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    memberships = []
    for username, first, last, language, roles in USERS:
        is_admin = username == "admin"
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            language=language,
            password=password,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        world.users[username] = user
        for key, organisation, role in roles:
            memberships.append(
                Membership(
                    user=user,
                    organisation=world.orgs[organisation],
                    project=world.projects[key],
                    role=role,
                )
            )
            if role == Role.CASE_WORKER:
                world.case_workers.setdefault(key, []).append((user, world.orgs[organisation]))
    Membership.objects.bulk_create(memberships)


# Invented values: the seeds name the programmes but give no figures.
REFERENCE_VALUES = {
    ("Särskilt anställningsstöd", "Special employment subsidy"): [
        (2008, 9800, "24.5"),
        (2009, 12400, "18.2"),
        (2010, 15100, "21.0"),
    ],
    ("Förberedande utbildning", "Preparatory training"): [
        (2008, 21300, "31.5"),
        (2009, 27900, "22.4"),
        (2010, 24600, "26.8"),
    ],
}


def create_reference_programmes(world: World) -> None:
    for (name, name_en), values in REFERENCE_VALUES.items():
        programme = ReferenceProgramme.objects.create(name=name, name_en=name_en)
        programme.projects.set([world.projects["fif"], world.projects["gbg"]])
        ReferenceValue.objects.bulk_create(
            ReferenceValue(
                programme=programme,
                year=year,
                participants=participants,
                share_in_work_90_days=Decimal(share),
                source=SYNTHETIC,
            )
            for year, participants, share in values
        )

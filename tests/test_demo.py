"""The demo data set: the five seed projects exactly as their pages describe them, and synthetic
participants that are plausible, private (demo identity numbers only) and consistent.

`load_demo` runs once for the module inside a transaction that is rolled back at the end, so
the other test modules never see the demo data."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from core import clock
from core.models import AreaStatistic, Membership, Project, Role
from demo.identity import DemoIdentityNumbers, is_demo_number
from demo.seeds import DEMO_LOGINS, DEMO_PASSWORD, SKANE_BLEKINGE
from demo.today import DEMO_TODAY
from enrolments.models import Enrolment, FollowUp, IncomeSource, Status
from interventions.models import Intervention, Participation
from participants.identity import parse_identity_number
from participants.models import Consent, Household, Participant
from prestudy.models import ProposedActivity, Risk, Stakeholder, SwotItem, TargetGroupMapping

pytestmark = pytest.mark.django_db

FIF = "Framtid i Fokus - ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg"
GBG = "Framtid i Fokus – Göteborg (Bergsjön/Kortedala)"
PROGRAMME = "Områdesprogram för ett socialt hållbart Malmö"


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def project(title: str) -> Project:
    return Project.objects.get(title=title)


SEEDS = {
    "000": {
        "title": "Samverkan för storstadsintegration Malmö",
        "owner": "INAR Integration och Arbetsmarknad",
        "contact_name": "Ulrika Lagergren",
        "contact_email": "ulrika.lagergren@malmo.se",
        "contact_phone": "040-34 10 49",
        "esf_grant": Decimal("860624"),
        "total_budget": Decimal("1147500"),
        "starts_on": dt.date(2009, 9, 14),
        "ends_on": dt.date(2010, 5, 14),
        "phase": Project.Phase.PRE_STUDY,
        "region": "Sydsverige",
        # The page's "Kommun" list is empty; the demo (as briefed) registers Malmö.
        "municipalities": ["Malmö"],
        "co_financiers": {"Försäkringskassan"},
        "partners": {"Försäkringskassan"},
    },
    "001": {
        "title": FIF,
        "owner": "Arbete & Utbildning",
        "contact_name": "Mats Johansson",
        "contact_email": "mats.johansson@malmo.se",
        "contact_phone": "040-344055",
        "esf_grant": Decimal("4797459"),
        "total_budget": Decimal("11997459"),
        "starts_on": dt.date(2008, 7, 1),
        "ends_on": dt.date(2010, 6, 30),
        "phase": Project.Phase.IMPLEMENTATION,
        "region": "Sydsverige",
        "municipalities": SKANE_BLEKINGE,
        "co_financiers": {"Arbete & Utbildning"},
        "partners": {"Göteborgs stad, SDF Bergsjön"},
    },
    "002": {
        "title": PROGRAMME,
        "owner": "Malmö stad, stadskontoret",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "esf_grant": None,
        "total_budget": None,
        "starts_on": dt.date(2010, 1, 1),
        "ends_on": dt.date(2015, 12, 31),
        "phase": Project.Phase.IMPLEMENTATION,
        "region": "",
        "municipalities": ["Malmö"],
        "co_financiers": set(),
        "partners": set(),
    },
    "003": {
        "title": "Jobb för alla (Förprojektering)",
        "owner": "Burlövs Kommun",
        "contact_name": "Paul Nilsson",
        "contact_email": "paul.nilsson@burlov.se",
        "contact_phone": "040-439324",
        "esf_grant": Decimal("290754"),
        "total_budget": Decimal("454155"),
        "starts_on": dt.date(2008, 5, 15),
        "ends_on": dt.date(2008, 11, 15),
        "phase": Project.Phase.PRE_STUDY,
        "region": "Sydsverige",
        "municipalities": SKANE_BLEKINGE,
        "co_financiers": {
            "Arbetsförmedlingen Arlöv",
            "Burlövs Kommun",
            "Försäkringskassan Lund",
            "Universitetssjukhuset I Lund",
        },
        "partners": {
            "Arbetsförmedlingen Arlöv",
            "AS3 Jobbcenter Malmö",
            "Försäkringskassan Lund",
            "Lunds kvinnoforum",
            "Universitetssjukhuset I Lund",
        },
    },
    "004": {
        "title": "Integration genom arbete",
        "owner": "Integrationsenheten",
        "contact_name": "Azad Jonczyk",
        "contact_email": "azad.jonczyk@astorp.se",
        "contact_phone": "042-64059",
        "esf_grant": Decimal("12464585"),
        "total_budget": Decimal("29090968"),
        "starts_on": dt.date(2009, 1, 15),
        "ends_on": dt.date(2013, 3, 31),
        "phase": Project.Phase.IMPLEMENTATION,
        "region": "Sydsverige",
        "municipalities": SKANE_BLEKINGE,
        "co_financiers": {"Integrationssamordningen", "Kommunstyrelsen/ledningskontoret"},
        "partners": {
            "Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg",
            "Integrationssamordningen",
            "Kommunstyrelsen/ledningskontoret",
            "Personalsektionen",
        },
    },
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_project_metadata_is_as_on_the_page(seed):
    expected = SEEDS[seed]
    p = project(expected["title"])
    assert p.owner.name == expected["owner"]
    for name in (
        "contact_name",
        "contact_email",
        "contact_phone",
        "esf_grant",
        "total_budget",
        "starts_on",
        "ends_on",
        "phase",
        "region",
    ):
        assert getattr(p, name) == expected[name], name
    assert sorted(p.municipalities.values_list("name", flat=True)) == sorted(
        expected["municipalities"]
    )
    partners = p.partners.select_related("organisation")
    assert {x.organisation.name for x in partners if x.is_co_financier} == expected["co_financiers"]
    assert {x.organisation.name for x in partners if x.is_partner} == expected["partners"]
    if seed != "002":
        assert p.programme_area == "Programområde 2 Ökat arbetskraftsutbud"
        assert p.funding_programme == "Europeiska socialfonden (ESF) 2007–2013"


def test_the_kommun_list_of_the_pages_has_38_municipalities():
    assert len(SKANE_BLEKINGE) == len(set(SKANE_BLEKINGE)) == 38


def test_narrative_sections_in_swedish_with_english_summaries():
    keys = {
        "Samverkan för storstadsintegration Malmö": {
            "summary", "background", "purpose", "goals", "accessibility", "transnational",
        },
        FIF: {"summary", "background", "purpose", "goals", "accessibility",
              "gender_mainstreaming"},
        "Jobb för alla (Förprojektering)": {
            "summary", "background", "purpose", "goals", "accessibility",
        },
        "Integration genom arbete": {
            "summary", "background", "purpose", "goals", "accessibility",
            "gender_mainstreaming", "transnational",
        },
    }  # fmt: skip
    for title, expected in keys.items():
        p = project(title)
        assert set(p.sections.filter(language="sv").values_list("key", flat=True)) == expected
        assert {"summary", "purpose"} <= set(
            p.sections.filter(language="en").values_list("key", flat=True)
        )
        assert p.title_en
    summary = project("Integration genom arbete").sections.get(key="summary", language="sv").body
    assert summary.startswith("Projektet är ett samverkansprojekt mellan fyra N. V. Skånska")
    programme = project(PROGRAMME)
    assert set(programme.sections.filter(key="other").values_list("heading", flat=True)) == {
        "Arbete",
        "Boende",
        "Lärande",
    }
    arbete = programme.sections.get(key="other", heading="Arbete").body
    assert "131 barnfamiljer varav 51" in arbete


def test_framtid_i_fokus_is_a_sub_project_with_a_goteborg_twin():
    fif = project(FIF)
    assert fif.kind == Project.Kind.SUB_PROJECT
    assert fif.parent.title == "I Arbetsmarknadens Utkant"
    assert fif.parent.owner.name == "Malmö stad"
    twin = fif.twins.get()
    assert twin.title == GBG
    assert twin.owner.name == "Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad"
    assert set(twin.areas.values_list("name", flat=True)) == {"Bergsjön", "Kortedala"}
    assert list(fif.areas.values_list("name", "district")) == [("Herrgården", "Rosengård")]
    assert {r.name for r in fif.reference_programmes.all()} == {
        "Särskilt anställningsstöd",
        "Förberedande utbildning",
    }
    for programme in fif.reference_programmes.all():
        assert sorted(programme.values.values_list("year", flat=True)) == [2008, 2009, 2010]


def test_area_programme_has_five_area_parts_with_statistics():
    programme = project(PROGRAMME)
    assert programme.kind == Project.Kind.PROGRAMME
    areas = {"Herrgården", "Holma/Kroksbäck", "Södra Sofielund/Seved", "Lindängen", "Segevång"}
    assert set(programme.areas.values_list("name", flat=True)) == areas
    parts = programme.children.all()
    assert {p.kind for p in parts} == {Project.Kind.AREA_PART}
    assert {p.areas.get().name for p in parts} == areas
    for area in areas:
        years = AreaStatistic.objects.filter(area__name=area, year__range=(2010, 2014))
        assert years.count() == 5


def test_pre_study_registers():
    storstad = project("Samverkan för storstadsintegration Malmö")
    assert Stakeholder.objects.filter(project=storstad).count() >= 25
    assert len(set(Stakeholder.objects.filter(project=storstad).values_list("kind"))) >= 5
    activities = ProposedActivity.objects.filter(project=storstad)
    assert activities.count() >= 10
    assert set(activities.values_list("category__code", flat=True)) == {
        "outreach",
        "basic_education",
        "vocational_training",
        "internship",
        "entrepreneurship",
    }
    assert set(storstad.target_groups.values_list("code", flat=True)) == {
        "langtidsarbetslosa",
        "unga",
        "forsorjningsstod",
    }
    jfa = project("Jobb för alla (Förprojektering)")
    assert TargetGroupMapping.objects.filter(project=jfa).count() == 3
    assert Risk.objects.filter(project=jfa).count() >= 5
    quadrants = SwotItem.objects.filter(project=jfa).values("quadrant").annotate(n=Count("id"))
    assert {q["quadrant"]: q["n"] >= 2 for q in quadrants} == {
        "strength": True,
        "weakness": True,
        "opportunity": True,
        "threat": True,
    }
    assert not jfa.partners.filter(confirmed_on__isnull=True).exists()
    assert jfa.partners.count() == 6  # 4 co-financiers + 5 partners, 3 of them in both lists


def test_pre_study_goals_count_the_registers():
    """The two pre-studies' goals are computed from their registers: seed 000's stakeholders
    by kind and activities by category, seed 003's checklist of six deliverables."""
    from goals import summaries

    storstad = project("Samverkan för storstadsintegration Malmö")
    results = {r.key: r for r in summaries.goal_results(storstad)}
    took_part = Stakeholder.objects.filter(project=storstad, workshops__isnull=False).distinct()
    stakeholders = results["stakeholders"]
    assert (stakeholders.numerator, stakeholders.status) == (took_part.count(), "met")
    assert set(stakeholders.breakdown["kind"]) == set(took_part.values_list("kind", flat=True))
    assert "resident" in stakeholders.breakdown["kind"]
    activities = results["activities"]
    assert (activities.numerator, activities.status) == (12, "met")
    assert activities.breakdown["category"]["internship"].value == 2

    jfa = project("Jobb för alla (Förprojektering)")
    (checklist,) = summaries.goal_results(jfa)
    assert (checklist.numerator, checklist.denominator, checklist.status) == (6, 6, "met")


def test_the_area_programme_page_shows_51_of_131_by_area_and_over_time():
    """Seed 002 on the programme's Areas page: 51 of 131 households self-sufficient, Segevång's
    quarters adding up to 51, and every area's context statistics as a trend."""
    programme = project("Områdesprogram för ett socialt hållbart Malmö")
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    with translation.override("en"):
        html = client.get(reverse("areas:index", args=[programme.pk])).content.decode()
    text = re.sub(r"<[^>]+>|\s+", " ", html)
    assert "51 of 131 households self-sufficient" in text
    quarters = re.search(r"by quarter: Segevång</caption>(.*?)</table>", html, re.S).group(1)
    running = [int(n) for n in re.findall(r'<td class="number">(\d+)</td>\s*</tr>', quarters)]
    assert running and running[-1] == 51 and running == sorted(running)
    for area in ("Herrgården", "Holma/Kroksbäck", "Södra Sofielund/Seved", "Lindängen"):
        assert f"Context statistics for {area} by year" in text
    assert html.count('role="img"') >= 5 * 3  # a trend per measure and area


def test_jobb_for_alla_becomes_its_implementation_project():
    """The demo's finished pre-study (seed 003) carried into its implementation: its three target
    groups, six partners, four proposed activities as the catalogue, the team; linked both ways.
    Undone afterwards, so the other tests read the demo as loaded."""
    from reports.implementation import start_implementation

    jfa = project("Jobb för alla (Förprojektering)")
    manager = get_user_model().objects.get(username="manager")
    with transaction.atomic():
        new = start_implementation(
            by=manager,
            prestudy=jfa,
            title="Jobb för alla",
            starts_on=dt.date(2009, 1, 1),
            ends_on=dt.date(2011, 12, 31),
        )
        assert new.prestudy == jfa and list(jfa.implementations.all()) == [new]
        assert set(new.target_groups.values_list("code", flat=True)) == set(
            jfa.target_groups.values_list("code", flat=True)
        )
        assert new.partners.count() == jfa.partners.count() == 6
        activities = ProposedActivity.objects.filter(project=jfa)
        assert activities.count() == 4
        assert set(new.interventions.values_list("name", flat=True)) == set(
            activities.values_list("title", flat=True)
        )
        assert all(a.implemented_as.project_id == new.pk for a in activities)
        assert new.memberships.filter(user=manager, role=Role.MANAGER).exists()
        transaction.set_rollback(True)
    assert not jfa.implementations.exists()


def test_registers_pass_the_rules_of_their_pages():
    """Every demo entry of the pre-study registers and the area programme would be accepted by
    its page (the models' validation: dates within the period, 1–5, women + men ≤ size…)."""
    from core.models import LocalInitiative
    from prestudy import models as registers

    kinds = [
        registers.Stakeholder,
        registers.Workshop,
        registers.ProposedActivity,
        registers.Risk,
        registers.SwotItem,
        registers.TargetGroupMapping,
        registers.AccessibilityMeasure,
        registers.Deliverable,
        LocalInitiative,
        AreaStatistic,
    ]
    for model in kinds:
        entries = list(model.objects.all())
        assert entries, model
        for entry in entries:
            entry.full_clean()


def test_segevang_131_households_51_self_sufficient():
    segevang = project("Områdesprogram Segevång")
    households = Household.objects.filter(project=segevang, long_term_social_assistance=True)
    assert households.count() == 131
    assert not households.exclude(
        contacted_on__range=(dt.date(2013, 6, 1), dt.date(2014, 12, 31))
    ).exists()
    not_self_sufficient = Enrolment.objects.filter(
        project=segevang, participant__household=OuterRef("pk")
    ).filter(
        Q(exited_on__isnull=True)
        | Q(exit_income_source__in=[IncomeSource.SOCIAL_ASSISTANCE, IncomeSource.NONE])
    )
    self_sufficient = households.filter(members__isnull=False).distinct()
    assert self_sufficient.exclude(Exists(not_self_sufficient)).count() == 51
    assert not households.filter(members__isnull=True).exists()


def test_the_area_programme_shows_51_of_131_households_over_its_areas(on_demo_today):
    """The programme counts its five areas' records (docs/rollups.md): its own household goal
    is 51 of 131, by area all in Segevång, on the dashboard the steering group opens."""
    from core.policy import project_threshold
    from goals import summaries

    programme = project(PROGRAMME)
    (goal,) = summaries.goal_results(programme, threshold=project_threshold(programme))
    assert (goal.numerator, goal.denominator, goal.suppressed) == (51, 131, False)
    by_area = goal.breakdown["area"]
    assert (by_area["Segevång"].numerator, by_area["Segevång"].denominator) == (51, 131)
    assert len(by_area) == 5 and all(
        cell.denominator == 0 for area, cell in by_area.items() if area != "Segevång"
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="steering"))
    with translation.override("en"):
        html = client.get(reverse("goals:dashboard", args=[programme.pk])).content.decode()
        page = client.get(reverse("core:project_detail", args=[programme.pk])).content.decode()
    row = re.search(r'<tr id="goal-self-sufficient-households">.*?</tr>', html, re.S).group(0)
    assert '<span class="nowrap">51 / 131</span>' in row
    assert "Områdesprogram Segevång" in page and "51 / 131" in page


def test_the_twin_pairs_main_project_counts_its_sub_project(on_demo_today):
    from goals import summaries

    main, fif = project("I Arbetsmarknadens Utkant"), project(FIF)
    assert fif.parent == main and not main.enrolments.exists()
    (main_goal,) = summaries.goal_results(main)
    fif_goal = next(r for r in summaries.goal_results(fif) if r.key == main_goal.key)
    assert (main_goal.numerator, main_goal.denominator) == (
        fif_goal.numerator,
        fif_goal.denominator,
    )
    assert main_goal.denominator > 0
    flow = summaries.read(main).figures["flow"]
    assert sum(flow["referred"].values()) == fif.enrolments.count()


def test_identity_numbers_are_demo_numbers_and_never_stored_in_clear():
    identified = Participant.objects.filter(is_anonymous=False)
    numbers = []
    for p in identified:
        number = p.identity_number()
        assert is_demo_number(number.digits)
        assert parse_identity_number(number.digits) == number
        assert number.legal_gender == p.gender
        assert 1950 <= number.birth_date.year <= 1995
        numbers.append(number.digits)
    assert len(set(numbers)) == len(numbers)
    columns = [f.attname for f in Participant._meta.concrete_fields]
    stored = " ".join(
        str(value) for row in Participant.objects.values_list(*columns) for value in row
    )
    assert not [n for n in numbers if n in stored or n[2:] in stored]


def test_anonymous_participants_have_only_statistical_fields():
    anonymous = Participant.objects.filter(is_anonymous=True)
    share = anonymous.count() / Participant.objects.count()
    assert 0.03 <= share <= 0.08
    assert not anonymous.exclude(given_name="", family_name="", identity_encrypted="").exists()
    assert anonymous.filter(protected_identity=True).exists()
    assert not Consent.objects.filter(participant__is_anonymous=True).exists()


def test_at_least_ten_people_are_enrolled_in_two_projects():
    two = Participant.objects.annotate(projects=Count("enrolments__project", distinct=True)).filter(
        projects__gte=2
    )
    assert two.count() >= 10


def test_counts_are_within_the_stated_ranges():
    def enrolments(title):
        return Enrolment.objects.filter(project__title=title)

    assert 55 <= enrolments(FIF).filter(started_on__isnull=False).count() <= 65
    assert 50 <= enrolments(GBG).count() <= 75
    assert 280 <= enrolments("Integration genom arbete").count() <= 330
    assert 131 * 1 <= enrolments("Områdesprogram Segevång").count() <= 131 * 2
    assert 550 <= Participant.objects.count() <= 800
    closed = enrolments(FIF).filter(status__in=[Status.EXITED, Status.FOLLOWED_UP])
    assert closed.count() >= 0.85 * enrolments(FIF).count()
    for status in (Status.DECLINED, Status.WITHDRAWN):
        assert Enrolment.objects.filter(status=status).exists()
    assert FollowUp.objects.filter(reached=False).exists()
    assert FollowUp.objects.filter(recorded_on__isnull=True).exists()


def test_outcomes_differ_by_gender_in_integration_genom_arbete():
    completers = Enrolment.objects.filter(
        project__title="Integration genom arbete", exit_reason="completed"
    )
    shares = {}
    for gender in ("man", "woman"):
        group = completers.filter(participant__gender=gender)
        in_work = group.filter(
            follow_ups__day=90,
            follow_ups__status__in=[
                "employed_full_time",
                "employed_part_time",
                "subsidised_full_time",
                "subsidised_part_time",
                "self_employed",
            ],
        )
        shares[gender] = in_work.count() / group.count()
    assert shares["man"] > 0.45 > shares["woman"]
    started = Enrolment.objects.filter(
        project__title="Integration genom arbete", started_on__isnull=False
    )
    women = started.filter(participant__gender="woman").count() / started.count()
    assert 0.4 <= women <= 0.45


def test_demo_logins_and_memberships():
    User = get_user_model()
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not admin.memberships.exists()
    manager_projects = set(
        Membership.objects.filter(user__username="manager").values_list("project__title", flat=True)
    )
    assert manager_projects == {
        "I Arbetsmarknadens Utkant",
        FIF,
        "Integration genom arbete",
        "Samverkan för storstadsintegration Malmö",
        "Områdesprogram Segevång",
        "Områdesprogram för ett socialt hållbart Malmö",
        "Jobb för alla (Förprojektering)",
    }
    steering = Membership.objects.filter(user__username="steering")
    assert steering.filter(role=Role.STEERING).count() == 8


def test_caseworker_has_a_caseload_and_does_not_see_everyone():
    caseworker = get_user_model().objects.get(username="caseworker")
    fif = project(FIF)
    membership = Membership.objects.get(user=caseworker, project=fif)
    assert membership.organisation.name == "Arbete & Utbildning"
    assert fif.enrolments.filter(case_worker=caseworker).count() >= 20
    visible = Enrolment.objects.visible_to(membership).count()
    assert fif.enrolments.count() - 10 <= visible < fif.enrolments.count()
    provider = Membership.objects.get(user__username="provider", project=fif)
    assert 0 < Enrolment.objects.visible_to(provider).count() < fif.enrolments.count()


def test_identity_generator_uses_the_reserved_series():
    import random

    numbers = DemoIdentityNumbers(random.Random(1))
    man = numbers.new(gender="man", birth_year=1970)
    woman = numbers.new(gender="woman", birth_year=1990, coordination=True)
    assert is_demo_number(man) and int(man[10]) % 2 == 1
    assert is_demo_number(woman) and int(woman[10]) % 2 == 0
    assert parse_identity_number(woman).is_coordination_number
    assert not is_demo_number("198507189794")  # serial 979, outside the series
    assert not is_demo_number(man[:11] + str((int(man[11]) + 1) % 10))  # wrong check digit


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=io.StringIO())


def test_load_demo_refuses_a_database_with_projects(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--flush"):
        call_command("load_demo", stdout=io.StringIO())


def test_load_demo_flush_reloads_the_same_data_set(settings):
    settings.DEBUG = True
    before = Participant.objects.count(), Enrolment.objects.count(), FollowUp.objects.count()
    call_command("load_demo", flush=True, stdout=io.StringIO())
    after = Participant.objects.count(), Enrolment.objects.count(), FollowUp.objects.count()
    assert before == after


def test_summary_and_login_table_are_printed(demo):
    assert "Demo data loaded" in demo
    for login in DEMO_LOGINS:
        assert login.username in demo


# --- The demo's today (demo/today.py): every login has something to do ----------------------


def test_the_makefile_serves_the_demo_on_the_data_sets_today():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert f"DEMO_TODAY ?= {DEMO_TODAY.isoformat()}" in makefile


@pytest.fixture
def on_demo_today(settings):
    settings.FOLJSAM_TODAY = DEMO_TODAY.isoformat()
    settings.DEMO_MODE = True
    return clock.today()


def test_provider_has_a_running_intervention_with_people_to_record_today(on_demo_today):
    today = on_demo_today
    running = []
    for membership in Membership.objects.filter(user__username="provider"):
        interventions = Intervention.objects.visible_to(membership).filter(
            starts_on__lte=today, ends_on__gte=today
        )
        for intervention in interventions:
            placed = Participation.objects.visible_to(membership).filter(
                intervention=intervention,
                completion=Participation.Completion.ONGOING,
                started_on__lte=today,
            )
            if placed.exists():
                running.append((membership, intervention, placed))
    assert running, "the provider has no intervention running on the demo's today"
    membership, intervention, placed = running[0]
    assert membership.project.starts_on <= today <= membership.project.ends_on
    assert (
        Enrolment.objects.visible_to(membership)
        .filter(participations__in=placed, exited_on__isnull=True)
        .exists()
    )
    # Hours recorded in the last week, today's session still to record.
    sessions = intervention.sessions.values_list("held_on", flat=True)
    assert any(today - dt.timedelta(days=7) <= day < today for day in sessions)
    assert today not in sessions
    for participation in placed:
        recorded = sum(r.hours for r in participation.attendance_records.all())
        assert participation.attended_hours == recorded
    client = Client()
    client.force_login(membership.user)
    with translation.override("en"):
        url = reverse(
            "interventions:group_session",
            kwargs={"project_id": membership.project_id, "intervention_id": intervention.pk},
        )
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert today.isoformat() in html
    for participation in placed:
        assert str(participation.enrolment.participant.family_name) in html


def test_caseworker_has_follow_ups_overdue_due_soon_and_later(on_demo_today):
    today = on_demo_today
    caseworker = get_user_model().objects.get(username="caseworker")
    due = []
    for membership in Membership.objects.filter(user=caseworker):
        due += FollowUp.objects.filter(
            enrolment__in=Enrolment.objects.visible_to(membership),
            enrolment__case_worker=caseworker,
            recorded_on__isnull=True,
        ).values_list("due_on", flat=True)
    days = [(day - today).days for day in due]
    assert any(d < 0 for d in days), "nothing overdue"
    assert any(0 <= d <= 14 for d in days), "nothing due within 14 days"
    assert any(14 < d <= 30 for d in days), "nothing due within 15-30 days"
    assert any(d > 30 for d in days), "nothing due later"
    segevang = Membership.objects.get(user=caseworker, project__title="Områdesprogram Segevång")
    client = Client()
    client.force_login(caseworker)
    with translation.override("en"):
        url = reverse("enrolments:follow_up_worklist", kwargs={"project_id": segevang.project_id})
    assert client.get(url).status_code == 200


def test_every_demo_date_lies_inside_its_projects_period():
    for project_ in Project.objects.filter(enrolments__isnull=False).distinct():
        outside = Q(started_on__lt=project_.starts_on) | Q(exited_on__gt=project_.ends_on)
        assert not project_.enrolments.filter(outside).exists(), project_.title
        follow_ups = FollowUp.objects.filter(enrolment__project=project_)
        if project_.ends_on >= DEMO_TODAY:
            assert not follow_ups.filter(due_on__gt=project_.ends_on).exists(), project_.title
    for intervention in Intervention.objects.select_related("project"):
        period = (intervention.project.starts_on, intervention.project.ends_on)
        assert period[0] <= (intervention.starts_on or period[0]), intervention.name
        assert (intervention.ends_on or period[1]) <= period[1], intervention.name
        assert not intervention.sessions.exclude(held_on__range=period).exists()
        assert not intervention.participations.exclude(started_on__range=period).exists()


def _main_pages(membership) -> list[str]:
    """The pages a login starts from in one of its projects (those its role may open)."""
    kwargs = {"project_id": membership.project_id}
    names = [
        "core:project_detail",
        "enrolments:case_list",
        "enrolments:follow_up_worklist",
        "goals:dashboard",
        "goal_editor:list",
        "interventions:catalogue",
    ]
    urls = [reverse(name, kwargs=kwargs) for name in names]
    if membership.role == Role.PROVIDER:
        for intervention in Intervention.objects.visible_to(membership):
            for name in ("interventions:attendance", "interventions:group_session"):
                urls.append(reverse(name, kwargs={**kwargs, "intervention_id": intervention.pk}))
    return urls


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_no_page_of_a_demo_login_shows_the_wall_clocks_year(on_demo_today, username):
    """The demo's today is 2015-06-22: its pages never show the year the demo was built in."""
    wall_year = str(dt.date.today().year)
    assert wall_year != str(on_demo_today.year)
    year = re.compile(rf"(?<![0-9]){wall_year}(?![0-9])")
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    with translation.override("en"):
        urls = [
            reverse("core:project_list"),
            reverse("jobs:list"),
            reverse("api_tokens:list"),
            reverse("portfolio:portfolio"),
        ]
        for membership in Membership.objects.filter(user=user):
            urls += _main_pages(membership)
    opened = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code == 200:
            opened += 1
            found = year.search(response.content.decode())
            if found:
                context = found.string[found.start() - 80 : found.end() + 40]
                pytest.fail(f"{url} shows {wall_year}: ...{context}...")
    assert opened >= 3


def test_no_demo_record_lies_outside_its_projects_period_by_the_products_own_rule():
    """The rule every form and service asks (core/periods.py), over every kind of dated record
    (follow-ups: up to the longest follow-up day after the end)."""
    from core.periods import records_outside

    with translation.override("en"):
        outside = {
            project_.title: found
            for project_ in Project.objects.all()
            if (found := records_outside(project_, project_.starts_on, project_.ends_on))
        }
    assert outside == {}


def test_no_demo_project_is_past_its_retention_on_the_demo_date(on_demo_today):
    """The scheduled anonymisation must not wipe the demo: on its date every project still keeps
    its people's data (the dry run counts nobody)."""
    from core.retention import retention_ends_on

    projects = list(Project.objects.all())
    assert projects and all(retention_ends_on(p) >= on_demo_today for p in projects)
    out = io.StringIO()
    call_command("anonymise_expired", "--dry-run", stdout=out)
    assert "  projects: 0\n" in out.getvalue() and "  people_anonymised: 0\n" in out.getvalue()


def test_the_data_protection_officer_finds_this_mornings_reads_with_their_purposes(
    on_demo_today, client
):
    """The demo's `dpo` opens the Segevång audit log on the demo date and finds who read which
    person this morning and why, without seeing any person's record."""
    from core.models import LogEntry

    dpo = get_user_model().objects.get(username="dpo")
    segevang = Project.objects.get(title="Områdesprogram Segevång")
    reads = LogEntry.objects.filter(project_id=segevang.pk, action="view", person_id__isnull=False)
    assert reads.filter(purpose="own_caseload").exists() and reads.filter(purpose="follow_up")
    assert {timezone.localdate(e.at) for e in reads} == {on_demo_today}
    client.force_login(dpo)
    with translation.override("en"):
        url = reverse("core:audit_search", args=[segevang.pk])
    page = client.get(url, {"person": reads.first().person_id}).content.decode()
    assert "follow-up of the case" in page or "own caseload" in page
    enrolment = segevang.enrolments.first()
    with translation.override("en"):
        person_page = reverse("enrolments:participant", args=[segevang.pk, enrolment.pk])
    assert client.get(person_page).status_code == 404

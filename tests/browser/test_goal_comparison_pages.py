"""The goal comparison pages in the browser: a manager of two twin projects opens the twins,
the reference values and the quarters from the goals dashboard, in Swedish and English, and
axe checks each page. A steering-group member sees small groups hidden."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services as goal_services
from goals.models import ReferenceProgramme, ReferenceValue
from participants.models import Gender
from tests.factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def populate(project, women, men, manager_user):
    for i, gender in enumerate([Gender.WOMAN] * women + [Gender.MAN] * men):
        exited_on = dt.date(2009, 3 + 3 * (i % 3), 1)
        enrolment = EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(gender=gender, birth_year=1970 + i),
            referred_on=dt.date(2009, 1, 5),
            started_on=dt.date(2009, 1, 15),
            status=Status.EXITED,
            exited_on=exited_on,
            exit_reason="completed",
            exit_status=OutcomeStatus.EMPLOYED_FULL_TIME if i % 2 else OutcomeStatus.JOB_SEEKING,
        )
        due = exited_on + dt.timedelta(days=90)
        FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=due,
            reached=True,
            status=OutcomeStatus.EMPLOYED_FULL_TIME if i % 3 else OutcomeStatus.JOB_SEEKING,
            source="register",
            recorded_on=due,
        )
    for key, template, parameters in [
        ("gender-split", "gender_split", {}),
        ("work-90-vs-reference", "follow_up_share_vs_reference", {"population": "exited"}),
    ]:
        goal_services.create_goal(
            project=project,
            key=key,
            title=f"Mål {key}",
            title_en=f"Goal {key}",
            template=template,
            parameters=parameters,
            by=manager_user,
        )


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5
    malmo = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90])
    goteborg = ProjectFactory(title="Framtid i Fokus Göteborg", follow_up_days=[90])
    malmo.twins.add(goteborg)
    manager = MembershipFactory(project=malmo, role=Role.MANAGER, user__username="manager")
    MembershipFactory(project=goteborg, role=Role.MANAGER, user=manager.user)
    MembershipFactory(project=malmo, role=Role.STEERING, user__username="steering")
    populate(malmo, 8, 6, manager.user)
    populate(goteborg, 5, 9, manager.user)
    programme = ReferenceProgramme.objects.create(name="Särskilt anställningsstöd")
    programme.projects.set([malmo, goteborg])
    for year, participants, share in [(2009, 100, "20.0"), (2010, 300, "30.0")]:
        ReferenceValue.objects.create(
            programme=programme,
            year=year,
            participants=participants,
            share_in_work_90_days=Decimal(share),
        )
    return malmo


def open_dashboard(page, project):
    page.get_by_role("link", name=project.title, exact=True).click()
    page.get_by_role("navigation", name=re.compile("Projektmeny|Project menu")).get_by_role(
        "link", name=re.compile("Mål|Goals")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_manager_opens_the_three_comparisons(page, login, axe, world, prefix):
    lang = "en" if prefix else "sv"
    login("manager", prefix=prefix)
    open_dashboard(page, world)
    links = page.locator("nav.goal-links")

    links.locator("a[href$='/goals/compare/twins/']").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("table caption").first).to_contain_text("Framtid i Fokus Göteborg")
    row = page.locator("tr[id$='-gender-split']")
    expect(row).to_contain_text("8 / 14")
    expect(row).to_contain_text("5 / 14")
    expect(page.locator("svg[role=img]")).to_have_count(1)
    axe(page, f"goal-comparison-twins-{lang}")

    page.locator("nav.goal-links a[href$='/goals/compare/reference/']").click()
    expect(page.locator("table").first).to_contain_text("2009")
    expect(page.locator("body")).to_contain_text("20.0 %" if prefix else "20,0 %")
    expect(page.locator("svg[role=img]")).to_have_count(1)
    axe(page, f"goal-comparison-reference-{lang}")

    page.locator("nav.goal-links a[href$='/goals/compare/quarters/']").focus()
    page.keyboard.press("Enter")  # by keyboard
    expect(page.locator("section h2").first).to_contain_text(re.compile("gender-split"))
    expect(page.locator("svg[role=img]")).to_have_count(2)
    axe(page, f"goal-comparison-quarters-{lang}")


def test_steering_sees_small_groups_hidden(page, login, axe, world):
    login("steering")
    page.goto(f"/projects/{world.pk}/goals/compare/quarters/")
    # Every hidden quarter says why: too few people, or hidden to protect another figure.
    hidden = page.locator("td.suppressed")
    expect(hidden.first).to_be_visible()
    for text in hidden.all_inner_texts():
        assert text.strip() in {
            "färre än 5",
            "dold: en del av gruppen är färre än 5",
            "dold för att skydda en annan uppgift",
        }
    axe(page, "goal-comparison-quarters-steering")
    page.goto(f"/projects/{world.pk}/goals/compare/twins/")
    expect(page.locator(".notice").first).to_contain_text("Framtid i Fokus Göteborg")
    axe(page, "goal-comparison-twins-steering")

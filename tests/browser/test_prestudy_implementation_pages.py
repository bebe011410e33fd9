"""Turning "Jobb för alla (Förprojektering)" into its implementation project in the browser, as
its manager (in English), from the pre-study's page: the start page shows the checklist and
what is carried over, a period ending before it starts is shown at its field, the corrected
form lands on the new project, whose overview, intervention catalogue and goals show what the
pre-study carried over. axe on the form (also with its error) and on each page of the result."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.models import Organisation, Project, ProjectPartner, Role, TargetGroup
from goals.services import create_goal
from interventions.models import InterventionCategory
from prestudy.models import ProposedActivity, Stakeholder
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def prestudy(settings):
    settings.FOLJSAM_TODAY = "2008-11-20"
    owner = OrganisationFactory(name="Burlövs Kommun")
    forum = OrganisationFactory(name="Lunds kvinnoforum", kind=Organisation.Kind.OTHER)
    project = ProjectFactory(
        title="Jobb för alla (Förprojektering)",
        title_en="Jobs for All (pre-study)",
        phase=Project.Phase.PRE_STUDY,
        owner=owner,
        starts_on=dt.date(2008, 5, 15),
        ends_on=dt.date(2008, 11, 15),
    )
    manager = MembershipFactory(
        project=project, user__username="emma", organisation=owner, role=Role.MANAGER
    )
    ProjectPartner.objects.create(
        project=project,
        organisation=forum,
        is_partner=True,
        is_co_financier=True,
        amount=Decimal("25000"),
        confirmed_on=dt.date(2008, 9, 9),
    )
    young = TargetGroup.objects.create(
        project=project, code="unga", name="Ungdomar", name_en="Young people"
    )
    TargetGroup.objects.create(
        project=project,
        code="utrikes-fodda",
        name="Utrikes födda långtidsarbetslösa",
        name_en="Foreign-born long-term unemployed",
    )
    activity = ProposedActivity.objects.create(
        project=project,
        title="Praktik med handledare",
        category=InterventionCategory.objects.get(code="internship"),
        description="Tre månader på en arbetsplats i Burlöv.",
        estimated_volume=20,
    )
    activity.proposed_by.add(
        Stakeholder.objects.create(
            project=project, name="Kvinnoforum", kind="interest_organisation", organisation=forum
        )
    )
    activity.target_groups.add(young)
    create_goal(
        project=project,
        key="long-term-unemployed-in-education",
        title="Antal långtidsarbetslösa i utbildning/praktik",
        title_en="Long-term unemployed in education or internship",
        template="participation_count",
        parameters={"labour_market_statuses": ["long_term_unemployed"], "target": 40},
        by=manager.user,
    )
    create_goal(
        project=project,
        key="stakeholders",
        title="Minst 25 intressenter har deltagit",
        title_en="At least 25 stakeholders took part",
        template="stakeholder_count",
        parameters={"target": 25},
        by=manager.user,
    )
    return project


def test_manager_starts_the_implementation_from_the_prestudy(page, login, axe, prestudy):
    login("emma", prefix="/en")
    page.goto(f"/en/projects/{prestudy.pk}/")
    page.get_by_role("navigation", name="Project menu").get_by_role(
        "link", name="Pre-study"
    ).click()
    page.get_by_role("link", name="Start the implementation project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start the implementation project")
    expect(page.get_by_text("0 of 6 items done.")).to_be_visible()
    carried = page.locator("section", has=page.get_by_role("heading", name="What is carried over"))
    expect(carried).to_contain_text("Young people")
    expect(carried).to_contain_text("Lunds kvinnoforum")
    expect(carried).to_contain_text("Praktik med handledare")
    expect(carried).to_contain_text("Long-term unemployed in education or internship")
    expect(carried).to_contain_text("At least 25 stakeholders took part")  # stays behind
    expect(page.get_by_label("Title of the implementation project")).to_have_value("Jobb för alla")
    expect(page.get_by_label(re.compile(r"^Target groups \(2\)"))).to_be_checked()
    axe(page, "prestudy-implementation-start-en")

    # A period ending before it starts: shown at its field, nothing created.
    page.get_by_label("Start of the period").fill("2009-01-01")
    page.get_by_label("End of the period").fill("2008-12-31")
    page.get_by_role("button", name="Start the implementation project").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "The period cannot end before it starts."
    )
    expect(page.locator("#id_ends_on_error")).to_have_text(
        "The period cannot end before it starts."
    )
    assert not prestudy.implementations.exists()
    axe(page, "prestudy-implementation-start-error-en")

    page.get_by_label("End of the period").fill("2011-06-30")
    page.get_by_role("button", name="Start the implementation project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobb för alla")
    implementation = prestudy.implementations.get()
    assert page.url.endswith(f"/en/projects/{implementation.pk}/")
    expect(page.get_by_text("The implementation project Jobb för alla is started")).to_be_visible()
    facts = page.locator("section", has=page.get_by_role("heading", name="Project facts"))
    expect(facts).to_contain_text("Implementation")
    expect(facts).to_contain_text("2009-01-01 – 2011-06-30")
    expect(page.get_by_role("list").filter(has_text="Young people")).to_contain_text(
        "Foreign-born long-term unemployed"
    )
    partners = page.get_by_role("table", name=re.compile("Co-financiers and partners"))
    expect(partners).to_contain_text("Lunds kvinnoforum")
    axe(page, "prestudy-implementation-result-en")

    menu = page.get_by_role("navigation", name="Project menu")
    menu.get_by_role("link", name="Interventions", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Praktik med handledare"))
    expect(row).to_contain_text("Lunds kvinnoforum")
    axe(page, "prestudy-implementation-interventions-en")

    menu.get_by_role("link", name="Goals", exact=True).click()
    expect(page.locator("#goal-long-term-unemployed-in-education")).to_contain_text(
        "Long-term unemployed in education or internship"
    )
    expect(page.locator("#goal-stakeholders")).to_have_count(0)  # stayed with the pre-study
    axe(page, "prestudy-implementation-goals-en")

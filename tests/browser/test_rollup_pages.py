"""A programme's pages in the browser (docs/rollups.md): the steering group opens the programme,
reads its goal over all its parts and the sub-project table, goes on to the dashboard, and groups
the portfolio by programme with the filter form. axe checks each page."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Project, Role
from goals import services as goal_services
from participants.models import Gender
from tests.factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    settings.SUPPRESSION_THRESHOLD = 5
    programme = ProjectFactory(title="Områdesprogrammet", kind=Project.Kind.PROGRAMME)
    steering = MembershipFactory(project=programme, role=Role.STEERING, user__username="steering")
    for title, n in (("Norra området", 8), ("Södra området", 2)):
        part = ProjectFactory(title=title, kind=Project.Kind.AREA_PART, parent=programme)
        MembershipFactory(project=part, role=Role.STEERING, user=steering.user)
        for i in range(n):
            EnrolmentFactory(
                project=part,
                participant=AnonymousParticipantFactory(gender=[Gender.WOMAN, Gender.MAN][i % 2]),
            )
    goal_services.create_goal(
        project=programme,
        key="gender-split",
        title="Könsfördelning minst 40/60",
        title_en="Gender split at least 40/60",
        template="gender_split",
        parameters={},
        by=None,
    )
    return programme


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_steering_reads_the_programme_over_its_parts(page, login, axe, world, prefix):
    login("steering", prefix=prefix)
    page.get_by_role("link", name=world.title).click()
    parts = page.locator("table.parts-table")
    expect(parts).to_contain_text("Norra området")
    # Two people in the south: hidden, and the north's 8 with it (10 − 8 would tell the 2).
    for title in ("Norra området", "Södra området"):
        row = parts.locator("tr", has_text=title)
        participants = row.locator("td").nth(1)
        expect(participants).to_have_text(re.compile(r"^\s*(hidden|dold|fewer than|färre än)"))
        expect(participants).not_to_contain_text(re.compile("[28]"))
    expect(page.locator("table.goals-table")).to_contain_text("5 / 10")
    axe(page, f"programme-overview-steering-{'en' if prefix else 'sv'}")
    page.get_by_role("link", name=re.compile("Goals and results|Mål och resultat")).click()
    expect(page.locator("#goal-gender-split")).to_contain_text("5 / 10")
    expect(page.locator("table.parts-table")).to_be_visible()
    axe(page, f"programme-dashboard-steering-{'en' if prefix else 'sv'}")


def test_steering_groups_the_portfolio_by_programme(page, login, axe, world):
    login("steering", prefix="/en")
    page.goto("/en/portfolio/")
    page.get_by_label("Group by").select_option("programme")
    page.get_by_label("Sort by").select_option("met")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2, name=world.title)).to_be_visible()
    expect(page).to_have_url(re.compile(r"group=programme"))
    axe(page, "portfolio-by-programme-en")

"""The ESF indicators page in the browser: a project manager finds it in the project menu, picks
a year, sees the table and the missing fields, in Swedish and English; a steering-group member
sees small figures hidden. axe checks each page."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import OutcomeStatus, Status
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
    settings.FOLJSAM_TODAY = "2011-06-01"
    settings.SUPPRESSION_THRESHOLD = 5
    project = ProjectFactory(title="Integration genom arbete", follow_up_days=[90, 180])
    MembershipFactory(project=project, role=Role.MANAGER, user__username="manager")
    MembershipFactory(project=project, role=Role.STEERING, user__username="steering")
    for i, gender in enumerate([Gender.WOMAN] * 8 + [Gender.MAN] * 3):
        EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(
                gender=gender,
                birth_year=1960 + i,
                education_level="unknown" if i == 0 else "primary",
                region_of_birth="outside_europe",
                disability=False,
            ),
            referred_on=dt.date(2010, 1, 5),
            started_on=dt.date(2010, 1, 15),
            labour_market_status="long_term_unemployed",
            status=Status.EXITED,
            exited_on=dt.date(2010, 6, 1),
            exit_reason="completed",
            exit_status=OutcomeStatus.EMPLOYED_FULL_TIME,
        )
    return project


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_manager_finds_the_indicators_and_picks_a_year(page, login, axe, world, prefix):
    lang = "en" if prefix else "sv"
    login("manager", prefix=prefix)
    page.get_by_role("link", name=world.title, exact=True).click()
    page.get_by_role("navigation", name=re.compile("Projektmeny|Project menu")).get_by_role(
        "link", name=re.compile("ESF")
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.get_by_label(re.compile("^(Period)$")).select_option("2010")
    page.get_by_role("button", name=re.compile("^(Visa|Show)$")).click()
    row = page.locator("tr", has=page.locator("td", has_text=re.compile("^ENT$")))
    expect(row).to_contain_text("8")
    expect(row).to_contain_text("11")
    expect(page.locator("#esf-missing-caption")).to_be_visible()
    axe(page, f"esf-indicators-{lang}")


def test_steering_sees_small_figures_hidden(page, login, axe, world):
    login("steering")
    page.goto(f"/projects/{world.pk}/esf/")
    row = page.locator("tr", has=page.locator("td", has_text=re.compile("^ENT$")))
    expect(row).to_contain_text("färre än 5")
    expect(page.locator("#esf-missing-count-caption")).to_be_visible()
    axe(page, "esf-indicators-steering")

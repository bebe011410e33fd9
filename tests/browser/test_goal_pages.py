"""The goals dashboard in the browser: a manager and a steering-group member open it from the
project menu in Swedish and English, open a goal's breakdown, and axe checks the page (with the
breakdown open). The steering group sees small groups hidden."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services as goal_services
from participants.models import Gender
from tests.factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    settings.SUPPRESSION_THRESHOLD = 5
    project = ProjectFactory(title="Framtid i Fokus")
    manager = MembershipFactory(project=project, role=Role.MANAGER, user__username="manager")
    MembershipFactory(project=project, role=Role.STEERING, user__username="steering")
    internship = InterventionFactory(project=project, name="Praktik")
    genders = [Gender.WOMAN] * 7 + [Gender.MAN] * 6 + [Gender.OTHER] * 2
    for i, gender in enumerate(genders):
        exited = i % 2 == 0
        enrolment = EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(gender=gender, birth_year=1970 + i),
            status=Status.EXITED if exited else Status.ACTIVE,
            exited_on=dt.date(2009, 8, 1) if exited else None,
            exit_reason="completed" if exited else "",
            exit_status=OutcomeStatus.EMPLOYED_FULL_TIME if exited else "",
        )
        if exited:
            FollowUp.objects.create(enrolment=enrolment, day=90, due_on=dt.date(2009, 10, 30))
        ParticipationFactory(
            intervention=internship, enrolment=enrolment, attended_hours=Decimal("12.5")
        )
    goal_services.create_goal(
        project=project,
        key="gender-split",
        title="Könsfördelning minst 40/60",
        title_en="Gender split at least 40/60",
        template="gender_split",
        parameters={},
        by=manager.user,
    )
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="Minst 45 % i arbete efter 90 dagar",
        title_en="At least 45 % in work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.45},
        by=manager.user,
    )
    return project


def open_dashboard(page, project, menu_name):
    page.get_by_role("link", name=project.title).click()
    page.get_by_role("navigation", name=re.compile("Projektmeny|Project menu")).get_by_role(
        "link", name=menu_name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize(("prefix", "menu"), [("", re.compile("Mål|Goals")), ("/en", "Goals")])
def test_manager_opens_dashboard_and_a_breakdown(page, login, axe, world, prefix, menu):
    project = world
    login("manager", prefix=prefix)
    open_dashboard(page, project, menu)
    lang = "en" if prefix else "sv"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    row = page.locator("#goal-gender-split")
    expect(row).to_contain_text("Gender split at least 40/60" if prefix else "Könsfördelning")
    expect(row).to_contain_text("7 / 15")
    expect(row).to_contain_text("46.7 %" if prefix else "46,7 %")
    expect(page.locator("svg[role=img]")).to_have_count(3)
    axe(page, f"goals-dashboard-manager-{lang}")

    details = page.locator("#breakdown-gender-split")
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    women = details.get_by_role("row", name=re.compile("^(Women|Kvinnor)"))
    expect(women.first).to_contain_text("7 / 7")
    axe(page, f"goals-breakdown-manager-{lang}")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_steering_sees_small_groups_hidden(page, login, axe, world, prefix):
    project = world
    login("steering", prefix=prefix)
    open_dashboard(page, project, re.compile("Mål|Goals"))
    details = page.locator("#breakdown-gender-split")
    details.locator("summary").press("Enter")  # by keyboard
    expect(details).to_have_attribute("open", "")
    hidden = details.locator("tr.suppressed")
    expect(hidden.first).to_be_visible()
    # Every hidden group says why: too few, a part too few, or hidden to protect another.
    expect(hidden.first).to_contain_text(
        re.compile(
            "fewer than 5|färre än 5|a part of the group|en del av gruppen"
            "|to protect another figure|för att skydda en annan uppgift"
        )
    )
    reasons = " ".join(details.locator("tr.suppressed").all_inner_texts())
    assert re.search("fewer than 5|färre än 5", reasons)
    expect(
        page.get_by_role("link", name=re.compile("uppföljning|follow-up worklist"))
    ).to_have_count(0)
    axe(page, f"goals-dashboard-steering-{'en' if prefix else 'sv'}")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_steering_opens_the_portfolio_from_the_main_menu(page, login, axe, world, prefix):
    project = world
    login("steering", prefix=prefix)
    page.get_by_role("navigation", name=re.compile("Huvudmeny|Main menu")).get_by_role(
        "link", name=re.compile("Portfölj|Portfolio")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Portfölj|Portfolio"))
    table = page.locator("table.portfolio-table")
    expect(table).to_contain_text(project.title)
    expect(table).to_contain_text("Gender split at least 40/60" if prefix else "Könsfördelning")
    axe(page, f"portfolio-steering-{'en' if prefix else 'sv'}")
    # From the portfolio to the project's dashboard.
    table.get_by_role("link", name=project.title).click()
    expect(page.locator("#goal-gender-split")).to_be_visible()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_after_a_write_the_dashboard_shows_the_last_figures_and_then_the_new_ones(
    page, login, axe, world, settings, prefix
):
    """Right after something is recorded, the page does not wait for the figures to be
    counted: it shows the last ones, says (as a status message) that newer records are being
    counted, and shows the new figures by itself once they are, without the user reloading."""
    project = world
    login("manager", prefix=prefix)
    open_dashboard(page, project, re.compile("Mål|Goals"))
    row = page.locator("#goal-gender-split")
    expect(row).to_contain_text("7 / 15")
    # Tasks wait for a worker, as in production; none runs here, so the page counts itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    EnrolmentFactory(
        project=project,
        participant=AnonymousParticipantFactory(gender=Gender.WOMAN, birth_year=1990),
    )
    held = []
    page.route(re.compile("figures-state"), lambda route: held.append(route))  # held for now
    page.reload()
    status = page.get_by_role("status").filter(
        has_text=re.compile("Nyare registreringar räknas|Newer records are being counted")
    )
    expect(status).to_be_visible()
    expect(row).to_contain_text("7 / 15")  # the last figures, at once
    axe(page, f"goals-dashboard-updating-{'en' if prefix else 'sv'}")
    assert held  # the page asked at once whether its figures are current
    for route in held:  # let it ask: the figures are counted, and the page shows them
        route.continue_()
    page.unroute(re.compile("figures-state"))
    expect(row).to_contain_text("8 / 16")
    expect(status).to_have_count(0)

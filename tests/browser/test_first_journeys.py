"""First journeys: log in, see your projects, open one; axe on every page, both languages."""

import pytest
from playwright.sync_api import expect

from core.models import ProjectSection, Role
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project_world():
    membership = MembershipFactory(
        user__username="manager",
        user__first_name="Lina",
        user__last_name="Berg",
        role=Role.MANAGER,
        project__title="Framtid i Fokus",
        project__contact_name="Mats Johansson",
        project__esf_grant=4797459,
        project__total_budget=11997459,
    )
    ProjectSection.objects.create(
        project=membership.project, key="summary", language="sv", body="Svensk sammanfattning."
    )
    ProjectSection.objects.create(
        project=membership.project, key="summary", language="en", body="English summary."
    )
    other = ProjectFactory(title="Jobb för alla (Förprojektering)")
    return membership, other


def test_log_in_see_projects_open_one_in_swedish(page, login, axe, project_world):
    membership, other = project_world
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    axe(page, "login-sv")

    login("manager")
    expect(page.get_by_role("heading", name="Mina projekt")).to_be_visible()
    expect(page.get_by_role("link", name="Framtid i Fokus")).to_be_visible()
    expect(page.get_by_text(other.title)).to_have_count(0)
    axe(page, "project-list-sv")

    page.get_by_role("link", name="Framtid i Fokus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Framtid i Fokus")
    expect(page.get_by_text("4 797 459 kr")).to_be_visible()
    expect(page.get_by_text("Svensk sammanfattning.")).to_be_visible()
    axe(page, "project-page-sv")

    response = page.goto(f"/projects/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Sidan finns inte")).to_be_visible()
    axe(page, "not-found-sv")


def test_same_journey_in_english(page, login, axe, project_world):
    membership, _other = project_world
    page.goto("/accounts/login/")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe(page, "login-en")

    login("manager", prefix="/en")
    expect(page.get_by_role("heading", name="My projects")).to_be_visible()
    axe(page, "project-list-en")

    page.get_by_role("link", name="Framtid i Fokus").click()
    expect(page.get_by_role("heading", name="Project facts")).to_be_visible()
    expect(page.get_by_text("English summary.")).to_be_visible()
    axe(page, "project-page-en")


def test_keyboard_user_can_skip_to_content_and_log_out(page, login, project_world):
    login("manager")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()

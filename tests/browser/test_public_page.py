"""The public project page in the browser: the manager finds "Public page" in the project menu,
reads the preview and publishes; an anonymous visitor reads the page in Swedish and English and
the index, with axe on each, the headings in order, the landmarks, the other language's text
marked with lang, and no login prompt; a withdrawn page is "not found"."""

import pytest
from playwright.sync_api import expect

from core.models import ProjectPartner, ProjectSection, Role
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory, UserFactory
from tests.test_goal_engine import goal, person

pytestmark = pytest.mark.django_db(transaction=True)

HEADING_LEVELS = (
    "() => Array.from(document.querySelectorAll('main :is(h1, h2, h3, h4, h5, h6)'))"
    ".map(h => Number(h.tagName[1]))"
)


@pytest.fixture
def project(settings):
    settings.FOLJSAM_TODAY = "2010-06-30"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    project = ProjectFactory(title="Jobb för alla", title_en="Jobs for All")
    for key, sv, en in [
        ("summary", "Projektet ska ge jobb.", "The project gives jobs."),
        ("purpose", "Syftet är arbete.", None),
    ]:
        ProjectSection.objects.create(project=project, key=key, language="sv", body=sv)
        if en:
            ProjectSection.objects.create(project=project, key=key, language="en", body=en)
    ProjectPartner.objects.create(
        project=project, organisation=OrganisationFactory(name="Försäkringskassan"), is_partner=True
    )
    goal(project, "gender_split", "women", population="all", target=0.4, target_high=0.6)
    for _ in range(3):  # three women: hidden, with the men who would give them away
        person(project, gender="woman")
    for _ in range(9):
        person(project, gender="man")
    user = UserFactory(username="manager")
    MembershipFactory(project=project, user=user, role=Role.MANAGER)
    return project


def check_structure(page):
    levels = page.evaluate(HEADING_LEVELS)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    for landmark in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(landmark)).to_have_count(1)
    expect(page.locator("input[type=password]")).to_have_count(0)
    expect(page.locator("a[href*='/accounts/login/']")).to_have_count(0)


def test_manager_publishes_and_anyone_reads_it(page, browser, live_server, login, axe, project):
    login("manager")
    page.goto(f"/projects/{project.pk}/")
    menu_entry = page.locator(f".project-nav a[href='/projects/{project.pk}/public-page/']")
    expect(menu_entry).to_have_count(1)
    menu_entry.click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".public-preview")).to_contain_text("Jobb för alla")
    axe(page, "public-page-manage-sv")
    page.click("button[value=publish]")
    expect(page.locator("button[value=withdraw]")).to_be_visible()
    axe(page, "public-page-manage-published-sv")
    public_url = page.locator(".notice a").first.get_attribute("href")
    assert public_url == f"/public/projects/{project.pk}/"

    anonymous = browser.new_context(base_url=live_server.url, locale="sv-SE")
    visitor = anonymous.new_page()
    visitor.goto(public_url)
    expect(visitor.locator("h1")).to_have_text("Jobb för alla")
    expect(visitor.locator("html")).to_have_attribute("lang", "sv")
    # Three women are fewer than five: hidden with the reason, never the number.
    flow = visitor.locator("#public-flow-caption").locator("xpath=..")
    expect(flow).to_contain_text("färre än 5")
    check_structure(visitor)
    axe(visitor, "public-page-sv")

    visitor.locator("a[hreflang=en]").click()
    expect(visitor).to_have_url(f"{live_server.url}/en/public/projects/{project.pk}/")
    expect(visitor.locator("h1")).to_have_text("Jobs for All")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    # The Swedish title beside it and the organisation names are marked as Swedish.
    expect(visitor.locator("p.lead[lang=sv]")).to_have_text("Jobb för alla")
    expect(visitor.locator("ul[lang=sv]")).to_contain_text("Försäkringskassan")
    expect(visitor.locator("#public-flow-caption").locator("xpath=..")).to_contain_text(
        "fewer than 5"
    )
    check_structure(visitor)
    axe(visitor, "public-page-en")

    visitor.goto("/public/projects/")
    expect(visitor.locator(f"a[href='/public/projects/{project.pk}/']")).to_be_visible()
    check_structure(visitor)
    axe(visitor, "public-index-sv")

    # Withdrawn: the address is "not found" for the visitor.
    page.click("button[value=withdraw]")
    expect(page.locator("button[value=publish]")).to_be_visible()
    response = visitor.goto(public_url)
    assert response.status == 404
    anonymous.close()

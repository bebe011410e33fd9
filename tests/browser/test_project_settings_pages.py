"""Project settings in the browser, as a project manager: from the project menu to the staff,
partners, areas and target groups; a new user is created and sets their own password through
the link shown once; a form with errors. axe on every settings page (lists, forms, forms with
errors, the confirmation pages, the password link and the page where the new user chooses a
password)."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Area, Membership, Municipality, ProjectPartner, Role, TargetGroup
from tests.factories import EnrolmentFactory, MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    owner = OrganisationFactory(name="Malmö stad")
    agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
    project = ProjectFactory(title="Framtid i Fokus", owner=owner)
    ProjectPartner.objects.create(
        project=project, organisation=agency, is_partner=True, is_co_financier=True, amount=50000
    )
    malmo = Municipality.objects.get(name="Malmö")
    area = Area.objects.create(name="Herrgården", municipality=malmo, district="Rosengård")
    project.areas.add(area)
    group = TargetGroup.objects.create(project=project, code="unga", name="Unga vuxna")
    EnrolmentFactory(project=project, area=area).target_groups.add(group)
    manager = MembershipFactory(
        user__username="manager", project=project, organisation=owner, role=Role.MANAGER
    )
    MembershipFactory(
        user__username="caseworker", project=project, organisation=agency, role=Role.CASE_WORKER
    )
    return {"project": project, "area": area, "group": group, "manager": manager}


def test_manager_keeps_the_project_settings(page, login, axe, world):
    project = world["project"]
    base = f"/en/projects/{project.pk}/settings"
    login("manager", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/")
    page.get_by_role("navigation", name="Project menu").get_by_role(
        "link", name="Project settings"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Project settings")
    axe(page, "settings-index-en")

    # Staff: the list, adding an unknown user (errors), creating a new user.
    page.get_by_role("link", name="Staff").first.click()
    expect(page.get_by_role("rowheader", name=re.compile("caseworker|Test User"))).to_have_count(2)
    axe(page, "settings-staff-en")
    page.get_by_role("link", name="Add an existing user").click()
    axe(page, "settings-staff-add-en")
    page.locator("#id_user").fill("nobody")
    page.locator("#id_organisation").select_option(label="Arbetsförmedlingen")
    page.locator("#id_role").select_option("case_worker")
    page.get_by_role("button", name="Add to the project").click()
    expect(page.locator(".error-summary")).to_contain_text("No user has this user name")
    axe(page, "settings-staff-add-errors-en")

    page.goto(f"{base}/staff/new-user/")
    axe(page, "settings-staff-new-user-en")
    page.locator("#id_username").fill("leyla")
    page.locator("#id_first_name").fill("Leyla")
    page.locator("#id_last_name").fill("Berg")
    page.locator("#id_email").fill("leyla@example.se")
    page.locator("#id_organisation").select_option(label="Malmö stad")
    page.locator("#id_role").select_option("case_worker")
    page.get_by_role("button", name="Create the user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The user is created")
    axe(page, "settings-staff-created-en")
    link = page.locator("#password-link").input_value()
    leyla = Membership.objects.get(project=project, user__username="leyla")
    page.goto(f"{base}/staff/")
    new_link = page.get_by_role("link", name=re.compile(r"New password link\W+Leyla Berg"))
    expect(new_link).to_be_visible()
    new_link.click()
    axe(page, "settings-staff-password-link-en")
    assert page.url.endswith(f"/staff/{leyla.pk}/password-link/")

    page.goto(f"{base}/staff/{world['manager'].pk}/remove/")
    expect(page.locator(".notice")).to_contain_text("only project manager")
    axe(page, "settings-staff-remove-last-manager-en")
    page.goto(f"{base}/staff/{world['manager'].pk}/")
    axe(page, "settings-staff-edit-en")

    # Partners: the list, a new organisation with a wrong organisation number.
    page.goto(f"{base}/partners/")
    expect(page.get_by_role("rowheader", name="Arbetsförmedlingen")).to_be_visible()
    axe(page, "settings-partners-en")
    page.get_by_role("link", name="Add a partner").click()
    axe(page, "settings-partner-add-en")
    page.locator("#id_new-name").fill("Föreningen Vägen")
    page.locator("#id_new-kind").select_option("civil_society")
    page.locator("#id_new-organisation_number").fill("802001-6170")
    page.locator("#id_is_partner").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_contain_text("check digit")
    axe(page, "settings-partner-add-errors-en")
    page.locator("#id_new-organisation_number").fill("802001-6179")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name="Föreningen Vägen")).to_be_visible()
    partner = ProjectPartner.objects.get(project=project, organisation__name="Föreningen Vägen")
    page.goto(f"{base}/partners/{partner.pk}/")
    axe(page, "settings-partner-edit-en")
    page.goto(f"{base}/partners/{partner.pk}/remove/")
    axe(page, "settings-partner-remove-en")

    # Areas and target groups: lists, forms, and removals refused while enrolments use them.
    page.goto(f"{base}/areas/")
    expect(page.get_by_role("rowheader", name="Herrgården")).to_be_visible()
    axe(page, "settings-areas-en")
    page.get_by_role("link", name="Add an area").click()
    axe(page, "settings-area-add-en")
    page.goto(f"{base}/areas/{world['area'].pk}/remove/")
    expect(page.locator(".notice")).to_contain_text("1 enrolment in this project")
    axe(page, "settings-area-remove-en")
    page.goto(f"{base}/target-groups/")
    axe(page, "settings-target-groups-en")
    page.get_by_role("link", name="Add a target group").click()
    page.locator("#id_code").fill("with spaces")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page, "settings-target-group-add-errors-en")
    page.goto(f"{base}/target-groups/{world['group'].pk}/remove/")
    expect(page.locator(".notice")).to_contain_text("1 enrolment is registered")
    axe(page, "settings-target-group-remove-en")

    # The new user sets their own password with the link, in another browser session.
    context = page.context.browser.new_context(base_url=page.url.split("/en/")[0])
    newcomer = context.new_page()
    newcomer.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Choose your password")
    axe(newcomer, "set-password-en")
    newcomer.locator("#id_new_password1").fill("Vår-Sommar-2010!")
    newcomer.locator("#id_new_password2").fill("Vår-Sommar-2010!")
    newcomer.get_by_role("button", name="Save the password").click()
    newcomer.get_by_label("User name").fill("leyla")
    newcomer.get_by_label("Password").fill("Vår-Sommar-2010!")
    newcomer.get_by_role("button", name="Log in").click()
    expect(newcomer.get_by_role("link", name="Framtid i Fokus").first).to_be_visible()
    context.close()

"""Rights and retention in the browser: the manager opens a participant's register extract and
downloads its PDF, erases the person in two steps, and sets the project's retention period —
with axe on every page of the way."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import Role
from participants.models import Participant
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-15"
    # The purpose question before a person outside one's caseload is core/purpose.py's test.
    settings.PURPOSE_PROMPT = False
    municipality = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(title="Framtid i Fokus", owner=municipality)
    MembershipFactory(
        user__username="maja",
        user__first_name="Maja",
        user__last_name="Chef",
        project=project,
        organisation=municipality,
        role=Role.MANAGER,
    )
    person = ParticipantFactory(given_name="Leyla", family_name="Ahmadi")
    ConsentFactory(participant=person, project=project, organisations=[municipality])
    enrolment = EnrolmentFactory(
        participant=person, project=project, referred_on=dt.date(2009, 2, 1)
    )
    return {"project": project, "enrolment": enrolment, "person": person}


def test_the_manager_makes_an_extract_and_erases_the_person(page, login, axe, world):
    project, enrolment = world["project"], world["enrolment"]
    login("maja", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/enrolments/{enrolment.pk}/")
    page.get_by_role("link", name="Register extract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register extract for Leyla Ahmadi")
    axe(page, "register-extract")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"/en/projects/{project.pk}/enrolments/{enrolment.pk}/")
    page.get_by_role("link", name="Erase personal data").click()
    axe(page, "erase-step-1")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_visible()  # no reason chosen
    axe(page, "erase-step-1-error")
    page.get_by_label("The person asked to be erased").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Confirm the erasure")).to_be_visible()
    axe(page, "erase-step-2")
    assert Participant.objects.get(pk=world["person"].pk).family_name == "Ahmadi"
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_text("The person's personal data is erased.")).to_be_visible()
    person = Participant.objects.get(pk=world["person"].pk)
    assert person.is_anonymous and person.family_name == ""


def test_the_manager_sets_the_retention_period(page, login, axe, world):
    project = world["project"]
    login("maja", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/settings/")
    page.get_by_role("link", name="Retention of personal data").click()
    axe(page, "retention")
    page.get_by_label("Retention after the project ends (months)").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The retention period is saved.")).to_be_visible()
    expect(page.locator("p.lead")).to_contain_text("2012-06-30")
    axe(page, "retention-saved")

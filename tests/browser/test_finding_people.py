"""Finding people and work as a case worker would: the case list's name search (and the message
for a search too short), the search by personnummer (posted, never in the address) that opens the
participant's page, and the follow-up worklist's horizons, where a new day-90 follow-up is
visible at once and links to its form. axe runs on each page state."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from enrolments.models import Status
from tests.factories import ConsentFactory, EnrolmentFactory, ParticipantFactory
from tests.factories import demo_identity_number as identity_number
from tests.test_participant_page import exit_enrolment, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    world = make_world(settings)
    for n, (given, family) in enumerate([("Omar", "Berg"), ("Åsa", "Öberg"), ("Dan", "Dahl")]):
        person = ParticipantFactory(
            given_name=given, family_name=family, identity=identity_number(dt.date(1990, 1, n + 2))
        )
        ConsentFactory(participant=person, project=world.project, organisations=[world.org_a])
        EnrolmentFactory(
            participant=person,
            project=world.project,
            case_worker=world.manager.user if family == "Dahl" else world.case_worker.user,
            status=Status.PAUSED,
        )
    return world


def test_finding_people_by_name_and_number(page, login, axe, world):
    project = world.project.pk
    login("amira", prefix="/en")
    page.goto(f"/en/projects/{project}/enrolments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")

    # A search too short: a message at the field, the list as it was.
    page.get_by_role("searchbox", name=re.compile("^Name")).fill("b")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#id_q_error")).to_contain_text("at least two letters")
    expect(page.get_by_role("link", name="Omar Berg")).to_be_visible()
    axe(page, "case-list-short-search-en")

    # By name, among everyone the case worker may see (a colleague's participant too).
    page.get_by_role("searchbox", name=re.compile("^Name")).fill("BERG")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=BERG"))
    expect(page.get_by_role("link", name="Omar Berg")).to_be_visible()
    expect(page.get_by_role("link", name="Åsa Öberg")).to_be_visible()
    expect(page.get_by_role("link", name="Leyla Ahmadi")).to_have_count(0)
    expect(page.locator("#search-summary")).to_contain_text("2 enrolments")
    axe(page, "case-list-name-search-en")
    page.get_by_role("searchbox", name=re.compile("^Name")).fill("dahl")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Dan Dahl")).to_be_visible()

    # An invalid number: a field error; a valid one opens the participant's page, and the
    # number is never in the address.
    number = page.get_by_label(re.compile("^Personnummer or samordningsnummer"))
    number.fill("19850309-0000")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#id_identity_number_error")).to_be_visible()
    axe(page, "case-list-identity-error-en")
    digits = world.person.identity_number().digits
    page.get_by_label(re.compile("^Personnummer or samordningsnummer")).fill(digits)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leyla Ahmadi")
    assert digits[:8] not in page.url and digits[8:] not in page.url


def test_the_worklist_shows_every_horizon(page, login, axe, world):
    project = world.project.pk
    exit_enrolment(world.enrolment, on=dt.date(2010, 1, 1))  # today on the test clock
    login("amira", prefix="/en")
    page.goto(f"/en/projects/{project}/follow-ups/")
    later = page.locator("section", has=page.locator("#later-heading"))
    expect(page.locator("#later-heading")).to_contain_text("(2)")
    expect(page.locator("#soon-heading")).to_contain_text("(0)")
    expect(later.get_by_role("link", name="Leyla Ahmadi", exact=True)).to_have_count(2)
    axe(page, "worklist-horizons-en")
    later.get_by_role("link", name=re.compile("Record the follow-up at day 90")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("90")
    axe(page, "record-follow-up-early-en")

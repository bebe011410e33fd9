"""Issue 11, items 3 and 4 in a browser: a case worker records an exit and finds the placement
ended and "Re-enrol" offered instead of placing or changing the status; a manager extends the
project's period with a reason and sees the change on the overview. axe on every page."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.models import ProjectPeriodChange
from interventions.models import Participation
from tests.factories import InterventionFactory, ParticipationFactory
from tests.test_participant_page import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    world = make_world(settings)  # today 2010-01-01, project 2009-01-01 – 2011-12-31
    group = InterventionFactory(
        project=world.project, name="Svenska i vardagen", provider=world.provider.organisation
    )
    world.participation = ParticipationFactory(
        intervention=group,
        enrolment=world.enrolment,
        started_on=dt.date(2009, 3, 1),
        attended_hours=Decimal("12.5"),
    )
    return world


def test_an_exit_ends_the_placement_and_the_page_offers_re_enrol(page, login, axe, world):
    project, enrolment = world.project.pk, world.enrolment.pk
    login("amira", prefix="/en")
    page.goto(f"/en/projects/{project}/enrolments/{enrolment}/")
    actions = page.locator("section[aria-labelledby=actions-heading]")
    expect(actions.get_by_role("link", name="Place in an intervention")).to_be_visible()

    actions.get_by_role("link", name="Record the exit").click()
    page.locator("#id_exited_on").fill("2009-12-01")
    page.locator("#id_exit_reason").select_option("completed")
    page.locator("#id_exit_status").select_option("employed_full_time")
    page.locator("#id_exit_income_source").select_option("salary")
    page.get_by_role("button", name="Record the exit").click()

    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment}/$"))
    actions = page.locator("section[aria-labelledby=actions-heading]")
    expect(actions.get_by_role("link", name="Place in an intervention")).to_have_count(0)
    expect(actions.get_by_role("link", name="Change the status")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("Ended at exit")
    axe(page, "participant-page-after-exit-en")
    participation = Participation.objects.get(pk=world.participation.pk)
    assert participation.completion == "ended" and participation.attended_hours == Decimal("12.5")

    actions.get_by_role("link", name="Re-enrol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol a registered participant")
    axe(page, "re-enrol-en")


def test_the_manager_extends_the_period_with_a_reason(page, login, axe, world):
    project = world.project.pk
    login(world.manager.user.username, prefix="/en")
    page.goto(f"/en/projects/{project}/")
    page.get_by_role("link", name="Change the period").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The project's period")
    axe(page, "project-period-en")

    # Without a reason: the error summary names the field, nothing changes.
    page.locator("#id_ends_on").fill("2012-06-30")
    page.get_by_role("button", name="Change the period").click()
    expect(page.locator(".error-summary")).to_contain_text("Reason")
    axe(page, "project-period-error-en")
    assert not ProjectPeriodChange.objects.exists()

    page.locator("#id_reason").fill("The ESF Council extended the project by six months.")
    page.get_by_role("button", name="Change the period").click()
    expect(page).to_have_url(re.compile(rf"/en/projects/{project}/$"))
    history = page.locator("section[aria-labelledby=period-changes-heading]")
    expect(history).to_contain_text("2009-01-01–2012-06-30")
    expect(history).to_contain_text("extended the project by six months")
    axe(page, "project-overview-period-changes-en")

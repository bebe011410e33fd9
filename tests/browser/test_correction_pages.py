"""Corrections with history in the browser (issue 11, "Done when"): a case worker corrects a
participant's gender and a recorded follow-up — first forgetting the reason, which is refused
on the field — and the goals (after the summary refresh; the test runs jobs at once) and the
participant's history show both, with axe checking every page on the way. Also: the provider
corrects an attendance recording from the attendance page."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.models import Organisation, Role
from enrolments import services
from enrolments.models import FollowUp, OutcomeStatus
from goals import services as goal_services
from interventions import services as intervention_services
from participants.models import Correction
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ParticipationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-15"
    municipality = OrganisationFactory(name="Malmö stad")
    employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
    project = ProjectFactory(title="Framtid i Fokus", owner=municipality, follow_up_days=[90])
    case_worker = MembershipFactory(
        user__username="amira",
        user__first_name="Amira",
        user__last_name="Haddad",
        project=project,
        organisation=municipality,
        role=Role.CASE_WORKER,
    )
    MembershipFactory(
        user__username="johan", project=project, organisation=employer, role=Role.PROVIDER
    )
    person = ParticipantFactory(given_name="Leyla", family_name="Ahmadi")
    ConsentFactory(participant=person, project=project, organisations=[municipality])
    enrolment = EnrolmentFactory(participant=person, project=project, case_worker=case_worker.user)
    internship = InterventionFactory(project=project, provider=employer, name="Praktik bygg")
    participation = ParticipationFactory(enrolment=enrolment, intervention=internship)
    intervention_services.record_hours(
        by=case_worker.user, participation=participation, held_on=dt.date(2009, 3, 2), hours=6
    )
    services.exit_enrolment(
        enrolment=enrolment,
        by=case_worker.user,
        exited_on=dt.date(2009, 9, 1),
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
        exit_income_source="social_assistance",
    )
    services.record_follow_up(
        follow_up=FollowUp.objects.get(enrolment=enrolment),
        by=case_worker.user,
        reached=True,
        status=OutcomeStatus.JOB_SEEKING,
        income_source="social_assistance",
        source="participant",
        recorded_on=dt.date(2009, 12, 1),
    )
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.5},
        by=case_worker.user,
    )
    return {"project": project, "enrolment": enrolment, "participation": participation}


def work_at_90(page, project):
    response = page.request.get(f"/en/projects/{project.pk}/goals/goals.json")
    assert response.ok
    return next(goal for goal in response.json() if goal["key"] == "work-at-90")


def test_a_case_worker_corrects_gender_and_a_follow_up(page, login, axe, world):
    project, enrolment = world["project"], world["enrolment"]
    login("amira", prefix="/en")
    before = work_at_90(page, project)
    assert (before["numerator"], before["denominator"]) == (0, 1)
    assert before["breakdown"]["gender"]["woman"]["denominator"] == 1

    page.goto(f"/en/projects/{project.pk}/enrolments/{enrolment.pk}/")
    axe(page, "participant-before-corrections")
    page.get_by_role("link", name="Correct the person's details").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the person's details")
    expect(page.get_by_label("Gender")).to_have_value("woman")
    axe(page, "correct-person")
    # WCAG 1.4.10: at 320 CSS px the form does not scroll sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Gender").select_option("man")
    page.get_by_role("button", name="Save the correction").click()
    # No reason: refused, named on the field, nothing saved.
    expect(page.locator(".error-summary")).to_contain_text("Say why the record is corrected.")
    axe(page, "correct-person-error")
    assert not Correction.objects.exists()
    page.get_by_label("Why is it corrected?").fill("Fel kön registrerat vid inskrivningen")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leyla Ahmadi")

    page.get_by_role("link", name="Correct the follow-up at day 90").click()
    expect(page.get_by_label("Status", exact=True)).to_have_value(OutcomeStatus.JOB_SEEKING)
    axe(page, "correct-follow-up")
    page.get_by_label("Status", exact=True).select_option(OutcomeStatus.EMPLOYED_FULL_TIME)
    page.get_by_label("Source of the information").select_option("employer")
    page.get_by_label("Why is it corrected?").fill("Arbetsgivaren bekräftade anställningen")
    page.get_by_role("button", name="Save the correction").click()

    history = page.locator("section", has=page.locator("#corrections"))
    expect(history).to_contain_text("Fel kön registrerat vid inskrivningen")
    expect(history).to_contain_text("Arbetsgivaren bekräftade anställningen")
    expect(history).to_contain_text("Follow-up at day 90")
    expect(history.get_by_role("row", name="Gender")).to_contain_text("Woman")
    expect(history.get_by_role("row", name="Gender")).to_contain_text("Man")
    expect(history.get_by_role("row", name="Status")).to_contain_text("Job seeking")
    expect(history.get_by_role("row", name="Status")).to_contain_text(
        "Employed full-time, unsubsidised"
    )
    expect(history).to_contain_text("Amira Haddad")
    axe(page, "participant-corrections")
    # At 320 CSS px the page with its history does not scroll sideways (tables scroll inside
    # their own focusable containers).
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})

    # The goals: the summary went stale with each correction and is computed again.
    after = work_at_90(page, project)
    assert (after["numerator"], after["denominator"]) == (1, 1)
    assert after["breakdown"]["gender"]["man"]["numerator"] == 1
    assert "woman" not in after["breakdown"]["gender"] or (
        after["breakdown"]["gender"]["woman"]["denominator"] == 0
    )
    page.goto(f"/en/projects/{project.pk}/goals/")
    expect(page.get_by_text("In work after 90 days").first).to_be_visible()
    axe(page, "goals-after-corrections")


def test_a_provider_corrects_an_attendance_recording(page, login, axe, world):
    project, participation = world["project"], world["participation"]
    login("johan", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/interventions/{participation.intervention_id}/")
    page.get_by_role("link", name="Recordings of Leyla Ahmadi, to correct").click()
    axe(page, "attendance-recordings")
    page.get_by_role("link", name="Correct the recording of 2009-03-02").click()
    expect(page.get_by_label("Hours attended")).to_have_value("6.0")
    page.get_by_label("Hours attended").fill("4")
    page.get_by_label("Why is it corrected?").fill("Gick hem efter lunch")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("status").or_(page.locator(".messages")).first).to_be_visible()
    axe(page, "attendance-recordings-after")
    participation.refresh_from_db()
    assert participation.attended_hours == Decimal(4)
    assert Correction.objects.get().changes == [{"field": "hours", "old": "6", "new": "4"}]

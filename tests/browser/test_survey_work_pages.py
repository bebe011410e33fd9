"""A case worker's survey work in the browser (Swedish): the Surveys page lists the exit survey
due and not sent; the case worker sends the link as an SMS text in Arabic (the text to copy names
only the first name and carries the participant's Arabic link), types in another participant's
paper answers, and sees them on that participant's Surveys page. The steering group reads the
response on the Goals page. axe on every page of the way."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import Status
from surveys import distribution
from surveys.models import Invitation, Source, SurveyAnswer
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    ParticipantFactory,
    ProjectFactory,
)
from tests.survey_fixtures import published_questionnaire

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-06-15"
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90])
    worker = MembershipFactory(user__username="caseworker", project=project, role=Role.CASE_WORKER)
    MembershipFactory(user__username="steering", project=project, role=Role.STEERING)
    questionnaire = published_questionnaire(project, languages=("sv", "ar", "so"))
    Invitation.objects.all().delete()
    questionnaire.published_at = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    questionnaire.save(update_fields=["published_at"])
    people = {}
    for given, family in [("Amina", "Hassan"), ("Yusuf", "Warsame")]:
        person = ParticipantFactory(given_name=given, family_name=family)
        ConsentFactory(participant=person, project=project, organisations=[worker.organisation])
        people[given] = EnrolmentFactory(
            project=project,
            participant=person,
            case_worker=worker.user,
            status=Status.EXITED,
            exited_on=dt.date(2010, 6, 1),
            exit_reason="completed",
            exit_status="job_seeking",
        )
    distribution.create_due(project_ids=[project.pk])
    return project, people, questionnaire


def test_a_case_worker_sends_a_link_and_types_in_paper_answers(page, login, axe, world):
    project, people, questionnaire = world
    login("caseworker")
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Enkäter", exact=True).click()
    expect(
        page.get_by_role("heading", name="Länkar att skicka till mina deltagare")
    ).to_be_visible()
    axe(page, "surveys-work-list-sv")

    # The SMS text in Arabic.
    page.get_by_role("link", name="Amina Hassan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amina")
    axe(page, "survey-send-sv")
    page.get_by_label("Sms").check()
    page.get_by_label("Frågeformulärets språk").select_option("ar")
    page.get_by_role("button", name="Skicka", exact=True).click()
    sms = page.locator("#sms-text")
    expect(sms).to_be_visible()
    text = sms.input_value()
    assert "Amina" in text and "Hassan" not in text
    assert re.search(r"/s/ar/[^ ]+/", text)
    axe(page, "survey-sms-sv")
    invitation = Invitation.objects.get(enrolment=people["Amina"], occasion="exit")
    assert invitation.channel == "sms" and invitation.language == "ar"

    # Yusuf's answers from a paper form.
    page.goto(f"/projects/{project.pk}/surveys/participants/{people['Yusuf'].pk}/")
    axe(page, "survey-participant-sv")
    page.get_by_role("link", name=re.compile("Skriv in svar från papper")).click()
    axe(page, "survey-type-in-sv")
    page.get_by_label("Pappersblankett, inskriven").check()
    page.get_by_label("Besvarad den").fill("2010-06-10")
    job, network, _free = questionnaire.ordered_questions()
    page.locator(f"input[name='q{job.pk}'][value='4']").check()
    page.get_by_role("button", name="Spara svaren").click()
    expect(page.get_by_text("Svaren är sparade.")).to_be_visible()
    axe(page, "survey-participant-answered-sv")
    answer = SurveyAnswer.objects.get(enrolment=people["Yusuf"])
    assert (answer.question_id, answer.value, answer.source) == (job.pk, 4, Source.PAPER)


def test_the_steering_group_reads_the_response_on_the_goals_page(page, login, axe, world):
    project, _people, _questionnaire = world
    login("steering")
    page.goto(f"/projects/{project.pk}/goals/")
    expect(page.get_by_role("heading", name="Enkätsvar")).to_be_visible()
    axe(page, "goals-survey-response-sv")
    page.goto(f"/projects/{project.pk}/surveys/")
    axe(page, "surveys-aggregate-sv")

"""The participant's answer page in the browser, on a phone-sized screen (360×740): two
participants answer with the keyboard only (Tab, arrow keys, Space, Enter), one in Arabic (right
to left, Arabic-Indic digits), saving to continue later and coming back through the same link,
one in Somali. Nothing scrolls sideways; axe finds nothing on the answer page, the thanks page
and an expired link's page in both languages. Then the project's goal of seed 001's kind (the
share answering job_chances 4–5 at exit) counts the new answers."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from enrolments.models import ExitReason, OutcomeStatus, Status
from goals.engine import evaluate_project
from goals.services import create_goal
from surveys import links
from surveys.catalogue import PAGE_TEXT
from surveys.models import Source, SurveyAnswer
from tests.factories import EnrolmentFactory, ParticipantFactory, ProjectFactory
from tests.survey_fixtures import published_questionnaire, sent_invitation

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 360, 740
TODAY = "2010-06-01"


def completer(project, given_name):
    return EnrolmentFactory(
        project=project,
        participant=ParticipantFactory(given_name=given_name),
        status=Status.EXITED,
        exited_on=dt.date(2010, 5, 20),
        exit_reason=ExitReason.COMPLETED,
        exit_status=OutcomeStatus.JOB_SEEKING,
    )


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = TODAY
    project = ProjectFactory(title="Framtid i Fokus")
    questionnaire = published_questionnaire(project, languages=("sv", "en", "ar", "so"))
    # Seed 001's kind of goal: the share of completers answering job_chances 4 or 5 at exit.
    create_goal(
        project=project,
        key="job-chances",
        title="Minst 70 % upplever ökade möjligheter till jobb",
        template="survey_share",
        parameters={"question": "job_chances", "occasion": "exit", "target": 0.7},
        by=None,
    )
    arabic = sent_invitation(completer(project, "Amina"), questionnaire, language="ar")
    somali = sent_invitation(completer(project, "Cabdi"), questionnaire, language="so")
    # A link sent two months ago and valid 30 days (its participant has not left yet).
    settings.FOLJSAM_TODAY = "2010-04-01"
    expired = sent_invitation(EnrolmentFactory(project=project), questionnaire)
    settings.FOLJSAM_TODAY = TODAY
    job, network, free = questionnaire.ordered_questions()
    return {
        "project": project,
        "arabic": arabic,
        "somali": somali,
        "expired": expired,
        "job": f"q{job.pk}",
        "network": f"q{network.pk}",
        "free": f"q{free.pk}",
    }


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide at {WIDTH} px"


def tab_to(page, selector, limit=40):
    """Press Tab until the focus is on `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, name, value):
    """Tab into the radio group, Space on its first answer, arrow down to `value`."""
    tab_to(page, f"input[name={name}]")
    page.keyboard.press("Space")
    for _ in range(value - 1):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name={name}][value='{value}']")).to_be_checked()


def text(key, language):
    return PAGE_TEXT[key][language]


def test_answering_in_arabic_and_somali_with_the_keyboard_on_a_phone(phone, axe, world):
    page = phone
    before = evaluate_project(world["project"])[0]
    assert (before.numerator, before.denominator, before.missing) == (0, 2, 2)

    # Arabic: right to left, Arabic-Indic digits; answer two questions, save for later.
    link = links.path_for(world["arabic"], "ar")
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator(".survey-progress").first).to_have_text("السؤال ١ من ٣")
    first_option = page.locator(f"label[for={world['job']}-1]")
    expect(first_option).to_contain_text("١ – ")
    # Mirrored: the radio button is on the right of its label's text.
    radio = page.locator(f"#{world['job']}-1").bounding_box()
    words = first_option.locator(".survey-choice-text").bounding_box()
    assert radio["x"] > words["x"]
    no_sideways_scroll(page)
    axe(page, "survey-link-answer-ar")

    choose(page, world["job"], 5)
    choose(page, world["network"], 3)
    tab_to(page, "button[value=save]")
    page.keyboard.press("Enter")
    expect(page.locator(".survey-saved")).to_have_text(text("saved", "ar"))
    assert not SurveyAnswer.objects.exists()

    # Back later through the same link: the answers are there; finish and send.
    page.goto("about:blank")
    page.goto(link)
    expect(page.locator(f"input[name={world['job']}][value='5']")).to_be_checked()
    expect(page.locator(f"input[name={world['network']}][value='3']")).to_be_checked()
    tab_to(page, f"textarea#{world['free']}")
    page.keyboard.type("كان التدريب مفيدًا جدًا")
    tab_to(page, "button[value=send]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(text("thanks_title", "ar"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    no_sideways_scroll(page)
    axe(page, "survey-link-thanks-ar")

    # Somali: left to right, Latin digits; straight through, sent with Enter on the button.
    page.goto(links.path_for(world["somali"], "so"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".survey-progress").first).to_have_text("Su'aal 1 ka mid ah 3")
    radio = page.locator(f"#{world['job']}-1").bounding_box()
    words = page.locator(f"label[for={world['job']}-1] .survey-choice-text").bounding_box()
    assert radio["x"] < words["x"]
    no_sideways_scroll(page)
    axe(page, "survey-link-answer-so")
    choose(page, world["job"], 2)
    tab_to(page, "button[value=send]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(text("thanks_title", "so"))
    no_sideways_scroll(page)
    axe(page, "survey-link-thanks-so")

    answers = {
        (a.enrolment_id, a.question.key): (a.value, a.text)
        for a in SurveyAnswer.objects.select_related("question")
    }
    amina, cabdi = world["arabic"].enrolment_id, world["somali"].enrolment_id
    assert answers == {
        (amina, "job_chances"): (5, ""),
        (amina, "network"): (3, ""),
        (amina, "free_text"): (None, "كان التدريب مفيدًا جدًا"),
        (cabdi, "job_chances"): (2, ""),
    }
    assert set(SurveyAnswer.objects.values_list("source", flat=True)) == {Source.LINK}

    # The goal counts them: Amina's 5 meets "4 or 5", Cabdi's 2 does not; no one is missing.
    after = evaluate_project(world["project"])[0]
    assert (after.numerator, after.denominator, after.missing) == (1, 2, 0)
    assert after.value == pytest.approx(0.5)

    # The Arabic link again: used.
    response = page.goto(link)
    assert response.status == 410
    expect(page.locator("h1")).to_have_text(text("used_title", "ar"))


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("so", "ltr")])
def test_an_expired_link_in_both_languages(phone, axe, world, language, direction):
    page = phone
    response = page.goto(links.path_for(world["expired"], language))
    assert response.status == 410
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("h1")).to_have_text(text("expired_title", language))
    expect(page.locator("main p")).to_have_text(text("expired", language))
    expect(page.locator("form, nav, input")).to_have_count(0)
    no_sideways_scroll(page)
    axe(page, f"survey-link-expired-{language}")

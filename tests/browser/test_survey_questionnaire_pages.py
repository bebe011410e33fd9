"""The questionnaire pages in the browser, as a project manager (in English): from the Surveys
page a questionnaire is made from the templates, a question of one's own is added and
translated into Arabic on the side-by-side translate page (its inputs right to left, marked
Arabic), and it is published — refused while the English translation is missing, then with the
confirmation. axe on the list, the new questionnaire form, the questionnaire page, the questions
and question pages, the translate page and the publish page (also with its error)."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from surveys.models import Questionnaire
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

ARABIC_TEXT = "هل تشعر بالراحة في المجموعة؟"
ARABIC_LABELS = ["لا على الإطلاق", "قليلًا", "إلى حد ما", "كثيرًا", "كثيرًا جدًا"]


@pytest.fixture
def project(settings):
    settings.FOLJSAM_TODAY = "2010-03-01"
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90, 180])
    MembershipFactory(user__username="manager", project=project, role=Role.MANAGER)
    return project


def test_manager_makes_translates_and_publishes_a_questionnaire(page, login, axe, project):
    login("manager", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/surveys/")
    expect(page.get_by_role("heading", name="Questionnaires")).to_be_visible()
    axe(page, "questionnaire-list-empty-en")

    # From the templates: they are listed by their text.
    page.get_by_role("link", name="New questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New questionnaire")
    axe(page, "questionnaire-new-en")
    page.get_by_label("Title").fill("Utvärdering vid avslut")
    page.get_by_label(re.compile("anything more you would like to tell us")).uncheck()
    page.get_by_label(re.compile("^Arabic")).check()
    page.get_by_label(re.compile("^English")).check()
    page.get_by_label("At follow-up").select_option(label="Day 90 after exit")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utvärdering vid avslut")
    expect(page.locator(".facts")).to_contain_text("Draft")
    axe(page, "questionnaire-draft-en")

    # A question of one's own.
    page.get_by_role("link", name="Edit the questions").click()
    axe(page, "questionnaire-questions-en")
    page.get_by_role("link", name="Write a question of your own").click()
    axe(page, "questionnaire-question-new-en")
    page.get_by_label("The question in Swedish").fill("Trivs du i gruppen?")
    for number, label in enumerate(["Inte alls", "Lite", "Ganska", "Mycket", "Helt"], start=1):
        page.locator(f"#id_label_{number}").fill(label)
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("rowheader", name="Trivs du i gruppen?")).to_be_visible()

    # Translate it into Arabic, beside the Swedish.
    page.get_by_role("link", name=re.compile("^Utvärdering vid avslut, version 1")).click()
    expect(page.get_by_role("row", name=re.compile("^Arabic"))).to_contain_text(
        "Missing in 1 of 5 questions"
    )
    page.get_by_role("link", name=re.compile(r"^Translate\W+Arabic")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utvärdering vid avslut in Arabic")
    question = Questionnaire.objects.get().ordered_questions()[-1]  # the own question
    text = page.locator(f"#id_q{question.pk}_text")
    expect(text).to_have_attribute("dir", "rtl")
    expect(text).to_have_attribute("lang", "ar")
    expect(page.get_by_role("table", name=re.compile("^Question 5"))).to_contain_text(
        "Missing: no translation yet"
    )
    axe(page, "questionnaire-translate-ar-en")
    text.fill(ARABIC_TEXT)
    for number, label in enumerate(ARABIC_LABELS, start=1):
        field = page.locator(f"#id_q{question.pk}_label_{number}")
        expect(field).to_have_attribute("dir", "rtl")
        expect(field).to_have_attribute("lang", "ar")
        field.fill(label)
    page.get_by_role("button", name="Save the Arabic texts").click()
    expect(page.locator(".messages")).to_contain_text("The Arabic texts of 1 question are saved.")
    expect(page.get_by_role("table", name=re.compile("^Question 5"))).to_contain_text("complete")
    question.refresh_from_db()
    assert question.texts["ar"] == ARABIC_TEXT

    # Publish: the English translation is missing, so the confirmation is needed.
    questionnaire = Questionnaire.objects.get()
    page.goto(f"/en/projects/{project.pk}/surveys/questionnaires/{questionnaire.pk}/")
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Trivs du i gruppen?")
    axe(page, "questionnaire-publish-en")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".error-summary")).to_contain_text("confirm that you publish anyway")
    axe(page, "questionnaire-publish-errors-en")
    page.get_by_label(re.compile("^Publish anyway")).check()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 is published.")
    expect(page.locator(".facts")).to_contain_text("Published")
    expect(page.get_by_role("link", name="New version")).to_be_visible()
    axe(page, "questionnaire-published-en")

    page.get_by_role("link", name="Surveys").first.click()
    expect(page.get_by_role("rowheader", name=re.compile("Utvärdering vid avslut"))).to_be_visible()
    axe(page, "questionnaire-list-en")

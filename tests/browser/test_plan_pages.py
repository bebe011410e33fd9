"""A case worker maps needs (by keyboard), writes a three-step plan, saves a second version,
reads the differences, records the agreement and opens the printable plan; axe on every page
type, in Swedish and English. Elements are found by id or css: Swedish labels are English
until the translator has run."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.models import ProjectPartner, Role
from plans import services
from plans.models import ActionPlan, Assessment
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    membership = MembershipFactory(
        user__username="coach",
        user__first_name="Amira",
        user__last_name="Haddad",
        role=Role.CASE_WORKER,
        organisation__name="Malmö stad",
        project__title="Framtid i Fokus",
        project__title_en="Future in Focus",
        project__contact_name="Mats Johansson",
        project__contact_phone="040-34 10 00",
    )
    project = membership.project
    agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
    ProjectPartner.objects.create(project=project, organisation=agency, is_partner=True)
    participant = ParticipantFactory(given_name="Amina", family_name="Yusuf")
    ConsentFactory(
        participant=participant, project=project, organisations=[membership.organisation]
    )
    enrolment = EnrolmentFactory(
        participant=participant, project=project, case_worker=membership.user
    )  # the coach's own caseload: no purpose question (core/purpose.py)
    intervention = InterventionFactory(project=project, name="Praktik på lagret")
    services.record_assessment(
        enrolment=enrolment,
        assessed_on=dt.date(2009, 6, 1),
        ratings={"language": (1, ""), "housing": (4, "")},
        by=membership.user,
    )
    return {
        "membership": membership,
        "project": project,
        "enrolment": enrolment,
        "agency": agency,
        "intervention": intervention,
        "base": f"/projects/{project.pk}/enrolments/{enrolment.pk}",
    }


def test_case_worker_maps_needs_writes_and_agrees_a_plan_and_prints_it(page, login, axe, world):
    base = world["base"]
    login("coach")

    # Needs mapping, by keyboard: arrow keys move within a radio group.
    page.goto(f"{base}/assessments/new/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("fieldset.domain")).to_have_count(11)
    axe(page, "plans-assessment-form-sv")
    page.locator("#id_rating_language_0").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_rating_language_3")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_note_language")).to_be_focused()
    page.keyboard.type("Läser SFI kurs C")
    page.locator("#id_rating_housing_0").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_rating_housing_2")).to_be_checked()
    page.locator("form.assessment-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/assessments/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2010-01-01")
    expect(page.locator("td.change-better")).to_contain_text("1")
    expect(page.locator("td.change-better")).to_contain_text("3")
    expect(page.locator("td.change-worse")).to_contain_text("4")
    assert Assessment.objects.count() == 2
    axe(page, "plans-assessment-detail-sv")

    # No plan yet: the plan page offers to write one.
    page.goto(f"{base}/plan/")
    axe(page, "plans-plan-empty-sv")
    page.locator(f'a[href="{base}/plan/edit/"]').first.click()
    expect(page.locator("fieldset.step")).to_have_count(3)
    axe(page, "plans-plan-edit-sv")
    page.locator("#id_goals").fill("Få ett arbete inom lager.\nLära mig svenska.")
    steps = [
        ("Börja SFI kurs C", "Malmö stad", "2010-02-01", ""),
        ("Praktik på lagret", "Arbetsförmedlingen", "2010-04-01", "Praktik på lagret"),
        ("Skriva CV", "Malmö stad", "", ""),
    ]
    for index, (description, organisation, due_on, intervention) in enumerate(steps):
        page.locator(f"#id_steps-{index}-description").fill(description)
        page.locator(f"#id_steps-{index}-responsible_organisation").select_option(
            label=organisation
        )
        page.locator(f"#id_steps-{index}-responsible_person").fill("Amira, coach")
        if due_on:
            page.locator(f"#id_steps-{index}-due_on").fill(due_on)
        if intervention:
            page.locator(f"#id_steps-{index}-intervention").select_option(label=intervention)
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/plan/$"))
    expect(page.locator("table.steps-table tbody tr")).to_have_count(3)
    expect(page.locator("#agreement-region")).to_be_visible()
    axe(page, "plans-plan-detail-sv")

    # A second version: the form starts from the first; add a step without saving first.
    page.locator(f'a[href="{base}/plan/edit/"]').first.click()
    expect(page.locator("#id_steps-0-description")).to_have_value("Börja SFI kurs C")
    expect(page.locator("#id_goals")).to_have_value("Få ett arbete inom lager.\nLära mig svenska.")
    page.locator("button[name=add_step]").click()
    expect(page.locator("fieldset.step")).to_have_count(5)
    expect(page.locator("#id_steps-4-description")).to_be_focused()
    page.locator("#id_steps-4-description").fill("Körkortsteori")
    page.locator("#id_steps-4-responsible_organisation").select_option(label="Arbetsförmedlingen")
    page.locator("#id_steps-0-status").select_option("done")
    page.locator("#id_steps-2-DELETE").check()
    page.locator("#id_goals").fill("Få ett arbete inom lager eller transport.\nLära mig svenska.")
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/plan/$"))
    assert list(ActionPlan.objects.values_list("version", flat=True)) == [2, 1]
    expect(page.locator("table.steps-table tbody tr")).to_have_count(3)

    # The differences between versions 1 and 2.
    page.locator(f'a[href="{base}/plan/2/"]').click()
    expect(page.locator(".diff ins")).to_contain_text("eller transport")
    expect(page.locator("table.steps-diff tr.step-added")).to_contain_text("Körkortsteori")
    expect(page.locator("table.steps-diff tr.step-removed")).to_contain_text("Skriva CV")
    expect(page.locator("table.steps-diff tr.step-changed")).to_contain_text("Börja SFI kurs C")
    axe(page, "plans-plan-version-sv")

    # The agreement, recorded through htmx on the plan page; the radio chosen by keyboard.
    page.goto(f"{base}/plan/")
    page.locator("#id_agreed_on").fill("2010-01-01")
    page.locator("#id_agreement_method_0").focus()
    page.keyboard.press("Space")
    page.locator(".agreement-form button[type=submit]").click()
    expect(page.locator("#agreement-region")).to_contain_text("2010-01-01")
    expect(page.locator(".agreement-form")).to_have_count(0)
    assert ActionPlan.objects.get(version=2).agreement_method == "signed"
    axe(page, "plans-plan-agreed-sv")

    # The printable plan in Swedish, then in English; the print stylesheet hides the chrome.
    page.locator('a[hreflang="sv"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("article.print-plan")).to_contain_text("Amina Yusuf")
    expect(page.locator("article.print-plan")).to_contain_text("Framtid i Fokus")
    axe(page, "plans-print-sv")
    page.goto(f"/en{base}/plan/2/print/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    print_plan = page.locator("article.print-plan")
    for words in ("Your goals", "What happens next", "Who helps you", "By when"):
        expect(print_plan).to_contain_text(words)
    expect(print_plan).to_contain_text("Future in Focus")
    expect(print_plan).to_contain_text("You agreed to this plan on 2010-01-01")
    axe(page, "plans-print-en")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    expect(print_plan).to_be_visible()


def test_english_pages_and_errors_pass_axe(page, login, axe, world):
    base = f"/en{world['base']}"
    login("coach", prefix="/en")
    page.goto(f"{base}/assessments/new/")
    page.locator("#id_assessed_on").fill("2010-02-01")  # in the future
    page.locator("form.assessment-form button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Assessed on")
    expect(summary).to_contain_text("Rating")
    axe(page, "plans-assessment-form-errors-en")
    assessment = Assessment.objects.get()
    page.goto(f"{base}/assessments/{assessment.pk}/")
    axe(page, "plans-assessment-detail-en")

    page.goto(f"{base}/plan/edit/")
    page.locator("#id_goals").fill("Get a job.")
    page.locator("#id_steps-0-description").fill("Start Swedish course")
    # A tampered organisation: one that is not in the project.
    outsider = OrganisationFactory(name="Utomstående AB")
    page.locator("#id_steps-0-responsible_organisation").evaluate(
        "(select, pk) => { select.add(new Option('x', pk)); select.value = pk; }", str(outsider.pk)
    )
    page.locator("button[name=save]").click()
    expect(page.locator(".error-summary")).to_contain_text("Step 1 – Responsible organisation")
    assert not ActionPlan.objects.exists()
    axe(page, "plans-plan-edit-errors-en")
    page.locator("#id_steps-0-responsible_organisation").select_option(label="Arbetsförmedlingen")
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/plan/$"))
    axe(page, "plans-plan-detail-en")
    page.goto(f"{base}/plan/1/")
    axe(page, "plans-plan-version-first-en")
    page.goto(f"{base}/plan/1/agreement/")
    page.locator("#id_agreed_on").fill("2010-01-05")
    page.locator("#id_agreement_method_1").check()
    page.locator(".agreement-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("Agreed with the participant on")
    axe(page, "plans-agreement-errors-en")

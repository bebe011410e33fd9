"""Intake in a browser: a case worker finds no one by the number, registers the person with
consent and enrols them; registers an anonymous participant; axe on every intake page type, in
Swedish and English, with and without errors shown."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.models import Area, Municipality, Organisation, ProjectPartner, Role, TargetGroup
from enrolments.models import Enrolment, Status
from participants.models import Consent, Participant
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "19830412-9896"  # the test series (födelsenummer 980–999), valid check digit
PARTICIPANT_PAGE = re.compile(r"/projects/\d+/enrolments/\d+/$")


@pytest.fixture
def intake_world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    municipality = OrganisationFactory(name="Malmö stad")
    employment = OrganisationFactory(
        name="Arbetsförmedlingen", kind=Organisation.Kind.EMPLOYMENT_SERVICE
    )
    project = ProjectFactory(title="Framtid i Fokus", owner=municipality)
    ProjectPartner.objects.create(project=project, organisation=employment, is_partner=True)
    group = TargetGroup.objects.create(project=project, code="ltu", name="Långtidsarbetslösa")
    area = Area.objects.create(
        name="Herrgården", municipality=Municipality.objects.get(name="Malmö")
    )
    project.areas.add(area)
    membership = MembershipFactory(
        project=project,
        organisation=municipality,
        role=Role.CASE_WORKER,
        user__username="amira",
        user__first_name="Amira",
        user__last_name="Haddad",
    )
    return membership, group, area, employment


def test_number_check_digit_is_valid():
    from participants.identity import parse_identity_number

    assert parse_identity_number(NUMBER).digits == NUMBER.replace("-", "")


def test_case_worker_registers_an_identified_participant_with_consent(
    page, login, axe, intake_world
):
    membership, group, area, employment = intake_world
    project = membership.project
    login("amira")
    page.goto(f"/projects/{project.pk}/participants/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera deltagare")
    axe(page, "intake-sv")

    # Find by number, by keyboard: type it and press Enter.
    page.locator("#id_identity_number").fill(NUMBER)
    page.locator("#id_identity_number").press("Enter")
    page.wait_for_load_state()
    result = page.locator("#result")
    expect(result).to_be_visible()
    assert NUMBER not in page.url and NUMBER.replace("-", "") not in page.url
    axe(page, "intake-not-found-sv")

    # Register a new participant: the number is carried over in the POST.
    result.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_identity_number")).to_have_value(NUMBER)
    expect(page.locator("#error-summary")).to_have_count(0)
    axe(page, "register-sv")

    # Submitting with the person's names missing shows the errors, linked to the fields.
    page.locator("form.intake-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_given_name"]')).to_be_visible()
    assert Participant.objects.count() == 0
    axe(page, "register-errors-sv")

    page.locator("#id_given_name").fill("Leyla")
    page.locator("#id_family_name").fill("Ahmadi")
    page.locator("#id_gender").select_option("woman")
    page.locator("#id_region_of_birth").select_option("outside_europe")
    page.locator("#id_arrival_year").fill("2005")
    page.locator("#id_education_level").select_option("upper_secondary")
    # Consent: own organisation is ticked already; add Arbetsförmedlingen and information exchange.
    page.locator(f'input[name="organisations"][value="{employment.pk}"]').check()
    page.locator('input[name="purposes"][value="information_exchange"]').check()
    page.locator("#id_given_on").fill("2009-12-01")
    # How the consent was given: required, and the user confirms it under their own name.
    page.locator('input[name="method"][value="paper"]').check()
    page.locator("#id_referred_on").fill("2009-12-01")
    page.locator("#id_referred_by").select_option(str(employment.pk))
    page.locator("#id_started_on").fill("2009-12-15")
    page.locator("#id_labour_market_status").select_option("long_term_unemployed")
    page.locator("#id_months_without_work").fill("14")
    page.locator("#id_income_source").select_option("social_assistance")
    page.locator("#id_swedish_level").select_option("sfi_c")
    page.locator(f'input[name="target_groups"][value="{group.pk}"]').check()
    page.locator("#id_area").select_option(str(area.pk))
    expect(page.locator("#id_case_worker")).to_have_value(str(membership.user.pk))
    page.locator("form.intake-form button[type=submit]").click()
    page.wait_for_load_state()

    enrolment = Enrolment.objects.get()
    assert PARTICIPANT_PAGE.search(page.url), page.url
    assert page.url.endswith(f"/projects/{project.pk}/enrolments/{enrolment.pk}/")
    assert NUMBER.replace("-", "") not in page.url
    assert enrolment.status == Status.ACTIVE and enrolment.started_on == dt.date(2009, 12, 15)
    consent = Consent.objects.get()
    assert set(consent.organisations.values_list("name", flat=True)) == {
        "Malmö stad",
        "Arbetsförmedlingen",
    }
    assert enrolment.participant.identity_number().formatted() == NUMBER

    # Looking the number up again recognises the person as enrolled here.
    page.goto(f"/projects/{project.pk}/participants/")
    page.locator("#id_identity_number").fill(NUMBER)
    page.locator("#id_identity_number").press("Enter")
    page.wait_for_load_state()
    expect(page.locator(f'#result a[href$="/enrolments/{enrolment.pk}/"]')).to_be_visible()
    axe(page, "intake-found-sv")


def test_case_worker_registers_an_anonymous_participant(page, login, axe, intake_world):
    membership, group, _area, _employment = intake_world
    project = membership.project
    login("amira")
    page.goto(f"/projects/{project.pk}/participants/")
    page.locator(
        f'main a[href="/projects/{project.pk}/participants/register/anonymous/"]'
    ).first.click()
    page.wait_for_load_state()
    expect(page.locator("#id_birth_year")).to_be_visible()
    expect(page.locator("#id_given_name")).to_have_count(0)
    expect(page.locator("#id_identity_number")).to_have_count(0)
    axe(page, "register-anonymous-sv")

    page.locator("#id_gender").select_option("man")
    page.locator("#id_birth_year").fill("1850")
    page.locator("#id_referred_on").fill("2009-12-01")
    page.locator("form.intake-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator('#error-summary a[href="#id_birth_year"]')).to_be_visible()
    axe(page, "register-anonymous-errors-sv")

    page.locator("#id_birth_year").fill("1990")
    page.locator("#id_protected_identity").check()
    page.locator(f'input[name="target_groups"][value="{group.pk}"]').check()
    page.locator("form.intake-form button[type=submit]").click()
    page.wait_for_load_state()

    enrolment = Enrolment.objects.get()
    assert page.url.endswith(f"/projects/{project.pk}/enrolments/{enrolment.pk}/")
    person = enrolment.participant
    assert person.is_anonymous and person.protected_identity and person.identity_hash is None
    assert (person.given_name, person.family_name) == ("", "")
    assert Consent.objects.count() == 0


def test_intake_pages_in_english_pass_axe(page, login, axe, intake_world):
    membership, *_ = intake_world
    project = membership.project
    login("amira", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/participants/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a participant")
    axe(page, "intake-en")
    page.goto(f"/en/projects/{project.pk}/participants/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a new participant")
    axe(page, "register-en")
    page.get_by_role("button", name="Register and enrol").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following")
    axe(page, "register-errors-en")
    page.goto(f"/en/projects/{project.pk}/participants/register/anonymous/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an anonymous participant")
    axe(page, "register-anonymous-en")

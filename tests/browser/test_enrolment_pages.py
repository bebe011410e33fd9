"""A case worker's Monday: the case list, a participant page, a contact note and a status change
inline (htmx), the exit, and — at day 90 on the test clock — the follow-up worklist and the
follow-up form. axe runs on every page type passed."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from enrolments.models import Enrolment, FollowUp, Status
from tests.factories import ConsentFactory, EnrolmentFactory, ParticipantFactory
from tests.factories import demo_identity_number as identity_number
from tests.test_participant_page import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    world = make_world(settings)
    paused = ParticipantFactory(
        given_name="Omar", family_name="Berg", identity=identity_number(dt.date(1990, 1, 2))
    )
    ConsentFactory(participant=paused, project=world.project, organisations=[world.org_a])
    EnrolmentFactory(
        participant=paused,
        project=world.project,
        case_worker=world.case_worker.user,
        status=Status.PAUSED,
    )
    return world


def test_case_worker_journey_from_case_list_to_recorded_follow_up(
    page, login, axe, settings, world
):
    project = world.project.pk
    enrolment = world.enrolment.pk
    login("amira")

    # The case list: my active participants, then filtered to the active ones.
    page.goto(f"/projects/{project}/enrolments/")
    expect(page.locator("table caption")).to_be_visible()
    expect(page.get_by_role("link", name="Omar Berg")).to_be_visible()
    axe(page, "case-list-sv")
    page.locator("#id_status").select_option("active")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"status=active"))
    expect(page.get_by_role("link", name="Omar Berg")).to_have_count(0)
    page.get_by_role("link", name="Leyla Ahmadi").click()

    # The participant page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Leyla Ahmadi")
    expect(page.locator("#identity-number .identity")).to_have_text(re.compile(r"-••••$"))
    axe(page, "participant-page-sv")

    # Show the identity number inline.
    page.locator("#identity-number button").click()
    expect(page.locator("#identity-number .identity")).to_have_text(re.compile(r"^\d{8}-\d{4}$"))

    # A contact note, inline: the note appears in the timeline without a reload.
    url_before = page.url
    page.locator("#id_kind").select_option("phone")
    page.locator("#id_text").fill("Ringde om praktikplatsen på Ica.")
    page.locator("#note-form-block button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("Ringde om praktikplatsen på Ica.")
    expect(page.locator("#note-message")).not_to_be_empty()
    expect(page.locator("#id_text")).to_have_value("")
    assert page.url == url_before

    # A status change inline, by keyboard: pause, and the block offers "active" next.
    page.locator("#status-block #id_status").select_option("paused")
    page.locator("#status-block #id_on").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#status-block .current-status strong")).to_have_text(
        re.compile("Pausad|Paused")
    )
    expect(page.locator("#status-message")).not_to_be_empty()
    expect(page.locator("#status-block #id_status option[value=active]")).to_have_count(1)
    axe(page, "participant-page-after-inline-actions-sv")
    page.locator("#status-block #id_status").select_option("active")
    page.locator("#status-block button[type=submit]").click()
    expect(page.locator("#status-block .current-status strong")).to_have_text(
        re.compile("Aktiv|Active")
    )

    # The exit.
    page.locator(f'a[href$="/enrolments/{enrolment}/exit/"]').first.click()
    expect(page.locator("#id_exited_on")).to_have_value("2010-01-01")
    axe(page, "exit-form-sv")
    page.locator("#id_exited_on").fill("2009-12-01")
    page.locator("#id_exit_reason").select_option("completed")
    page.locator("#id_exit_status").select_option("employed_full_time")
    page.locator("#id_exit_income_source").select_option("salary")
    page.locator("form.narrow-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leyla Ahmadi")
    expect(page.locator(".messages")).to_contain_text("2010-03-01")
    assert Enrolment.objects.get(pk=enrolment).status == Status.EXITED

    # Day 90 on the test clock: the follow-up is due on the worklist.
    settings.FOLJSAM_TODAY = "2010-03-01"
    page.goto(f"/projects/{project}/follow-ups/")
    soon = page.locator("section", has=page.locator("#soon-heading"))
    expect(soon.get_by_role("link", name="Leyla Ahmadi", exact=True)).to_be_visible()
    axe(page, "worklist-sv")
    soon.locator(f'a[href*="/enrolments/{enrolment}/follow-ups/"]').click()

    # Recording it.
    expect(page.locator("#id_recorded_on")).to_have_value("2010-03-01")
    axe(page, "follow-up-form-sv")
    page.locator("#id_reached_0").check()
    page.locator("#id_status").select_option("employed_full_time")
    page.locator("#id_income_source").select_option("salary")
    page.locator("#id_source").select_option("employer")
    page.locator("form.narrow-form button[type=submit]").click()
    done = page.locator("section", has=page.locator("#done-heading"))
    expect(done.get_by_role("link", name="Leyla Ahmadi", exact=True)).to_be_visible()
    follow_up = FollowUp.objects.get(enrolment_id=enrolment, day=90)
    assert follow_up.reached is True and follow_up.source == "employer"


def test_the_pages_in_english_pass_axe_and_a_bad_exit_is_named(page, login, axe, settings, world):
    project = world.project.pk
    enrolment = world.enrolment.pk
    login("amira", prefix="/en")
    page.goto(f"/en/projects/{project}/enrolments/?scope=all")
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    axe(page, "case-list-en")
    page.goto(f"/en/projects/{project}/enrolments/{enrolment}/")
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    axe(page, "participant-page-en")

    page.goto(f"/en/projects/{project}/enrolments/{enrolment}/exit/")
    page.locator("#id_exited_on").fill("2009-01-01")
    page.locator("#id_exit_reason").select_option("completed")
    page.locator("#id_exit_status").select_option("studies")
    page.locator("#id_exit_income_source").select_option("study_allowance")
    page.locator("form.narrow-form button[type=submit]").click()
    expect(page.locator("#id_exited_on_error")).to_contain_text("before the start")
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page, "exit-form-error-en")
    assert not FollowUp.objects.exists()

    settings.FOLJSAM_TODAY = "2010-03-01"
    page.goto(f"/en/projects/{project}/follow-ups/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My follow-ups")
    axe(page, "worklist-en")

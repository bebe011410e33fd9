"""The goal editor in the browser: a manager opens it from the dashboard, chooses a kind of goal,
types a wrong target (errors shown at the field), previews the result, saves it, edits it into a
second version and reads the versions; axe checks every page type, in Swedish and English."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals.models import Goal
from participants.models import Gender
from tests.factories import AnonymousParticipantFactory, EnrolmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    membership = MembershipFactory(
        role=Role.MANAGER,
        user__username="manager",
        project__title="Framtid i Fokus",
        project__follow_up_days=[90],
    )
    project = membership.project
    for i, status in enumerate(
        [OutcomeStatus.EMPLOYED_FULL_TIME, OutcomeStatus.SELF_EMPLOYED, OutcomeStatus.JOB_SEEKING]
    ):
        enrolment = EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(gender=[Gender.WOMAN, Gender.MAN][i % 2]),
            status=Status.FOLLOWED_UP,
            exited_on=dt.date(2009, 6, 1),
            exit_reason="completed",
            exit_status=OutcomeStatus.JOB_SEEKING,
        )
        FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=dt.date(2009, 8, 30),
            reached=True,
            status=status,
            source="participant",
            recorded_on=dt.date(2009, 9, 1),
        )
    return project


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_manager_previews_saves_and_edits_a_goal(page, login, axe, world, lang):
    project = world
    prefix = "" if lang == "sv" else "/en"
    login("manager", prefix=prefix)
    page.goto(f"{prefix}/projects/{project.pk}/goals/")
    page.locator(f'a[href="{prefix}/projects/{project.pk}/goals/definitions/"]').click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_be_visible()
    axe(page, f"goal-editor-list-{lang}")

    # Step 1: the kind of goal, each explained.
    page.locator("a.button[href$='/goals/definitions/new/']").click()
    axe(page, f"goal-editor-template-{lang}")
    page.locator("input[name=template][value=follow_up_share]").check()
    page.locator("form.template-form button[type=submit]").click()
    expect(page.locator("input[name=title]")).to_be_visible()

    # Step 2: a target that is not a percentage is refused at the field.
    page.locator("#id_title").fill("Minst 60 % i arbete dag 90")
    page.locator("#id_title_en").fill("At least 60 % in work at day 90")
    page.locator("#id_target").fill("sextio")
    page.locator("button[name=preview]").click()
    expect(page.locator("#id_target_error")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page, f"goal-editor-errors-{lang}")

    # Preview: computed with the real engine, nothing saved.
    page.locator("#id_target").fill("60 %")
    page.locator("button[name=preview]").click()
    preview = page.locator("#preview")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("2 / 3")
    axe(page, f"goal-editor-preview-{lang}")
    assert Goal.objects.count() == 0

    # Save: back on the list, the goal there with version 1.
    page.locator("button[name=save]").click()
    row = page.locator("table.goal-definitions tbody tr")
    expect(row).to_have_count(1)
    title = "Minst 60 % i arbete dag 90" if lang == "sv" else "At least 60 % in work at day 90"
    expect(row.locator("th")).to_have_text(title)
    goal = Goal.objects.get()
    assert goal.current_version.parameters["target"] == 0.6

    # Edit into version 2 by keyboard: the form starts from version 1.
    row.locator(f"a[href$='/definitions/{goal.pk}/edit/']").click()
    expect(page.locator("#id_target")).to_have_value("60")
    page.locator("#id_target").fill("50")
    page.locator("button[name=save]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("table.goal-definitions tbody tr td.number")).to_have_text("2")

    page.locator(f"a[href$='/definitions/{goal.pk}/versions/']").click()
    expect(page.locator("section.goal-version")).to_have_count(2)
    axe(page, f"goal-editor-versions-{lang}")

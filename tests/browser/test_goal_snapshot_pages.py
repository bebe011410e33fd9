"""Locked goal snapshots in the browser: a manager goes from the goals dashboard to the
snapshots, tries to lock a period that ends before it starts (the error is named), locks it,
and sees the locked figures and their breakdowns beside today's; a steering-group member sees
the snapshot and its breakdowns with too small figures hidden. axe checks the list, the form
with errors and the detail page with a breakdown open, in Swedish and English."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services as goal_services
from goals.models import GoalSnapshot
from goals.snapshots import lock_snapshot
from tests.factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5
    project = ProjectFactory(title="Framtid i Fokus")
    manager = MembershipFactory(project=project, role=Role.MANAGER, user__username="manager")
    MembershipFactory(project=project, role=Role.STEERING, user__username="steering")
    for i in range(6):
        enrolment = EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(gender="woman" if i < 4 else "man"),
            status=Status.EXITED,
            exited_on=dt.date(2009, 6, 1),
            exit_reason="completed",
            exit_status=OutcomeStatus.JOB_SEEKING,
        )
        FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=dt.date(2009, 8, 30),
            reached=True,
            status=OutcomeStatus.EMPLOYED_FULL_TIME if i < 3 else OutcomeStatus.JOB_SEEKING,
            source="register",
            recorded_on=dt.date(2009, 8, 30),
        )
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="Minst 45 % i arbete efter 90 dagar",
        title_en="At least 45 % in work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.45},
        by=manager.user,
    )
    return project, manager.user


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_manager_locks_a_snapshot(page, login, axe, world, prefix):
    project, _manager = world
    lang = "en" if prefix else "sv"
    login("manager", prefix=prefix)
    page.goto(f"{prefix}/projects/{project.pk}/goals/")
    page.locator("nav.goal-links a[href$='/goals/snapshots/']").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe(page, f"snapshot-list-empty-{lang}")

    page.locator("a.button[href$='/goals/snapshots/new/']").click()
    page.locator("#id_label").fill("Lägesrapport 2009 H2")
    page.locator("#id_period_start").fill("2009-12-31")
    page.locator("#id_period_end").fill("2009-07-01")
    page.locator("form.narrow button[type=submit]").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_period_end']")).to_be_visible()
    expect(page.locator("#id_period_end_error")).to_be_visible()
    if prefix:
        expect(summary).to_contain_text("cannot end before it starts")
    assert GoalSnapshot.objects.count() == 0
    axe(page, f"snapshot-form-errors-{lang}")

    page.locator("#id_period_start").fill("2009-07-01")
    page.locator("#id_period_end").fill("2009-12-31")
    page.locator("#id_period_end").press("Enter")  # submit by keyboard
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägesrapport 2009 H2")
    section = page.locator("#goal-work-at-90")
    expect(section).to_contain_text("At least 45 %" if prefix else "Minst 45 %")
    expect(section.get_by_role("row").nth(1)).to_contain_text("3 / 6")
    expect(section.get_by_role("row").nth(2)).to_contain_text("3 / 6")
    # The locked breakdowns, opened: women 3 / 4 in work then and now, beside today's figure.
    section.locator("details.breakdown summary").click()
    by_gender = section.locator("details.breakdown table").nth(0)
    expect(by_gender).to_be_visible()
    women = by_gender.get_by_role("row", name=re.compile("Women|Kvinnor"))
    expect(women).to_contain_text("3 / 4")
    expect(by_gender.get_by_role("row", name=re.compile("Men|Män"))).to_contain_text("0 / 2")
    axe(page, f"snapshot-detail-{lang}")

    page.get_by_role("link", name=re.compile("Locked snapshots|Låsta")).first.click()
    expect(page.get_by_role("row", name=re.compile("Lägesrapport 2009 H2"))).to_be_visible()
    axe(page, f"snapshot-list-{lang}")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_steering_sees_the_snapshot_with_small_cells_hidden(
    page, login, axe, world, settings, prefix
):
    project, manager = world
    snapshot = lock_snapshot(
        project=project,
        label="Lägesrapport 2009 H2",
        period_start=dt.date(2009, 7, 1),
        period_end=dt.date(2009, 12, 31),
        by=manager,
    )
    settings.SUPPRESSION_THRESHOLD = 10
    login("steering", prefix=prefix)
    page.goto(f"{prefix}/projects/{project.pk}/goals/snapshots/")
    expect(page.locator("a.button[href$='/new/']")).to_have_count(0)
    page.get_by_role("link", name="Lägesrapport 2009 H2").click()
    section = page.locator("#goal-work-at-90")
    expect(section).to_contain_text(re.compile("fewer than 10|färre än 10"))
    expect(section).not_to_contain_text("3 / 6")
    assert page.url.endswith(f"/goals/snapshots/{snapshot.pk}/")
    section.locator("details.breakdown summary").click()
    expect(section.locator("details.breakdown table").first).to_be_visible()
    expect(section.locator("details.breakdown")).not_to_contain_text("/ 4")
    axe(page, f"snapshot-detail-steering-{'en' if prefix else 'sv'}")

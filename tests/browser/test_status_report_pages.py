"""Status reports in the browser: the manager finds them in the project menu, creates the
report for 2009, writes an account (with Arabic in it), makes the PDF and follows the job to
its end, previews the PDF on the report's page and issues it; the steering group then finds
the issued report and downloads it. axe checks the list, the new-report form, the report page
with its preview, the confirmation and the issued report, in English and Swedish."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services as goal_services
from reports.models import StatusReport
from tests.factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = 'Lägesrapport "2009" för styrgruppen'
ARABIC = "المشروع يسير بشكل جيد"


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5
    project = ProjectFactory(title="Integration genom arbete")
    manager = MembershipFactory(project=project, role=Role.MANAGER, user__username="manager")
    MembershipFactory(project=project, role=Role.STEERING, user__username="steering")
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.45},
        by=manager.user,
    )
    for i in range(12):
        enrolment = EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(gender="woman" if i < 6 else "man"),
            status=Status.EXITED,
            started_on=dt.date(2009, 2, 1),
            exited_on=dt.date(2009, 6, 1),
            exit_reason="completed",
            exit_status=OutcomeStatus.JOB_SEEKING,
        )
        FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=dt.date(2009, 8, 30),
            reached=True,
            status=OutcomeStatus.EMPLOYED_FULL_TIME if i % 2 else OutcomeStatus.JOB_SEEKING,
            source="register",
            recorded_on=dt.date(2009, 8, 30),
        )
    return project


def test_the_manager_makes_previews_and_issues_a_report_and_steering_downloads_it(
    page, login, axe, world
):
    project = world
    login("manager", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/goals/")
    page.get_by_role("link", name="Status reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Status reports")
    axe(page, "status-reports-empty-en")
    page.get_by_role("link", name="New status report").click()
    page.get_by_label("Period").select_option(label="Year 2009")
    page.get_by_label("Language of the report").select_option(label="English")
    page.get_by_label("Title").fill(TITLE)
    axe(page, "status-report-new-en")
    page.get_by_role("button", name="Create the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("Narrative").fill(f"A good year.\n\n{ARABIC}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The report was saved.")).to_be_visible()
    expect(page.get_by_text("No PDF has been made yet.")).to_be_visible()
    axe(page, "status-report-draft-en")

    # Make the PDF: the job page shows its progress and, done, the way back to the report.
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Status report PDF")
    progress = page.locator("progress")
    expect(progress).to_have_attribute("value", "3")  # three steps: figures, PDF, stored
    expect(page.get_by_text("3 of 3 (100 %)")).to_be_visible()
    expect(page.get_by_text("The PDF of the status report is ready.")).to_be_visible()
    page.get_by_role("link", name="Back to the report: preview, download or issue it").click()

    # The preview: the PDF in a frame of the report's page, served as a PDF.
    frame = page.get_by_title("Preview of the status report (PDF)")
    expect(frame).to_be_visible()
    preview = page.request.get(frame.get_attribute("src"))
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    axe(page, "status-report-preview-en")

    page.get_by_role("link", name="Issue the report…").click()
    axe(page, "status-report-issue-en")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_text("The report was issued.")).to_be_visible()
    expect(page.get_by_label("Narrative")).to_have_count(0)
    report = StatusReport.objects.get()
    assert report.is_issued

    # The steering group (Swedish pages) finds it and downloads it.
    page.context.clear_cookies()
    login("steering")
    page.goto(f"/projects/{project.pk}/status-reports/")
    axe(page, "status-reports-steering-sv")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned ”Lägesrapport").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read() == bytes(report.pdf)
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("textarea")).to_have_count(0)  # nothing to write for the steering group
    axe(page, "status-report-issued-sv")

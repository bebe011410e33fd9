"""Microdata for evaluation in the browser: the evaluator finds the page in the project menu,
is stopped without a purpose, gives one and downloads the workbook — with axe on the page, its
errors included (docs/microdata.md)."""

import pytest
from playwright.sync_api import expect

from core.models import LogEntry, Role
from tests.factories import EnrolmentFactory, MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project(settings):
    settings.FOLJSAM_TODAY = "2010-01-15"
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90])
    MembershipFactory(user__username="per", project=project, role=Role.EVALUATOR)
    for _n in range(6):
        EnrolmentFactory(project=project)
    return project


def test_the_evaluator_finds_and_downloads_the_microdata(page, login, axe, project):
    login("per", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/")
    page.get_by_role("link", name="Microdata for evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Microdata for evaluation")
    axe(page, "microdata")

    page.get_by_role("button", name="Download Excel (XLSX)").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the purpose of the download.")
    axe(page, "microdata-errors")
    assert not LogEntry.objects.filter(action="export").exists()

    page.get_by_label("Purpose of this download").fill("Mid-term evaluation of the project")
    page.get_by_label("I will keep the file as personal data", exact=False).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Excel (XLSX)").click()
    assert download.value.suggested_filename.startswith("microdata-")
    assert download.value.suggested_filename.endswith(".xlsx")
    entry = LogEntry.objects.get(action="export")
    assert entry.purpose_text == "Mid-term evaluation of the project"

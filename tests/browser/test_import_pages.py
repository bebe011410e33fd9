"""The spreadsheet import in a browser: a manager uploads a file with an error, sees the row and
column, imports the valid rows and sees the result; axe on the upload page, the preview with
errors and the result, in Swedish and under /en/."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from enrolments.models import Enrolment
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory
from tests.test_import import SV_HEADERS, person_row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def import_world(settings):
    settings.FOLJSAM_TODAY = "2010-06-30"
    owner = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(title="Framtid i Fokus", owner=owner)
    MembershipFactory(
        project=project, organisation=owner, role=Role.MANAGER, user__username="maria"
    )
    return project


def csv_file(tmp_path, rows, name):
    out = io.StringIO()
    headers = [
        h
        for h in SV_HEADERS
        if not h.startswith(
            (
                "Insats",
                "Uppföljning",
                "Målgrupp",
                "Område",
                "Avslut",
                "Status vid",
                "Försörjning vid avslut",
            )
        )
    ]
    writer = csv.DictWriter(out, fieldnames=headers, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_manager_uploads_sees_the_error_and_imports_the_valid_rows(
    page, login, axe, import_world, tmp_path, prefix
):
    project = import_world
    english = prefix == "/en"
    rows = [
        person_row(1, **{"Målgrupper": ""}),
        person_row(2, **{"Kön": "okänt kön"}),
        person_row(3, **{"Målgrupper": ""}),
    ]
    for row in rows:
        row.pop("Område", None)
    path = csv_file(tmp_path, rows, "deltagare.csv")
    login("maria", prefix=prefix)
    page.goto(f"{prefix}/projects/{project.pk}/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import participants" if english else re.compile("Import|Importera")
    )
    axe(page, f"import-upload-{'en' if english else 'sv'}")
    page.set_input_files("input[type=file]", str(path))
    page.locator("form.narrow button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"/import/[0-9a-f-]{36}/$", page.url)
    table = page.locator("table.import-errors")
    expect(table).to_contain_text("Kön")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr td").first).to_have_text("3")
    axe(page, f"import-preview-errors-{'en' if english else 'sv'}")
    page.locator("button[name=action][value=import_valid]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/result/")
    axe(page, f"import-result-{'en' if english else 'sv'}")
    assert Enrolment.objects.filter(project=project).count() == 2

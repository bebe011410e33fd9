"""The portfolio (reports/portfolio.py): grouped by programme or funding programme, sorted,
filtered with GET parameters, and downloaded through core/export.py with the reader's headers
and status labels."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, Project, Role

from .factories import MembershipFactory, ProjectFactory, UserFactory
from .test_goal_engine import goal, person

pytestmark = pytest.mark.django_db
ESF = "Europeiska socialfonden (ESF) 2007–2013"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


@pytest.fixture
def world():
    """A steering member of a programme with two parts and of a stand-alone ESF project."""
    user = UserFactory()
    programme = ProjectFactory(title="Programmet", kind=Project.Kind.PROGRAMME)
    north = ProjectFactory(title="Norra delen", kind=Project.Kind.AREA_PART, parent=programme)
    south = ProjectFactory(title="Södra delen", kind=Project.Kind.AREA_PART, parent=programme)
    alone = ProjectFactory(title="Ensamt projekt", funding_programme=ESF)
    for project in (programme, north, south, alone):
        MembershipFactory(user=user, project=project, role=Role.MANAGER)
    # Goals: the south part's is met, the stand-alone one's is not met.
    for _ in range(6):
        person(south, gender="woman")
        person(alone, gender="man")
    goal(south, "gender_split", target=0.5, target_high=1.0)
    goal(alone, "gender_split", target=0.5, target_high=1.0)
    goal(north, "gender_split", target=0.5, target_high=1.0)
    goal(programme, "gender_split", target=0.5, target_high=1.0)
    return user, {p.title: p for p in (programme, north, south, alone)}


def page(client, user, query=""):
    client.force_login(user)
    with translation.override("en"):  # a download is written while it is read
        response = client.get(reverse("portfolio:portfolio") + query)
        assert response.status_code == 200
        if "format=xlsx" in query:
            response.body = b"".join(response.streaming_content)
        elif response.streaming:
            response.body = b"".join(response.streaming_content).decode("utf-8-sig")
        else:
            response.body = response.content.decode()
    return response


def headings(html):
    return [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


def projects_in_order(html):
    return re.findall(r'<th scope="rowgroup"[^>]*><a [^>]*>(.*?)</a>', html)


def test_grouped_by_programme_the_parts_go_with_their_programme(client, world):
    user, _projects = world
    html = page(client, user, "?group=programme").body
    assert headings(html) == ["Programmet", "Not part of a programme"]
    assert projects_in_order(html) == [
        "Norra delen", "Programmet", "Södra delen", "Ensamt projekt",
    ]  # fmt: skip


def test_grouped_by_funder_and_filtered(client, world):
    user, projects = world
    html = page(client, user, "?group=funder").body
    assert headings(html) == [ESF, "Funding programme not given"]
    html = page(client, user, "?funder=-").body
    assert "Ensamt projekt" not in projects_in_order(html)
    html = page(client, user, f"?programme={projects['Programmet'].pk}").body
    assert sorted(projects_in_order(html)) == ["Norra delen", "Programmet", "Södra delen"]
    html = page(client, user, "?programme=-").body
    assert projects_in_order(html) == ["Ensamt projekt"]


def test_sorted_by_status_counts_and_filtered_by_status(client, world):
    user, _projects = world
    html = page(client, user).body
    assert projects_in_order(html) == ["Ensamt projekt", "Norra delen", "Programmet", "Södra delen"]
    html = page(client, user, "?sort=met").body
    # The programme counts its south part's women too: its goal is met as well.
    assert projects_in_order(html)[:2] == ["Programmet", "Södra delen"]
    html = page(client, user, "?sort=not_met").body
    assert projects_in_order(html)[0] == "Ensamt projekt"
    html = page(client, user, "?status=met").body
    assert projects_in_order(html) == ["Programmet", "Södra delen"]
    # A value that is not a choice is ignored, not an error.
    assert projects_in_order(page(client, user, "?sort=drop&group=x").body)


def test_the_download_has_the_pages_rows_with_labels_and_decimal_commas(client, world):
    user, _projects = world
    text = page(client, user, "?format=csv&programme=-").body
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["Project"] for row in rows] == ["Ensamt projekt"]
    (row,) = rows
    assert row["Status"] == "Not met"  # a label, not the code "not_met"
    assert row["Share"] == "0,0" and row["Target share"] == "50,0"
    assert row["Funding programme"] == ESF and row["Programme"] == ""
    assert LogEntry.objects.filter(action="export", reason="portfolio.csv").exists()
    response = page(client, user, "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.body)).active
    header = [cell.value for cell in sheet[1]]
    values = {
        tuple(cell.value for cell in row)[header.index("Project")]: [c.value for c in row]
        for row in sheet.iter_rows(min_row=2)
    }
    row = values["Södra delen"]
    assert row[header.index("Share")] == 1.0 and row[header.index("Count")] == 6  # numbers


def test_the_page_offers_the_downloads_with_its_filters(client, world):
    user, _projects = world
    html = page(client, user, "?group=funder&status=met").body
    assert "format=xlsx" in html and "group=funder" in html
    link = re.search(r'href="([^"]*format=csv[^"]*)"', html).group(1)
    assert "status=met" in link

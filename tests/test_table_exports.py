"""Exports of the tables a user sees (issue 13, item 4): each table's download holds the page's
rows (every page of them, with the page's filters), headers and labels in the reader's
language, real types in the XLSX, figures hidden as on the page, and every export — and every
person in it — in the audit log."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from core.audit import verify_chain
from core.models import LogEntry, Role
from enrolments import exports
from enrolments import views as enrolment_views
from enrolments.models import Status
from reports.display import dimension_labels, group_labels

from . import test_disclosure_routes as routes
from . import test_goal_comparison as comparison_tests
from . import test_goal_dashboard as dashboard_tests
from . import test_goal_snapshots as snapshot_tests
from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    ParticipationFactory,
)
from .goal_fakes import install_fake_engine, job_goal, stakeholder_goal
from .test_caselist import enrol, names_in
from .test_participant_page import en, exit_enrolment, login, make_world, url

pytestmark = pytest.mark.django_db
HIDDEN = {
    "fewer than 5",
    "hidden: a part of the group is fewer than 5",
    "hidden to protect another figure",
}


@pytest.fixture
def world(settings):
    """See test_participant_page.make_world."""
    return make_world(settings)


def csv_rows(response, international=False) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    if not international:
        assert body.startswith("\ufeff")
    return list(
        csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter="," if international else ";")
    )


def xlsx_sheet(response):
    from openpyxl import load_workbook

    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def all_page_names(client, path) -> list[str]:
    """The names on every page of a paginated list, following its "next" links."""
    names, page = [], 1
    while True:
        content = client.get(f"{path}{'&' if '?' in path else '?'}page={page}").content.decode()
        names += names_in(content)
        if 'rel="next"' not in content:
            return names
        page += 1


# --- the case list ----------------------------------------------------------------------------


def test_the_case_list_export_holds_every_row_of_every_page_with_the_filters(
    client, world, monkeypatch
):
    monkeypatch.setattr(enrolment_views, "PAGE_SIZE", 2)
    for i in range(4):
        enrol(world, f"Bo{i}", "Berg", status=Status.PAUSED)
    enrol(world, "Cai", "Ceder", status=Status.REFERRED)
    enrol(world, "Eva", "Ek", covered=False, status=Status.PAUSED)  # not visible
    login(client, world.case_worker)
    path = url("case_list", world) + "?scope=all&status=paused&sort=-name"
    shown = all_page_names(client, path)
    assert len(shown) == 4
    response = client.get(path + "&format=csv")
    assert response.status_code == 200
    rows = csv_rows(response)
    with translation.override("sv"):
        assert rows[0] == [str(c.header) for c in exports.case_list_columns()]
        paused = str(Status.PAUSED.label)
    assert rows[0][0] == "Namn" and paused == "Pausad"
    assert [row[0] for row in rows[1:]] == shown
    assert {row[1] for row in rows[1:]} == {paused}
    assert not any("Eva" in cell for row in rows for cell in row)


def test_the_case_list_export_is_in_english_for_an_english_reader(client, world):
    login(client, world.case_worker)
    response = client.get(en(url("case_list", world)) + "?format=csv&csv=international")
    rows = csv_rows(response, international=True)
    assert rows[0] == ["Name", "Status", "Referred on", "Started on", "Case worker",
                       "Next follow-up due"]  # fmt: skip
    assert rows[1][0] == "Leyla Ahmadi" and rows[1][1] == "Active"
    assert rows[1][4] == "Amira Haddad"


def test_the_file_is_in_the_language_of_the_request_whenever_it_is_sent(client, world):
    """The rows are read while the file is sent, maybe after the request's language is gone."""
    login(client, world.case_worker)
    response = client.get(en(url("case_list", world)) + "?format=csv&csv=international")
    with translation.override("sv"):
        rows = csv_rows(response, international=True)
    assert rows[0][0] == "Name" and rows[1][1] == "Active"


def test_the_case_list_export_logs_the_export_and_every_person_in_it(client, world):
    people = [enrol(world, f"Ann{i}", "Al") for i in range(3)]
    login(client, world.case_worker)
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.get(url("case_list", world) + "?scope=all&format=xlsx")
    assert response.status_code == 200
    export = LogEntry.objects.get(action="export", pk__gt=before)
    assert export.user == world.case_worker.user and export.project_id == world.project.pk
    entries = LogEntry.objects.filter(action="view", reason="case list export", pk__gt=before)
    logged = set(entries.values_list("person_id", flat=True))
    expected = {world.person.pk} | {e.participant_id for e in people}
    assert logged == expected
    names = [row[0].value for row in xlsx_sheet(response).iter_rows(min_row=2)]
    assert sorted(names) == sorted(["Leyla Ahmadi", "Ann0 Al", "Ann1 Al", "Ann2 Al"])
    assert "Leyla" not in str(list(LogEntry.objects.values()))


def test_a_large_export_is_logged_person_by_person_in_the_hash_chain(client, world, monkeypatch):
    monkeypatch.setattr(exports, "AUDIT_CHUNK", 40)  # three chunks: keyset paging is used
    people = [
        EnrolmentFactory(participant=AnonymousParticipantFactory(), project=world.project)
        for _ in range(90)
    ]
    login(client, world.manager)
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.get(url("case_list", world) + "?format=csv")
    assert len(csv_rows(response)) == 1 + 91
    entries = LogEntry.objects.filter(pk__gt=before, action="view")
    assert sorted(entries.values_list("person_id", flat=True)) == sorted(
        [world.person.pk, *(e.participant_id for e in people)]
    )
    assert {
        (e.object_type, e.object_id, e.reason, tuple(e.fields), e.user_id) for e in entries
    } == {
        (
            "participants.Participant",
            str(e.person_id),
            "case list export",
            (),
            world.manager.user.pk,
        )
        for e in entries
    }
    assert verify_chain().intact


def test_the_case_list_xlsx_has_real_dates(client, world):
    login(client, world.case_worker)
    sheet = xlsx_sheet(client.get(en(url("case_list", world)) + "?format=xlsx"))
    referred = sheet.cell(row=2, column=3)
    assert isinstance(referred.value, dt.datetime)
    assert referred.value.date() == world.enrolment.referred_on
    assert referred.number_format == "yyyy-mm-dd"


def test_a_name_starting_with_a_formula_sign_is_neutralised(client, world):
    enrol(world, "=cmd", "Ek")
    login(client, world.case_worker)
    rows = csv_rows(client.get(url("case_list", world) + "?scope=all&format=csv"))
    assert ["'=cmd Ek"] == [row[0] for row in rows if "cmd" in row[0]]


def test_the_case_list_export_never_holds_the_identity_number(client, world):
    login(client, world.case_worker)
    body = b"".join(client.get(url("case_list", world) + "?format=csv").streaming_content)
    digits = re.sub(r"\D", "", world.person.identity_number().digits)
    assert digits[-4:].encode() not in re.sub(rb"\d{4}-\d{2}-\d{2}", b"", body)


def test_roles_without_the_case_list_get_no_export(client, world):
    for membership in (world.steering, world.evaluator, world.outsider):
        login(client, membership)
        response = client.get(url("case_list", world) + "?format=csv")
        assert response.status_code in (403, 404)
    assert not LogEntry.objects.filter(action="export").exists()


# --- the worklist -----------------------------------------------------------------------------


def test_the_worklist_export_holds_every_group(client, world):
    done = enrol(world, "Dora", "Dahl")
    exit_enrolment(done, on=dt.date(2009, 6, 1))
    follow_up = done.follow_ups.get(day=90)
    follow_up.recorded_on, follow_up.reached = dt.date(2009, 9, 5), True
    follow_up.status, follow_up.source = "studies", "participant"
    follow_up.save()
    olle = enrol(world, "Olle", "Ost")
    exit_enrolment(olle, on=dt.date(2009, 8, 1))
    login(client, world.case_worker)
    response = client.get(en(url("follow_up_worklist", world)) + "?format=csv&csv=international")
    rows = csv_rows(response, international=True)
    assert rows[0] == ["Group", "Participant", "Follow-up", "Due on", "Exited on",
                       "Recorded on", "Result"]  # fmt: skip
    groups = [(row[0], row[1], row[2]) for row in rows[1:]]
    assert ("Done", "Dora Dahl", "day 90") in groups
    assert ("Overdue", "Olle Ost", "day 90") in groups
    recorded = next(row for row in rows if row[0] == "Done")
    assert recorded[5] == "2009-09-05" and recorded[6]
    logged = LogEntry.objects.filter(reason="follow-up worklist export")
    assert set(logged.values_list("person_id", flat=True)) == {
        done.participant_id,
        olle.participant_id,
    }


# --- attendance -------------------------------------------------------------------------------


def test_the_attendance_export_holds_every_participant_and_their_hours(client, world):
    intervention = InterventionFactory(project=world.project, provider=world.provider.organisation)
    ParticipationFactory(intervention=intervention, enrolment=world.enrolment, attended_hours=12.5)
    other = enrol(world, "Bo", "Berg")
    ParticipationFactory(intervention=intervention, enrolment=other, attended_hours=3)
    login(client, world.provider)
    path = reverse("interventions:attendance", args=[world.project.pk, intervention.pk])
    response = client.get("/en" + path + "?format=xlsx")
    assert response.status_code == 200
    sheet = xlsx_sheet(response)
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Participant", "Started", "Planned hours", "Attended hours",
                         "Completion", "Ended on"]  # fmt: skip
    assert [row[0] for row in values[1:]] == ["Leyla Ahmadi", "Bo Berg"]
    assert values[1][3] == 12.5 and isinstance(values[1][3], float)
    assert isinstance(values[1][1], dt.datetime)
    assert set(
        LogEntry.objects.filter(reason__startswith="attendance list export").values_list(
            "person_id", flat=True
        )
    ) == {world.person.pk, other.participant_id}


def test_the_catalogue_export_holds_every_intervention_a_provider_sees(client, world):
    """Every intervention of every page of the catalogue, and only the provider's own."""
    from interventions.views import PAGE_SIZE

    own = [
        InterventionFactory(
            project=world.project, provider=world.provider.organisation, name=f"Kurs {i:02}",
            capacity=10, starts_on=dt.date(2009, 3, 1),
        )
        for i in range(PAGE_SIZE + 3)
    ]  # fmt: skip
    InterventionFactory(project=world.project, name="Någon annans")
    ParticipationFactory(intervention=own[0], enrolment=world.enrolment)
    login(client, world.provider)
    path = reverse("interventions:catalogue", args=[world.project.pk])
    assert "format=xlsx" in client.get("/en" + path).content.decode()
    sheet = xlsx_sheet(client.get("/en" + path + "?format=xlsx"))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Category", "Provider", "Starts", "Ends", "Places taken",
                         "Places"]  # fmt: skip
    assert [row[0] for row in values[1:]] == [i.name for i in own]
    assert values[1][5] == 1 and values[1][6] == 10 and isinstance(values[1][3], dt.datetime)
    assert LogEntry.objects.filter(action="export", reason="Interventions.xlsx").exists()


def test_the_group_sessions_export_holds_every_session_not_the_last_ten(client, world):
    from interventions import services as intervention_services

    intervention = InterventionFactory(
        project=world.project, provider=world.provider.organisation, starts_on=dt.date(2009, 1, 1)
    )
    placed = ParticipationFactory(intervention=intervention, enrolment=world.enrolment)
    days = [dt.date(2009, 3, 2) + dt.timedelta(days=7 * i) for i in range(12)]
    for day in days:
        intervention_services.record_group_session(
            by=world.provider.user, intervention=intervention, held_on=day,
            length_hours=Decimal("3.5"), rows=[(placed, Decimal("2.5"))],
        )  # fmt: skip
    login(client, world.provider)
    path = reverse("interventions:attendance", args=[world.project.pk, intervention.pk])
    assert "table=sessions" in client.get("/en" + path).content.decode()
    sheet = xlsx_sheet(client.get("/en" + path + "?table=sessions&format=xlsx"))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Date", "Length (hours)", "Attended", "Hours in all"]
    assert [row[0].date() for row in values[1:]] == sorted(days, reverse=True)
    assert values[1][1:] == [3.5, 1, 2.5]


# --- the dashboard ----------------------------------------------------------------------------


@pytest.fixture
def goal_world(settings, monkeypatch):
    """tests/test_goal_dashboard.py's world (13 enrolments, every role) and its fake goals."""
    settings.FOLJSAM_TODAY = "2010-01-01"
    settings.SUPPRESSION_THRESHOLD = 5
    install_fake_engine(
        monkeypatch, lambda project, threshold: [job_goal(threshold), stakeholder_goal()]
    )
    project, members, _outsider = dashboard_tests.world.__wrapped__()
    return project, members


def dashboard_export(client, goal_world, role, table, fmt="csv", lang="en"):
    project, members = goal_world
    client.force_login(members[role].user)
    path = dashboard_tests.url("dashboard", project, lang)
    style = "&csv=international" if fmt == "csv" and lang == "en" else ""
    return client.get(f"{path}?format={fmt}&table={table}{style}")


def dashboard_page(client, goal_world, role, lang="en") -> str:
    project, members = goal_world
    client.force_login(members[role].user)
    return client.get(dashboard_tests.url("dashboard", project, lang)).content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STEERING])
def test_the_flow_export_is_the_flow_table_with_the_same_figures_hidden(client, goal_world, role):
    page = dashboard_tests.flow_table(dashboard_page(client, goal_world, role))
    rows = csv_rows(dashboard_export(client, goal_world, role, "flow"), international=True)
    assert rows[0] == ["Stage", "Women", "Men", "Another gender / unknown", "Total"]
    assert [row[1:] for row in rows[1:]] == page
    assert [row[0] for row in rows[1:]] == ["Referred", "Started", "Exited", "Followed up"]


def test_a_figure_hidden_on_the_page_is_hidden_in_every_dashboard_export(client, goal_world):
    for table in ("goals", "breakdowns", "flow", "gender", "hours"):
        body = b"".join(
            dashboard_export(client, goal_world, Role.STEERING, table).streaming_content
        ).decode()
        manager = b"".join(
            dashboard_export(client, goal_world, Role.MANAGER, table).streaming_content
        ).decode()
        assert ("fewer than 5" in body) == (table != "goals"), table
        assert "fewer than 5" not in manager
    breakdown = csv_rows(
        dashboard_export(client, goal_world, Role.STEERING, "breakdowns"), international=True
    )
    other = next(
        row for row in breakdown if row[1] == "Gender" and row[2] == "Another gender / unknown"
    )
    assert other[3] == other[5] == other[6] == "fewer than 5"
    assert not any(cell in ("2", "3") for cell in other[3:])  # the page hides 2 / 3
    manager = csv_rows(
        dashboard_export(client, goal_world, Role.MANAGER, "breakdowns"), international=True
    )
    other = next(
        row for row in manager if row[1] == "Gender" and row[2] == "Another gender / unknown"
    )
    assert other[5:7] == ["2", "3"]


def test_the_goals_export_in_english_and_swedish(client, goal_world):
    rows = csv_rows(dashboard_export(client, goal_world, Role.MANAGER, "goals"), international=True)
    assert rows[0][:3] == ["Goal", "Value", "Unit"]
    job = rows[1]
    assert job[1:7] == ["58", "%", "29", "50", "44.2", "70.6"]
    assert job[7] == "≥ 70 %" and job[8] == "Not yet certain" and job[9] == "12"
    assert job[10] == "76.3"
    rows = csv_rows(dashboard_export(client, goal_world, Role.MANAGER, "goals", lang="sv"))
    assert rows[0][:2] == ["Mål", "Värde"]
    assert rows[1][5] == "44,2" and rows[1][8] == "Ännu osäkert"


def test_the_dashboard_xlsx_has_numbers(client, goal_world):
    sheet = xlsx_sheet(dashboard_export(client, goal_world, Role.MANAGER, "hours", fmt="xlsx"))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Category", "Hours attended", "Participants"]
    assert {row[2]: row[1] for row in values[1:]} == {2: 40, 5: 52.5}
    assert all(isinstance(row[1], int | float) and isinstance(row[2], int) for row in values[1:])
    assert LogEntry.objects.filter(action="export", reason__endswith=".xlsx").exists()


def test_an_unknown_dashboard_table_is_not_found(client, goal_world):
    assert dashboard_export(client, goal_world, Role.MANAGER, "nope").status_code == 404


# --- the comparisons --------------------------------------------------------------------------


@pytest.fixture
def comparison_clock(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5


def comparison_export(client, membership, name, project=None, table="", fmt="csv"):
    client.force_login(membership.user)
    path = comparison_tests.url(name, project or membership.project, "en")
    return client.get(f"{path}?format={fmt}&csv=international&table={table}")


def test_the_twins_export_hides_by_the_role_in_each_project(client, comparison_clock):
    malmo, goteborg = comparison_tests.twin_world()
    steering = MembershipFactory(project=malmo, role=Role.STEERING)
    MembershipFactory(project=goteborg, role=Role.MANAGER, user=steering.user)
    rows = csv_rows(comparison_export(client, steering, "twins", table="goals"), True)
    assert rows[0][:3] == ["Twin project", "Goal", "Target"]
    (row,) = rows[1:]
    hidden = "hidden: a part of the group is fewer than 5"
    assert row[0] == "Framtid i Fokus Göteborg"
    assert row[3] == row[5] == row[6] == hidden  # Malmö, where the user is steering
    assert row[12:14] == ["3", "10"]  # Göteborg: count / total shown
    gender = csv_rows(comparison_export(client, steering, "twins", table="gender"), True)
    women = next(r for r in gender[1:] if r[2] == "Women")
    assert women[3] in HIDDEN and women[7:] == ["100", "%", "3", "3"]


def test_a_twin_the_user_is_not_a_member_of_is_not_in_the_export(client, comparison_clock):
    malmo, _goteborg = comparison_tests.twin_world()
    manager = MembershipFactory(project=malmo, role=Role.MANAGER)
    rows = csv_rows(comparison_export(client, manager, "twins", table="goals"), True)
    assert rows[1:] == []
    page = client.get(comparison_tests.url("twins", malmo, "en")).content.decode()
    assert "format=csv" not in page  # nothing to download: no links


def test_the_reference_export_is_the_page_and_hides_what_it_hides(client, comparison_clock):
    project = comparison_tests.reference_project()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    rows = csv_rows(comparison_export(client, manager, "reference", project, "comparison"), True)
    by_period = {row[0]: row for row in rows[1:]}
    assert by_period["2009"][1:3] == ["27.5", "37.5"]
    assert by_period["2009"][3:7] == ["75", "%", "3", "4"]
    assert by_period["2009"][-1] == "47.5"
    assert by_period["Whole period"][5:7] == ["4", "6"]
    steering = MembershipFactory(project=project, role=Role.STEERING)
    rows = csv_rows(comparison_export(client, steering, "reference", project, "comparison"), True)
    flat = [cell for row in rows for cell in row]
    assert "3" not in flat and "4" not in flat and "6" not in flat
    assert HIDDEN & set(flat) and "fewer than None" not in flat
    years = csv_rows(comparison_export(client, steering, "reference", project, "years"), True)
    assert years[1] == ["2009", "400", "27.5"]
    programmes = csv_rows(
        comparison_export(client, steering, "reference", project, "programmes"), True
    )
    assert sorted(row[1:4] for row in programmes[1:]) == [
        ["2009", "100", "20"], ["2009", "300", "30"], ["2010", "200", "40"]
    ]  # fmt: skip


def test_the_quarters_export_holds_every_goal_and_quarter(client, comparison_clock):
    project = comparison_tests.quarter_project()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    rows = csv_rows(comparison_export(client, manager, "quarters", project), True)
    job = [row for row in rows[1:] if row[0] == "Goal job"]
    assert [row[1] for row in job] == ["2009 Q1", "2009 Q2", "2009 Q3", "2009 Q4", "2010 Q1",
                                       "2010 Q2"]  # fmt: skip
    assert [tuple(row[4:6]) for row in job][:3] == [("2", "3"), ("0", "0"), ("1", "6")]
    steering = MembershipFactory(project=project, role=Role.STEERING)
    rows = csv_rows(comparison_export(client, steering, "quarters", project), True)
    job = [row for row in rows[1:] if row[0] == "Goal job"]
    assert job[0][2] in HIDDEN and job[0][4] in HIDDEN and job[2][4] in HIDDEN


# --- the snapshots ----------------------------------------------------------------------------


@pytest.fixture
def snapshot_world(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5
    project, members, _outsider, _june = snapshot_tests.world.__wrapped__()
    snapshot = snapshot_tests.lock(project, members[Role.MANAGER].user)
    return project, members, snapshot


def snapshot_export(client, snapshot_world, role, table, view="detail"):
    project, members, snapshot = snapshot_world
    client.force_login(members[role].user)
    kwargs = {"snapshot_id": snapshot.pk} if view == "detail" else {}
    path = snapshot_tests.url(view, project, "en", **kwargs)
    return client.get(f"{path}?format=csv&csv=international&table={table}")


def test_the_snapshot_export_has_locked_today_and_difference(client, snapshot_world):
    rows = csv_rows(snapshot_export(client, snapshot_world, Role.MANAGER, "breakdowns"), True)
    women = next(r for r in rows[1:] if r[0] == "In work after 90 days" and r[2] == "Women")
    # Locked 3 / 4 (75 %), today 5 / 6 (83.3 %), difference +8.3 pp (+2 / +2).
    assert women[3:7] == ["75", "%", "3", "4"]
    assert women[10:14] == ["83.3", "%", "5", "6"]
    assert women[14:17] == ["8.3", "2", "2"]
    goals = csv_rows(snapshot_export(client, snapshot_world, Role.MANAGER, "goals"), True)
    assert goals[0][0] == "Goal" and goals[0][1] == "Locked: Value"
    assert {row[0] for row in goals[1:]} == {"In work after 90 days", "Pre-study done"}


def test_the_snapshot_export_hides_from_the_steering_group(client, snapshot_world):
    for table in ("goals", "breakdowns"):
        rows = csv_rows(snapshot_export(client, snapshot_world, Role.STEERING, table), True)
        work = [r for r in rows[1:] if r[0] == "In work after 90 days"]
        for row in work:
            numbers = [cell for cell in row[3:] if cell.isdigit()]
            assert all(int(n) == 0 or int(n) >= 5 for n in numbers), row
        assert any("fewer than 5" in cell or "hidden" in cell for r in work for cell in r)


def test_the_snapshot_list_export(client, snapshot_world):
    rows = csv_rows(snapshot_export(client, snapshot_world, Role.STEERING, "", view="list"), True)
    assert rows[0] == ["Label", "First day of the period", "Last day of the period",
                       "Locked by", "Locked"]  # fmt: skip
    assert rows[1][:3] == ["Lägesrapport 2009 H2", "2009-07-01", "2009-12-31"]


# --- every figure of every export, attacked like the routes -----------------------------------


def _numbers(response, lang):
    return csv_rows(response, international=lang == "en")


def exported_figures(client, project, sets, shown):
    """The figures of the dashboard's and the quarter comparison's downloads, each matched to
    the people it counts (tests/test_disclosure_routes.py's Sets and Shown)."""

    def get(name, table="", lang="en"):
        with translation.override(lang):
            path = reverse(name, kwargs={"project_id": project.pk})
        style = "&csv=international" if lang == "en" else ""
        return _numbers(client.get(f"{path}?format=csv&table={table}{style}"), lang)

    stages = ["referred", "started", "exited", "followed_up"]
    for stage, row in zip(stages, get("goals:dashboard", "flow")[1:], strict=True):
        for gender, number in zip(["woman", "man", "other"], row[1:4], strict=True):
            if number.isdigit():
                shown.add(sets.flow[stage] & sets.genders[gender], number, f"export flow {stage}")
        if row[4].isdigit():
            shown.add(sets.flow[stage], row[4], f"export flow {stage} total")
    for row in get("goals:dashboard", "hours", lang="sv")[1:]:
        code = next(code for code, name in sets.category_names.items() if name == row[0])
        if row[2].isdigit():
            shown.add(sets.hours[code], row[2], f"export hours {code}")
    people_goals = sets.people_goals()
    for row in get("goals:dashboard", "goals")[1:]:
        key = row[-1]
        if key not in people_goals:
            continue
        universe = sets.universe_of(key)
        for part, number in zip(("numerator", "denominator"), row[3:5], strict=True):
            if number.isdigit():
                shown.add(sets.goal(key, part), number, f"export {key} {part}", universe)
        if row[9].isdigit():
            shown.add(sets.goal(key, "missing"), row[9], f"export {key} missing", universe)
    with translation.override("en"):
        dimensions = {str(label): code for code, label in dimension_labels().items()}
        labels = group_labels(project)
        fallback = {"": "Unknown", "unknown": "Unknown", "none": "None recorded"}
        period = str(_("Period"))
        whole = str(_("Whole period"))
    for row in get("goals:dashboard", "breakdowns")[1:]:
        key = row[-1]
        if key not in people_goals:
            continue
        result = sets.results[key]
        if row[1] == period:
            group = None if row[2] == whole else sets.group("exit_year", row[2], key)
        else:
            dimension = dimensions[row[1]]
            names = {
                str(labels.get(dimension, {}).get(name) or fallback.get(name) or name): name
                for name in result.breakdown[dimension]
            }
            group = sets.group(dimension, names[row[2]], key)
        universe = sets.universe_of(key)
        for part, number in (("numerator", row[5]), ("denominator", row[6]), ("missing", row[11])):
            if number.isdigit():
                members = sets.goal(key, part, group)
                shown.add(members, number, f"export {key} {row[1]} {row[2]} {part}", universe)
    for row in get("goal_comparison:quarters")[1:]:
        key = row[-1]
        if key not in people_goals or not row[4].isdigit():
            continue
        result = sets.results[key]
        dimension = "start_quarter" if result.population_date == "started_on" else "exit_quarter"
        group = sets.group(dimension, row[1])
        for part, number in (("numerator", row[4]), ("denominator", row[5])):
            shown.add(sets.goal(key, part, group), number, f"export quarter {row[1]} {part}")


@hypothesis_settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=routes.PEOPLE)
def test_no_export_shows_or_gives_away_a_figure_about_fewer_than_five(client, settings, people):
    settings.FOLJSAM_TODAY = routes.TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = routes.THRESHOLD
    project = routes.make_project(people)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    sets = routes.Sets(project)
    shown = routes.Shown()
    client.force_login(steering.user)
    exported_figures(client, project, sets, shown)
    leaks = shown.attack(sets)
    assert not leaks, f"recoverable sets of {[n for _m, n in leaks]} people"


# --- the links under the tables -----------------------------------------------------------------


def follow_export_links(client, path) -> list[str]:
    """Every download link on the page, followed: each gives a file. Returns the links."""
    import html as html_lib

    page = client.get(path)
    assert page.status_code == 200
    links = [
        html_lib.unescape(href)
        for href in re.findall(r'href="([^"]*format=[^"]*)" download', page.content.decode())
    ]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        kind = response["Content-Type"]
        assert kind.startswith("text/csv") or "spreadsheetml" in kind, link
        assert "attachment" in response["Content-Disposition"]
        b"".join(response.streaming_content)
    return links


def test_every_download_link_on_the_dashboard_gives_its_table(client, goal_world):
    project, members = goal_world
    client.force_login(members[Role.STEERING].user)
    links = follow_export_links(client, dashboard_tests.url("dashboard", project, "en"))
    tables = {re.search(r"table=(\w+)", link).group(1) for link in links}
    assert tables == {"goals", "breakdowns", "flow", "gender", "hours"}
    assert len(links) == 15  # XLSX, Swedish CSV and international CSV of each


def test_the_lists_keep_their_filters_in_the_download_links(client, world):
    enrol(world, "Bo", "Berg", status=Status.PAUSED)
    login(client, world.case_worker)
    links = follow_export_links(client, url("case_list", world) + "?scope=all&status=paused&page=1")
    assert len(links) == 3
    assert all("status=paused" in link and "scope=all" in link for link in links)
    assert not any("page=" in link for link in links)
    assert len(follow_export_links(client, url("follow_up_worklist", world))) == 3


def test_the_comparison_and_snapshot_pages_have_download_links(client, snapshot_world):
    project, members, snapshot = snapshot_world
    client.force_login(members[Role.MANAGER].user)
    path = snapshot_tests.url("detail", project, "en", snapshot_id=snapshot.pk)
    assert len(follow_export_links(client, path)) == 6
    assert len(follow_export_links(client, snapshot_tests.url("list", project, "en"))) == 3
    assert len(follow_export_links(client, comparison_tests.url("quarters", project, "en"))) == 3


def test_a_parents_sub_project_table_is_exported_as_hidden_as_on_its_dashboard(client, settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5
    from core.models import Project

    from .factories import ProjectFactory
    from .test_goal_engine import person

    programme = ProjectFactory(kind=Project.Kind.PROGRAMME, title="Programmet")
    small = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Lilla delen")
    large = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Stora delen")
    for _i in range(3):
        person(small, gender="woman")
    for i in range(12):
        person(large, gender=["woman", "man"][i % 2])
    path = "/en" + reverse("goals:dashboard", args=[programme.pk])
    steering = MembershipFactory(project=programme, role=Role.STEERING)
    client.force_login(steering.user)
    assert "table=parts" in client.get(path).content.decode()
    rows = csv_rows(client.get(path + "?format=csv&csv=international&table=parts"), True)
    assert rows[0][:3] == ["Sub-project", "Phase", "Participants"]
    by_title = {row[0]: row for row in rows[1:]}
    assert by_title["Lilla delen"][2] == "fewer than 5"
    assert by_title["Stora delen"][2] == "hidden to protect another figure"
    manager = MembershipFactory(project=programme, role=Role.MANAGER)
    client.force_login(manager.user)
    rows = csv_rows(client.get(path + "?format=csv&csv=international&table=parts"), True)
    assert {row[0]: row[2] for row in rows[1:]} == {"Lilla delen": "3", "Stora delen": "12"}
    # A project without parts has no such table.
    client.force_login(MembershipFactory(project=small, role=Role.MANAGER).user)
    small_path = "/en" + reverse("goals:dashboard", args=[small.pk])
    assert client.get(small_path + "?format=csv&table=parts").status_code == 404

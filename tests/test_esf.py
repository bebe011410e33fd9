"""ESF indicators (issue 13, item 3): each indicator's figures equal a count done in plain
Python over the rows that made them; participants missing a needed field are listed; the XLSX
holds numbers as numbers; aggregate-only readers get the figures through the disclosure rule;
the page is in the menu of the roles that may see it and nobody else's."""

import datetime as dt
import io
import shutil
import subprocess
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import LogEntry, Role
from enrolments.models import FollowUp, Status
from esf import report as esf_report
from esf.indicators import SETS, period_of

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2013, 6, 1)
STATUSES = [
    "", "unemployed", "long_term_unemployed", "inactive", "sick_leave", "in_programme",
    "studying", "employed_part_time", "newly_arrived",
]  # fmt: skip
EDUCATION = [
    "primary_short", "primary", "upper_secondary", "post_secondary_short",
    "post_secondary_long", "unknown",
]  # fmt: skip
REGIONS = ["sweden", "nordic", "eu_eea", "europe_other", "outside_europe", "unknown"]
OUTCOMES = [
    "employed_full_time", "employed_part_time", "subsidised_full_time", "subsidised_part_time",
    "self_employed", "studies", "other_programme", "job_seeking", "sick_leave", "unknown",
]  # fmt: skip

PERSON = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(["woman", "man", "other"]),
        "born": st.integers(1945, 1998),
        "status": st.sampled_from(STATUSES),
        "months": st.one_of(st.none(), st.integers(0, 30)),
        "education": st.sampled_from(EDUCATION),
        "region": st.sampled_from(REGIONS),
        "disability": st.sampled_from([None, True, False]),
        "start": st.dates(dt.date(2009, 1, 1), dt.date(2012, 12, 31)),
        "exit_after": st.one_of(st.none(), st.integers(1, 500)),
        "exit_status": st.sampled_from(OUTCOMES),
        # six-month follow-up: None not recorded, False not reached, else the status
        "six": st.one_of(st.none(), st.just(False), st.sampled_from(OUTCOMES[:-1])),
    }
)


def build(project, people, *, named=False) -> list[dict]:
    """The people as enrolments of `project`; returns each spec with its enrolment id."""
    made = []
    for spec in people:
        factory = AnonymousParticipantFactory
        extra = {}
        if named:
            factory = ParticipantFactory
            extra = {"identity": demo_identity_number(dt.date(spec["born"], 5, 17))}
        participant = factory(
            **extra,
            gender=spec["gender"],
            birth_year=spec["born"],
            region_of_birth=spec["region"],
            education_level=spec["education"],
            disability=spec["disability"],
        )
        exited = None
        if spec["exit_after"] is not None:
            exited = spec["start"] + dt.timedelta(days=spec["exit_after"])
            exited = exited if exited <= TODAY else None
        enrolment = EnrolmentFactory(
            participant=participant,
            project=project,
            referred_on=spec["start"],
            started_on=spec["start"],
            labour_market_status=spec["status"],
            months_without_work=spec["months"],
            status=Status.EXITED if exited else Status.ACTIVE,
            exited_on=exited,
            exit_status=spec["exit_status"] if exited else "",
        )
        if exited:
            due = exited + dt.timedelta(days=180)
            recorded = spec["six"] is not None and due <= TODAY
            FollowUp.objects.create(
                enrolment=enrolment,
                day=180,
                due_on=due,
                reached=(spec["six"] is not False) if recorded else None,
                status=spec["six"] if recorded and spec["six"] else "",
                source="participant" if recorded and spec["six"] else "",
                recorded_on=due if recorded else None,
            )
        made.append({**spec, "id": enrolment.pk, "exited": exited})
    return made


# --- the independent count: plain Python over the specs, from the regulation's words ---------

IN_WORK = {"employed_full_time", "employed_part_time", "subsidised_full_time",
           "subsidised_part_time", "self_employed"}  # fmt: skip


def age(p):
    return p["start"].year - p["born"]


def work_status(p):
    s = p["status"]
    if s == "employed_part_time":
        return "employed"
    if s in ("unemployed", "long_term_unemployed", "in_programme", "newly_arrived"):
        return "unemployed"
    if s in ("inactive", "sick_leave", "studying"):
        return "inactive"
    return None


def ltu(p):
    if p["status"] == "long_term_unemployed":
        return True
    limit = 6 if age(p) < 25 else 12
    return work_status(p) == "unemployed" and p["months"] is not None and p["months"] >= limit


BANDS = {"primary_short": "low", "primary": "low", "upper_secondary": "mid",
         "post_secondary_short": "high", "post_secondary_long": "high"}  # fmt: skip


def band(p):
    return BANDS.get(p["education"])


def abroad(p):
    return p["region"] not in ("sweden", "unknown")


def six(p):
    return p["six"] if p["six"] else None


# code -> (population, needed facts, test)
EXPECTED = {
    "TOTAL": ("entry", (), lambda p: True),
    "CO01": ("entry", ("status",), lambda p: work_status(p) == "unemployed"),
    "CO02": ("entry", ("status",), ltu),
    "CO03": ("entry", ("status",), lambda p: work_status(p) == "inactive"),
    "CO04": ("entry", ("status",),
             lambda p: work_status(p) == "inactive" and p["status"] != "studying"),
    "CO05": ("entry", ("status",), lambda p: work_status(p) == "employed"),
    "CO06": ("entry", (), lambda p: age(p) <= 24),
    "CO07": ("entry", (), lambda p: age(p) >= 55),
    "CO08": ("entry", ("status",), lambda p: age(p) >= 55 and (
        work_status(p) == "unemployed" or p["status"] in ("inactive", "sick_leave"))),
    "CO09": ("entry", ("education",), lambda p: band(p) == "low"),
    "CO10": ("entry", ("education",), lambda p: band(p) == "mid"),
    "CO11": ("entry", ("education",), lambda p: band(p) == "high"),
    "CO15": ("entry", ("origin",), abroad),
    "CO16": ("entry", ("disability",), lambda p: p["disability"] is True),
    "LEAVERS": ("exit", (), lambda p: True),
    "CR01": ("exit", ("status", "exit"),
             lambda p: work_status(p) == "inactive" and p["exit_status"] == "job_seeking"),
    "CR02": ("exit", ("exit",), lambda p: p["exit_status"] == "studies"),
    "CR04": ("exit", ("exit",), lambda p: p["exit_status"] in IN_WORK),
    "CR05": ("exit", ("origin", "exit"), lambda p: (abroad(p) or p["disability"] is True)
             and p["exit_status"] in IN_WORK | {"studies", "job_seeking"}),
    "CR06": ("six", ("six",), lambda p: six(p) in IN_WORK),
    "CR07": ("six", ("status", "six"), lambda p: p["status"] == "employed_part_time"
             and six(p) in ("employed_full_time", "subsidised_full_time")),
    "CR08": ("six", ("six",), lambda p: age(p) >= 55 and six(p) in IN_WORK),
    "CR09": ("six", ("origin", "six"),
             lambda p: (abroad(p) or p["disability"] is True) and six(p) in IN_WORK),
}  # fmt: skip
LACKS = {
    "status": lambda p: p["status"] == "",
    "education": lambda p: p["education"] == "unknown",
    "origin": lambda p: p["region"] == "unknown",
    "disability": lambda p: p["disability"] is None,
    "exit": lambda p: p["exit_status"] == "unknown",
    "six": lambda p: six(p) is None,
}


def in_period(day, year):
    return day is not None and (year is None or day.year == year)


def population(people, kind, year):
    if kind == "entry":
        return [p for p in people if in_period(p["start"], year)]
    exits = [p for p in people if in_period(p["exited"], year)]
    if kind == "exit":
        return exits
    return [p for p in exits if p["exited"] + dt.timedelta(days=180) <= TODAY]


def expected_counts(people, code, year) -> Counter:
    kind, needs, test = EXPECTED[code]
    counts = Counter()
    for p in population(people, kind, year):
        if not any(LACKS[n](p) for n in needs) and test(p):
            counts[p["gender"]] += 1
    return counts


def expected_missing(people, code, year) -> set[int]:
    kind, needs, _ = EXPECTED[code]
    return {p["id"] for p in population(people, kind, year) if any(LACKS[n](p) for n in needs)}


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(PERSON, max_size=14), year=st.sampled_from([None, 2009, 2010, 2012]))
def test_every_indicator_equals_a_plain_count_over_the_rows(people, year):
    project = ProjectFactory(
        follow_up_days=[90, 180], funding_programme="ESF 2014–2020", ends_on=dt.date(2012, 12, 31)
    )
    made = build(project, people)
    period = esf_report.period_for(project, str(year) if year else "project")
    result = esf_report.build(project, SETS["2014-2020"], period, TODAY)
    by_code = {row.indicator.code: row for row in result.rows}
    listed: dict[str, set[int]] = {}
    for m in result.missing:
        for code in m.codes:
            if m.need != "gender":
                listed.setdefault(code, set()).add(m.enrolment_id)
    for code in EXPECTED:
        row = by_code[code]
        counts = expected_counts(made, code, year)
        assert row.counts == {g: counts[g] for g in ("woman", "man", "other")}, code
        assert row.total == sum(counts.values()), code
        assert listed.get(code, set()) == expected_missing(made, code, year), code
    # Another gender than woman or man: in the total, listed as not in either column.
    others = {m.enrolment_id for m in result.missing if m.need == "gender"}
    expected_others = {p["id"] for p in population(made, "entry", year) if p["gender"] == "other"}
    assert expected_others <= others


@hsettings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(PERSON, max_size=14))
def test_esf_plus_counts_by_women_men_and_non_binary(people):
    project = ProjectFactory(follow_up_days=[180], starts_on=dt.date(2022, 1, 1),
                             ends_on=dt.date(2024, 12, 31))  # fmt: skip
    made = build(project, people)
    result = esf_report.build(project, SETS["2021-2027"], esf_report.period_for(project, None),
                              TODAY)  # fmt: skip
    by_code = {row.indicator.code: row for row in result.rows}
    entered = population(made, "entry", None)
    assert by_code["EECO01"].counts == {
        g: sum(1 for p in entered if p["gender"] == g) for g in ("woman", "man", "other")
    }
    assert by_code["EECO06"].total == sum(1 for p in entered if age(p) < 18)
    assert by_code["EECO07"].total == sum(1 for p in entered if 18 <= age(p) <= 29)
    assert by_code["EECO08"].total == sum(1 for p in entered if age(p) >= 55)
    assert not any(m.need == "gender" for m in result.missing)  # non-binary is a column


def test_the_programme_period_comes_from_the_funding_programme_or_the_dates():
    assert period_of(ProjectFactory(funding_programme="Europeiska socialfonden (ESF) 2007–2013",
                                    starts_on=dt.date(2015, 1, 1),
                                    ends_on=dt.date(2016, 1, 1))) == "2007-2013"  # fmt: skip
    assert period_of(ProjectFactory(funding_programme="", starts_on=dt.date(2016, 1, 1),
                                    ends_on=dt.date(2017, 1, 1))) == "2014-2020"  # fmt: skip
    assert period_of(ProjectFactory(funding_programme="ESF+", starts_on=dt.date(2023, 1, 1),
                                    ends_on=dt.date(2024, 1, 1))) == "2021-2027"  # fmt: skip


def test_without_a_six_month_follow_up_the_longer_term_results_are_not_recorded():
    project = ProjectFactory(follow_up_days=[90])
    result = esf_report.build(project, SETS["2014-2020"], esf_report.period_for(project, None),
                              TODAY)  # fmt: skip
    rows = {row.indicator.code: row for row in result.rows}
    assert not rows["CR06"].recorded and rows["CR04"].recorded


# --- the page and the file ------------------------------------------------------------------


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = 5
    project = ProjectFactory(follow_up_days=[90, 180], funding_programme="ESF 2007–2013")
    people = [
        {"gender": g, "born": 1970 + i % 20, "status": "long_term_unemployed", "months": 20,
         "education": "unknown" if i == 0 else "primary", "region": "outside_europe",
         "disability": False, "start": dt.date(2010, 3, 1), "exit_after": 200,
         "exit_status": "employed_full_time" if i % 3 else "job_seeking",
         "six": "employed_full_time"}
        for i, g in enumerate(["woman"] * 9 + ["man"] * 8 + ["other"])
    ]  # fmt: skip
    made = build(project, people, named=True)
    roles = {r: MembershipFactory(project=project, role=r) for r in Role.values}
    return project, made, roles


def url(project, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("esf:indicators", kwargs={"project_id": project.pk}) + (
        f"?{query}" if query else ""
    )


def en_url(project, **params):
    with translation.override("en"):
        return url(project, **params)


def workbook(response):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_xlsx_holds_numbers_as_numbers_and_lists_the_missing(client, world):
    project, made, roles = world
    client.force_login(roles[Role.MANAGER].user)
    with translation.override("en"):
        response = client.get(en_url(project, format="xlsx", period="2010"))
    assert response.status_code == 200
    book = workbook(response)
    assert book.sheetnames == ["Indicators", "Missing fields", "Definitions", "About"]
    sheet = book["Indicators"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Code", "Indicator", "Women", "Men", "Total"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["ENT"][2:5] == (9, 8, 18)  # the one of another gender is in the total
    assert all(isinstance(v, int) for v in rows["ENT"][2:5])
    assert rows["EDU-1-2"][2:5] == (8, 8, 17)  # the one without a level is not counted …
    assert rows["VUL-MIN"][2] == "not recorded"
    missing = list(book["Missing fields"].iter_rows(min_row=2, values_only=True))
    first = made[0]["id"]
    assert (first, "Education level", "EDU-1-2, EDU-3, EDU-5-6") in missing  # … but listed
    definitions = {r[0]: r for r in book["Definitions"].iter_rows(min_row=2, values_only=True)}
    assert definitions["EDU-1-2"][2:5] == (
        "Commission Regulation (EC) No 1828/2006, Annex XXIII",
        "Participants who started in the period",
        "Education level",
    )
    assert LogEntry.objects.filter(action="export", project=project).exists()
    names = {p.given_name for p in (e.participant for e in project.enrolments.all())}
    text = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r)
    assert not any(name in text for name in names)  # no names in the file


def test_swedish_headers_for_a_swedish_reader(client, world):
    project, _, roles = world
    client.force_login(roles[Role.MANAGER].user)
    book = workbook(client.get(url(project, format="xlsx")))
    with translation.override("sv"):
        headers = [translation.gettext(t) for t in ("Code", "Indicator", "Women", "Men")]
    assert [c.value for c in book.worksheets[0][1]][:4] == headers
    assert headers[2:] == ["Kvinnor", "Män"]


def test_aggregate_only_readers_get_the_figures_through_the_disclosure_rule(client, world):
    project, made, roles = world
    for role in (Role.STEERING, Role.EVALUATOR):
        client.force_login(roles[role].user)
        with translation.override("en"):
            book = workbook(client.get(en_url(project, format="xlsx")))
        rows = list(book["Indicators"].iter_rows(min_row=2, values_only=True))
        numbers = [v for r in rows for v in r[2:5] if isinstance(v, int)]
        assert numbers and all(v == 0 or v >= 5 for v in numbers)
        by_code = {r[0]: r for r in rows}
        # 18 entered, 17 women and men: the one other is hidden, so a gender column goes too
        assert "hidden" in str(by_code["ENT"][2:4]) or "fewer" in str(by_code["ENT"][2:4])
        missing = list(book["Missing fields"].iter_rows(values_only=True))
        assert missing[0][0] == "Missing field"  # counts by field, no enrolment numbers
        ids = {m["id"] for m in made}
        assert not any(isinstance(v, int) and v in ids and v >= 5 for r in missing for v in r[:1])


def test_the_page_for_a_manager_shows_exact_figures_and_the_list(client, world):
    project, made, roles = world
    client.force_login(roles[Role.MANAGER].user)
    page = client.get(en_url(project)).content.decode()
    assert "ESF indicators" in page and "Missing fields by enrolment" in page
    assert reverse("enrolments:participant", args=[project.pk, made[0]["id"]]) in page


def test_access_and_menu(client, world):
    project, _, roles = world
    for role, allowed in [(Role.MANAGER, True), (Role.CASE_WORKER, True), (Role.EVALUATOR, True),
                          (Role.STEERING, True), (Role.PROVIDER, False),
                          (Role.DATA_PROTECTION, False)]:  # fmt: skip
        client.force_login(roles[role].user)
        assert client.get(url(project)).status_code == (200 if allowed else 403), role
        overview = client.get(reverse("core:project_detail", args=[project.pk])).content.decode()
        assert (url(project) in overview) == allowed, role
    client.force_login(MembershipFactory(role=Role.MANAGER).user)
    assert client.get(url(project)).status_code == 404


@pytest.mark.skipif(not shutil.which("libreoffice") and not shutil.which("soffice"),
                    reason="LibreOffice is not installed")  # fmt: skip
def test_libreoffice_opens_the_file_with_numbers_as_numbers(client, world, tmp_path):
    """LibreOffice reads the file (converted to flat ODS, its own XML): the indicator rows'
    counts are cells of type float with the figures of the page, "not recorded" is text."""
    import xml.etree.ElementTree as ET

    project, _, roles = world
    client.force_login(roles[Role.MANAGER].user)
    path = tmp_path / "esf.xlsx"
    with translation.override("en"):
        response = client.get(en_url(project, format="xlsx", period="2010"))
    path.write_bytes(b"".join(response.streaming_content))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    command = [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
               "--convert-to", "fods", "--outdir", str(tmp_path), str(path)]  # fmt: skip
    subprocess.run(command, check=True, timeout=180, capture_output=True)  # noqa: S603
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    tree = ET.parse(tmp_path / "esf.fods")  # noqa: S314 - LibreOffice's output of our own file
    sheets = tree.getroot().findall(".//table:table", ns)
    assert [t.get(f"{{{ns['table']}}}name") for t in sheets][:1] == ["Indicators"]
    rows = {}
    for row in sheets[0].iter(f"{{{ns['table']}}}table-row"):
        cells = []
        for cell in row.findall("table:table-cell", ns):
            repeat = int(cell.get(f"{{{ns['table']}}}number-columns-repeated", "1"))
            kind = cell.get(f"{{{ns['office']}}}value-type")
            value = cell.get(f"{{{ns['office']}}}value")
            text = "".join(cell.itertext()).strip()
            cells.extend([(kind, value, text)] * min(repeat, 20))
        if cells and cells[0][2]:
            rows[cells[0][2]] = cells
    assert [(kind, float(value)) for kind, value, _ in rows["ENT"][2:5]] == [
        ("float", 9.0), ("float", 8.0), ("float", 18.0)
    ]  # fmt: skip
    assert rows["VUL-MIN"][2][0] == "string" and rows["VUL-MIN"][2][2] == "not recorded"


def test_a_parent_project_counts_its_parts_participants():
    parent = ProjectFactory(follow_up_days=[180])
    part = ProjectFactory(parent=parent, follow_up_days=[180])
    spec = {"gender": "man", "born": 1980, "status": "unemployed", "months": 3,
            "education": "primary", "region": "sweden", "disability": False,
            "start": dt.date(2010, 2, 1), "exit_after": None, "exit_status": "studies",
            "six": None}  # fmt: skip
    build(part, [spec, {**spec, "gender": "woman"}])
    result = esf_report.build(parent, SETS["2007-2013"], esf_report.period_for(parent, None),
                              TODAY)  # fmt: skip
    assert result.rows[0].counts == {"woman": 1, "man": 1, "other": 0}


def test_a_case_worker_lists_only_the_enrolments_they_may_see(client, world):
    project, made, roles = world
    client.force_login(roles[Role.CASE_WORKER].user)  # no consent covers their organisation
    page = client.get(en_url(project)).content.decode()
    assert reverse("enrolments:participant", args=[project.pk, made[0]["id"]]) not in page
    # the one without an education level and the one of another gender
    assert "2 more participants missing a field are outside your view." in page


def test_a_long_missing_list_is_cut_on_the_page_but_whole_in_the_file(client, world, monkeypatch):
    from esf import views

    project, _, roles = world
    monkeypatch.setattr(views, "PAGE_MISSING", 1)
    client.force_login(roles[Role.MANAGER].user)
    page = client.get(en_url(project)).content.decode()
    assert "The first 1 of 2 are shown here; the Excel file lists them all." in page
    with translation.override("en"):
        book = workbook(client.get(en_url(project, format="xlsx")))
    assert len(list(book["Missing fields"].iter_rows(min_row=2))) == 2

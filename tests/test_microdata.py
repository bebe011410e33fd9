"""Pseudonymised microdata for evaluators (issue 13, item 5; docs/microdata.md)."""

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core import checks
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import LogEntry, Purpose, Role, TargetGroup
from enrolments.models import FollowUp
from enrolments.services import add_note, exit_enrolment, record_follow_up
from interventions.models import InterventionCategory
from interventions.services import record_hours
from microdata import checks as key_checks
from microdata import dataset as microdata
from surveys.services import record_answer

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
    demo_identity_number,
)

pytestmark = pytest.mark.django_db

FAMILY = "Qvarnströmsdotter"
NOTE = "berättade om sin rygg"
PURPOSE_TEXT = "Utvärdering av projektets effekter på sysselsättning"


def _person(project, manager, organisation, n, *, birth_year=1980, intervention=None):
    identity = demo_identity_number(dt.date(birth_year, 5, 1 + n))
    person = ParticipantFactory(
        given_name=f"Zlatanah{n}",
        family_name=f"{FAMILY}{n}",
        identity=identity,
        interpreter_language="Tigrinska",
        arrival_year=2005,
        region_of_birth="outside_europe",
    )
    enrolment = EnrolmentFactory(participant=person, project=project)
    add_note(
        enrolment=enrolment,
        by=manager,
        organisation=organisation,
        happened_on=dt.date(2009, 3, 1),
        kind="meeting",
        text=f"{person.given_name} {NOTE}.",
        visibility="project",
    )
    if intervention is not None:
        participation = ParticipationFactory(enrolment=enrolment, intervention=intervention)
        record_hours(by=manager, participation=participation, held_on=dt.date(2009, 3, 3), hours=3)
        record_hours(
            by=manager, participation=participation, held_on=dt.date(2009, 3, 4), hours="2.5"
        )
    record_answer(
        enrolment=enrolment,
        occasion="entry",
        question="job_chances",
        value=1 + n % 5,
        answered_on=dt.date(2009, 2, 20),
        by=manager,
    )
    return person, enrolment, identity


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    organisation = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(title="Framtid", follow_up_days=[90])
    manager = UserFactory(username="md-manager")
    MembershipFactory(project=project, user=manager, organisation=organisation, role=Role.MANAGER)
    evaluator = UserFactory(username="md-evaluator")
    MembershipFactory(
        project=project, user=evaluator, organisation=organisation, role=Role.EVALUATOR
    )
    group = TargetGroup.objects.create(project=project, code="unga", name="Unga vuxna")
    intervention = InterventionFactory(project=project)
    people = [
        _person(project, manager, organisation, n, intervention=intervention if n % 2 else None)
        for n in range(6)
    ]
    people[0][1].target_groups.add(group)
    exit_enrolment(
        enrolment=people[1][1],
        by=manager,
        exited_on=dt.date(2009, 6, 1),
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )
    follow_up = FollowUp.objects.get(enrolment=people[1][1], day=90)
    record_follow_up(
        follow_up=follow_up,
        by=manager,
        reached=True,
        status="employed_full_time",
        income_source="salary",
        source="participant",
        recorded_on=dt.date(2009, 9, 1),
    )
    return {
        "project": project,
        "manager": manager,
        "evaluator": evaluator,
        "organisation": organisation,
        "people": people,
        "intervention": intervention,
    }


def _url(project, **query):
    url = reverse("microdata:index", args=[project.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _download(client, user, project, fmt="xlsx", purpose=PURPOSE_TEXT, undertaking=True, **q):
    client.force_login(user)
    data = {"purpose": purpose}
    if undertaking:
        data["undertaking"] = "on"
    return client.post(_url(project, format=fmt, **q), data)


def _xlsx(response) -> dict[str, list[list]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def _csv(response, delimiter=";") -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body), delimiter=delimiter))


def _records(table: list[list]) -> list[dict]:
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


def _by_variable(project):
    """The rows as {variable name: value}, read straight from the data set."""
    return list(microdata.build(project).rows())


# --- what the file holds ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_no_name_identity_number_or_free_text_anywhere_in_the_file(client, world, fmt):
    response = _download(client, world["evaluator"], world["project"], fmt=fmt)
    assert response.status_code == 200
    if fmt == "xlsx":
        sheets = _xlsx(response)
        header = sheets["data"][0]
        cells = [cell for table in sheets.values() for row in table for cell in row]
    else:
        rows = _csv(response)
        header = rows[0]
        cells = [cell for row in rows for cell in row]
    text = "\n".join(str(cell) for cell in cells if cell is not None)
    forbidden = [FAMILY, "Zlatanah", NOTE, "Tigrinska"]
    for _person, _enrolment, identity in world["people"]:
        forbidden += [identity, identity[2:], f"{identity[:8]}-{identity[8:]}"]
        forbidden += [f"{identity[2:8]}-{identity[8:]}"]
    for value in forbidden:
        assert value not in text, value
    # No id of a person or an enrolment: no column carries them.
    assert len(header) == len(microdata.build(world["project"]).variables)
    assert not {"id", "Id", "enrolment", "participant", "participant_id"} & set(header)


def test_one_row_per_enrolment_and_a_person_enrolled_twice_keeps_one_pseudonym(world):
    project = world["project"]
    person, first, _identity = world["people"][1]  # exited: may enrol again
    EnrolmentFactory(
        participant=person,
        project=project,
        referred_on=dt.date(2010, 1, 4),
        started_on=None,
        status="referred",
    )
    rows = _by_variable(project)
    assert len(rows) == project.enrolments.count() == 7
    counts = Counter(row["pseudonym"] for row in rows)
    assert sorted(counts.values()) == [1, 1, 1, 1, 1, 2]


def test_the_pseudonym_is_stable_within_a_project_and_differs_between_projects(world, settings):
    project = world["project"]
    person = world["people"][0][0]
    other = ProjectFactory(title="Annat projekt")
    EnrolmentFactory(participant=person, project=other)
    mine = microdata.pseudonym(project.pk, person.pk)
    assert mine == microdata.pseudonym(project.pk, person.pk)
    assert mine != microdata.pseudonym(other.pk, person.pk)
    assert mine in {row["pseudonym"] for row in _by_variable(project)}
    assert mine in {row["pseudonym"] for row in _by_variable(project)}  # a second download
    assert mine not in {row["pseudonym"] for row in _by_variable(other)}
    # Not a plain hash of the ids that anyone could compute by trying every id …
    for message in (
        str(person.pk),
        f"{project.pk}:{person.pk}",
        f"participant|{project.pk}|{person.pk}",
    ):
        for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
            assert digest(message.encode()).hexdigest()[: len(mine)] != mine
    # … and another key gives other pseudonyms.
    settings.PSEUDONYM_KEY = "another-key-" + "x" * 40
    assert microdata.pseudonym(project.pk, person.pk) != mine
    expected = hmac.new(
        settings.PSEUDONYM_KEY.encode(),
        f"participant|{project.pk}|{person.pk}".encode(),
        hashlib.sha256,
    ).hexdigest()[:16]
    assert microdata.pseudonym(project.pk, person.pk) == expected


def test_a_weak_key_is_refused_at_the_check_and_at_the_download(world, settings):
    settings.PSEUDONYM_KEY = "short"
    assert [e.id for e in key_checks.pseudonym_key_check(None)] == ["microdata.E001"]
    with pytest.raises(Exception, match="PSEUDONYM_KEY"):
        list(microdata.build(world["project"]).rows())
    settings.PSEUDONYM_KEY = settings.IDENTITY_HASH_KEY
    assert [e.id for e in key_checks.pseudonym_key_check(None)] == ["microdata.E002"]
    settings.PSEUDONYM_KEY = "a-key-of-its-own-" + "y" * 40
    assert key_checks.pseudonym_key_check(None) == []
    assert key_checks.pseudonym_key_check in checks.registry.registry.get_checks()


def test_hours_per_category_equal_the_attendance_recorded(world):
    rows = {row["pseudonym"]: row for row in _by_variable(world["project"])}
    project = world["project"]
    for n, (person, _enrolment, _identity) in enumerate(world["people"]):
        row = rows[microdata.pseudonym(project.pk, person.pk)]
        assert row["hours_internship"] == (Decimal("5.5") if n % 2 else Decimal("0.0"))
        assert row["hours_sfi"] == Decimal("0.0")


def test_codes_in_the_data_and_their_labels_in_the_dictionary_sheet(client, world):
    with translation.override("en"):
        response = _download(client, world["evaluator"], world["project"])
        sheets = _xlsx(response)
    assert list(sheets) == ["data", "dictionary"]
    records = _records(sheets["data"])
    assert len(records) == 6
    exited = [r for r in records if r["Status at exit"]]
    assert [r["Status at exit"] for r in exited] == ["employed_full_time"]
    assert exited[0]["Follow-up day 90: status"] == "employed_full_time"
    assert exited[0]["Follow-up day 90: reached"] == 1
    assert exited[0]["Month of exit"] == "2009-06"
    assert exited[0]["Days from start to exit"] == (dt.date(2009, 6, 1) - dt.date(2009, 2, 15)).days
    assert isinstance(records[0]["Hours: Internship / work practice"], int | float)
    dictionary = _records(sheets["dictionary"])
    labels = {(r["Variable"], r["Code"]): r["Label"] for r in dictionary if r["Code"] is not None}
    assert labels[("exit_status", "employed_full_time")] == "Employed full-time, unsubsidised"
    assert labels[("target_group_unga", 1)] == "yes"
    described = {r["Variable"] for r in dictionary if r["Column"]}
    assert {"pseudonym", "birth_year", "hours_internship", "survey_entry_job_chances"} <= described


def test_headers_follow_the_readers_language_and_the_variable_names_do_not(client, world):
    with translation.override("sv"):
        sv = _xlsx(_download(client, world["evaluator"], world["project"]))
    with translation.override("en"):
        en = _xlsx(_download(client, world["evaluator"], world["project"]))
    assert "Birth year" in en["data"][0]
    names_en = [row[1] for row in en["dictionary"][1:] if row[0]]
    names_sv = [row[1] for row in sv[list(sv)[1]][1:] if row[0]]
    assert names_en == names_sv


def test_the_csv_holds_the_data_and_the_dictionary_is_its_own_download(client, world):
    with translation.override("en"):
        rows = _csv(_download(client, world["evaluator"], world["project"], fmt="csv"))
        assert len(rows) == 1 + 6
        intl = _download(
            client, world["evaluator"], world["project"], fmt="csv", csv="international"
        )
        assert len(_csv(intl, delimiter=",")) == 7
        dictionary = client.get(_url(world["project"], format="csv"))
    assert dictionary.status_code == 200
    body = b"".join(dictionary.streaming_content).decode()
    assert "employed_full_time" in body and "Zlatanah" not in body


# --- small projects ---------------------------------------------------------------------------


def test_rare_values_of_the_quasi_identifiers_are_withheld(world):
    project = world["project"]
    odd_one = AnonymousParticipantFactory(
        birth_year=1941, arrival_year=1999, region_of_birth="nordic"
    )
    EnrolmentFactory(participant=odd_one, project=project)
    rows = {row["pseudonym"]: row for row in _by_variable(project)}
    row = rows[microdata.pseudonym(project.pk, odd_one.pk)]
    assert row["birth_year"] is None and row["arrival_year"] is None
    assert row["region_of_birth"] is None
    assert row["withheld"] == "birth_year region_of_birth arrival_year"
    assert row["age_band"] == "55_plus"  # the wide band is kept
    assert row["gender"] == "woman"  # shared by everyone
    common = rows[microdata.pseudonym(project.pk, world["people"][0][0].pk)]
    assert common["region_of_birth"] == "outside_europe" and common["withheld"] is None


def test_a_project_with_fewer_people_than_the_threshold_gives_no_file(client, settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    project = ProjectFactory(title="Litet")
    evaluator = UserFactory(username="md-small")
    MembershipFactory(project=project, user=evaluator, role=Role.EVALUATOR)
    for _n in range(4):
        EnrolmentFactory(project=project)
    with translation.override("en"):
        response = _download(client, evaluator, project)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "cannot be downloaded" in response.content.decode()
    assert 'name="purpose"' not in response.content.decode()
    assert not LogEntry.objects.filter(action="export", project_id=project.pk).exists()


# --- access and audit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.EVALUATOR, 200),
        (Role.MANAGER, 200),
        (Role.CASE_WORKER, 403),
        (Role.PROVIDER, 403),
        (Role.STEERING, 403),
        (Role.DATA_PROTECTION, 403),
    ],
)
def test_only_the_evaluator_and_the_manager_get_the_page_and_the_file(client, world, role, status):
    user = UserFactory(username=f"md-role-{role}")
    MembershipFactory(project=world["project"], user=user, role=role)
    client.force_login(user)
    assert client.get(_url(world["project"])).status_code == status
    response = _download(client, user, world["project"])
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_someone_outside_the_project_gets_not_found(client, world):
    stranger = UserFactory(username="md-stranger")
    MembershipFactory(user=stranger, role=Role.EVALUATOR)  # another project
    assert _download(client, stranger, world["project"]).status_code == 404


def test_the_page_is_in_the_evaluators_menu_and_not_the_case_workers(client, world):
    client.force_login(world["evaluator"])
    with translation.override("en"):
        page = client.get(reverse("core:project_detail", args=[world["project"].pk]))
    assert _url(world["project"]) in page.content.decode()
    case_worker = UserFactory(username="md-cw")
    MembershipFactory(project=world["project"], user=case_worker, role=Role.CASE_WORKER)
    client.force_login(case_worker)
    page = client.get(reverse("core:project_detail", args=[world["project"].pk]))
    assert _url(world["project"]) not in page.content.decode()


def test_each_download_is_audited_with_its_purpose(client, world):
    before = LogEntry.objects.filter(action="export").count()
    response = _download(client, world["evaluator"], world["project"])
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = LogEntry.objects.filter(action="export").order_by("-seq").first()
    assert LogEntry.objects.filter(action="export").count() == before + 1
    assert entry.user_id == world["evaluator"].pk
    assert entry.project_id == world["project"].pk
    assert entry.reason == "microdata.xlsx"
    assert (entry.purpose, entry.purpose_text) == (Purpose.OTHER, PURPOSE_TEXT)


@pytest.mark.parametrize(
    "purpose,undertaking", [("", True), ("   ", True), ("kort", True), (PURPOSE_TEXT, False)]
)
def test_no_purpose_no_file(client, world, purpose, undertaking):
    response = _download(
        client, world["evaluator"], world["project"], purpose=purpose, undertaking=undertaking
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'class="error-summary"' in response.content.decode()
    assert not LogEntry.objects.filter(action="export", project_id=world["project"].pk).exists()


def test_a_get_with_a_format_gives_the_dictionary_never_the_data(client, world):
    client.force_login(world["evaluator"])
    response = client.get(_url(world["project"], format="xlsx"))
    sheets = _xlsx(response)
    assert list(sheets) == ["microdata-dictionary"]
    assert all(FAMILY not in str(cell) for row in sheets["microdata-dictionary"] for cell in row)
    entry = LogEntry.objects.filter(action="export").order_by("-seq").first()
    assert entry.reason == "microdata-dictionary.xlsx"


def test_the_file_streams_from_five_queries_whatever_its_size(world, django_assert_max_num_queries):
    data = microdata.build(world["project"])
    with django_assert_max_num_queries(5):
        rows = list(data.rows())
    assert len(rows) == 6


# --- a property over random projects ----------------------------------------------------------

CATEGORY_CODES = ["internship", "sfi", "guidance"]
PERSON = st.lists(
    st.tuples(st.sampled_from(CATEGORY_CODES), st.integers(min_value=0, max_value=40)),
    max_size=4,
)


@hsettings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(PERSON, min_size=0, max_size=8))
def test_one_row_per_enrolment_and_hours_are_the_sums_over_random_projects(people):
    project = ProjectFactory()
    provider = OrganisationFactory()
    interventions = {
        code: InterventionFactory(
            project=project,
            provider=provider,
            category=InterventionCategory.objects.get(code=code),
        )
        for code in CATEGORY_CODES
    }
    expected = {}
    for placements in people:
        enrolment = EnrolmentFactory(project=project)
        sums = defaultdict(Decimal)
        for code, tenths in placements:
            ParticipationFactory(
                enrolment=enrolment,
                intervention=interventions[code],
                attended_hours=Decimal(tenths) / 10,
            )
            sums[code] += Decimal(tenths) / 10
        expected[microdata.pseudonym(project.pk, enrolment.participant_id)] = sums
    rows = list(microdata.build(project).rows())
    assert len(rows) == len(people)
    assert {row["pseudonym"] for row in rows} == set(expected)
    for row in rows:
        for category in InterventionCategory.objects.all():
            assert row[f"hours_{category.code}"] == expected[row["pseudonym"]].get(
                category.code, Decimal(0)
            )

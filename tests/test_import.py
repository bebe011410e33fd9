"""Spreadsheet import: the manager's journey from the template to updated goals, the dry run
writing nothing, idempotency, all or nothing, XLSX features, limits and the background job."""

import csv
import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse

from core.models import Area, LogEntry, Municipality, ProjectPartner, Role, TargetGroup
from enrolments.models import Enrolment, FollowUp, Status, StatusChange
from imports import services
from imports.models import RowKey, Upload
from imports.validation import check
from interventions.models import Participation
from participants.models import Consent, Participant

from .factories import (
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)

pytestmark = pytest.mark.django_db

SV_HEADERS = [
    "Externt id",
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Kön",
    "Födelseår",
    "Födelseregion",
    "Utbildningsnivå",
    "Samtycke datum",
    "Målgrupper",
    "Område",
    "Anvisningsdatum",
    "Startdatum",
    "Försörjning vid start",
    "Avslutsdatum",
    "Avslutsorsak",
    "Status vid avslut",
    "Försörjning vid avslut",
    "Uppföljning 1 dag",
    "Uppföljning 1 datum",
    "Uppföljning 1 status",
    "Uppföljning 1 källa",
    "Insats 1",
    "Insats 1 timmar",
]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = "2010-06-30"


@pytest.fixture
def world(db):
    return make_world()


def make_world():
    """A project with a manager, a partner, a target group, an area and an intervention."""
    municipality = OrganisationFactory(name="Malmö stad")
    partner = OrganisationFactory(name="Arbetsförmedlingen")
    project = ProjectFactory(title="Framtid i Fokus", owner=municipality, follow_up_days=[90])
    ProjectPartner.objects.create(project=project, organisation=partner, is_partner=True)
    TargetGroup.objects.create(project=project, code="ltu", name="Långtidsarbetslösa")
    area = Area.objects.create(
        name="Herrgården", municipality=Municipality.objects.get(name="Malmö")
    )
    project.areas.add(area)
    manager = MembershipFactory(
        project=project, organisation=municipality, role=Role.MANAGER, user__username="maria"
    )
    InterventionFactory(project=project, name="Praktik Malmö")
    return project, manager.user


def number(i: int) -> str:
    return demo_identity_number(dt.date(1970, 1, 1) + dt.timedelta(days=i * 97), 980 + i % 20)


def person_row(i: int, **overrides) -> dict:
    row = {
        "Personnummer": number(i),
        "Förnamn": f"Person{i}",
        "Efternamn": "Testsson",
        "Kön": "Kvinna" if i % 2 == 0 else "man",
        "Födelseregion": "Sverige",
        "Utbildningsnivå": "upper_secondary",
        "Samtycke datum": "2009-02-01",
        "Målgrupper": "ltu",
        "Område": "Herrgården",
        "Anvisningsdatum": "2009-02-01",
        "Startdatum": "2009-02-15",
        "Försörjning vid start": "Försörjningsstöd" if i % 3 else "social_assistance",
    }
    if i % 5 == 0:
        row.update(
            {
                "Avslutsdatum": "2009-10-01",
                "Avslutsorsak": "completed",
                "Status vid avslut": "employed_full_time",
                "Försörjning vid avslut": "salary",
                "Uppföljning 1 dag": "90",
                "Uppföljning 1 datum": "2009-12-30",
                "Uppföljning 1 status": "employed_full_time",
                "Uppföljning 1 källa": "register",
                "Insats 1": "Praktik Malmö",
                "Insats 1 timmar": "12,5",
            }
        )
    row.update(overrides)
    return row


def to_csv(rows, headers=SV_HEADERS, delimiter=";", encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def counts():
    return (
        Participant.objects.count(),
        Enrolment.objects.count(),
        FollowUp.objects.count(),
        Participation.objects.count(),
        Consent.objects.count(),
        StatusChange.objects.count(),
    )


def upload_file(client, project, content: bytes, name="deltagare.csv"):
    url = reverse("imports:index", kwargs={"project_id": project.pk})
    return client.post(url, {"file": io.BytesIO(content) | _named(name)})


class _named:
    def __init__(self, name):
        self.name = name

    def __ror__(self, stream):
        stream.name = self.name
        return stream


def import_bytes(project, user, content, only_valid=False, name="f.csv"):
    upload = services.store_upload(project=project, by=user, filename=name, content=content)
    services.validate_upload(upload)
    return upload, services.import_upload(upload, by=user, only_valid=only_valid)


# --- the journey ---------------------------------------------------------------------------------


def test_manager_imports_fifty_rows_with_three_mistakes_and_the_goals_update(client, world):
    project, manager = world
    from goals import services as goal_services
    from goals.summaries import goal_results

    goal_services.create_goal(
        project=project,
        key="gender",
        title="Könsfördelning",
        template="gender_split",
        parameters={},
        by=manager,
    )
    # The goals as the dashboard shows them: from the project's stored summary.
    before = {r.key: r for r in goal_results(project)}["gender"]
    client.force_login(manager)
    # The manager downloads the template (Swedish headers by default).
    template = client.get(
        reverse("imports:template", kwargs={"project_id": project.pk, "fmt": "csv"})
    )
    assert template.status_code == 200
    headers = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig")), delimiter=";"))
    assert {"Personnummer", "Kön", "Anvisningsdatum", "Uppföljning 1 dag"} <= set(headers)
    xlsx = client.get(reverse("imports:template", kwargs={"project_id": project.pk, "fmt": "xlsx"}))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # ... fills in 50 rows, with three mistakes.
    rows = [person_row(i) for i in range(50)]
    good = dict(rows[9]), dict(rows[24]), dict(rows[39])
    rows[9]["Personnummer"] = rows[9]["Personnummer"][:-1] + str(
        (int(rows[9]["Personnummer"][-1]) + 1) % 10
    )  # wrong check digit
    rows[24]["Kön"] = "x"
    rows[39]["Anvisningsdatum"] = "2009-13-01"
    response = upload_file(client, project, to_csv(rows, headers))
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert str(upload.pk) in response["Location"]
    assert number(1) not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    report = upload.refresh_from_db() or upload.report
    assert report["counts"]["rejected_rows"] == 3
    assert report["counts"]["new_people"] == 47
    assert sorted((r, c) for r, c, _m in report["errors"]) == [
        (11, "Personnummer"),
        (26, "Kön"),
        (41, "Anvisningsdatum"),
    ]
    assert "check digit" in html or "kontrollsiffran" in html
    assert counts() == (0, 0, 0, 0, 0, 0)  # the dry run wrote nothing
    # The rejected rows can be downloaded with their reasons.
    rejected = client.get(
        reverse("imports:rejected", kwargs={"project_id": project.pk, "upload_id": upload.pk})
    )
    lines = list(csv.reader(io.StringIO(rejected.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == ["11", "26", "41"]
    # Fixes them and uploads again: no errors, import everything.
    rows[9], rows[24], rows[39] = good
    response = upload_file(client, project, to_csv(rows, headers))
    upload = Upload.objects.order_by("-created_at").first()
    assert upload.report["errors"] == [] and upload.report["counts"]["new_enrolments"] == 50
    response = client.post(response["Location"], {"action": "import_all"})
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    assert client.get(response["Location"]).status_code == 200
    assert Enrolment.objects.filter(project=project).count() == 50
    assert Enrolment.objects.filter(project=project, status=Status.FOLLOWED_UP).count() == 10
    assert Participation.objects.filter(attended_hours=Decimal("12.5")).count() == 10
    assert Consent.objects.filter(project=project).count() == 50
    upload.refresh_from_db()
    assert upload.state == Upload.State.IMPORTED and bytes(upload.content) == b""
    after = {r.key: r for r in goal_results(project)}["gender"]
    assert before.denominator in (0, None)
    assert (after.numerator, after.denominator) == (25, 50)
    # The audit log names fields, never values.
    for entry in LogEntry.objects.filter(project=project):
        flat = " ".join([entry.reason, entry.object_id, *entry.fields])
        assert "Testsson" not in flat and number(3) not in flat


def test_importing_the_same_file_twice_changes_nothing(world):
    project, manager = world
    rows = [person_row(i) for i in range(20)]
    rows.append(
        {
            "Externt id": "anon-1",
            "Kön": "woman",
            "Födelseår": "1990",
            "Anvisningsdatum": "2009-03-01",
        }
    )
    content = to_csv(rows)
    _upload, first = import_bytes(project, manager, content)
    assert first["new_people"] == 21 and first["new_enrolments"] == 21
    after_first = counts()
    logs = LogEntry.objects.count()
    upload = services.store_upload(project=project, by=manager, filename="f.csv", content=content)
    report = services.validate_upload(upload)
    assert report["counts"]["unchanged_enrolments"] == 21
    assert report["counts"]["existing_people"] == 21
    second = services.import_upload(upload, by=manager, only_valid=False)
    assert second["new_people"] == 0 and second["updated_enrolments"] == 0
    assert counts() == after_first
    new_logs = list(LogEntry.objects.order_by("pk"))[logs:]
    # The upload and the import summary, and one look-up entry per person found by number
    # (20 identified rows), at the check and at the import.
    assert len([e for e in new_logs if e.reason not in ("import-check", "import")]) <= 1
    assert len([e for e in new_logs if e.reason == "import-check"]) == 20
    assert len([e for e in new_logs if e.reason == "import"]) == 20 + 1
    assert RowKey.objects.filter(project=project).count() == 1


def test_a_second_file_updates_existing_enrolments(world):
    project, manager = world
    import_bytes(project, manager, to_csv([person_row(1)]))
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Status.ACTIVE
    exit_row = person_row(
        1,
        **{
            "Avslutsdatum": "2010-01-10",
            "Avslutsorsak": "Fullföljt",
            "Status vid avslut": "studies",
            "Försörjning vid avslut": "study_allowance",
        },
    )
    _u, result = import_bytes(project, manager, to_csv([exit_row]))
    assert result["updated_enrolments"] == 1 and result["existing_people"] == 1
    enrolment.refresh_from_db()
    assert enrolment.status == Status.EXITED and enrolment.exit_status == "studies"
    assert enrolment.follow_ups.get(day=90).due_on == dt.date(2010, 4, 10)
    assert list(enrolment.status_changes.values_list("to_status", flat=True)) == [
        "referred",
        "active",
        "exited",
    ]


def test_an_existing_person_from_another_project_is_matched_by_number(world):
    project, manager = world
    other = ParticipantFactory(identity=number(4))
    EnrolmentFactory(participant=other)
    _u, result = import_bytes(project, manager, to_csv([person_row(4)]))
    # Matched (no second person), but the counts say nothing of other projects: "new" here.
    assert result["existing_people"] == 0 and result["new_enrolments"] == 1
    assert Participant.objects.count() == 1
    assert Consent.objects.filter(participant=other, project=project).exists()


def test_a_failure_during_the_write_leaves_nothing(world):
    project, manager = world
    content = to_csv([person_row(i) for i in range(30)])
    upload = services.store_upload(project=project, by=manager, filename="f.csv", content=content)
    services.validate_upload(upload)
    before = counts()
    logs = LogEntry.objects.count()
    from core.fastinsert import PreparedInsert

    execute = PreparedInsert.execute

    def failing_execute(self, ids):
        if self.model is Participation:  # late in the write: people and enrolments are in
            raise RuntimeError("disk full")
        return execute(self, ids)

    with mock.patch.object(PreparedInsert, "execute", failing_execute):
        with pytest.raises(RuntimeError):
            services.import_upload(upload, by=manager, only_valid=False)
    assert counts() == before
    assert LogEntry.objects.count() == logs
    upload.refresh_from_db()
    # A crash leaves the file, checked, for another try (a retried job starts over).
    assert upload.state == Upload.State.VALIDATED and upload.raw_content() == content


def test_import_all_is_refused_when_rows_have_errors_and_only_valid_imports_the_rest(world):
    project, manager = world
    rows = [person_row(1), person_row(2, **{"Kön": "?"})]
    upload = services.store_upload(
        project=project, by=manager, filename="f.csv", content=to_csv(rows)
    )
    services.validate_upload(upload)
    with pytest.raises(services.ImportRefused):
        services.import_upload(upload, by=manager, only_valid=False)
    assert counts()[0] == 0
    result = services.import_upload(upload, by=manager, only_valid=True)
    assert result["new_people"] == 1 and result["rejected_rows"] == 1


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"Förnamn": ""}, "Förnamn"),
        ({"Samtycke datum": ""}, "Samtycke datum"),
        ({"Samtycke datum": "2011-01-01"}, "Samtycke datum"),
        ({"Startdatum": "2009-01-01"}, "Startdatum"),
        ({"Område": "Rosengård"}, "Område"),
        ({"Målgrupper": "ltu|unknown"}, "Målgrupper"),
        ({"Insats 1": "Okänd", "Insats 1 timmar": "3"}, "Insats 1"),
        ({"Insats 1": "Praktik Malmö", "Insats 1 timmar": "-3"}, "Insats 1 timmar"),
        (
            {
                "Avslutsdatum": "2009-10-01",
                "Status vid avslut": "studies",
                "Försörjning vid avslut": "none",
            },
            "Avslutsorsak",
        ),
        ({"Personnummer": "", "Externt id": "a1", "Förnamn": "", "Efternamn": ""}, "Födelseår"),
        ({"Personnummer": "", "Externt id": "a1", "Födelseår": "1990", "Efternamn": ""}, "Förnamn"),
        (
            {
                "Uppföljning 1 dag": "90",
                "Uppföljning 1 datum": "2009-12-30",
                "Uppföljning 1 status": "studies",
                "Uppföljning 1 källa": "register",
            },
            "Avslutsdatum",
        ),
    ],
)
def test_row_errors_name_the_column(world, english, overrides, column):
    project, manager = world
    plan = check(
        to_csv([person_row(1, **overrides)]), filename="f.csv", project=project, user=manager
    )
    errors = plan.errors()
    assert errors and {c for _r, c, _m in errors} == {column}, errors


def test_dates_separators_and_encodings(world):
    project, manager = world
    rows = [
        person_row(
            1,
            **{
                "Anvisningsdatum": "01/02/2009",
                "Startdatum": "20090215",
                "Förnamn": "Åsa",
                "Efternamn": "Öström",
            },
        ),
        person_row(2, **{"Anvisningsdatum": "39845", "Personnummer": number(2)[2:]}),
    ]
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        for delimiter in (";", ","):
            plan = check(
                to_csv(rows, delimiter=delimiter, encoding=encoding),
                filename="f.csv",
                project=project,
                user=manager,
            )
            assert plan.errors() == [], (encoding, delimiter)
            assert plan.rows[0].enrolment["referred_on"] == dt.date(2009, 2, 1)
            assert plan.rows[1].enrolment["referred_on"] == dt.date(2009, 2, 1)
            assert plan.rows[0].person["family_name"] == "Öström"


def xlsx_bytes(rows, headers=SV_HEADERS, extra=None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, None) for h in headers])
    if extra:
        extra(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_real_dates_serials_formulas_merged_cells_and_empty_rows(world):
    project, manager = world
    rows = [
        person_row(
            1, **{"Anvisningsdatum": dt.datetime(2009, 2, 1), "Startdatum": dt.date(2009, 2, 15)}
        ),
        person_row(2, **{"Anvisningsdatum": 39845}),
        {},
        person_row(3, **{"Startdatum": "=DATE(2009,2,15)"}),  # no cached value
        person_row(4),
    ]

    def merge(sheet):
        sheet.merge_cells("C6:D6")  # first and family name merged on row 6

    plan = check(xlsx_bytes(rows, extra=merge), filename="f.xlsx", project=project, user=manager)
    errors = {(r, c) for r, c, _m in plan.errors()}
    assert errors == {(5, "Startdatum"), (6, "Efternamn")}
    assert plan.rows[0].enrolment["started_on"] == dt.date(2009, 2, 15)
    assert plan.rows[1].enrolment["referred_on"] == dt.date(2009, 2, 1)
    assert len(plan.rows) == 4  # the empty row is skipped


def test_duplicate_rows_are_rejected_after_the_first(world):
    project, manager = world
    plan = check(
        to_csv([person_row(1), person_row(2), person_row(1)]),
        filename="f.csv",
        project=project,
        user=manager,
    )
    assert [(r, c) for r, c, _m in plan.errors()] == [(4, "Personnummer")]


def test_ten_and_twelve_digit_numbers_with_and_without_hyphen_are_one_person(world):
    project, manager = world
    twelve = number(7)
    forms = [twelve, twelve[:8] + "-" + twelve[8:], twelve[2:], twelve[2:8] + "-" + twelve[8:]]
    for form in forms:
        plan = check(
            to_csv([person_row(7, Personnummer=form)]),
            filename="f.csv",
            project=project,
            user=manager,
        )
        assert plan.errors() == []
        assert plan.rows[0].identity.digits == twelve


# --- the pages: access, limits, no personal data in URLs -----------------------------------------


def test_only_managers_reach_the_import(client, world):
    project, _manager = world
    worker = MembershipFactory(project=project, role=Role.CASE_WORKER).user
    client.force_login(worker)
    url = reverse("imports:index", kwargs={"project_id": project.pk})
    assert client.get(url).status_code == 403
    outsider = MembershipFactory(role=Role.MANAGER).user
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_another_users_upload_is_not_found(client, world):
    project, manager = world
    upload = services.store_upload(
        project=project, by=manager, filename="f.csv", content=to_csv([person_row(1)])
    )
    other = MembershipFactory(project=project, role=Role.MANAGER).user
    client.force_login(other)
    url = reverse("imports:preview", kwargs={"project_id": project.pk, "upload_id": upload.pk})
    assert client.get(url).status_code == 404


def test_a_too_large_upload_is_refused_from_its_length_without_reading_it(client, world, settings):
    project, manager = world
    client.force_login(manager)
    url = reverse("imports:index", kwargs={"project_id": project.pk})

    class Body(io.BytesIO):
        read_bytes = 0

        def read(self, *args):
            Body.read_bytes += 1
            return super().read(*args)

    response = client.generic(
        "POST",
        url,
        data=b"x" * 100,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "50 MB" in response.content.decode()
    assert Upload.objects.count() == 0


def test_a_file_over_the_limit_is_cut_off_and_refused(client, world, settings):
    project, manager = world
    settings.IMPORT_MAX_BYTES = 100 * 1024
    client.force_login(manager)
    response = upload_file(client, project, b"a;b\n" + b"1;2\n" * 60_000)
    assert response.status_code == 413
    assert Upload.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n", "empty"),
        (bytes(range(256)) * 10, "not a spreadsheet"),
        (b"PK\x03\x04garbage", "cannot be read"),
        (b"\xd0\xcf\x11\xe0old excel", ".xls"),
        (b"only one column\nvalue\n", "one column"),
        (b"Foo;Bar\n1;2\n", "Columns are missing"),
    ],
)
def test_files_that_are_not_usable_get_a_clear_message(client, world, english, content, message):
    project, manager = world
    client.force_login(manager)
    response = upload_file(client, project, content)
    if response.status_code == 302:
        page = client.get(response["Location"]).content.decode()
    else:
        page = response.content.decode()
    assert message in page
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_large_file_is_checked_and_imported_as_background_jobs(client, world, settings):
    project, manager = world
    settings.IMPORT_BACKGROUND_ROWS = 5
    from jobs.models import Job

    client.force_login(manager)
    response = upload_file(client, project, to_csv([person_row(i) for i in range(12)]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", kwargs={"job_id": job.pk})
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["new_people"] == 12
    upload = Upload.objects.get()
    assert upload.state == Upload.State.VALIDATED
    preview = reverse("imports:preview", kwargs={"project_id": project.pk, "upload_id": upload.pk})
    assert client.get(job_url := response["Location"]).status_code == 200, job_url
    response = client.post(preview, {"action": "import_all"})
    job = Job.objects.order_by("-pk").first()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["new_enrolments"] == 12
    assert Enrolment.objects.count() == 12
    assert client.get(response["Location"]).status_code == 200


def test_the_background_handler_fails_with_a_reason_for_a_gone_upload(world):
    from types import SimpleNamespace

    from imports.jobs import run_spreadsheet_import
    from jobs.errors import JobFailed

    project, manager = world
    job = SimpleNamespace(
        payload={"upload": "00000000-0000-0000-0000-000000000000", "action": "check"},
        project_id=project.pk,
        created_by_id=manager.pk,
    )
    with pytest.raises(JobFailed):
        run_spreadsheet_import(job, lambda done, total: None)


def test_old_uploads_are_deleted_after_a_day(world):
    project, manager = world
    upload = services.store_upload(project=project, by=manager, filename="f.csv", content=b"a")
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - dt.timedelta(days=2))
    assert services.purge_expired() == 1


def test_the_purge_command_deletes_old_uploads(world):
    from django.core.management import call_command

    project, manager = world
    upload = services.store_upload(project=project, by=manager, filename="f.csv", content=b"a")
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - dt.timedelta(days=2))
    out = io.StringIO()
    call_command("purge_import_uploads", stdout=out)
    assert "1" in out.getvalue() and not Upload.objects.exists()


def test_the_import_marks_the_goal_summaries_stale_in_its_transaction(world):
    """The bulk writes send no model signal: the import announces them once (core.signals),
    inside its transaction, and goals has raised the project's summary version by the time the
    signal returns."""
    from core.signals import counted_data_changed
    from goals.models import ProjectSummary

    project, manager = world
    summary = ProjectSummary.objects.create(project=project)
    upload = services.store_upload(
        project=project, by=manager, filename="f.csv", content=to_csv([person_row(1)])
    )
    services.validate_upload(upload)
    sent = []

    def after_goals(sender, **kwargs):  # connected after goals' receiver, so runs after it
        version = ProjectSummary.objects.get(pk=summary.pk).data_version
        sent.append((kwargs, transaction.get_connection().in_atomic_block, version))

    counted_data_changed.connect(after_goals, dispatch_uid="test-import")
    try:
        services.import_upload(upload, by=manager, only_valid=False)
    finally:
        counted_data_changed.disconnect(dispatch_uid="test-import")
    # It names the enrolments it wrote too: the goals' fact rows of those alone are rebuilt.
    written = list(Enrolment.objects.filter(project=project).values_list("pk", flat=True))
    assert sent == [
        (
            {"signal": counted_data_changed, "project_ids": [project.pk], "enrolment_ids": written},
            True,
            1,
        )
    ]

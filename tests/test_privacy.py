"""Data-protection rights (privacy/): the register extract, erasure on request, retention."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from core import clock
from core.audit import log_action
from core.models import LogEntry, Project, Role
from core.retention import add_months, retention_ends_on
from enrolments.models import ContactNote
from enrolments.services import add_note, exit_enrolment
from goals.engine import evaluate_project
from goals.services import create_goal
from interventions.services import record_hours
from participants.corrections import values_of
from participants.models import Participant
from participants.services import compared_fields, correct_participant
from plans.models import ActionPlan, AssessmentItem
from plans.services import record_assessment, save_plan_version
from privacy import extract as extracts
from privacy.models import Erasure
from privacy.services import ERASED, anonymise_expired, erase_participant
from surveys.models import Invitation, SurveyAnswer
from surveys.services import record_answer
from tests.survey_fixtures import published_questionnaire, sent_invitation

from .factories import (
    ConsentFactory,
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

GIVEN, FAMILY = "Zlatanah", "Qvarnströmsdotter"
CORRECTED_GIVEN = "Zlatana"
FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "JOBS_ENQUEUE_ON_COMMIT": False,
}


def _person_in(project, manager, organisation, *, given=GIVEN, family=FAMILY, birth=None):
    """A person with one of every kind of record, their name in every free text."""
    person = ParticipantFactory(
        given_name=given,
        family_name=family,
        identity=demo_identity_number(birth or dt.date(1975, 3, 4)),
        interpreter_language="Arabiska",
    )
    enrolment = EnrolmentFactory(participant=person, project=project)
    ConsentFactory(
        participant=person,
        project=project,
        organisations=[organisation],
        given_by=f"Förmyndare {family}",
        method="paper",
        confirmed_by=manager,
        document_reference=f"Dnr {family} 2009:1",
    )
    add_note(
        enrolment=enrolment,
        by=manager,
        organisation=organisation,
        happened_on=dt.date(2009, 3, 1),
        kind="meeting",
        text=f"{given} {family} berättade om sin rygg.",
        visibility="project",
    )
    record_assessment(
        enrolment=enrolment,
        assessed_on=dt.date(2009, 3, 2),
        ratings={"health": (2, f"{given} har ont i ryggen")},
        by=manager,
    )
    save_plan_version(
        enrolment=enrolment,
        goals=f"{given} vill bli undersköterska",
        steps=[
            {
                "description": f"Praktik för {family}",
                "responsible_organisation": organisation,
                "responsible_person": f"{given}s mamma",
            }
        ],
        by=manager,
    )
    intervention = InterventionFactory(project=project)
    participation = ParticipationFactory(enrolment=enrolment, intervention=intervention)
    record_hours(by=manager, participation=participation, held_on=dt.date(2009, 3, 3), hours=3)
    record_answer(
        enrolment=enrolment,
        occasion="entry",
        question="job_chances",
        value=4,
        answered_on=dt.date(2009, 2, 20),
        by=manager,
    )
    # A free-text survey answer in the person's own words, and a link e-mailed to them.
    questionnaire = published_questionnaire(project, keys=("free_text",), languages=("sv",))
    invitation = sent_invitation(enrolment, questionnaire, occasion="exit")
    Invitation.objects.filter(pk=invitation.pk).update(
        email=f"{given.lower()}.{family.lower()}@example.se",
        draft=json.dumps({"1": f"Jag heter {given} {family}"}),
    )
    SurveyAnswer.objects.create(
        enrolment=enrolment,
        occasion="follow_up",
        question=questionnaire.ordered_questions()[0],
        text=f"{given} {family}: tack för hjälpen med praktiken",
        answered_on=dt.date(2009, 5, 20),
        source="paper",
    )
    exit_enrolment(
        enrolment=enrolment,
        by=manager,
        exited_on=dt.date(2009, 6, 1),
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )
    return person, enrolment


@pytest.fixture
def world():
    organisation = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(title="Framtid", follow_up_days=[90])
    manager = UserFactory(username="manager", first_name="Maja", last_name="Chef")
    case_worker = UserFactory(username="caseworker", first_name="Kalle", last_name="Handläggare")
    MembershipFactory(project=project, user=manager, organisation=organisation, role=Role.MANAGER)
    MembershipFactory(
        project=project, user=case_worker, organisation=organisation, role=Role.CASE_WORKER
    )
    person, enrolment = _person_in(project, manager, organisation)
    # A correction of the name: the old and the new name are kept as history.
    correct_participant(
        participant=person,
        project=project,
        by=manager,
        values={"given_name": CORRECTED_GIVEN},
        reason=f"{GIVEN} var felstavat",
        expected=values_of(person, compared_fields(person)),
    )
    person.refresh_from_db()
    return {
        "organisation": organisation,
        "project": project,
        "manager": manager,
        "case_worker": case_worker,
        "person": person,
        "enrolment": enrolment,
    }


@pytest.fixture(autouse=True)
def _no_purpose_question(settings):
    """The pages here open a person outside the manager's own caseload, which asks for a
    purpose first (core/purpose.py, tested there); here the purpose is given in the log."""
    settings.PURPOSE_PROMPT = False


def _client(client, user):
    client.force_login(user)
    return client


# --- the register extract -----------------------------------------------------------------------


def _extract_json(client, world) -> dict:
    url = reverse("privacy:extract_json", args=[world["project"].pk, world["enrolment"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_extract_lists_every_read_of_the_person_with_its_purpose(client, world):
    project, person, case_worker = world["project"], world["person"], world["case_worker"]
    log_action(by=case_worker, action="view", obj=person, project=project, purpose="follow_up")
    log_action(
        by=case_worker,
        action="view",
        obj=person,
        project=project,
        purpose=("other", "Samordningsmöte"),
    )
    # A read in another project the manager does not act for is not theirs to hand out.
    other = ProjectFactory(title="Annat")
    EnrolmentFactory(participant=person, project=other)
    hidden = log_action(by=case_worker, action="view", obj=person, project=other)
    expected = set(
        LogEntry.objects.about_person(person)
        .filter(project_id=project.pk)
        .values_list("pk", flat=True)
    )
    data = _extract_json(_client(client, world["manager"]), world)
    shown = {row["id"] for row in data["log"]}
    assert expected <= shown
    assert hidden.pk not in shown
    rows = [row for row in data["log"] if row["user"] == "Kalle Handläggare"]
    assert {(r["purpose"], r["purpose_text"]) for r in rows} >= {
        ("follow_up", None),
        ("other", "Samordningsmöte"),
    }
    assert all(r["organisation"] == "Malmö stad" for r in rows)
    assert [p["title"] for p in data["projects"]] == ["Framtid"]


def test_the_extract_holds_everything_about_the_person(client, world):
    data = _extract_json(_client(client, world["manager"]), world)
    person = data["person"]
    assert person["identity_number"] == world["person"].identity_number().formatted()
    assert (person["given_name"], person["family_name"]) == (CORRECTED_GIVEN, FAMILY)
    (enrolment,) = data["enrolments"]
    assert enrolment["contact_notes"][0]["text"].startswith(CORRECTED_GIVEN[:6])
    assert enrolment["action_plans"][0]["steps"][0]["description"] == f"Praktik för {FAMILY}"
    assert enrolment["assessments"][0]["items"][0]["rating"] == 2
    assert enrolment["participations"][0]["attendance"][0]["hours"] == "3.0"
    assert enrolment["survey_answers"][0]["value"] == 4
    assert enrolment["follow_ups"][0]["day"] == 90
    assert [c["to_status"] for c in enrolment["status_changes"]][-1] == "exited"
    (consent,) = data["consents"]
    assert consent["given_by"] == f"Förmyndare {FAMILY}"
    assert (consent["method"], consent["confirmed_by"]) == ("paper", "Maja Chef")
    assert consent["document_reference"] == f"Dnr {FAMILY} 2009:1"
    (correction,) = data["corrections"]
    assert correction["changes"][0]["old"] == GIVEN
    assert correction["by"] == "Maja Chef"


def test_making_an_extract_is_audited_as_an_export(client, world):
    _extract_json(_client(client, world["manager"]), world)
    (entry,) = LogEntry.objects.about_person(world["person"]).filter(action="export")
    assert (entry.user, entry.purpose) == (world["manager"], "requested")


# The documented JSON structure (docs/privacy.md): a change here is a new schema_version.
SCHEMA_KEYS = {
    "top": {
        "schema",
        "schema_version",
        "made_at",
        "made_by",
        "projects",
        "person",
        "enrolments",
        "consents",
        "corrections",
        "log",
    },
    "person": set(extracts.PERSON_FIELDS),
    "enrolment": {"id", "project", *extracts.ENROLMENT_FIELDS}
    | {
        "status_changes",
        "follow_ups",
        "contact_notes",
        "assessments",
        "action_plans",
        "participations",
        "survey_answers",
    },
    "log": {
        "id",
        "at",
        "user",
        "organisation",
        "project",
        "action",
        "object_type",
        "object_id",
        "fields",
        "context",
        "purpose",
        "purpose_text",
    },
    "consent": {
        "id",
        "project",
        "version",
        "given_on",
        "given_by",
        "organisations",
        "purposes",
        "recorded_by",
        "recorded_at",
        "method",
        "confirmed_by",
        "confirmed_at",
        "document_reference",
        "withdrawn_on",
        "withdrawal_recorded_by",
        "replaced_on",
    },
}


def test_the_json_structure_is_the_documented_one(client, world):
    data = _extract_json(_client(client, world["manager"]), world)
    assert (data["schema"], data["schema_version"]) == ("foljsam.register-extract", 1)
    assert set(data) == SCHEMA_KEYS["top"]
    assert set(data["person"]) == SCHEMA_KEYS["person"]
    assert set(data["enrolments"][0]) == SCHEMA_KEYS["enrolment"]
    assert set(data["log"][0]) == SCHEMA_KEYS["log"]
    assert set(data["consents"][0]) == SCHEMA_KEYS["consent"]
    assert extracts.PERSON_FIELDS[:2] == ["id", "identity_number"]


def test_the_pdf_is_made_in_the_request_when_small(client, world):
    url = reverse("privacy:extract_pdf", args=[world["project"].pk, world["enrolment"].pk])
    response = _client(client, world["manager"]).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert LogEntry.objects.about_person(world["person"]).filter(action="export").exists()


def test_the_pdf_document_is_in_the_readers_language(world):
    scope = extracts.extract_scope(participant=world["person"], user=world["manager"])
    collected = extracts.collect(scope)
    sv = extracts.document(collected, by=world["manager"], language="sv")
    en = extracts.document(collected, by=world["manager"], language="en")
    assert (sv["lang"], en["lang"]) == ("sv", "en")
    assert en["title"] == "Register extract"
    log = en["sections"][-1]["blocks"][1]
    assert log["header"][-1] == "Purpose" and len(log["rows"]) == len(collected.log)


@override_settings(REGISTER_EXTRACT_SYNC_ROWS=0, **FAST)
def test_a_large_extract_is_made_in_the_background_for_its_user_only(client, world):
    project, enrolment = world["project"], world["enrolment"]
    manager_client = _client(client, world["manager"])
    page = manager_client.get(reverse("privacy:extract", args=[project.pk, enrolment.pk]))
    assert page.context["background"] is True
    url = reverse("privacy:extract_pdf", args=[project.pk, enrolment.pk])
    assert manager_client.get(url).status_code == 302  # a GET never starts a job
    response = manager_client.post(url)
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    from jobs.models import Job

    job = Job.objects.get(kind="privacy.register_extract")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert FAMILY not in job.title
    download = reverse("privacy:extract_download", args=[project.pk, job.pk])
    got = manager_client.get(download)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    # Another manager of the project does not get the manager's file.
    other = UserFactory()
    MembershipFactory(
        project=project, user=other, organisation=world["organisation"], role=Role.MANAGER
    )
    client.force_login(other)
    assert client.get(download).status_code == 404


@pytest.mark.parametrize("name", ["extract", "extract_json", "extract_pdf", "erase"])
def test_a_role_without_the_capability_gets_nothing(client, world, name):
    """A page about one person (the URL names an enrolment) answers 404 to a role without the
    capability, as core.decorators.project_view promises; the download answers 403."""
    url = reverse(f"privacy:{name}", args=[world["project"].pk, world["enrolment"].pk])
    response = _client(client, world["case_worker"]).get(url)
    assert response.status_code == 404
    download = reverse("privacy:extract_download", args=[world["project"].pk, 1])
    assert client.get(download).status_code == 403
    assert not LogEntry.objects.filter(action="export").exists()


def test_the_participant_page_offers_the_extract_only_to_those_who_may(client, world):
    url = reverse("enrolments:participant", args=[world["project"].pk, world["enrolment"].pk])
    extract_url = reverse("privacy:extract", args=[world["project"].pk, world["enrolment"].pk])
    assert extract_url in _client(client, world["manager"]).get(url).content.decode()
    case_worker_page = _client(client, world["case_worker"]).get(url)
    assert case_worker_page.status_code == 200
    assert extract_url not in case_worker_page.content.decode()


# --- erasure ------------------------------------------------------------------------------------


def _every_value_in_the_database() -> str:
    """Every cell of every table, raw (as stored), and every field of every model as the ORM
    reads it (encrypted fields decrypted), as one text to search."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        cell = bytes(cell).decode("utf-8", "ignore")
                    parts.append(str(cell))
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names):
            parts.extend(json.dumps(v, default=str, ensure_ascii=False) for v in row)
    return "\n".join(parts)


def _traces(person, number) -> list[str]:
    digits = number.replace("-", "")
    return [
        GIVEN,
        CORRECTED_GIVEN,
        FAMILY,
        number,
        digits,
        digits[2:],
        person.identity_hash,
        person.identity_encrypted,
    ]


def test_erasure_removes_the_name_and_number_from_every_table(world):
    person, project = world["person"], world["project"]
    number = person.identity_number().formatted()
    traces = _traces(person, number)
    before = _every_value_in_the_database()
    assert all(trace in before for trace in (FAMILY, person.identity_hash)), "a weak test"
    erasure = erase_participant(
        participant=person, project=project, reason="request", by=world["manager"]
    )
    after = _every_value_in_the_database()
    left = [trace for trace in traces if trace in after]
    assert not left, f"still in the database: {left}"
    person.refresh_from_db()
    assert person.is_anonymous and person.identity_hash is None
    assert (person.gender, person.birth_year) == ("woman", 1975)
    assert ContactNote.objects.get(enrolment=world["enrolment"]).text == ERASED
    assert ActionPlan.objects.get(enrolment=world["enrolment"]).goals == ERASED
    assert AssessmentItem.objects.get().note == ERASED
    # Recorded: who, when, why — and the audit entry.
    assert (erasure.erased_by, erasure.reason, erasure.participant_id) == (
        world["manager"],
        "request",
        person.pk,
    )
    assert LogEntry.objects.about_person(person).filter(action="delete").count() == 1


def test_erasure_keeps_every_goal_figure(world):
    project = world["project"]
    for template in ("gender_split", "participation_count"):
        create_goal(
            project=project,
            key=template.replace("_", "-"),
            title=template,
            template=template,
            parameters={},
            by=None,
        )
    # More people, so the figures are not trivially empty.
    _person_in(project, world["manager"], world["organisation"], given="Ann", family="Berg")
    before = evaluate_project(project)
    assert before and all(r.error is None for r in before)
    erase_participant(
        participant=world["person"], project=project, reason="request", by=world["manager"]
    )
    assert evaluate_project(project) == before


def test_erasure_leaves_a_project_the_user_may_not_erase_in_untouched(world):
    """The person is also in another agency's project: the manager's project gets an
    anonymous record without free text, the other project keeps the person as they were —
    and the manager is told nothing of it."""
    person, project, enrolment = world["person"], world["project"], world["enrolment"]
    other = EnrolmentFactory(participant=person, project=ProjectFactory(title="Någon annans"))
    number = person.identity_number().formatted()
    erasure = erase_participant(
        participant=person, project=project, reason="request", by=world["manager"]
    )
    person.refresh_from_db()
    other.refresh_from_db()
    enrolment.refresh_from_db()
    assert other.participant_id == person.pk and person.family_name == FAMILY
    assert person.identity_number().formatted() == number
    twin = enrolment.participant
    assert twin.pk != person.pk and twin.is_anonymous and twin.family_name == ""
    assert (twin.gender, twin.birth_year) == (person.gender, person.birth_year)
    assert erasure.participant_id == twin.pk
    assert ContactNote.objects.get(enrolment=enrolment).text == ERASED
    assert not person.consents.filter(project=project).exists()
    assert not person.corrections.filter(project=project).exists()
    # The manager's extract of the record now holds nothing of the person.
    scope = extracts.extract_scope(participant=twin, user=world["manager"])
    data = json.dumps(extracts.as_json(extracts.collect(scope), by=world["manager"]))
    assert FAMILY not in data and GIVEN not in data and CORRECTED_GIVEN not in data


def test_the_erasure_page_asks_twice_and_erases_once(client, world):
    project, enrolment, person = world["project"], world["enrolment"], world["person"]
    url = reverse("privacy:erase", args=[project.pk, enrolment.pk])
    manager = _client(client, world["manager"])
    assert manager.get(url).status_code == 200
    first = manager.post(url, {"reason": "request"})
    assert first.status_code == 200 and first.context["step"] == 2
    person.refresh_from_db()
    assert person.family_name == FAMILY  # not yet
    assert manager.post(url, {"reason": "bogus", "confirm": "1"}).status_code == 200
    person.refresh_from_db()
    assert person.family_name == FAMILY
    done = manager.post(url, {"reason": "request", "confirm": "1"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.is_anonymous and person.family_name == ""
    assert Erasure.objects.get().reason == "request"


# --- retention ----------------------------------------------------------------------------------


@pytest.fixture
def two_projects(world):
    """Framtid ends 2011-12-31 (default 24 months: kept to 2013-12-31); Avslutat ended
    2009-12-31 and keeps data 12 months (to 2010-12-31)."""
    manager, organisation = world["manager"], world["organisation"]
    ended = ProjectFactory(
        title="Avslutat",
        starts_on=dt.date(2009, 1, 1),
        ends_on=dt.date(2009, 12, 31),
        retention_months=12,
    )
    MembershipFactory(project=ended, user=manager, organisation=organisation, role=Role.MANAGER)
    only_ended, _e = _person_in(
        ended, manager, organisation, given="Olle", family="Utgången", birth=dt.date(1981, 1, 1)
    )
    # World's person is in Framtid (live); also enrolled in the ended project.
    both = world["person"]
    second = EnrolmentFactory(participant=both, project=ended)
    add_note(
        enrolment=second,
        by=manager,
        organisation=organisation,
        happened_on=dt.date(2009, 4, 1),
        kind="phone",
        text="Samtal i det avslutade projektet",
        visibility="project",
    )
    return {"ended": ended, "only_ended": only_ended, "both": both, "second": second}


@override_settings(DEFAULT_RETENTION_MONTHS=24)
def test_retention_anonymises_only_the_expired_projects_people(world, two_projects):
    ended, live = two_projects["ended"], world["project"]
    assert retention_ends_on(ended) == dt.date(2010, 12, 31)
    assert retention_ends_on(live) == dt.date(2013, 12, 31)
    live_goals = evaluate_project(live)
    report = anonymise_expired(today=dt.date(2011, 1, 1))
    assert report.projects == [ended.pk]
    assert (report.anonymised, report.kept) == (1, 1)
    only_ended = Participant.objects.get(pk=two_projects["only_ended"].pk)
    assert only_ended.is_anonymous and only_ended.family_name == ""
    both = Participant.objects.get(pk=two_projects["both"].pk)
    assert both.family_name == FAMILY and not both.is_anonymous  # still in a live project
    second = two_projects["second"]
    second.refresh_from_db()
    assert second.participant.is_anonymous and second.participant_id != both.pk
    assert ContactNote.objects.get(enrolment=second).text == ERASED
    assert set(both.enrolments.values_list("project_id", flat=True)) == {live.pk}
    assert ContactNote.objects.get(enrolment=world["enrolment"]).text.startswith(CORRECTED_GIVEN)
    ended.refresh_from_db()
    live.refresh_from_db()
    assert ended.anonymised_at is not None and live.anonymised_at is None
    assert evaluate_project(live) == live_goals
    assert set(
        Erasure.objects.filter(reason="retention").values_list("participant_id", flat=True)
    ) == {only_ended.pk, second.participant_id}
    # Nothing is left to do the next day.
    assert anonymise_expired(today=dt.date(2011, 1, 2)).projects == []


def test_retention_is_not_due_on_its_last_day(world, two_projects):
    assert anonymise_expired(today=dt.date(2010, 12, 31)).projects == []


def test_the_command_dry_run_only_counts(world, two_projects, capsys):
    with override_settings(FOLJSAM_TODAY="2011-01-01"):
        call_command("anonymise_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "Would anonymise: 1 project(s), 1 person(s) in full, 1 person(s) kept" in out
    assert Participant.objects.get(pk=two_projects["only_ended"].pk).family_name == "Utgången"
    assert Project.objects.get(pk=two_projects["ended"].pk).anonymised_at is None
    with override_settings(FOLJSAM_TODAY="2011-01-01"):
        call_command("anonymise_expired")
    assert Participant.objects.get(pk=two_projects["only_ended"].pk).is_anonymous


def test_the_retention_task_runs_the_same_service(world, two_projects):
    from privacy.tasks import anonymise_expired_task

    with override_settings(FOLJSAM_TODAY="2011-01-01"):
        result = anonymise_expired_task.call()
    assert result["projects"] == 1 and result["people_anonymised"] == 1


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2011, 12, 31), 24, dt.date(2013, 12, 31)),
        (dt.date(2011, 8, 31), 6, dt.date(2012, 2, 29)),
        (dt.date(2011, 1, 15), 0, dt.date(2011, 1, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_manager_sets_the_retention_period_in_the_project_settings(client, world):
    project = world["project"]
    url = reverse("project_settings:retention", args=[project.pk])
    manager = _client(client, world["manager"])
    assert manager.get(url).status_code == 200
    assert manager.post(url, {"retention_months": "6"}).status_code == 302
    project.refresh_from_db()
    assert project.retention_months == 6
    assert retention_ends_on(project) == dt.date(2012, 6, 30)
    assert manager.post(url, {"retention_months": "-1"}).status_code == 200
    assert manager.post(url, {"retention_months": ""}).status_code == 302
    project.refresh_from_db()
    assert project.retention_months is None
    assert (
        LogEntry.objects.filter(object_type="core.Project", fields=["retention_months"]).count()
        == 2
    )
    client.force_login(world["case_worker"])
    assert client.get(url).status_code == 403


def test_expired_background_extracts_are_pruned(world):
    from jobs.registry import registered_pruners
    from privacy.models import ExtractFile

    def made(hours):
        return ExtractFile.objects.create(
            project=world["project"],
            participant_id=world["person"].pk,
            created_by=world["manager"],
            content=b"x",
            expires_at=clock.now() + dt.timedelta(hours=hours),
        )

    expired, fresh = made(-1), made(1)
    assert registered_pruners()["register extracts"]() == 1
    assert list(ExtractFile.objects.all()) == [fresh] and expired.pk != fresh.pk


@pytest.mark.parametrize("name", ["privacy.md", "privacy.sv.md"])
def test_the_docs_name_the_roles_the_policy_gives_each_right(name):
    """docs/privacy*.md: the roles holding each capability, as core/policy.py says."""
    import re
    from pathlib import Path

    from django.conf import settings

    from core.policy import roles_with

    text = (Path(settings.BASE_DIR) / "docs" / name).read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \|[^|\n]*\| ([^|\n]*) \|$", text, flags=re.M)
    assert {c for c, _roles in rows} == {
        "participants.register_extract",
        "participants.erase",
        "project.settings",
    }
    for capability, roles in rows:
        assert sorted(re.findall(r"`(\w+)`", roles)) == sorted(roles_with(capability)), capability


def test_the_purpose_given_before_opening_the_person_is_in_the_extract(client, settings, world):
    """With the purpose question on (core/purpose.py), the manager — the person is not in
    their own caseload — says why before the extract page opens, and the extract lists that
    read with its purpose."""
    settings.PURPOSE_PROMPT = True
    project, enrolment = world["project"], world["enrolment"]
    manager = _client(client, world["manager"])
    page = reverse("privacy:extract", args=[project.pk, enrolment.pk])
    asked = manager.get(page)
    assert asked.status_code == 200 and "background" not in asked.context
    answered = manager.post(
        reverse("enrolments:read_purpose", args=[project.pk, enrolment.pk]),
        {"purpose": "requested", "text": "", "next": page},
    )
    assert answered.status_code == 302 and answered["Location"] == page
    assert manager.get(page).context["log_count"] >= 1
    data = _extract_json(manager, world)
    reads = [r for r in data["log"] if r["user"] == "Maja Chef" and r["action"] == "view"]
    assert reads and all(r["purpose"] == "requested" for r in reads[-1:])

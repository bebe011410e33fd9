"""Spreadsheet import of survey answers (issue 14): a column per occasion and scale question,
the answers written with the template's question and the source "import", dated as the format
says, moving a survey goal exactly as the answers say; bad answers are row errors and nothing
of the file is saved; a second import adds nothing and changes no recorded answer."""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.utils import translation

from core.models import LogEntry
from enrolments.models import Enrolment
from goals.models import ProjectSummary
from goals.services import create_goal
from goals.summaries import goal_results
from imports import services
from imports.models import Upload
from imports.validation import check
from participants.models import Participant
from surveys.models import Source, SurveyAnswer
from surveys.services import record_answer, template_question

from .test_import import (
    SV_HEADERS,
    import_bytes,
    make_world,
    number,
    person_row,
    to_csv,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

EXIT_JC = "Enkät vid avslut: jobbchanser"
EXIT_NETWORK = "Enkät vid avslut: nätverk"
EXIT_DATE = "Enkät vid avslut: datum"
ENTRY_CONFIDENCE = "Enkät vid start: självförtroende"
ENTRY_DATE = "Enkät vid start: datum"
FOLLOW_UP_JC = "Enkät vid uppföljning: jobbchanser"
FOLLOW_UP_DATE = "Enkät vid uppföljning: datum"
SURVEY_HEADERS = [
    EXIT_JC,
    EXIT_NETWORK,
    EXIT_DATE,
    ENTRY_CONFIDENCE,
    ENTRY_DATE,
    FOLLOW_UP_JC,
    FOLLOW_UP_DATE,
]
HEADERS = SV_HEADERS + SURVEY_HEADERS

EXITED_ON = dt.date(2009, 10, 1)
EXIT = {
    "Avslutsdatum": EXITED_ON.isoformat(),
    "Avslutsorsak": "completed",
    "Status vid avslut": "job_seeking",
    "Försörjning vid avslut": "social_assistance",
}
# The answers to "job chances" at exit of twelve completers; None: no answer.
JOB_CHANCES_AT_EXIT = [5, 4, 3, None, 2, 4, 5, 1, None, 4, 4, 3]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = "2010-06-30"


@pytest.fixture
def world(db):
    return make_world()  # follow-up days [90]


def completer(i: int, **cells) -> dict:
    return person_row(i, **EXIT, **cells)


def job_chances_goal(project, manager):
    create_goal(
        project=project,
        key="job-chances",
        title="Minst 90 % upplever ökade möjligheter till jobb",
        template="survey_share",
        parameters={"question": "job_chances", "min_answer": 4, "max_answer": 5, "target": 0.9},
        by=manager,
    )


def job_chances_result(project):
    """The goal as the dashboard shows it: from the project's stored summary."""
    return {r.key: r for r in goal_results(project)}["job-chances"]


def answers_by_name(project) -> dict:
    return {
        (a.enrolment.participant.given_name, a.occasion, a.question.key): a
        for a in SurveyAnswer.objects.filter(enrolment__project=project).select_related(
            "enrolment__participant", "question"
        )
    }


def store_and_check(project, user, content):
    upload = services.store_upload(project=project, by=user, filename="f.csv", content=content)
    with translation.override("en"):
        services.validate_upload(upload)
    return upload


# --- the done-criterion -------------------------------------------------------------------------


def test_an_imported_file_with_answers_moves_the_job_chances_goal_as_the_answers_say(world):
    project, manager = world
    job_chances_goal(project, manager)
    # The people come in first without answers: every completer counts as missing.
    import_bytes(project, manager, to_csv([completer(i) for i in range(12)]))
    before = job_chances_result(project)
    assert (before.numerator, before.denominator, before.missing) == (0, 12, 12)
    version = ProjectSummary.objects.get(project=project).data_version

    rows = [
        completer(i, **({EXIT_JC: str(value)} if value is not None else {}))
        for i, value in enumerate(JOB_CHANCES_AT_EXIT)
    ]
    _upload, result = import_bytes(project, manager, to_csv(rows, HEADERS))

    answered = [v for v in JOB_CHANCES_AT_EXIT if v is not None]
    high = sum(1 for v in answered if 4 <= v <= 5)
    assert result["new_answers"] == len(answered)
    assert result["updated_enrolments"] == len(answered)  # the others are already up to date
    assert ProjectSummary.objects.get(project=project).data_version > version
    after = job_chances_result(project)
    assert (after.numerator, after.denominator, after.missing) == (
        high,
        len(JOB_CHANCES_AT_EXIT),
        len(JOB_CHANCES_AT_EXIT) - len(answered),
    )
    assert after.value == pytest.approx(high / len(JOB_CHANCES_AT_EXIT))
    assert after.value_answered == pytest.approx(high / len(answered))

    question = template_question(project, "job_chances")
    stored = answers_by_name(project)
    assert {name: a.value for (name, _o, _k), a in stored.items()} == {
        f"Person{i}": value for i, value in enumerate(JOB_CHANCES_AT_EXIT) if value is not None
    }
    for answer in stored.values():
        assert answer.occasion == "exit" and answer.question_id == question.pk
        assert answer.source == Source.IMPORT and answer.text == ""
        assert answer.answered_on == EXITED_ON  # no date column: the exit date
        assert answer.invitation_id is None


def test_one_file_creates_people_with_answers_at_every_occasion_and_their_dates(world):
    project, manager = world
    rows = [
        # Defaults: entry on the start date, exit on the exit date, follow-up on its due date.
        completer(1, **{ENTRY_CONFIDENCE: "2", EXIT_NETWORK: "5", FOLLOW_UP_JC: "4"}),
        # Dates of their own.
        completer(
            2,
            **{
                ENTRY_CONFIDENCE: "1",
                ENTRY_DATE: "2009-03-01",
                EXIT_JC: "3",
                EXIT_DATE: "28/09/2009",
                FOLLOW_UP_JC: "5",
                FOLLOW_UP_DATE: "2010-01-15",
            },
        ),
        # Referred, never started: an answer at entry is dated on the referral.
        person_row(3, **{"Startdatum": "", "Försörjning vid start": "", ENTRY_CONFIDENCE: "3"}),
        person_row(4),  # no answers
    ]
    _upload, result = import_bytes(project, manager, to_csv(rows, HEADERS))
    assert result["new_people"] == 4 and result["new_answers"] == 7
    stored = answers_by_name(project)
    assert {key: (a.value, a.answered_on) for key, a in stored.items()} == {
        ("Person1", "entry", "self_confidence"): (2, dt.date(2009, 2, 15)),
        ("Person1", "exit", "network"): (5, EXITED_ON),
        ("Person1", "follow_up", "job_chances"): (4, EXITED_ON + dt.timedelta(days=90)),
        ("Person2", "entry", "self_confidence"): (1, dt.date(2009, 3, 1)),
        ("Person2", "exit", "job_chances"): (3, dt.date(2009, 9, 28)),
        ("Person2", "follow_up", "job_chances"): (5, dt.date(2010, 1, 15)),
        ("Person3", "entry", "self_confidence"): (3, dt.date(2009, 2, 1)),
    }
    assert {a.source for a in stored.values()} == {Source.IMPORT}
    for key in ("job_chances", "network", "self_confidence"):
        question = template_question(project, key)
        assert all(a.question_id == question.pk for k, a in stored.items() if k[2] == key)


def test_english_headers_machine_names_and_excel_numbers_are_understood(world):
    project, manager = world
    headers = [*SV_HEADERS, "survey_exit_job_chances", "Survey at entry: network"]
    row = completer(1, **{"survey_exit_job_chances": 4.0, "Survey at entry: network": 2})
    plan = check(xlsx_bytes([row], headers), filename="f.xlsx", project=project, user=manager)
    assert plan.errors() == [] and not plan.notes
    assert plan.rows[0].answers == {("exit", "job_chances"): 4, ("entry", "network"): 2}
    assert plan.counts()["new_answers"] == 2


# --- bad input: a row error naming the row and the column; nothing saved -------------------------


def test_bad_answers_are_row_errors_and_nothing_of_the_file_is_saved(world):
    project, manager = world
    rows = [
        completer(1, **{EXIT_JC: "4"}),  # row 2: fine
        completer(2, **{EXIT_JC: "7"}),  # row 3
        completer(3, **{EXIT_JC: "very"}),  # row 4
        completer(4, **{EXIT_JC: "0"}),  # row 5
        completer(5, **{FOLLOW_UP_JC: "4", FOLLOW_UP_DATE: "2010-07-15"}),  # row 6: future
        person_row(6, **{EXIT_JC: "4"}),  # row 7: still active, an answer at exit
        # row 8: exits on 2010-05-01, the day-90 follow-up is due in the future (no date given)
        person_row(7, **{**EXIT, "Avslutsdatum": "2010-05-01", FOLLOW_UP_JC: "3"}),
        completer(8, **{FOLLOW_UP_JC: "3", FOLLOW_UP_DATE: "2009-09-01"}),  # row 9: before exit
        completer(9, **{ENTRY_CONFIDENCE: "3", ENTRY_DATE: "2009-01-15"}),  # row 10: < referral
        completer(10, **{EXIT_NETWORK: "2,5"}),  # row 11
    ]
    upload = store_and_check(project, manager, to_csv(rows, HEADERS))
    errors = {(row, column): message for row, column, message in upload.report["errors"]}
    assert sorted(errors) == [
        (3, EXIT_JC),
        (4, EXIT_JC),
        (5, EXIT_JC),
        (6, FOLLOW_UP_DATE),
        (7, EXIT_JC),
        (8, FOLLOW_UP_JC),
        (9, FOLLOW_UP_DATE),
        (10, ENTRY_DATE),
        (11, EXIT_NETWORK),
    ]
    assert "“7” is not an answer" in errors[3, EXIT_JC] and "1" in errors[3, EXIT_JC]
    assert "“very”" in errors[4, EXIT_JC]
    assert "future" in errors[6, FOLLOW_UP_DATE]
    assert "exit date" in errors[7, EXIT_JC]
    assert "2010-07-30" in errors[8, FOLLOW_UP_JC] and FOLLOW_UP_DATE in errors[8, FOLLOW_UP_JC]
    assert "referral" in errors[10, ENTRY_DATE]
    assert upload.report["counts"]["rejected_rows"] == 9
    assert upload.report["counts"]["new_answers"] == 1  # the valid row's

    with pytest.raises(services.ImportRefused):
        services.import_upload(upload, by=manager, only_valid=False)
    assert not Participant.objects.exists() and not Enrolment.objects.exists()
    assert not SurveyAnswer.objects.exists()


def test_the_valid_rows_alone_bring_only_their_answers(world):
    project, manager = world
    rows = [completer(1, **{EXIT_JC: "4"}), completer(2, **{EXIT_JC: "9"})]
    upload = store_and_check(project, manager, to_csv(rows, HEADERS))
    result = services.import_upload(upload, by=manager, only_valid=True)
    assert result["new_answers"] == 1 and result["rejected_rows"] == 1
    assert [(k[0], a.value) for k, a in answers_by_name(project).items()] == [("Person1", 4)]


# --- a second import ------------------------------------------------------------------------------


def test_importing_the_answers_again_adds_nothing_and_changes_no_answer(world):
    project, manager = world
    rows = [
        completer(i, **{EXIT_JC: str(value), ENTRY_CONFIDENCE: "2"})
        for i, value in enumerate([5, 4, 2])
    ]
    content = to_csv(rows, HEADERS)
    _upload, first = import_bytes(project, manager, content)
    assert first["new_answers"] == 6
    stored = {a.pk: (a.value, a.answered_on, a.updated_at) for a in SurveyAnswer.objects.all()}
    logs = LogEntry.objects.count()

    upload = store_and_check(project, manager, content)
    assert upload.report["counts"]["unchanged_enrolments"] == 3
    assert upload.report["counts"]["answers_already_recorded"] == 6
    second = services.import_upload(upload, by=manager, only_valid=False)
    assert second["new_answers"] == 0 and second["answers_already_recorded"] == 6
    assert second["updated_enrolments"] == 0
    assert {a.pk: (a.value, a.answered_on, a.updated_at) for a in SurveyAnswer.objects.all()} == (
        stored
    )
    # Nothing but the upload, its summary and the look-ups of the people found by number.
    new_logs = list(LogEntry.objects.order_by("pk"))[logs:]
    assert not [e for e in new_logs if e.object_type == "enrolments.Enrolment"]

    # Another answer where one is recorded: refused, naming the row and the column.
    rows[1][EXIT_JC] = "1"
    upload = store_and_check(project, manager, to_csv(rows, HEADERS))
    assert [(r, c) for r, c, _m in upload.report["errors"]] == [(3, EXIT_JC)]
    assert "already has a different answer" in upload.report["errors"][0][2]
    with pytest.raises(services.ImportRefused):
        services.import_upload(upload, by=manager, only_valid=False)
    assert {a.pk: (a.value, a.answered_on, a.updated_at) for a in SurveyAnswer.objects.all()} == (
        stored
    )


def test_an_answer_recorded_while_the_file_is_imported_is_found_and_not_doubled(world):
    """Someone records the same answer (API, a link) between the import's check and its write:
    the write notices (the digest covers the people's answers), checks again and counts it as
    already recorded, instead of failing on the unique answer."""
    project, manager = world
    import_bytes(project, manager, to_csv([completer(1), completer(2)]))
    template_question(project, "job_chances")  # the question is there before the check
    rows = [completer(1, **{EXIT_JC: "4"}), completer(2, **{EXIT_JC: "5"})]
    upload = store_and_check(project, manager, to_csv(rows, HEADERS))
    enrolment = Enrolment.objects.get(participant__given_name="Person1")
    prepare = services.prepare_write
    calls = []

    def answer_meanwhile(*args, **kwargs):
        if not calls:
            record_answer(
                enrolment=enrolment,
                occasion="exit",
                question="job_chances",
                value=4,
                answered_on=EXITED_ON,
                by=manager,
            )
        calls.append(1)
        return prepare(*args, **kwargs)

    with mock.patch.object(services, "prepare_write", answer_meanwhile):
        result = services.import_upload(upload, by=manager, only_valid=False)
    assert len(calls) == 2  # checked again
    assert result["new_answers"] == 1 and result["answers_already_recorded"] == 1
    assert SurveyAnswer.objects.filter(enrolment=enrolment).get().source == Source.API
    assert Upload.objects.get(pk=upload.pk).state == Upload.State.IMPORTED


# --- audit and the goals' summaries, as for every other row ------------------------------------


def test_answers_are_audited_by_field_and_announced_once_in_the_transaction(world):
    from core.signals import counted_data_changed

    project, manager = world
    import_bytes(project, manager, to_csv([completer(1), completer(2)]))
    summary, _created = ProjectSummary.objects.get_or_create(project=project)
    version = summary.data_version
    logs = LogEntry.objects.count()
    rows = [completer(1, **{EXIT_JC: "4", EXIT_NETWORK: "3"}), completer(2)]
    upload = store_and_check(project, manager, to_csv(rows, HEADERS))
    sent = []

    def after_goals(sender, **kwargs):  # connected after goals' receiver, so runs after it
        data_version = ProjectSummary.objects.get(pk=summary.pk).data_version
        sent.append((kwargs, transaction.get_connection().in_atomic_block, data_version))

    counted_data_changed.connect(after_goals, dispatch_uid="test-import-surveys")
    try:
        services.import_upload(upload, by=manager, only_valid=False)
    finally:
        counted_data_changed.disconnect(dispatch_uid="test-import-surveys")
    ((announced, in_transaction, seen_version),) = sent
    assert (announced["project_ids"], in_transaction, seen_version) == (
        [project.pk],
        True,
        version + 1,
    )
    enrolment = Enrolment.objects.get(participant__given_name="Person1")
    # It names the enrolments it wrote: the goals' fact rows of those alone are rebuilt.
    assert enrolment.pk in announced["enrolment_ids"]
    entries = [
        e for e in LogEntry.objects.order_by("pk")[logs:] if e.object_type == "enrolments.Enrolment"
    ]
    assert [(e.action, e.object_id, e.fields, e.reason) for e in entries] == [
        ("change", str(enrolment.pk), ["survey_answers"], "import")
    ]
    for entry in LogEntry.objects.filter(project=project):
        flat = " ".join([entry.reason, entry.object_id, *entry.fields])
        assert number(1) not in flat and "Testsson" not in flat


def test_the_check_page_and_the_result_count_the_answers(client, world):
    from .test_import import upload_file

    project, manager = world
    client.force_login(manager)
    rows = [completer(1, **{EXIT_JC: "4", EXIT_NETWORK: "5"}), completer(2)]
    with translation.override("en"):
        response = upload_file(client, project, to_csv(rows, HEADERS))
        page = client.get(response["Location"]).content.decode()
        assert "New survey answers</dt><dd>2</dd>" in page
        response = client.post(response["Location"], {"action": "import_all"})
        page = client.get(response["Location"]).content.decode()
    assert "New survey answers</dt><dd>2</dd>" in page
    assert SurveyAnswer.objects.count() == 2

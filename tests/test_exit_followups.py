"""Exit, the follow-up worklist and recording a follow-up: who may, the happy paths, every bad
input (field named in Swedish and English, nothing saved), double submissions, the audit log,
and the services called directly."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from core.models import LogEntry
from enrolments.models import Enrolment, FollowUp, Status, StatusChange
from enrolments.services import exit_enrolment as exit_service
from enrolments.services import record_follow_up, record_status_change

from .factories import EnrolmentFactory
from .test_participant_page import en, exit_enrolment, login, make_world, page_text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    """See test_participant_page.make_world."""
    return make_world(settings)


EXIT = {"exited_on": "2009-12-01", "exit_reason": "completed",
        "exit_status": "employed_full_time", "exit_income_source": "salary"}  # fmt: skip
REACHED = {"reached": "yes", "status": "employed_full_time", "income_source": "salary",
           "source": "participant", "recorded_on": "2010-03-01"}  # fmt: skip


def in_language(language, msgid, **values):
    with translation.override(language):
        text = gettext(msgid)
    return text % values if values else text


@pytest.fixture
def exited(world):
    """The world's participant exited on 2009-12-01: follow-ups due 2010-03-01 and 2010-05-30."""
    exit_enrolment(world.enrolment, on=dt.date(2009, 12, 1))
    return world.enrolment.follow_ups.order_by("day")


def count_rows():
    return (
        Enrolment.objects.filter(status=Status.EXITED).count(),
        FollowUp.objects.count(),
        StatusChange.objects.count(),
        LogEntry.objects.filter(action__in=["create", "change"]).count(),
    )


# --- Exit ------------------------------------------------------------------------------------


def test_the_exit_form_proposes_today(client, world):
    content = page_text(
        login(client, world.case_worker).get(url("exit", world, world.enrolment.pk))
    )
    assert 'value="2010-01-01"' in content
    assert "90, 180" in content


def test_an_exit_creates_the_follow_ups_and_returns_to_the_participant(client, world):
    client = login(client, world.case_worker)
    response = client.post(url("exit", world, world.enrolment.pk), EXIT)
    assert response.status_code == 302
    assert response["Location"] == url("participant", world, world.enrolment.pk)
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.EXITED and enrolment.exited_on == dt.date(2009, 12, 1)
    assert enrolment.exit_status == "employed_full_time"
    assert list(enrolment.follow_ups.values_list("day", "due_on")) == [
        (90, dt.date(2010, 3, 1)),
        (180, dt.date(2010, 5, 30)),
    ]
    entry = LogEntry.objects.get(action="change", object_type="enrolments.Enrolment")
    assert entry.user == world.case_worker.user
    assert set(entry.fields) >= {"exited_on", "exit_reason", "exit_status", "exit_income_source"}
    assert "2010-03-01" in page_text(client.get(response["Location"]))


def test_the_exit_uses_the_projects_follow_up_days(client, world):
    world.project.follow_up_days = [30, 365]
    world.project.save()
    login(client, world.case_worker).post(url("exit", world, world.enrolment.pk), EXIT)
    assert sorted(FollowUp.objects.values_list("day", flat=True)) == [30, 365]


@pytest.mark.parametrize(
    ("change", "field", "msgid"),
    [
        ({"exited_on": "2009-02-01"}, "exited_on", "The exit date cannot be before the start."),
        (
            {"exited_on": "2010-01-02"},
            "exited_on",
            "An exit is recorded when it has happened: the date is in the future.",
        ),
        ({"exited_on": ""}, "exited_on", "This field is required."),
        ({"exit_reason": ""}, "exit_reason", "This field is required."),
        ({"exit_status": ""}, "exit_status", "This field is required."),
        ({"exit_income_source": ""}, "exit_income_source", "This field is required."),
        ({"exit_status": "rich"}, "exit_status", None),
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_bad_exit_names_the_field_and_saves_nothing(
    client, world, change, field, msgid, language
):
    before = count_rows()
    path = url("exit", world, world.enrolment.pk)
    response = login(client, world.case_worker).post(
        path if language == "sv" else en(path), {**EXIT, **change}
    )
    assert response.status_code == 200
    content = page_text(response)
    assert f'<html lang="{language}">' in content
    assert f'id="id_{field}_error"' in content
    if msgid:
        assert in_language(language, msgid) in content
    assert count_rows() == before


def test_exit_before_start_is_named_in_swedish(client, world):
    response = login(client, world.case_worker).post(
        url("exit", world, world.enrolment.pk), {**EXIT, "exited_on": "2009-02-01"}
    )
    assert "Avslutsdatumet kan inte vara före starten." in page_text(response)


def test_a_double_submission_finds_the_participant_already_exited(client, world):
    client = login(client, world.case_worker)
    path = url("exit", world, world.enrolment.pk)
    assert client.post(path, EXIT).status_code == 302
    before = count_rows()
    response = client.post(en(path), EXIT, follow=True)
    assert response.status_code == 200
    assert "already exited (on 2009-12-01)" in page_text(response)
    assert count_rows() == before
    assert FollowUp.objects.count() == 2


@pytest.mark.parametrize("status", [Status.REFERRED, Status.WITHDRAWN])
def test_only_an_active_or_paused_enrolment_can_exit(client, world, status):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(status=status)
    client = login(client, world.case_worker)
    path = en(url("exit", world, world.enrolment.pk))
    assert "Only an active or paused enrolment can exit" in page_text(client.get(path))
    response = client.post(path, EXIT, follow=True)
    assert "Only an active or paused enrolment can exit" in page_text(response)
    assert not FollowUp.objects.exists()


def test_exit_service_refuses_the_second_exit_and_the_future(world):
    exit_service(enrolment=world.enrolment, by=None, exited_on=dt.date(2009, 12, 1),
                 exit_reason="completed", exit_status="studies",
                 exit_income_source="study_allowance")  # fmt: skip
    before = count_rows()
    with pytest.raises(ValidationError) as error:
        exit_service(enrolment=world.enrolment, by=None, exited_on=dt.date(2009, 12, 2),
                     exit_reason="completed", exit_status="studies",
                     exit_income_source="study_allowance")  # fmt: skip
    assert "status" in error.value.message_dict
    assert count_rows() == before
    fresh = EnrolmentFactory(participant__given_name="Ny", project=world.project)
    with pytest.raises(ValidationError) as error:
        exit_service(enrolment=fresh, by=None, exited_on=dt.date(2010, 1, 2),
                     exit_reason="completed", exit_status="studies",
                     exit_income_source="study_allowance")  # fmt: skip
    assert "exited_on" in error.value.message_dict
    assert not fresh.follow_ups.exists()


def test_status_service_refuses_exit_and_followed_up_and_dates_out_of_range(world):
    cases = [
        (Status.EXITED, dt.date(2009, 12, 1), "status"),
        (Status.FOLLOWED_UP, dt.date(2009, 12, 1), "status"),
        (Status.REFERRED, dt.date(2009, 12, 1), "status"),  # not a transition
        (Status.PAUSED, dt.date(2010, 1, 2), "on"),  # future
        (Status.PAUSED, dt.date(2009, 2, 10), "on"),  # before the start
    ]
    for new_status, on, field in cases:
        with pytest.raises(ValidationError) as error:
            record_status_change(enrolment=world.enrolment, new_status=new_status, by=None, on=on)
        assert field in error.value.message_dict, (new_status, on)
    assert not StatusChange.objects.exists()
    record_status_change(
        enrolment=world.enrolment, new_status=Status.PAUSED, by=None, on=dt.date(2009, 6, 1)
    )
    with pytest.raises(ValidationError):  # resuming before the pause
        record_status_change(
            enrolment=world.enrolment, new_status=Status.ACTIVE, by=None, on=dt.date(2009, 5, 1)
        )
    assert StatusChange.objects.count() == 1


# --- The worklist ------------------------------------------------------------------------------


def test_the_worklist_sections_follow_the_clock(client, settings, world, exited):
    client = login(client, world.case_worker)
    path = url("follow_up_worklist", world)

    def sections():
        content = page_text(client.get(en(path)))
        overdue = content[
            content.index('id="overdue-heading"') : content.index('id="soon-heading"')
        ]
        soon = content[content.index('id="soon-heading"') : content.index('id="month-heading"')]
        month = content[content.index('id="month-heading"') : content.index('id="later-heading"')]
        later = content[content.index('id="later-heading"') : content.index('id="done-heading"')]
        done = content[content.index('id="done-heading"') :]
        return ["day 90" in part for part in (overdue, soon, month, later, done)]

    settings.FOLJSAM_TODAY = "2010-01-01"  # 59 days before day 90 (2010-03-01)
    assert sections() == [False, False, False, True, False]
    settings.FOLJSAM_TODAY = "2010-02-10"  # 19 days before
    assert sections() == [False, False, True, False, False]
    settings.FOLJSAM_TODAY = "2010-02-20"  # within 14 days
    assert sections() == [False, True, False, False, False]
    settings.FOLJSAM_TODAY = "2010-03-02"  # overdue
    assert sections() == [True, False, False, False, False]
    record_follow_up(follow_up=exited[0], by=None, reached=False, recorded_on=dt.date(2010, 3, 2))
    assert sections() == [False, False, False, False, True]
    content = page_text(client.get(en(path)))
    assert "non-response" in content


def test_the_worklist_shows_my_participants_and_a_manager_may_see_all(client, settings, world):
    settings.FOLJSAM_TODAY = "2010-03-05"
    exit_enrolment(world.enrolment, on=dt.date(2009, 12, 1))
    mine = page_text(login(client, world.case_worker).get(url("follow_up_worklist", world)))
    assert "Leyla Ahmadi" in mine
    manager_own = page_text(login(client, world.manager).get(url("follow_up_worklist", world)))
    assert "Leyla Ahmadi" not in manager_own
    manager_all = page_text(
        login(client, world.manager).get(url("follow_up_worklist", world) + "?scope=all")
    )
    assert "Leyla Ahmadi" in manager_all
    # A case worker asking for all still sees only their own.
    other = page_text(
        login(client, world.uncovered).get(url("follow_up_worklist", world) + "?scope=all")
    )
    assert "Leyla" not in other


def test_the_worklist_never_shows_a_participant_outside_consent(client, settings, world):
    settings.FOLJSAM_TODAY = "2010-03-05"
    exit_enrolment(world.enrolment, on=dt.date(2009, 12, 1))
    Enrolment.objects.filter(pk=world.enrolment.pk).update(case_worker=world.uncovered.user)
    content = page_text(login(client, world.uncovered).get(url("follow_up_worklist", world)))
    assert "Leyla" not in content


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("provider", 403),
                                             ("evaluator", 403), ("steering", 403)])  # fmt: skip
def test_who_may_not_open_the_worklist(client, world, who, status):
    assert login(client, getattr(world, who)).get(url("follow_up_worklist", world)).status_code == (
        status
    )


def test_the_worklist_is_paginated_and_runs_a_bounded_number_of_queries(client, settings, world):
    from .test_caselist import enrol

    settings.FOLJSAM_TODAY = "2010-12-31"
    client = login(client, world.case_worker)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("follow_up_worklist", world))
        return len(captured), page_text(response)

    for n in range(5):
        exit_enrolment(enrol(world, "Person", f"Nr{n:03d}"))
    few, _ = queries()
    for n in range(5, 100):
        exit_enrolment(enrol(world, "Person", f"Nr{n:03d}"))
    many, content = queries()
    assert many == few
    overdue = content[content.index('id="overdue-heading"') : content.index('id="soon-heading"')]
    assert "(200)" in overdue and overdue.count("<tr>") == 26  # header + 25 rows
    assert "overdue_page=2" in overdue


# --- Recording a follow-up -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("uncovered", 404),
        ("outsider", 404),
        ("provider", 404),
        ("evaluator", 404),
        ("steering", 404),
    ],
)
def test_who_may_not_record_a_follow_up(client, world, exited, who, status):
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    client = login(client, getattr(world, who))
    assert client.get(path).status_code == status
    assert client.post(path, REACHED).status_code == status
    assert FollowUp.objects.filter(recorded_on__isnull=False).count() == 0


def test_the_covered_case_worker_opens_the_follow_up_form(client, settings, world, exited):
    settings.FOLJSAM_TODAY = "2010-03-01"
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    response = login(client, world.case_worker).get(path)
    assert response.status_code == 200
    content = page_text(response)
    assert "Leyla Ahmadi" in content and 'value="2010-03-01"' in content
    assert LogEntry.objects.filter(action="view", object_id=str(world.person.pk)).exists()


def test_recording_a_reached_follow_up(client, settings, world, exited):
    settings.FOLJSAM_TODAY = "2010-03-01"
    client = login(client, world.case_worker)
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    response = client.post(path, REACHED)
    assert response.status_code == 302
    assert response["Location"] == url("follow_up_worklist", world)
    follow_up = FollowUp.objects.get(pk=exited[0].pk)
    assert follow_up.reached is True and follow_up.status == "employed_full_time"
    assert follow_up.source == "participant" and follow_up.recorded_on == dt.date(2010, 3, 1)
    assert follow_up.recorded_by == world.case_worker.user
    entry = LogEntry.objects.get(action="change", object_type="enrolments.FollowUp")
    assert entry.fields == sorted(["reached", "status", "income_source", "source", "recorded_on"])
    # One of two follow-ups recorded: still exited.
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.EXITED


def test_could_not_be_reached_is_a_non_response_not_unknown(client, settings, world, exited):
    settings.FOLJSAM_TODAY = "2010-03-01"
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    login(client, world.case_worker).post(
        path, {"reached": "no", "status": "unknown", "source": "participant",
               "recorded_on": "2010-03-01"}
    )  # fmt: skip
    follow_up = FollowUp.objects.get(pk=exited[0].pk)
    assert follow_up.reached is False and follow_up.status == "" and follow_up.source == ""
    assert follow_up.recorded_on == dt.date(2010, 3, 1)


def test_when_every_follow_up_is_recorded_the_enrolment_is_followed_up(
    client, settings, world, exited
):
    settings.FOLJSAM_TODAY = "2010-06-01"
    client = login(client, world.case_worker)
    for follow_up in exited:
        path = url("record_follow_up", world, world.enrolment.pk, follow_up.pk)
        assert client.post(path, {**REACHED, "recorded_on": "2010-06-01"}).status_code == 302
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.FOLLOWED_UP
    change = StatusChange.objects.get(to_status=Status.FOLLOWED_UP)
    assert change.changed_on == dt.date(2010, 6, 1)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    ("change", "field", "msgid"),
    [
        ({"status": ""}, "status", "Choose the participant's status."),
        ({"source": ""}, "source", "Say where the information comes from."),
        ({"reached": ""}, "reached", "This field is required."),
        ({"reached": "maybe"}, "reached", None),
        ({"recorded_on": "2010-03-02"}, "recorded_on", "The date cannot be in the future."),
        ({"recorded_on": ""}, "recorded_on", "This field is required."),
        ({"status": "rich"}, "status", None),
    ],
)
def test_a_bad_follow_up_names_the_field_and_saves_nothing(
    client, settings, world, exited, language, change, field, msgid
):
    settings.FOLJSAM_TODAY = "2010-03-01"
    before = count_rows()
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    response = login(client, world.case_worker).post(
        path if language == "sv" else en(path), {**REACHED, **change}
    )
    assert response.status_code == 200
    content = page_text(response)
    assert f'<html lang="{language}">' in content
    assert f'id="id_{field}_error"' in content
    if msgid:
        assert in_language(language, msgid).replace("'", "&#x27;") in content
    assert count_rows() == before
    assert FollowUp.objects.get(pk=exited[0].pk).recorded_on is None


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_follow_up_more_than_14_days_before_it_is_due_is_refused(
    client, settings, world, exited, language
):
    settings.FOLJSAM_TODAY = "2010-02-01"  # day 90 is due 2010-03-01; recordable from 02-15
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    client = login(client, world.case_worker)
    path = path if language == "sv" else en(path)
    message = in_language(
        language,
        "This follow-up is due on %(due)s and can be recorded from %(earliest)s.",
        due="2010-03-01",
        earliest="2010-02-15",
    )
    assert message in page_text(client.get(path))
    response = client.post(path, {**REACHED, "recorded_on": "2010-02-01"})
    assert 'id="id_recorded_on_error"' in page_text(response)
    assert message in page_text(response)
    assert FollowUp.objects.get(pk=exited[0].pk).recorded_on is None
    settings.FOLJSAM_TODAY = "2010-02-15"
    assert client.post(path, {**REACHED, "recorded_on": "2010-02-15"}).status_code == 302


def test_a_follow_up_of_another_enrolment_is_404(client, settings, world, exited):
    settings.FOLJSAM_TODAY = "2010-03-01"
    other = EnrolmentFactory(participant__given_name="Annan", project=world.project,
                             case_worker=world.case_worker.user)  # fmt: skip
    from participants.models import Consent

    Consent.objects.create(
        participant=other.participant, project=world.project, given_on=dt.date(2009, 1, 1)
    ).organisations.add(world.org_a)
    path = url("record_follow_up", world, other.pk, exited[0].pk)  # tampered: not its follow-up
    client = login(client, world.case_worker)
    assert client.get(path).status_code == 404
    assert client.post(path, REACHED).status_code == 404
    assert FollowUp.objects.get(pk=exited[0].pk).recorded_on is None


def test_a_follow_up_of_an_enrolment_that_has_not_exited_is_refused(world, english):
    """Only reachable by data changed behind the application's back, but refused all the
    same: a follow-up is recorded after the exit."""
    exit_enrolment(world.enrolment, on=dt.date(2009, 9, 1))
    follow_up = world.enrolment.follow_ups.first()
    Enrolment.objects.filter(pk=world.enrolment.pk).update(
        status=Status.WITHDRAWN, exited_on=None, exit_status=""
    )
    with pytest.raises(ValidationError) as error:
        record_follow_up(follow_up=follow_up, by=None, reached=False,
                         recorded_on=dt.date(2009, 12, 1))  # fmt: skip
    assert "after the participant has exited" in str(error.value)
    assert FollowUp.objects.get(pk=follow_up.pk).recorded_on is None


def test_a_second_submission_changes_nothing_and_says_so(client, settings, world, exited):
    settings.FOLJSAM_TODAY = "2010-03-01"
    client = login(client, world.case_worker)
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    assert client.post(path, REACHED).status_code == 302
    before = count_rows()
    response = client.post(en(path), {**REACHED, "status": "studies"}, follow=True)
    assert response.status_code == 200
    assert "already recorded on 2010-03-01" in page_text(response)
    assert FollowUp.objects.get(pk=exited[0].pk).status == "employed_full_time"
    assert count_rows() == before
    shown = page_text(client.get(en(path)))
    assert (
        "This follow-up was recorded on 2010-03-01" in shown
        and '<form method="post" novalidate' not in shown
    )
    with pytest.raises(ValidationError):
        record_follow_up(follow_up=exited[0], by=None, reached=False)


def test_the_record_form_returns_to_a_safe_next_address_only(client, settings, world, exited):
    settings.FOLJSAM_TODAY = "2010-03-01"
    client = login(client, world.case_worker)
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    response = client.post(path, {**REACHED, "next": "https://evil.example/"})
    assert response["Location"] == url("follow_up_worklist", world)

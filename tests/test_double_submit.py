"""A double submit of a form saves once (inputs/middleware.py): the second of two identical posts
gets the first one's answer — the same redirect — whether it arrives after the first, while the
first is still being handled, or at the same moment (two threads, PostgreSQL). Shown for the
contact note and the follow-up form; a post that did not save can be sent again."""

import threading

import pytest
from django.db import connection
from django.test import Client

from core.models import LogEntry
from enrolments import services as enrolment_services
from enrolments.models import ContactNote
from inputs.models import Submission

from .test_exit_followups import REACHED, exited, world  # noqa: F401  (fixtures)
from .test_participant_page import login, url

NOTE = {"happened_on": "2009-12-01", "kind": "meeting", "visibility": "project",
        "text": "Ringde, bokade möte på tisdag."}  # fmt: skip

pytestmark = pytest.mark.django_db


def note_path(world):  # noqa: F811
    return url("add_note", world, world.enrolment.pk)


def test_a_double_clicked_note_is_saved_once_and_both_go_to_the_timeline(client, world):  # noqa: F811
    client = login(client, world.case_worker)
    first = client.post(note_path(world), NOTE)
    second = client.post(note_path(world), NOTE)
    assert first.status_code == 302
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert ContactNote.objects.count() == 1


def test_the_same_note_written_again_later_is_a_new_note(client, world, settings):  # noqa: F811
    client = login(client, world.case_worker)
    client.post(note_path(world), NOTE)
    settings.DOUBLE_SUBMIT_SECONDS = 0  # the window after the first answer has passed
    client.post(note_path(world), NOTE)
    assert ContactNote.objects.count() == 2


def test_a_post_with_errors_can_be_sent_again(client, world):  # noqa: F811
    client = login(client, world.case_worker)
    bad = {**NOTE, "happened_on": ""}
    assert client.post(note_path(world), bad).status_code == 200
    assert client.post(note_path(world), bad).status_code == 200  # the errors again
    assert not Submission.objects.exists()


def test_a_duplicate_arriving_while_the_first_is_handled_waits_and_saves_nothing(
    client,
    world,  # noqa: F811
    settings,
    monkeypatch,
):
    """The second post arrives while the first is being saved (sent from inside the first)."""
    settings.DOUBLE_SUBMIT_WAIT_SECONDS = 0.2
    client = login(client, world.case_worker)
    page = url("participant", world, world.enrolment.pk)
    second_answers = []
    add_note = enrolment_services.add_note

    def add_note_while_a_second_post_arrives(**kwargs):
        if not second_answers:
            second_answers.append(client.post(note_path(world), NOTE, HTTP_REFERER=page))
        return add_note(**kwargs)

    monkeypatch.setattr(enrolment_services, "add_note", add_note_while_a_second_post_arrives)
    first = client.post(note_path(world), NOTE)
    assert first.status_code == 302
    [second] = second_answers
    # Still running after the wait: back to the page the form was on, nothing saved twice.
    assert (second.status_code, second["Location"]) == (302, page)
    assert ContactNote.objects.count() == 1


def test_a_duplicate_htmx_post_while_the_first_runs_gets_no_content(
    client,
    world,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.DOUBLE_SUBMIT_WAIT_SECONDS = 0.2
    client = login(client, world.case_worker)
    second_answers = []
    add_note = enrolment_services.add_note

    def add_note_while_a_second_post_arrives(**kwargs):
        if not second_answers:
            second_answers.append(client.post(note_path(world), NOTE, HTTP_HX_REQUEST="true"))
        return add_note(**kwargs)

    monkeypatch.setattr(enrolment_services, "add_note", add_note_while_a_second_post_arrives)
    first = client.post(note_path(world), NOTE, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert second_answers[0].status_code == 204  # htmx leaves the page as the first made it
    assert ContactNote.objects.count() == 1
    # The htmx answer replaced the form: the same text sent from the new form is a new note.
    monkeypatch.setattr(enrolment_services, "add_note", add_note)
    assert client.post(note_path(world), NOTE, HTTP_HX_REQUEST="true").status_code == 200
    assert ContactNote.objects.count() == 2


def test_a_double_submitted_follow_up_is_recorded_once(client, world, exited, settings):  # noqa: F811
    settings.FOLJSAM_TODAY = "2010-03-01"
    client = login(client, world.case_worker)
    path = url("record_follow_up", world, world.enrolment.pk, exited[0].pk)
    first = client.post(path, REACHED)
    second = client.post(path, REACHED)
    assert first.status_code == 302
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert LogEntry.objects.filter(action="change", object_type="enrolments.FollowUp").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite's in-memory test database cannot serve two writing threads; the test above "
    "sends the second post while the first runs instead",
)
@pytest.mark.parametrize("form", ["note", "follow_up"])
def test_two_posts_at_the_same_moment_save_once(world, settings, form):  # noqa: F811
    from django.db import connections

    from .test_participant_page import exit_enrolment

    settings.FOLJSAM_TODAY = "2010-03-01"
    if form == "note":
        path, data = note_path(world), NOTE
    else:
        import datetime as dt

        exit_enrolment(world.enrolment, on=dt.date(2009, 12, 1))
        follow_up = world.enrolment.follow_ups.order_by("day").first()
        path, data = url("record_follow_up", world, world.enrolment.pk, follow_up.pk), REACHED
    barrier = threading.Barrier(2)
    answers, errors = [], []

    browser = Client()
    browser.force_login(world.case_worker.user)

    def post():
        try:
            client = Client()
            client.cookies = browser.cookies  # one browser: the same session sends both
            barrier.wait()
            answers.append(client.post(path, data))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    if form == "note":
        assert ContactNote.objects.count() == 1
    else:
        changes = LogEntry.objects.filter(action="change", object_type="enrolments.FollowUp")
        assert changes.count() == 1
    assert connection.vendor == "postgresql"

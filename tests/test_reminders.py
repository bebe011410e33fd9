"""The daily follow-up reminder: who gets which counts, in which language, and nothing personal."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from core.models import LogEntry, Role
from enrolments.models import FollowUp, Status
from enrolments.reminders import send_follow_up_reminders, send_follow_up_reminders_task
from tests.factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)

pytestmark = pytest.mark.django_db

WEDNESDAY = "2015-06-24"  # week 26: Monday 2015-06-22 to Sunday 2015-06-28
IDENTITIES = []


class World:
    pass


def follow_up(enrolment, due_on, day=90, **fields):
    return FollowUp.objects.create(enrolment=enrolment, day=day, due_on=due_on, **fields)


def exited(project, case_worker, *, covering=None, anonymous=False, given_name="Leyla"):
    if anonymous:
        person = AnonymousParticipantFactory()
    else:
        identity = demo_identity_number()
        IDENTITIES.append(identity)
        person = ParticipantFactory(given_name=given_name, family_name="Ahmadi", identity=identity)
        ConsentFactory(participant=person, project=project, organisations=covering)
    return EnrolmentFactory(
        participant=person,
        project=project,
        case_worker=case_worker,
        status=Status.EXITED,
        exited_on=dt.date(2015, 3, 1),
        exit_status="unemployed",
    )


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = WEDNESDAY
    settings.SITE_URL = "https://foljsam.example"
    w = World()
    w.org_a, w.org_b = OrganisationFactory(), OrganisationFactory()
    w.project = ProjectFactory(title="Framtid Rosengård", title_en="Future Rosengård")
    w.other_project = ProjectFactory(title="Vägen in")
    w.anna = MembershipFactory(
        project=w.project,
        organisation=w.org_a,
        role=Role.CASE_WORKER,
        user__email="anna@example.org",
        user__language="sv",
    )
    w.ben = MembershipFactory(
        project=w.project,
        organisation=w.org_b,
        role=Role.CASE_WORKER,
        user__email="ben@example.org",
        user__language="en",
    )
    MembershipFactory(
        project=w.other_project, organisation=w.org_a, role=Role.CASE_WORKER, user=w.anna.user
    )
    anna, ben = w.anna.user, w.ben.user
    # Anna's: two due this week (Wednesday and Friday), one overdue, one next week, one done.
    follow_up(exited(w.project, anna, covering=[w.org_a], given_name="Leyla"), "2015-06-24")
    follow_up(exited(w.project, anna, covering=[w.org_a], given_name="Omar"), "2015-06-26")
    follow_up(exited(w.project, anna, anonymous=True), "2015-06-15")
    follow_up(exited(w.project, anna, covering=[w.org_a]), "2015-06-29")
    follow_up(
        exited(w.project, anna, covering=[w.org_a]),
        "2015-06-23",
        recorded_on=dt.date(2015, 6, 23),
        reached=False,
    )
    # Anna's in her other project.
    follow_up(exited(w.other_project, anna, covering=[w.org_a]), "2015-06-28")
    # Ben's: one he may see, and one whose consent does not cover his organisation.
    follow_up(exited(w.project, ben, covering=[w.org_b], given_name="Zainab"), "2015-06-22")
    follow_up(exited(w.project, ben, covering=[w.org_a], given_name="Hidden"), "2015-06-25")
    return w


def mail_to(address):
    [message] = [m for m in mail.outbox if address in m.to]
    return message


def test_each_case_worker_gets_their_own_counts(world):
    world.anna.user.language = "en"
    world.anna.user.save()
    summary = send_follow_up_reminders()
    assert summary["recipients"] == 2
    anna = mail_to("anna@example.org")
    assert "Future Rosengård" in anna.body and "Vägen in" in anna.body
    rosengard = anna.body[anna.body.index("Future Rosengård") : anna.body.index("Vägen in")]
    assert "2015-06-24: 1" in rosengard and "2015-06-26: 1" in rosengard
    assert "2015-06-29" not in anna.body  # next week
    assert "2015-06-23" not in anna.body  # recorded already
    assert "1 follow-up from earlier weeks is overdue" in rosengard
    url = f"https://foljsam.example/en/projects/{world.project.pk}/follow-ups/"
    assert url in anna.body
    assert "2015-06-22 – 2015-06-28" in anna.body and "26" in anna.body
    assert anna.subject == "Följsam: 3 follow-ups due this week"  # 2 + 1 in her two projects

    ben = mail_to("ben@example.org")
    assert "2015-06-22: 1" in ben.body
    assert "2015-06-25" not in ben.body  # the consent does not cover his organisation
    assert "Vägen in" not in ben.body


def test_the_mail_holds_nothing_personal(world):
    send_follow_up_reminders()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        for name in ("Leyla", "Omar", "Zainab", "Hidden", "Ahmadi"):
            assert name not in text
        for identity in IDENTITIES:
            assert identity not in text and identity[2:] not in text
            assert f"{identity[:8]}-{identity[8:]}" not in text
        assert "/enrolments/" not in text  # no link to a person's page


def test_the_mail_is_in_the_recipients_language(world):
    send_follow_up_reminders()
    ben = mail_to("ben@example.org")
    assert ben.subject == "Följsam: 1 follow-up due this week"
    assert "Hello," in ben.body and "Future Rosengård" in ben.body
    assert f"https://foljsam.example/en/projects/{world.project.pk}/follow-ups/" in ben.body
    anna = mail_to("anna@example.org")
    assert "/en/" not in anna.body and "Framtid Rosengård" in anna.body


def test_sending_is_audited_without_personal_data_and_only_once_a_day(world):
    send_follow_up_reminders()
    entries = LogEntry.objects.filter(object_type="jobs.FollowUpReminder")
    assert entries.count() == 3  # Anna: two projects, Ben: one
    assert {e.object_id for e in entries} == {str(world.anna.user.pk), str(world.ben.user.pk)}
    for entry in entries:
        assert "Leyla" not in entry.reason and "@" not in entry.reason
    again = send_follow_up_reminders()
    assert again["recipients"] == 0 and again["skipped"] == 2
    assert len(mail.outbox) == 2


def test_nobody_with_nothing_due_gets_mail(world, settings):
    settings.FOLJSAM_TODAY = "2015-01-07"
    FollowUp.objects.filter(due_on__lt="2015-06-22").delete()
    assert send_follow_up_reminders()["recipients"] == 0
    assert mail.outbox == []


def test_dry_run_sends_and_logs_nothing(world, capsys):
    call_command("send_follow_up_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert world.anna.user.username in out and "2 reminder(s) would be sent" in out
    assert mail.outbox == []
    assert not LogEntry.objects.filter(object_type="jobs.FollowUpReminder").exists()


def test_the_command_queues_the_task_which_sends(world, capsys):
    call_command("send_follow_up_reminders")  # the immediate backend runs it at once
    assert "Queued" in capsys.readouterr().out
    assert len(mail.outbox) == 2
    call_command("send_follow_up_reminders", "--now")
    assert "0 reminder(s)" in capsys.readouterr().out


def test_the_task_returns_counts(world):
    result = send_follow_up_reminders_task.enqueue()
    assert result.return_value == {"recipients": 2, "follow_ups": 5, "skipped": 0, "failed": 0}

"""Survey occasions from enrolment events, sending the personal link, reminders, typing in
paper answers, response tracking and what a reader of aggregates sees (docs/surveys.md)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.disclosure import Table, suppress
from core.models import LogEntry, Role
from enrolments.models import Status
from goals.engine import evaluate_project
from goals.services import create_goal
from surveys import distribution, links, tracking
from surveys.models import Channel, Invitation, Questionnaire, Source, SurveyAnswer
from surveys.tracking import Figures, _row
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    ParticipantFactory,
    ProjectFactory,
)
from tests.survey_fixtures import published_questionnaire

pytestmark = pytest.mark.django_db

TODAY = "2010-06-15"
D = dt.date


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = TODAY
    settings.SITE_URL = "https://foljsam.example"
    project = ProjectFactory()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    worker = MembershipFactory(project=project, role=Role.CASE_WORKER)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    questionnaire = published_questionnaire(
        project, at_entry=True, at_exit=True, follow_up_day=90, languages=["sv", "ar", "so"]
    )
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        published_at=dt.datetime(2010, 1, 1, 9, tzinfo=dt.UTC)
    )
    questionnaire.refresh_from_db()
    return {
        "project": project,
        "manager": manager,
        "worker": worker,
        "steering": steering,
        "questionnaire": questionnaire,
    }


FEBRUARY = D(2010, 2, 1)


def person(project, worker, *, started=FEBRUARY, exited=None, language="", name="Amina"):
    participant = ParticipantFactory(given_name=name, interpreter_language=language)
    ConsentFactory(participant=participant, project=project, organisations=[worker.organisation])
    return EnrolmentFactory(
        project=project,
        participant=participant,
        case_worker=worker.user,
        referred_on=min(started, D(2010, 1, 20)),
        started_on=started,
        status=Status.EXITED if exited else Status.ACTIVE,
        exited_on=exited,
        exit_reason="completed" if exited else "",
        exit_status="unemployed" if exited else "",
    )


def test_occasions_fall_due_from_the_enrolment_events(world):
    project, worker = world["project"], world["worker"]
    active = person(project, worker)
    left = person(project, worker, exited=D(2010, 3, 1), language="Arabiska")
    recent = person(project, worker, exited=D(2010, 6, 1))
    before = person(project, worker, started=D(2009, 12, 1), exited=D(2009, 12, 20))
    made = distribution.create_due(project_ids=[project.pk])
    got = {(i.enrolment_id, i.occasion): (i.due_on, i.language) for i in Invitation.objects.all()}
    assert got == {
        (active.pk, "entry"): (D(2010, 2, 1), "sv"),
        (left.pk, "entry"): (D(2010, 2, 1), "ar"),
        (left.pk, "exit"): (D(2010, 3, 1), "ar"),
        # 90 days after 2010-03-01 is 2010-05-30: fallen due by 2010-06-15.
        (left.pk, "follow_up"): (D(2010, 5, 30), "ar"),
        (recent.pk, "entry"): (D(2010, 2, 1), "sv"),
        (recent.pk, "exit"): (D(2010, 6, 1), "sv"),
    }
    assert made == 6 and before.pk not in {k[0] for k in got}
    # Made once: a second round makes nothing.
    assert distribution.create_due(project_ids=[project.pk]) == 0


def test_an_exit_recorded_on_the_page_makes_the_exit_invitation(world, client, settings):
    project, worker = world["project"], world["worker"]
    enrolment = person(project, worker)
    client.force_login(worker.user)
    url = reverse("enrolments:exit", args=[project.pk, enrolment.pk])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
        response = client.post(
            url,
            {
                "exited_on": "2010-06-10",
                "exit_reason": "completed",
                "exit_status": "employed_full_time",
                "exit_income_source": "wage",
            },
        )
    assert response.status_code in (200, 302)
    enrolment.refresh_from_db()
    if enrolment.exited_on:  # the exit form took it
        assert Invitation.objects.filter(enrolment=enrolment, occasion="exit").exists()


def test_sending_a_link_makes_the_old_one_stop_working(world):
    project, worker = world["project"], world["worker"]
    enrolment = person(project, worker, exited=D(2010, 6, 1))
    distribution.create_due(project_ids=[project.pk])
    invitation = Invitation.objects.get(enrolment=enrolment, occasion="exit")
    distribution.send(invitation, channel=Channel.SMS, language="so", by=worker.user)
    first = links.token_for(invitation)
    assert links.check(first).state == links.OPEN
    assert invitation.expires_on == D(2010, 6, 15) + dt.timedelta(days=30)
    text = distribution.texts(invitation)["sms"]
    assert links.url_for(invitation) in text and "Amina" in text
    assert enrolment.participant.family_name not in text
    distribution.send(invitation, channel=Channel.TABLET, language="sv", by=worker.user)
    assert links.check(first).state == links.INVALID
    assert links.check(links.token_for(invitation)).state == links.OPEN


def test_a_language_the_questionnaire_does_not_offer_is_refused(world):
    enrolment = person(world["project"], world["worker"], exited=D(2010, 6, 1))
    distribution.create_due(project_ids=[world["project"].pk])
    invitation = Invitation.objects.get(enrolment=enrolment, occasion="exit")
    with pytest.raises(Exception) as error:
        distribution.send(invitation, channel=Channel.SMS, language="ti", by=None)
    assert "language" in error.value.message_dict
    invitation.refresh_from_db()
    assert invitation.sent_on is None and not invitation.nonce


def test_e_mail_and_one_reminder(world, settings, django_capture_on_commit_callbacks):
    project, worker = world["project"], world["worker"]
    enrolment = person(project, worker, exited=D(2010, 6, 1))
    distribution.create_due(project_ids=[project.pk])
    invitation = Invitation.objects.get(enrolment=enrolment, occasion="exit")
    with django_capture_on_commit_callbacks(execute=True):
        distribution.send(
            invitation, channel=Channel.EMAIL, language="ar", email="amina@example.se", by=None
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amina@example.se"]
    assert links.url_for(invitation, "ar") in mail.outbox[0].body
    # Not before the questionnaire's reminder days (7).
    assert distribution.send_reminders(on=D(2010, 6, 21)) == 0
    settings.FOLJSAM_TODAY = "2010-06-22"
    call_command("survey_round", "--now")
    assert len(mail.outbox) == 2 and "amina@example.se" in mail.outbox[1].to
    assert distribution.send_reminders(on=D(2010, 6, 23)) == 0  # once
    invitation.refresh_from_db()
    assert invitation.reminded_on == D(2010, 6, 22)
    # Nothing personal in the audit entries of sending and reminding.
    for entry in LogEntry.objects.filter(object_type="surveys.Invitation"):
        assert "amina" not in (entry.reason + " ".join(entry.fields or [])).lower()


def test_typed_in_paper_answers_count_in_the_goal(world, client):
    project, worker = world["project"], world["worker"]
    enrolment = person(project, worker, exited=D(2010, 6, 1))
    other = person(project, worker, exited=D(2010, 6, 2), name="Hodan")
    create_goal(
        project=project,
        key="job-chances",
        title="Jobbchanser",
        template="survey_share",
        parameters={"question": "job_chances", "min_answer": 4, "max_answer": 5, "target": 0.5},
        by=None,
    )
    distribution.create_due(project_ids=[project.pk])
    invitation = Invitation.objects.get(enrolment=enrolment, occasion="exit")
    (before,) = evaluate_project(project)
    assert before.missing == 2
    client.force_login(worker.user)
    url = reverse("surveys:type_in", args=[project.pk, enrolment.pk, invitation.pk])
    page = client.get(url)
    assert page.status_code == 200
    questions = world["questionnaire"].ordered_questions()
    job, network, free = questions
    # A future date and a value off the scale: errors, nothing saved.
    bad = client.post(url, {"source": "paper", "answered_on": "2010-07-01", f"q{job.pk}": "7"})
    assert bad.status_code == 200 and SurveyAnswer.objects.count() == 0
    ok = client.post(
        url,
        {
            "source": "paper",
            "answered_on": "2010-06-10",
            f"q{job.pk}": "5",
            f"q{free.pk}": "Bra stöd från handläggaren",
        },
    )
    assert ok.status_code == 302
    answers = {a.question_id: a for a in SurveyAnswer.objects.filter(enrolment=enrolment)}
    assert answers[job.pk].value == 5 and answers[job.pk].source == Source.PAPER
    assert answers[free.pk].text == "Bra stöd från handläggaren"
    assert network.pk not in answers
    invitation.refresh_from_db()
    assert invitation.answered_on == D(2010, 6, 10) and invitation.source == Source.PAPER
    # The link of an answered invitation is used up.
    assert links.check(links.token_for(invitation)).state in (links.USED, links.INVALID)
    (after,) = evaluate_project(project)
    assert (after.numerator, after.denominator, after.missing) == (1, 2, 1)
    assert other.pk  # the other completer still counts as missing
    # The participant's survey page shows the free text to the case worker.
    page = client.get(reverse("surveys:enrolment", args=[project.pk, enrolment.pk]))
    assert "Bra stöd från handläggaren" in page.content.decode()


def test_response_tracking_and_what_aggregate_readers_see(world, client):
    project, worker = world["project"], world["worker"]
    enrolments = [person(project, worker, exited=D(2010, 6, 1), name=f"P{i}") for i in range(7)]
    distribution.create_due(project_ids=[project.pk])
    exits = list(Invitation.objects.filter(occasion="exit").order_by("pk"))
    for invitation in exits[:5]:
        distribution.send(invitation, channel=Channel.SMS, language="sv", by=None)
    for invitation in exits[:3]:
        Invitation.objects.filter(pk=invitation.pk).update(
            answered_on=D(2010, 6, 14), source=Source.LINK
        )
    figures = {f.occasion: f for f in tracking.figures(project, None)}
    exit_ = figures["exit"]
    assert (exit_.due, exit_.sent, exit_.answered, exit_.not_sent) == (7, 5, 3, 2)
    assert round(exit_.rate, 3) == round(3 / 7, 3)
    # Aggregate readers (threshold 5): 3 answered is fewer than 5 -> the occasion is hidden.
    hidden = {f.occasion: f for f in tracking.figures(project, 5)}["exit"]
    assert hidden.hidden and hidden.rate is None
    client.force_login(world["steering"].user)
    page = client.get(reverse("surveys:index", args=[project.pk])).content.decode()
    # No participant's name (P0 … P6) as a word: a random CSRF token may hold the letters "P1".
    assert "43 %" not in page and not re.search(r"\bP[0-6]\b", page)
    client.force_login(worker.user)
    page = client.get(reverse("surveys:index", args=[project.pk])).content.decode()
    assert "43 %" in page
    # The case worker's list of links to send names the two not sent.
    assert page.count("surveys/participants/") >= 2
    assert len(enrolments) == 7


def test_the_dashboard_shows_the_response_rate(world, client):
    project, worker = world["project"], world["worker"]
    for i in range(10):
        person(project, worker, exited=D(2010, 6, 1), name=f"P{i}")
    create_goal(
        project=project,
        key="network",
        title="Nätverk",
        template="survey_share",
        parameters={"question": "network", "target": 0.9},
        by=None,
    )
    distribution.create_due(project_ids=[project.pk])
    network = [q for q in world["questionnaire"].ordered_questions() if q.key == "network"][0]
    for invitation in Invitation.objects.filter(occasion="exit").order_by("pk")[:6]:
        Invitation.objects.filter(pk=invitation.pk).update(answered_on=D(2010, 6, 14))
        SurveyAnswer.objects.create(
            enrolment=invitation.enrolment,
            occasion="exit",
            question=network,
            value=5,
            answered_on=D(2010, 6, 14),
        )
    client.force_login(world["manager"].user)
    page = client.get(reverse("goals:dashboard", args=[project.pk])).content.decode()
    assert "Enkätsvar" in page or "Survey response" in page
    # Beside the goal's value: the response rate (6 of the 10 completers answered).
    assert "60 %" in page and "6 av 10" in page


# --- what an aggregate reader can learn from the response table --------------------------------


def _published(figures_, threshold):
    """Every count the table publishes to its reader, per row: due, answered, not answered."""
    return {f.occasion: (f.due, f.answered, f.due - f.answered) for f in figures_ if not f.hidden}


def check_response_table(raw, threshold, suppressing=True):
    """The property, over raw counts {occasion: (due, answered)}: no published count is between
    1 and threshold − 1, and no hidden occasion can be worked out as the total minus the shown
    occasions (hidden ones are 0 or at least two, or the total is hidden)."""

    found = [
        Figures(occasion=o, label=o, due=d, sent=d, opened=0, reminded=0, answered=a,
                typed_in=0, expired=0, not_sent=0)
        for o, (d, a) in raw.items() if d
    ]  # fmt: skip
    rows = {f.occasion: _row({"due": f.due, "answered": f.answered}) for f in found}
    total = {"due": sum(f.due for f in found), "answered": sum(f.answered for f in found)}
    table = Table(key="t", top=_row(total), dimensions={"occasion": rows})
    suppress([table], threshold if suppressing else None)
    for f in found:
        f.hidden = not rows[f.occasion].shown
    shown = _published(found, threshold)
    small = [n for counts in shown.values() for n in counts if 0 < n < threshold]
    hidden_nonempty = [f for f in found if f.hidden and f.due]
    derivable = table.top.shown and len(hidden_nonempty) == 1 and len(found) > 1
    return not small and not derivable


COUNTS = st.tuples(st.integers(0, 30), st.integers(0, 30)).map(lambda t: (max(t), min(t)))


@hsettings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries({"entry": COUNTS, "exit": COUNTS, "follow_up": COUNTS}),
    st.integers(2, 10),
)
def test_the_response_table_never_gives_an_aggregate_reader_a_small_figure(raw, threshold):
    assert check_response_table(raw, threshold)


def test_the_property_fails_without_suppression():
    """The property is not empty: the same table unsuppressed breaks it."""
    assert not check_response_table({"entry": (12, 3), "exit": (20, 15)}, 5, suppressing=False)


def test_the_case_worker_is_told_whom_to_remind_by_hand(world, client):
    """An SMS link sent at least the questionnaire's reminder days ago (7), not answered and not
    yet reminded, is listed on the Surveys page; one sent lately, or e-mailed, is not."""
    project, worker = world["project"], world["worker"]
    due = person(project, worker, exited=D(2010, 6, 1), name="Leyla")
    lately = person(project, worker, exited=D(2010, 6, 1), name="Hodan")
    mailed = person(project, worker, exited=D(2010, 6, 1), name="Samira")
    distribution.create_due(project_ids=[project.pk])
    for enrolment, channel, sent_on in [
        (due, Channel.SMS, D(2010, 6, 7)),
        (lately, Channel.SMS, D(2010, 6, 12)),
        (mailed, Channel.EMAIL, D(2010, 6, 1)),
    ]:
        Invitation.objects.filter(enrolment=enrolment, occasion="exit").update(
            channel=channel, sent_on=sent_on, expires_on=sent_on + dt.timedelta(days=30), nonce="n"
        )
    client.force_login(worker.user)
    page = client.get(reverse("surveys:index", args=[project.pk])).content.decode()
    section = page[page.index("Påminn via sms eller personligen") :]
    assert "Leyla" in section and "Hodan" not in section and "Samira" not in section

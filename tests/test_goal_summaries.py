"""Per-project summaries (goals.summaries): the stored dashboard figures always equal a
computation from the raw rows, and every kind of write makes them stale."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import Role, TargetGroup
from enrolments import services as enrolment_services
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import summaries
from goals.engine import evaluate_project
from goals.engine.population import Context
from goals.models import GoalSummary, ProjectSummary, ReferenceProgramme, ReferenceValue
from goals.services import save_goal_version
from interventions import services as intervention_services
from surveys import responses
from surveys.models import Invitation, Questionnaire, SurveyAnswer
from tests.survey_fixtures import published_questionnaire, sent_invitation

from .factories import (
    InterventionFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
)
from .test_goal_engine import add_follow_up_and_network, answer, goal, person

pytestmark = pytest.mark.django_db
D = dt.date
OS = OutcomeStatus


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


def raw(project):
    """Everything a dashboard shows, computed now from the raw rows (the engine over the
    enrolments themselves, not the fact table the summaries count)."""
    context = Context(project, facts=False)
    return (
        [r.to_dict() for r in evaluate_project(project, context=context)],
        summaries._jsonable(summaries.dashboard_figures(project)),
    )


def stored(project, **kwargs):
    data = summaries.read(project, **kwargs)
    return [r.to_dict() for r in data.results], data.figures


def fresh(project) -> bool:
    from goals.engine import current_versions

    summary = ProjectSummary.objects.filter(project=project).first()
    return summaries.is_fresh(summary, [v.pk for v in current_versions(project)])


def employed(n):
    """n completers in work at day 90 who answered 4 on the network question."""
    row = {"gender": "woman", "born": 1975, "exit": "completed",
           "follow_up": OS.EMPLOYED_FULL_TIME, "network": 4, "hours": 5}  # fmt: skip
    return [row] * n


def with_goals(project):
    goal(project, "follow_up_share", target=0.45)
    goal(project, "survey_share", question="network", target=0.9)
    goal(project, "follow_up_share", key="all-exited", population="exited", target=0.45)
    goal(project, "gender_split", target=0.4, target_high=0.6)
    goal(project, "participation_count", target=3)


# --- equality with the raw rows ---------------------------------------------------------------

PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "gender": st.sampled_from(["woman", "man", "other"]),
            "born": st.sampled_from([1950, 1975, 1990]),
            "exit": st.sampled_from([None, "completed", "dropped_out"]),
            "follow_up": st.sampled_from([None, "unrecorded", "unreached", OS.EMPLOYED_FULL_TIME]),
            "network": st.one_of(st.none(), st.integers(1, 5)),
            "hours": st.one_of(st.none(), st.integers(0, 40)),
        }
    ),
    max_size=25,
)
# Writes made after the summary was stored, each through the service a user's action calls.
CHANGES = st.lists(
    st.sampled_from(["exit", "follow_up", "answer", "survey_link", "hours", "new_person", "goal"]),
    max_size=3,
)


def build(project, people):
    intervention = InterventionFactory(project=project)
    enrolments = []
    for row in people:
        e = person(project, gender=row["gender"], born=row["born"], exit=row["exit"])
        enrolments.append(e)
        add_follow_up_and_network(e, row)
        if row["hours"] is not None:
            ParticipationFactory(
                intervention=intervention,
                enrolment=e,
                attended_hours=Decimal(row["hours"]),
                started_on=D(2009, 3, 1),
            )
    return intervention, enrolments


def change(kind, project, intervention, manager):
    """One write through a service, as a user's action would make it."""
    active = project.enrolments.filter(status=Status.ACTIVE).first()
    if kind == "new_person" or active is None:
        person(project, gender="man", born=1990)
    elif kind == "exit":
        enrolment_services.exit_enrolment(
            enrolment=active,
            by=manager.user,
            exited_on=D(2010, 5, 15),  # after any attendance the "hours" change records
            exit_reason="completed",
            exit_status=OS.JOB_SEEKING,
            exit_income_source="none",
        )
    elif kind == "follow_up":
        # One that can be recorded today (2010-06-01): due by then. (`.first()` of every open
        # one picked, on PostgreSQL, one not yet in its window, and the service refused it.)
        due = (
            FollowUp.objects.filter(
                enrolment__project=project, recorded_on__isnull=True, due_on__lte=D(2010, 6, 1)
            )
            .order_by("due_on", "pk")
            .first()
        )
        if due is None:
            person(project, gender="woman", born=1975)
        else:
            enrolment_services.record_follow_up(
                follow_up=due,
                by=manager.user,
                reached=True,
                status=OS.EMPLOYED_FULL_TIME,
                source="participant",
                recorded_on=min(D(2010, 6, 1), due.due_on),
            )
    elif kind == "answer":
        SurveyAnswer.objects.filter(enrolment=active, question__key="network").delete()
        answer(active, "network", 5)
    elif kind == "survey_link":
        # Answers sent on a personal link: written in bulk (surveys/responses.py), so only the
        # service's counted_data_changed tells the summaries.
        asked = Invitation.objects.filter(occasion="exit").values("enrolment_id")
        exited = project.enrolments.filter(exited_on__isnull=False).exclude(pk__in=asked).first()
        if exited is None:
            person(project, gender="woman", born=1980)
            return
        questionnaire = Questionnaire.objects.filter(project=project).first() or (
            published_questionnaire(project, keys=("network",), languages=("sv",))
        )
        (question,) = questionnaire.ordered_questions()
        SurveyAnswer.objects.filter(enrolment=exited, occasion="exit").delete()
        summaries.refresh(project)  # that delete is a change of its own; the link's is next
        responses.submit(
            enrolment=exited,
            questionnaire=questionnaire,
            occasion="exit",
            answers={question.pk: 5},
            source="link",
            invitation=sent_invitation(exited, questionnaire),
        )
    elif kind == "hours":
        participation = ParticipationFactory(
            intervention=intervention, enrolment=active, started_on=D(2009, 3, 1)
        )
        intervention_services.record_hours(
            by=manager.user, participation=participation, held_on=D(2010, 5, 3), hours=Decimal(3)
        )
    elif kind == "goal":
        g = project.goals.first()
        version = g.versions.order_by("-version").first()
        parameters = dict(version.parameters)
        parameters["target"] = 0.5 if parameters.get("target") != 0.5 else 0.6
        save_goal_version(
            goal=g,
            title=version.title,
            template=version.template,
            parameters=parameters,
            by=manager.user,
        )


@hsettings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=PEOPLE, changes=CHANGES)
def test_a_summary_always_equals_the_computation_from_the_raw_rows(people, changes):
    project = ProjectFactory(follow_up_days=[90])
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    with_goals(project)
    intervention, _ = build(project, people)

    summaries.refresh(project)
    assert fresh(project)
    assert stored(project) == raw(project)
    for kind in changes:
        change(kind, project, intervention, manager)
        # Every write made the summary stale, so it is never shown as if it were current …
        assert not fresh(project), kind
        # … and the next dashboard recomputes it: equal to the raw rows again.
        assert stored(project) == raw(project)
        assert fresh(project)


def test_the_goal_rows_store_the_top_level_figures_as_columns():
    project = ProjectFactory(follow_up_days=[90])
    with_goals(project)
    build(project, employed(6))
    summaries.refresh(project)
    results = evaluate_project(project)
    rows = list(GoalSummary.objects.filter(project=project).order_by("order"))
    assert [(r.key, r.numerator, r.denominator, r.status) for r in rows] == [
        (r.key, r.numerator, r.denominator, r.status) for r in results
    ]
    portfolio = summaries.portfolio([project])
    assert [(row["key"], row["value"]) for row in portfolio] == [(r.key, r.value) for r in results]
    assert all(row["fresh"] for row in portfolio)


# --- every kind of write makes the summary stale ----------------------------------------------


@pytest.fixture
def stored_project():
    project = ProjectFactory(follow_up_days=[90])
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    with_goals(project)
    intervention, enrolments = build(
        project,
        [
            {"gender": "woman", "born": 1975, "exit": None, "follow_up": None, "network": None,
             "hours": 2},
            {"gender": "man", "born": 1990, "exit": "completed", "follow_up": "unrecorded",
             "network": 3, "hours": None},
        ],
    )  # fmt: skip
    summaries.refresh(project)
    assert fresh(project)
    return project, manager, intervention, enrolments


def test_a_group_session_makes_the_summary_stale(stored_project):
    project, manager, intervention, enrolments = stored_project
    participation = intervention.participations.get()
    intervention_services.record_group_session(
        by=manager.user,
        intervention=intervention,
        held_on=D(2010, 5, 4),
        length_hours=Decimal(3),
        rows=[(participation, Decimal(3))],
    )
    assert not fresh(project)


def test_a_target_group_given_to_an_enrolment_makes_the_summary_stale(stored_project):
    project, _manager, _intervention, enrolments = stored_project
    group = TargetGroup.objects.create(project=project, code="youth", name="Unga")
    summaries.refresh(project)
    enrolments[0].target_groups.add(group)
    assert not fresh(project)


def test_a_changed_reference_value_makes_the_projects_comparing_with_it_stale(stored_project):
    project, *_ = stored_project
    programme = ReferenceProgramme.objects.create(name="Särskilt anställningsstöd")
    programme.projects.add(project)
    assert not fresh(project)
    summaries.refresh(project)
    ReferenceValue.objects.create(
        programme=programme, year=2009, participants=100, share_in_work_90_days=Decimal("30")
    )
    assert not fresh(project)


def test_a_participant_whose_gender_is_corrected_makes_the_summary_stale(stored_project):
    project, _manager, _intervention, enrolments = stored_project
    participant = enrolments[0].participant
    participant.gender = "other"
    participant.save()
    assert not fresh(project)


def test_a_new_day_makes_the_summary_stale_only_when_its_figures_change(stored_project, settings):
    project, *_ = stored_project
    until = ProjectSummary.objects.get(project=project).valid_until
    assert until is not None  # its project runs on: a quarter begins, follow-ups fall due
    settings.FOLJSAM_TODAY = (until - dt.timedelta(days=1)).isoformat()
    assert fresh(project)  # the nights before: nothing changed
    settings.FOLJSAM_TODAY = until.isoformat()
    assert not fresh(project)
    settings.FOLJSAM_TODAY = "2010-05-31"  # a clock set back: not computed for that day
    assert not fresh(project)


def test_a_label_renamed_or_an_intervention_moved_in_the_admin_makes_the_summary_stale(
    stored_project,
):
    """Area and category names are the labels of the stored breakdowns and hours: renaming
    them, giving a project an area, or moving an intervention makes every project showing them
    stale (the one it left too), and no other project."""
    from core.models import Area, Municipality

    project, _manager, intervention, _enrolments = stored_project
    other = ProjectFactory(follow_up_days=[90])
    with_goals(other)
    bystander = ProjectFactory(follow_up_days=[90])
    with_goals(bystander)
    area = Area.objects.create(name="Herrgården", municipality=Municipality.objects.first())

    def both_stale_after(change):
        for each in (project, other, bystander):
            summaries.refresh(each)
        change()
        stale = {each.pk for each in (project, other, bystander) if not fresh(each)}
        return stale

    assert both_stale_after(lambda: project.areas.add(area)) == {project.pk}
    assert both_stale_after(lambda: area.projects.add(other)) == {other.pk}

    def rename_area():
        area.name = "Herrgården norra"
        area.save()

    assert both_stale_after(rename_area) == {project.pk, other.pk}

    def rename_category():
        category = intervention.category
        category.name = f"{category.name} (ny)"
        category.save()

    assert both_stale_after(rename_category) == {project.pk}

    def move():
        intervention.project = other
        intervention.save()

    assert both_stale_after(move) == {project.pk, other.pk}


def test_other_projects_stay_fresh(stored_project):
    project, manager, intervention, enrolments = stored_project
    other = ProjectFactory(follow_up_days=[90])
    with_goals(other)
    summaries.refresh(other)
    enrolment_services.exit_enrolment(
        enrolment=enrolments[0],
        by=manager.user,
        exited_on=D(2010, 1, 15),
        exit_reason="completed",
        exit_status=OS.JOB_SEEKING,
        exit_income_source="none",
    )
    assert not fresh(project)
    assert fresh(other)


# --- reading ----------------------------------------------------------------------------------


def test_a_write_while_the_summary_is_counted_leaves_it_stale(stored_project, monkeypatch):
    """The data version is read before counting: a write that commits meanwhile is not lost.
    (Here the write changes an enrolment already counted: one that adds an enrolment on the
    counting connection itself fails the count instead, tests/test_goal_facts.py.)"""
    project, _manager, _intervention, enrolments = stored_project
    from goals import engine

    real = engine.evaluate_project

    def counting_while_someone_writes(p, **kwargs):
        results = real(p, **kwargs)
        group = TargetGroup.objects.create(project=project, code="youth", name="Unga")
        enrolments[0].target_groups.add(group)  # lands after the counts were taken
        return results

    monkeypatch.setattr(engine, "evaluate_project", counting_while_someone_writes)
    summaries.refresh(project)
    assert not fresh(project)


def test_a_large_stale_project_shows_its_last_figures_and_queues_a_refresh(
    stored_project, monkeypatch
):
    project, *_ = stored_project
    before = stored(project)
    monkeypatch.setattr(summaries, "LIVE_LIMIT", 1)
    queued = []
    monkeypatch.setattr(summaries, "queue_refresh", lambda ids: queued.append(list(ids)))
    person(project, gender="woman", born=1990)
    data = summaries.read(project)
    assert not data.fresh
    assert [r.to_dict() for r in data.results] == before[0]
    assert queued == [[project.pk]]


def test_a_refresh_lost_with_its_worker_is_queued_again(
    stored_project, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker killed during the refresh leaves it marked queued: after REQUEUE_AFTER the
    next view queues it again, before that it does not queue a second one."""
    from goals import tasks

    project, *_ = stored_project
    monkeypatch.setattr(summaries, "LIVE_LIMIT", 1)
    enqueued = []

    class Lost:  # a queue whose worker dies: the task is taken and never done
        @staticmethod
        def enqueue(pk):
            enqueued.append(pk)

    monkeypatch.setattr(tasks, "refresh_summary", Lost)
    with django_capture_on_commit_callbacks(execute=True):
        person(project, gender="woman", born=1990)  # queues a refresh (its task never runs)
    assert enqueued == [project.pk]
    summaries.read(project)
    assert enqueued == [project.pk]  # still waiting for the first: not queued twice
    ProjectSummary.objects.filter(project=project).update(
        refresh_queued_at=timezone.now() - summaries.REQUEUE_AFTER - dt.timedelta(minutes=1)
    )
    summaries.read(project)
    assert enqueued == [project.pk, project.pk]


def test_the_writes_of_a_few_seconds_are_counted_by_one_deferred_refresh(
    stored_project, worker_not_yet_run, django_capture_on_commit_callbacks
):
    """A provider recording a day's hours row by row, or the busy projects of a loaded server:
    the first write queues one refresh to run REFRESH_DELAY seconds later, and the writes of
    those seconds join it instead of queueing one each."""
    from django_tasks import task_backends

    from core import clock

    project, *_ = stored_project
    queued = task_backends["default"].results
    before = clock.real_now()
    with django_capture_on_commit_callbacks(execute=True):
        person(project, gender="woman", born=1990)
    after = clock.real_now()
    assert len(queued) == 1 and queued[0].args == [project.pk]
    delay = dt.timedelta(seconds=summaries.REFRESH_DELAY)
    assert summaries.REFRESH_DELAY > 0
    assert before + delay <= queued[0].task.run_after <= after + delay
    # When its time has come it waits behind the tasks already ready (an import, say).
    assert queued[0].task.priority == summaries.REFRESH_PRIORITY < 0
    with django_capture_on_commit_callbacks(execute=True):
        person(project, gender="man", born=1991)
        person(project, gender="man", born=1992)
    assert len(queued) == 1
    # A reader's refresh (a large project's goal just edited) is not deferred: no writes to
    # wait for.
    ProjectSummary.objects.filter(project=project).update(refresh_queued=False)
    summaries.queue_refresh([project.pk])
    assert len(queued) == 2 and queued[1].task.run_after is None


def test_a_write_made_while_the_refresh_counts_queues_it_again(
    stored_project, monkeypatch, django_capture_on_commit_callbacks
):
    """The write that lands while the queued refresh counts sees a refresh queued and queues
    none; the refresh, finding the data moved on, queues the next one (else the figures would
    stay behind until someone opened the dashboard or the night came)."""
    from goals import tasks

    project, *_ = stored_project
    enqueued = []

    class Queue:
        @staticmethod
        def enqueue(pk):
            enqueued.append(pk)

    monkeypatch.setattr(tasks, "refresh_summary", Queue)
    with django_capture_on_commit_callbacks(execute=True):
        person(project, gender="woman", born=1990)
    assert enqueued == [project.pk]
    compute = summaries.compute

    def written_meanwhile(p):
        computed = compute(p)
        person(project, gender="man", born=1991)
        summaries._flush_queue()  # its commit, now: it queues nothing, one is queued (running)
        assert enqueued == [project.pk]
        return computed

    monkeypatch.setattr(summaries, "compute", written_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        summaries.refresh(project)
    assert not fresh(project)
    assert enqueued == [project.pk, project.pk]
    monkeypatch.setattr(summaries, "compute", compute)
    with django_capture_on_commit_callbacks(execute=True):
        summaries.refresh(project)  # nothing written meanwhile: nothing queued
    assert fresh(project) and enqueued == [project.pk, project.pk]


def test_the_refresh_task_brings_the_summary_in_step(stored_project):
    project, *_ = stored_project
    person(project, gender="woman", born=1990)
    assert not fresh(project)
    from goals.tasks import refresh_summary

    refresh_summary.call(project.pk)
    assert fresh(project)
    assert stored(project) == raw(project)


def test_a_write_is_counted_once_when_a_dashboard_was_opened_before_its_task_ran(
    stored_project, monkeypatch
):
    """The dashboard opened right after a write brings the figures in step; the refresh the
    write queued then finds them fresh and counts nothing again."""
    project, *_ = stored_project
    person(project, gender="woman", born=1990)
    summaries.read(project)  # the dashboard, opened before the queued task runs
    assert fresh(project)
    counted = []
    monkeypatch.setattr(summaries, "refresh", lambda p: counted.append(p))
    from goals.tasks import refresh_summary

    refresh_summary.call(project.pk)
    assert counted == []
    assert not ProjectSummary.objects.get(project=project).refresh_queued
    person(project, gender="man", born=1990)  # a later write is counted again
    refresh_summary.call(project.pk)
    assert counted == [project]


def test_small_cells_are_suppressed_when_read_for_an_aggregate_only_role(stored_project):
    project, *_ = stored_project
    data = summaries.read(project, threshold=5)
    for result in data.results:
        for groups in result.breakdown.values():
            for cell in groups.values():
                assert cell.suppressed or not (0 < (cell.denominator or 0) < 5)
    # The stored figures themselves are complete; suppression is applied per reader.
    assert stored(project) == raw(project)


@pytest.fixture
def worker_not_yet_run(settings):
    """A queue whose tasks wait for a worker (as in production), none of them run here."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    task_backends["default"].clear()
    yield
    task_backends["default"].clear()


def test_after_a_write_the_dashboard_shows_the_last_figures_and_updates_itself(
    client, stored_project, worker_not_yet_run, monkeypatch, django_capture_on_commit_callbacks
):
    """No one waits for the figures to be counted after a write: the page shows the last ones
    at once, says newer records are being counted, and asks figures_state as soon as it is on
    the screen and every few seconds after. That counts a small project there and then and
    reloads the page; for a large one it answers nothing until the queued refresh has run."""
    from django.urls import reverse

    from goals import tasks

    project, manager, *_ = stored_project
    client.force_login(manager.user)
    page = reverse("goals:dashboard", kwargs={"project_id": project.pk})
    state = reverse("goals:figures_state", kwargs={"project_id": project.pk})
    before = ProjectSummary.objects.get(project=project).computed_version
    with django_capture_on_commit_callbacks(execute=True):
        person(project, gender="man", born=1990)  # a counted write; its refresh is queued
    html = client.get(page).content.decode()
    assert 'role="status" hx-get="' + state + "?since=" in html
    assert 'hx-trigger="load, every 3s"' in html
    assert ProjectSummary.objects.get(project=project).computed_version == before  # not counted
    response = client.get(state)
    assert response.status_code == 200 and response.headers["HX-Refresh"] == "true"
    assert fresh(project) and summaries.read(project).enrolments == 3
    html = client.get(page).content.decode()
    assert state not in html

    monkeypatch.setattr(summaries, "LIVE_LIMIT", 1)  # a large project: the worker counts it
    with django_capture_on_commit_callbacks(execute=True):
        person(project, gender="woman", born=1991)
    assert state in client.get(page).content.decode()
    response = client.get(state)
    assert response.status_code == 204 and "HX-Refresh" not in response.headers
    assert not fresh(project)
    tasks.refresh_summary.call(project.pk)  # the worker's turn
    assert client.get(state).headers["HX-Refresh"] == "true"
    assert state not in client.get(page).content.decode()


def test_a_page_stops_asking_after_a_while_or_when_the_count_fails(
    client, stored_project, worker_not_yet_run, monkeypatch
):
    """A tab left open on a large project whose worker never comes does not ask for ever (nor
    keep its user signed in): after ASK_FOR_SECONDS it is told to stop (286, htmx's stop), and
    so is a page whose count failed. A `since` that is not a number is taken as now."""
    from django.urls import reverse

    from core import clock
    from reports import dashboard

    project, manager, *_ = stored_project
    client.force_login(manager.user)
    state = reverse("goals:figures_state", kwargs={"project_id": project.pk})
    monkeypatch.setattr(summaries, "LIVE_LIMIT", 1)
    person(project, gender="man", born=1990)
    now = int(clock.real_seconds())
    assert client.get(f"{state}?since={now}").status_code == 204
    assert client.get(f"{state}?since=x").status_code == 204
    late = now - dashboard.ASK_FOR_SECONDS - 1
    assert client.get(f"{state}?since={late}").status_code == 286

    def broken(*args, **kwargs):
        raise RuntimeError("the count failed")

    monkeypatch.setattr(summaries, "state", broken)
    assert client.get(f"{state}?since={now}").status_code == 286


def test_deleting_an_area_makes_its_projects_stale(stored_project):
    from core.models import Area, Municipality

    project, *_ = stored_project
    area = Area.objects.create(name="Kryddgården", municipality=Municipality.objects.first())
    project.areas.add(area)
    summaries.refresh(project)
    area.delete()
    assert not fresh(project)


def test_the_dashboard_counts_at_once_what_its_last_figures_cannot_show(
    client, stored_project, worker_not_yet_run
):
    """A goal just added, or an export of the figures, is not answered with the last figures:
    those are counted in the request (a small project), as before."""
    from django.urls import reverse

    project, manager, *_ = stored_project
    client.force_login(manager.user)
    page = reverse("goals:dashboard", kwargs={"project_id": project.pk})
    person(project, gender="man", born=1990)
    response = client.get(page + "?format=csv")
    assert response.status_code == 200
    assert fresh(project)
    goal(project, "gender_split", key="new_goal")
    html = client.get(page).content.decode()
    assert reverse("goals:figures_state", kwargs={"project_id": project.pk}) not in html
    assert fresh(project)


def test_the_dashboard_says_how_current_its_figures_are(client, stored_project, monkeypatch):
    from django.urls import reverse

    project, manager, *_ = stored_project
    client.force_login(manager.user)
    url = reverse("goals:dashboard", kwargs={"project_id": project.pk})
    html = client.get(url).content.decode()
    assert "summary-time" in html and "Nyare registreringar" not in html
    monkeypatch.setattr(summaries, "LIVE_LIMIT", 1)
    monkeypatch.setattr(summaries, "queue_refresh", lambda ids: None)
    person(project, gender="woman", born=1990)
    html = client.get(url).content.decode()
    assert 'class="notice summary-time" role="status"' in html


def test_refresh_command_recomputes_stale_summaries(stored_project):
    from io import StringIO

    from django.core.management import call_command

    project, *_ = stored_project
    person(project, gender="woman", born=1990)
    out = StringIO()
    call_command("refresh_goal_summaries", stdout=out)
    assert fresh(project)
    assert "recomputed" in out.getvalue()


def test_a_refresh_returns_the_summary_it_stored(stored_project, django_assert_num_queries):
    """The dashboard shows the summary refresh() returns: it must be the row stored, every
    field of it, with none left to be read again."""
    project, *_ = stored_project
    person(project, gender="woman", born=1990)
    returned = summaries.refresh(project)
    stored = ProjectSummary.objects.get(project=project)
    with django_assert_num_queries(0):
        fields = {
            f.attname: getattr(returned, f.attname) for f in ProjectSummary._meta.concrete_fields
        }
    for field in ProjectSummary._meta.concrete_fields:
        assert fields[field.attname] == getattr(stored, field.attname), field.name
    assert returned.project == project


def test_a_summarys_goal_rows_are_inserted_as_many_as_a_statement_takes(
    stored_project, monkeypatch
):
    """The goal rows go in as few INSERTs as the database's parameter limit allows (SQLite's is
    999: 58 goals' rows), every row stored whatever the batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project, *_ = stored_project
    rows = list(GoalSummary.objects.filter(project=project).order_by("order").values())
    for row in rows:
        del row["id"]
    rows = [{**rows[n % len(rows)], "order": n} for n in range(5)]
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    with CaptureQueriesContext(connection) as queries:
        summaries._replace_rows(GoalSummary, project.pk, rows)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 3
    stored = list(GoalSummary.objects.filter(project=project).order_by("order").values())
    assert [{k: v for k, v in row.items() if k != "id"} for row in stored] == rows


def test_the_refresh_command_recomputes_only_what_is_not_fresh(stored_project):
    """Without --all: a fresh summary is left alone; one computed for an older goal version is
    recomputed even when nothing marked it stale (the versions are read for every project in
    one query); --all recomputes both."""
    from io import StringIO

    from django.core.management import call_command

    project, manager, *_ = stored_project
    other = ProjectFactory(follow_up_days=[90])
    with_goals(other)
    summaries.refresh(other)
    goal = project.goals.first()
    version = goal.versions.order_by("-version").first()
    save_goal_version(
        goal=goal,
        title=version.title,
        template=version.template,
        parameters={**version.parameters, "target": 0.7},
        by=manager.user,
    )
    # As though nothing had marked it stale: in step with the data, not with its goals.
    ProjectSummary.objects.filter(project=project).update(
        computed_version=F("data_version"), refresh_queued=False
    )
    assert not fresh(project)
    times = dict(ProjectSummary.objects.values_list("project_id", "computed_at"))
    out = StringIO()
    call_command("refresh_goal_summaries", stdout=out)
    assert fresh(project) and fresh(other)
    after = dict(ProjectSummary.objects.values_list("project_id", "computed_at"))
    assert after[other.pk] == times[other.pk]
    assert after[project.pk] != times[project.pk]
    assert out.getvalue().startswith("1 project summaries recomputed")
    call_command("refresh_goal_summaries", "--all", stdout=out)
    assert ProjectSummary.objects.get(project=other).computed_at != times[other.pk]


def stored_figures(project) -> list[tuple]:
    return list(
        GoalSummary.objects.filter(project=project)
        .order_by("order")
        .values_list("key", "numerator", "denominator", "status")
    )


@pytest.mark.django_db(transaction=True)
def test_the_refresh_command_recomputes_in_several_processes(monkeypatch, request):
    """--jobs 2 on PostgreSQL: every stale summary recomputed by two processes, each with its
    own connection, to the figures one process gives."""
    import faulthandler
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("several processes need a database server (SQLite takes one writer)")
    projects = []
    for born in (1970, 1980, 1990):
        project = ProjectFactory(follow_up_days=[90])
        with_goals(project)
        build(
            project,
            [
                {"gender": "woman", "born": born, "exit": "completed",
                 "follow_up": "employed_full_time", "network": 4, "hours": 2},
                {"gender": "man", "born": born, "exit": None, "follow_up": None, "network": None,
                 "hours": None},
            ],
        )  # fmt: skip
        projects.append(project)
    assert not any(fresh(project) for project in projects)
    # A process that never reports would leave the suite waiting: fail it loudly instead.
    faulthandler.dump_traceback_later(300, exit=True)
    request.addfinalizer(faulthandler.cancel_dump_traceback_later)
    out = StringIO()
    call_command("refresh_goal_summaries", "--jobs", "2", stdout=out)
    assert all(fresh(project) for project in projects)
    assert "3 project summaries recomputed" in out.getvalue()
    in_processes = {project.pk: stored_figures(project) for project in projects}
    assert all(in_processes.values())
    for project in projects:
        summaries.refresh(project)
    assert in_processes == {project.pk: stored_figures(project) for project in projects}

    # A project that fails is named; the others are still recomputed (forked: the processes
    # have the failing refresh too).
    refresh = summaries.refresh
    failing = projects[1]

    def fails_for_one(project):
        if project.pk == failing.pk:
            raise RuntimeError("broken")
        return refresh(project)

    ProjectSummary.objects.all().delete()
    monkeypatch.setattr(summaries, "refresh", fails_for_one)
    err = StringIO()
    failed = f"1 of 3 project summaries failed: projects {failing.pk}$"
    with pytest.raises(CommandError, match=failed):
        call_command("refresh_goal_summaries", "--jobs", "2", stdout=StringIO(), stderr=err)
    assert f"project {failing.pk}: RuntimeError" in err.getvalue()
    assert [fresh(project) for project in projects] == [True, False, True]


@pytest.mark.django_db(transaction=True)
def test_a_forked_process_never_uses_its_parents_connection(monkeypatch, request):
    """Should a connection of the parent stay open when it forks, the processes leave it
    alone: they neither send their statements on it nor close it (which would end the
    parent's session under it)."""
    import faulthandler
    import os
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("several processes need a database server (SQLite takes one writer)")
    projects = [ProjectFactory(follow_up_days=[90]) for _ in range(2)]
    for project in projects:
        with_goals(project)
        person(project, gender="woman", born=1990)
    parent, close_all = os.getpid(), connections.close_all
    # The parent's connections stay open across the fork; the processes' own are closed.
    monkeypatch.setattr(
        connections, "close_all", lambda: None if os.getpid() == parent else close_all()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        session = cursor.fetchone()[0]
    faulthandler.dump_traceback_later(300, exit=True)
    request.addfinalizer(faulthandler.cancel_dump_traceback_later)
    call_command("refresh_goal_summaries", "--jobs", "2", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == session  # the parent's session lives on
    assert all(fresh(project) for project in projects)


def test_the_refresh_command_stays_in_one_process_where_it_must(stored_project):
    """On SQLite (one writer), and inside a caller's transaction (which other processes would
    not see, and which closing the connection would end): every test here runs in one."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    project, *_ = stored_project
    with pytest.raises(CommandError):
        call_command("refresh_goal_summaries", "--jobs", "0")
    person(project, gender="woman", born=1990)
    out, err = StringIO(), StringIO()
    call_command("refresh_goal_summaries", "--jobs", "2", stdout=out, stderr=err)
    expected = (
        "SQLite takes one writer" if connection.vendor == "sqlite" else "Inside a transaction"
    )
    assert expected in err.getvalue()
    assert fresh(project)
    assert "1 project summaries recomputed" in out.getvalue()


# --- the portfolio ----------------------------------------------------------------------------


def test_the_portfolio_lists_every_goal_of_the_users_projects_from_their_summaries(client):
    from django.urls import reverse

    mine, theirs = ProjectFactory(follow_up_days=[90]), ProjectFactory(follow_up_days=[90])
    member = MembershipFactory(project=mine, role=Role.MANAGER)
    for project in (mine, theirs):
        with_goals(project)
        unreached = {"gender": "man", "born": 1990, "exit": "completed",
                     "follow_up": "unreached", "network": 2, "hours": 5}  # fmt: skip
        build(project, employed(3) + [unreached] * 9)
    client.force_login(member.user)
    html = client.get(reverse("portfolio:portfolio")).content.decode()
    results = evaluate_project(mine)
    assert mine.title in html and theirs.title not in html
    for result in results:
        assert str(result.goal) in html
    # The project's figures were computed for the page (the immediate task backend in tests).
    assert fresh(mine)
    # Filtering by status keeps only those goals.
    not_met = [r for r in results if r.status == "not_met"]
    html = client.get(reverse("portfolio:portfolio") + "?status=not_met").content.decode()
    for result in results:
        assert (str(result.goal) in html) == (result in not_met)
    # The CSV has every goal, one row each.
    response = client.get(reverse("portfolio:portfolio") + "?format=csv")
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 1 + len(results)


def test_the_portfolio_hides_small_figures_from_a_steering_group(client):
    from django.urls import reverse

    project = ProjectFactory(follow_up_days=[90])
    member = MembershipFactory(project=project, role=Role.STEERING)
    goal(project, "follow_up_share", target=0.45)
    build(project, employed(3))
    summaries.refresh(project)
    client.force_login(member.user)
    html = client.get(reverse("portfolio:portfolio")).content.decode()
    assert "(3/3)" not in html
    assert "för få personer" in html


def test_a_goal_that_can_no_longer_be_computed_says_why_in_the_readers_language():
    from django.utils import translation

    project = ProjectFactory(follow_up_days=[90, 180])
    goal(project, "follow_up_share", day=180, target=0.45)
    project.follow_up_days = [90]
    project.save()
    with translation.override("sv"):
        (result,) = summaries.read(project).results
        swedish = result.error
    with translation.override("en"):
        (result,) = summaries.read(project).results
        english = result.error
    assert result.status == "no_data" and swedish and english
    assert fresh(project)
    assert swedish != english
    with translation.override("en"):
        assert english == evaluate_project(project)[0].error


def test_the_portfolio_computes_small_projects_at_once_and_queues_the_rest(client, monkeypatch):
    from django.urls import reverse

    from reports import portfolio

    queued = []
    monkeypatch.setattr(summaries, "queue_refresh", lambda ids: queued.extend(ids))
    monkeypatch.setattr(portfolio, "COMPUTE_NOW", 1)
    first, second = ProjectFactory(follow_up_days=[90]), ProjectFactory(follow_up_days=[90])
    user = MembershipFactory(project=first, role=Role.STEERING).user
    MembershipFactory(project=second, role=Role.STEERING, user=user)
    for project in (first, second):
        with_goals(project)
    build(second, employed(6))
    client.force_login(user)
    html = client.get(reverse("portfolio:portfolio")).content.decode()
    assert fresh(first)  # the smaller project, computed while the user waited
    assert queued == [second.pk]  # the other one for the worker, and the page says so
    assert 'role="status"' in html


def test_the_time_figures_are_valid_for_is_on_the_projects_clock(stored_project, settings):
    """On a fixed date (the demo's), "figures valid up to" shows that date, not the machine's."""
    project, *_ = stored_project
    settings.FOLJSAM_TODAY = "2015-06-22"
    summary = summaries.refresh(project)
    assert timezone.localdate(summary.computed_at).isoformat() == "2015-06-22"


def test_a_plan_made_by_other_rules_or_for_another_threshold_is_made_again(stored_project):
    """What aggregate-only readers see follows today's disclosure rules and threshold: a stored
    plan from before is never applied."""
    from core.disclosure import RULES_VERSION
    from goals.models import ProjectSummary

    project, *_ = stored_project
    summaries.read(project, threshold=5)
    summary = ProjectSummary.objects.get(project=project)
    old = {**summary.disclosure, "rules": RULES_VERSION - 1, "goals": {}}
    ProjectSummary.objects.filter(pk=summary.pk).update(disclosure=old)
    data = summaries.read(project, threshold=5)
    assert data.plan["rules"] == RULES_VERSION and data.plan["goals"]
    # A large project shows nothing about people until its refresh has run.
    ProjectSummary.objects.filter(pk=summary.pk).update(disclosure=old, enrolments=10**9)
    plan = summaries.disclosure_plan(project, 5)
    assert plan["goals"] == {} and plan["rules"] == RULES_VERSION

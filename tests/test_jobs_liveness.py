"""Jobs that survive their worker: heartbeat, a dead job found and failed, retry, pruning."""

import datetime as dt
import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import clock
from core.models import Role
from jobs import liveness, registry
from jobs.errors import JobFailed
from jobs.models import Job
from jobs.registry import job_handler, pruner
from jobs.services import retry_job, start_job
from jobs.tasks import Heartbeat
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

_calls = {"runs": 0, "before_retry": 0, "refuse_retry": False}


@job_handler("tests.liveness.work")
def work(job, progress):
    _calls["runs"] += 1
    progress(5, 10)
    return {"runs": _calls["runs"]}


def _prepare(job):
    _calls["before_retry"] += 1
    if _calls["refuse_retry"]:
        raise JobFailed("The file is gone: upload it again.")


@job_handler("tests.liveness.prepared", before_retry=_prepare)
def prepared(job, progress):
    return {}


@job_handler("tests.liveness.once", retryable=False)
def once(job, progress):
    return {}


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _orphan(job: Job, *, silent_for: dt.timedelta, worker: str = "elsewhere 1") -> Job:
    """The job as a worker that died mid-work leaves it: running, heartbeat `silent_for` ago."""
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        done=3,
        total=10,
        result=None,
        finished_at=None,
        heartbeat_at=clock.real_now() - silent_for,
        worker=worker,
    )
    job.refresh_from_db()
    return job


def _task_row(job: Job, status=TaskResultStatus.RUNNING) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [job.pk], "kwargs": {}},
        task_path="jobs.tasks.run_job",
        backend_name="default",
        run_after=clock.real_now(),
        started_at=clock.real_now(),
    )


def _detail(client, job):
    return client.get(reverse("jobs:detail", kwargs={"job_id": job.pk}))


def test_a_running_job_writes_its_heartbeat(user):
    job = start_job(kind="tests.liveness.work", title="Work", by=user)
    job.refresh_from_db()
    assert job.heartbeat_at is not None
    assert job.worker == liveness.this_worker()
    # Real time, not the product's clock: a demo on 2015-06-22 still measures real seconds.
    assert abs((job.heartbeat_at - clock.real_now()).total_seconds()) < 60


def test_the_heartbeat_thread_writes_progress_and_sign_of_life(user):
    job = start_job(kind="tests.liveness.work", title="Work", by=user)
    job = _orphan(job, silent_for=dt.timedelta(hours=1), worker=liveness.this_worker())
    old = job.heartbeat_at
    beat = Heartbeat(job.pk, interval=3600)
    beat.report(7, 10)
    beat._beat()  # one beat, on this test's connection (no thread started)
    job.refresh_from_db()
    assert (job.done, job.total) == (7, 10)
    assert job.heartbeat_at > old
    assert not liveness.is_dead(job)


def test_the_page_fails_a_job_whose_worker_went_silent(client, user, settings, english):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    user.language = "en"  # the reason is written in its creator's language
    user.save(update_fields=["language"])
    job = start_job(kind="tests.liveness.work", title="Import of 3 rows", by=user)
    job = _orphan(job, silent_for=dt.timedelta(minutes=6))
    task = _task_row(job)
    page = _detail(client, job).content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "worker stopped" in job.message
    assert job.message in page and "Try again" in page
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.finished_at is not None


def test_a_job_with_a_recent_heartbeat_keeps_running(client, user, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    job = start_job(kind="tests.liveness.work", title="Work", by=user)
    job = _orphan(job, silent_for=dt.timedelta(minutes=4))
    task = _task_row(job)
    assert _detail(client, job).status_code == 200
    assert liveness.sweep(this_host=False) == 0
    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == Job.Status.RUNNING and task.status == TaskResultStatus.RUNNING


def test_the_list_page_fails_dead_jobs_too(client, user):
    job = _orphan(
        start_job(kind="tests.liveness.work", title="W", by=user), silent_for=dt.timedelta(days=1)
    )
    client.get(reverse("jobs:list"))
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


def test_the_worker_fails_a_job_whose_process_on_this_host_is_gone(user):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    host = liveness.this_worker().rpartition(" ")[0]
    job = start_job(kind="tests.liveness.work", title="W", by=user)
    # Its heartbeat is fresh: only the missing process tells that it will not finish.
    job = _orphan(job, silent_for=dt.timedelta(seconds=1), worker=f"{host} {gone.pid}")
    alive = _orphan(
        start_job(kind="tests.liveness.work", title="Alive", by=user),
        silent_for=dt.timedelta(seconds=1),
        worker=liveness.this_worker(),
    )
    assert liveness.sweep() == 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING


def test_the_creator_tries_a_dead_job_again_and_it_runs_from_the_start(client, user):
    _calls["runs"] = 0
    job = start_job(kind="tests.liveness.work", title="W", by=user)
    assert Job.objects.get(pk=job.pk).attempts == 1
    _orphan(job, silent_for=dt.timedelta(days=1))
    liveness.sweep(this_host=False)
    response = client.post(reverse("jobs:retry", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == (Job.Status.SUCCEEDED, 2, "")
    assert job.result == {"runs": 2} and job.worker == liveness.this_worker()


def test_only_the_creator_may_try_again(client, user):
    project = ProjectFactory()
    MembershipFactory(user=user, project=project, role=Role.MANAGER)
    manager = MembershipFactory(project=project, role=Role.MANAGER).user
    job = start_job(kind="tests.liveness.work", title="W", by=user, project=project)
    _orphan(job, silent_for=dt.timedelta(days=1))
    client.force_login(manager)
    page = _detail(client, job).content.decode()  # the manager sees it, and it is found dead
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    assert reverse("jobs:retry", kwargs={"job_id": job.pk}) not in page
    client.post(reverse("jobs:retry", kwargs={"job_id": job.pk}))
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    client.force_login(user)
    assert reverse("jobs:retry", kwargs={"job_id": job.pk}) in _detail(client, job).content.decode()


def test_a_kind_prepares_or_refuses_its_retry(user):
    _calls["before_retry"], _calls["refuse_retry"] = 0, True
    job = _orphan(
        start_job(kind="tests.liveness.prepared", title="P", by=user),
        silent_for=dt.timedelta(days=1),
    )
    liveness.sweep(this_host=False)
    with pytest.raises(JobFailed):
        retry_job(job=job, by=user)
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    _calls["refuse_retry"] = False
    assert retry_job(job=job, by=user) is True
    assert _calls["before_retry"] == 2
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


def test_a_kind_that_is_not_retryable_offers_no_retry(client, user):
    job = _orphan(
        start_job(kind="tests.liveness.once", title="O", by=user), silent_for=dt.timedelta(days=1)
    )
    page = _detail(client, job).content.decode()
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    assert reverse("jobs:retry", kwargs={"job_id": job.pk}) not in page
    with pytest.raises(JobFailed):
        retry_job(job=job, by=user)


@job_handler("tests.liveness.false_alarm")
def false_alarm(job, progress):
    liveness.fail_dead([job.pk])  # a page thought the (slow) worker dead
    if job.payload.get("retried"):  # and its creator already asked for a new attempt
        Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, worker="")
    return {"done": True}


@pytest.mark.parametrize("retried", [False, True])
def test_a_late_end_of_a_job_failed_as_dead_is_recorded_unless_it_was_retried(user, retried):
    """A false alarm: the worker was only slow. Its real end wins over "failed", but never
    over a new attempt the user started meanwhile."""
    job = start_job(
        kind="tests.liveness.false_alarm", title="W", by=user, payload={"retried": retried}
    )
    job.refresh_from_db()
    assert job.status == (Job.Status.QUEUED if retried else Job.Status.SUCCEEDED)


def test_pruning_removes_old_finished_work_only(user, settings):
    settings.JOB_RETENTION_DAYS = 30
    old, recent, running = (
        start_job(kind="tests.liveness.work", title=t, by=user) for t in ("old", "new", "run")
    )
    Job.objects.filter(pk=old.pk).update(finished_at=clock.now() - dt.timedelta(days=31))
    Job.objects.filter(pk=running.pk).update(
        status=Job.Status.RUNNING, finished_at=clock.now() - dt.timedelta(days=90)
    )
    old_task = _task_row(old, status=TaskResultStatus.SUCCESSFUL)
    DBTaskResult.objects.filter(pk=old_task.pk).update(
        finished_at=clock.real_now() - dt.timedelta(days=31)
    )
    new_task = _task_row(recent, status=TaskResultStatus.FAILED)
    DBTaskResult.objects.filter(pk=new_task.pk).update(finished_at=clock.real_now())
    stuck = _task_row(running)
    seen = []

    @pruner("tests.other")
    def other():
        seen.append(True)
        return 2

    try:
        out = io.StringIO()
        call_command("prune", stdout=out)
    finally:
        registry._pruners.pop("tests.other")  # the registry stays as it was for other tests
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {new_task.pk, stuck.pk}
    assert seen == [True]
    assert "jobs: 1 removed" in out.getvalue() and "tests.other: 2 removed" in out.getvalue()


def test_the_worker_fails_other_tasks_left_running_for_a_day(user):
    job = start_job(kind="tests.liveness.work", title="W", by=user)
    other = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="enrolments.reminders.send_follow_up_reminders_task",
        backend_name="default",
        run_after=clock.real_now(),
    )
    recent = _task_row(job)  # a job's row: its job's heartbeat decides, not its age
    DBTaskResult.objects.filter(pk__in=[other.pk, recent.pk]).update(
        started_at=clock.real_now() - dt.timedelta(hours=25)
    )
    liveness.sweep()
    other.refresh_from_db()
    recent.refresh_from_db()
    assert other.status == TaskResultStatus.FAILED
    assert recent.status == TaskResultStatus.RUNNING

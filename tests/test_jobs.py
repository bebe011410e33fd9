"""Background work a user can watch: the job's lifecycle, who sees it, its page and retry."""

import logging

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from core.models import LogEntry, Role
from jobs.errors import JobFailed
from jobs.models import Job
from jobs.registry import job_handler
from jobs.services import retry_job, start_job
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "19121212-1212 Tolvan Tolvansson"  # what must never reach a log or a message
_state = {"fail_next": 0, "seen_total": None}


@job_handler("tests.count")
def count_rows(job, progress):
    total = job.payload["rows"]
    for done in range(total + 1):
        progress(done, total)
    return {"created": total, "updated": 0}


@job_handler("tests.refused")
def refuse(job, progress):
    progress(3, 10)
    raise JobFailed(gettext("Row %(row)s: the date is not a date.") % {"row": 4})


@job_handler("tests.crash")
def crash(job, progress):
    raise ValueError(f"could not parse {job.payload['value']}")


@job_handler("tests.flaky")
def flaky(job, progress):
    if _state["fail_next"]:
        _state["fail_next"] -= 1
        raise JobFailed("Not yet.")
    return {"ok": True}


@job_handler("tests.paused")
def paused(job, progress):
    """Leaves the job half-way, as the page would see it while the worker is busy."""
    progress(40, 100)
    _state["seen_total"] = Job.objects.get(pk=job.pk).total
    return {"rows": 100}


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_a_job_runs_and_succeeds_with_its_result(client, user):
    job = start_job(kind="tests.count", title="Import of people.xlsx", by=user, payload={"rows": 7})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.done, job.total) == (7, 7)
    assert job.result == {"created": 7, "updated": 0}
    assert job.attempts == 1
    assert job.started_at and job.finished_at and job.message == ""
    page = client.get(reverse("jobs:detail", kwargs={"job_id": job.pk})).content.decode()
    assert "Import of people.xlsx" in page
    assert "Created" in page and "<progress" in page
    assert "Refresh" not in page and "hx-trigger" not in page  # finished: no more polling


def test_the_job_is_enqueued_only_when_the_transaction_commits(
    user, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_ENQUEUE_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="tests.count", title="Later", by=user, payload={"rows": 2})
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


def test_an_unknown_kind_is_refused_at_once(user):
    with pytest.raises(ValueError):
        start_job(kind="tests.nothing", title="Nothing", by=user)
    assert not Job.objects.exists()


def test_a_refused_job_shows_its_reason(client, user, english):
    job = start_job(kind="tests.refused", title="Import", by=user)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Row 4: the date is not a date."
    page = client.get(reverse("jobs:detail", kwargs={"job_id": job.pk})).content.decode()
    assert "Row 4: the date is not a date." in page
    assert 'action="' + reverse("jobs:retry", kwargs={"job_id": job.pk}) in page


def test_the_reason_is_in_the_language_of_the_user_who_started_the_job(user):
    user.language = "en"
    user.save()
    job = start_job(kind="tests.refused", title="Import", by=user)
    job.refresh_from_db()
    assert job.message == "Row 4: the date is not a date."


def test_an_unexpected_error_gives_a_general_message_and_logs_no_data(client, user, caplog):
    caplog.set_level(logging.ERROR, logger="jobs")
    job = start_job(kind="tests.crash", title="Import", by=user, payload={"value": SECRET})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "oväntat" in job.message or "unexpectedly" in job.message
    assert SECRET not in job.message
    assert "ValueError" in caplog.text and f"Job {job.pk}" in caplog.text
    assert SECRET not in caplog.text
    page = client.get(reverse("jobs:detail", kwargs={"job_id": job.pk})).content.decode()
    assert SECRET not in page
    assert job.message in page


def test_retry_runs_a_failed_job_again(client, user):
    _state["fail_next"] = 1
    job = start_job(kind="tests.flaky", title="Flaky", by=user)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == (Job.Status.FAILED, 1, "Not yet.")
    response = client.post(reverse("jobs:retry", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == (Job.Status.SUCCEEDED, 2, "")
    assert job.result == {"ok": True}
    assert LogEntry.objects.filter(object_type="jobs.Job", reason="retry").count() == 1
    # A second click on an old page changes nothing.
    client.post(reverse("jobs:retry", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert retry_job(job=job, by=user) is False


def test_retry_is_a_post(client, user):
    _state["fail_next"] = 1
    job = start_job(kind="tests.flaky", title="Flaky", by=user)
    assert client.get(reverse("jobs:retry", kwargs={"job_id": job.pk})).status_code == 405
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


def test_another_user_gets_404(client, user):
    job = start_job(kind="tests.count", title="Mine", by=user, payload={"rows": 1})
    _state["fail_next"] = 1
    failed = start_job(kind="tests.flaky", title="Mine too", by=user)
    client.force_login(UserFactory())
    assert client.get(reverse("jobs:detail", kwargs={"job_id": job.pk})).status_code == 404
    assert client.post(reverse("jobs:retry", kwargs={"job_id": failed.pk})).status_code == 404
    assert Job.objects.get(pk=failed.pk).status == Job.Status.FAILED
    assert "Mine" not in client.get(reverse("jobs:list")).content.decode()


def test_a_project_job_is_visible_to_the_projects_managers_only(client, user):
    project = ProjectFactory()
    MembershipFactory(user=user, project=project, role=Role.CASE_WORKER)
    manager = MembershipFactory(project=project, role=Role.MANAGER).user
    colleague = MembershipFactory(project=project, role=Role.CASE_WORKER).user
    other_manager = MembershipFactory(role=Role.MANAGER).user
    job = start_job(kind="tests.count", title="P", by=user, project=project, payload={"rows": 1})
    url = reverse("jobs:detail", kwargs={"job_id": job.pk})
    client.force_login(manager)
    assert client.get(url).status_code == 200
    for outsider in (colleague, other_manager):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_progress_shows_on_the_page_and_polling_goes_on_while_running(client, user):
    job = start_job(kind="tests.paused", title="Half-way", by=user)
    assert _state["seen_total"] == 100  # progress reached the database during the work
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=40, total=100)
    url = reverse("jobs:detail", kwargs={"job_id": job.pk})
    page = client.get(url).content.decode()
    assert 'max="100" value="40"' in page
    assert "40 av 100 (40 %)" in page or "40 of 100 (40 %)" in page
    assert 'hx-trigger="every 2s"' in page
    assert f'href="{url}"' in page  # the refresh link without JavaScript
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "<html" not in poll.content.decode()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, done=100)
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling, the finished state is swapped in


def test_the_list_shows_the_users_recent_jobs(client, user):
    start_job(kind="tests.count", title="First import", by=user, payload={"rows": 1})
    start_job(kind="tests.count", title="Someone else's", by=UserFactory(), payload={"rows": 1})
    page = client.get(reverse("jobs:list")).content.decode()
    assert "First import" in page and "Someone else's" not in page
    assert reverse("jobs:list") in client.get(reverse("core:project_list")).content.decode()


def test_the_pages_need_a_login(client):
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_starting_a_job_is_audited_without_its_payload(user):
    job = start_job(kind="tests.count", title="T", by=user, payload={"rows": 1, "x": SECRET})
    entry = LogEntry.objects.get(object_type="jobs.Job", object_id=str(job.pk), action="create")
    assert entry.user == user and SECRET not in str(entry.__dict__)


@job_handler("tests.many_rows")
def many_rows(job, progress):
    for done in range(1, 10_001):
        progress(done, 10_000)
    return {}


def test_progress_for_every_row_does_not_write_for_every_row(user, django_assert_max_num_queries):
    # 10,000 calls: written at the first call, the last and at most every 0.5 s in between.
    with django_assert_max_num_queries(40):
        job = start_job(kind="tests.many_rows", title="Many", by=user)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.SUCCEEDED, 10_000, 10_000)


def test_a_progress_beyond_the_total_is_capped(user):
    @job_handler("tests.overshoot")
    def overshoot(job, progress):
        progress(12, 10)
        return {}

    job = start_job(kind="tests.overshoot", title="Over", by=user)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.SUCCEEDED, 10, 10)

"""Background work in the browser: the job page follows the work by itself (htmx polling) and
stops when it is done; a failed job is retried; axe on the job page (running, failed, finished)
and the list of the user's work, in Swedish and under /en/."""

import pytest
from playwright.sync_api import expect

from core.clock import real_now
from jobs.models import Job
from jobs.registry import job_handler
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@job_handler("tests.browser")
def browser_job(job, progress):
    progress(10, 10)
    return {"created": 10, "updated": 0}


@pytest.fixture
def jobs():
    user = UserFactory(username="anna")
    make = Job.objects.create
    return {
        "running": make(
            kind="tests.browser",
            title="Import av deltagare.xlsx",
            created_by=user,
            status=Job.Status.RUNNING,
            done=40,
            total=100,
            attempts=1,
            # a worker is alive on it (jobs/liveness.py fails a running job without one)
            heartbeat_at=real_now(),
        ),
        "failed": make(
            kind="tests.browser",
            title="Import av fel.csv",
            created_by=user,
            status=Job.Status.FAILED,
            message="Rad 4: datumet 2015-13-01 är inget datum.",
            attempts=1,
        ),
        "succeeded": make(
            kind="tests.browser",
            title="Import av klar.csv",
            created_by=user,
            status=Job.Status.SUCCEEDED,
            done=10,
            total=10,
            result={"created": 10, "updated": 0},
            attempts=1,
        ),
    }


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_job_pages_are_accessible(page, login, axe, jobs, prefix):
    login("anna", prefix=prefix)
    for state, job in jobs.items():
        page.goto(f"{prefix}/jobs/{job.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(job.title)
        axe(page, f"job-{state}{prefix.replace('/', '-')}")
    page.goto(f"{prefix}/jobs/")
    expect(page.get_by_role("link", name="Import av fel.csv")).to_be_visible()
    axe(page, f"job-list{prefix.replace('/', '-')}")


def test_the_page_follows_the_work_and_stops_when_it_is_done(page, login, jobs):
    login("anna", prefix="/en")
    job = jobs["running"]
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.headers.get("hx-request") else None)
    page.goto(f"/en/jobs/{job.pk}/")
    expect(page.get_by_text("40 of 100 (40 %)")).to_be_visible()
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    Job.objects.filter(pk=job.pk).update(done=70)
    expect(page.get_by_text("70 of 100 (70 %)")).to_be_visible(timeout=10_000)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED, done=100, result={"created": 100}
    )
    expect(page.locator(".job-state")).to_have_text("Finished", timeout=10_000)
    expect(page.get_by_text("100 of 100 (100 %)")).to_be_visible()
    expect(page.locator("#job-announcement")).to_have_text("The work is finished.")
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)
    # The poll that brought the finished state was the last one.
    seen = len(polls)
    page.wait_for_timeout(4_500)
    assert len(polls) == seen


def test_a_failed_job_shows_the_reason_and_is_retried(page, login, jobs):
    login("anna", prefix="/en")
    job = jobs["failed"]
    page.goto(f"/en/jobs/{job.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Rad 4: datumet 2015-13-01 är inget datum.")
    page.get_by_role("button", name="Try again").click()
    page.wait_for_load_state()
    expect(page.locator(".job-state")).to_have_text("Finished")
    assert Job.objects.get(pk=job.pk).attempts == 2


def test_the_header_links_to_my_background_work(page, login, jobs):
    login("anna", prefix="/en")
    page.get_by_role("link", name="My background work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My background work")
    expect(page.get_by_role("link", name="Import av klar.csv")).to_be_visible()

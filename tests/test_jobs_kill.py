"""The worker killed mid-import: the job ends failed and retryable, then finished — never
"running" forever. A real `manage.py db_worker` process is started, killed with SIGKILL while
the import job runs, and a new one started (on SQLite a file copy of the test database, on
PostgreSQL the test database itself). Takes some seconds: the workers are real processes."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from bench.import_rows import identity_numbers
from imports.services import claim, store_upload, validate_upload
from jobs.liveness import worker_stopped_message
from jobs.models import Job
from jobs.services import start_job
from tests.test_import import make_world, person_row, to_csv

ROOT = Path(__file__).resolve().parent.parent
ROWS = 3000
WAIT = 40  # seconds at most for any one step (a loaded machine); normally a few


def _database(tmp_path):
    """(DATABASE_URL for the worker, query function) for the test database as it is now."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "kill.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)  # the migrated test database, with the job
        target.close()

        def query(sql, params=()):
            with sqlite3.connect(path, timeout=30) as db:
                return db.execute(sql, params).fetchall()

        return f"sqlite:///{path}", query
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    url = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"

    def query(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()

    return url, query


def _env(url):
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "FOLJSAM_TODAY": "2010-06-30"}
    env.update(
        JOB_HEARTBEAT_INTERVAL="0.2",
        JOB_HEARTBEAT_TIMEOUT="30",
        JOB_SWEEP_INTERVAL="0.5",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    return env


def _worker(env):
    return subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        + ["--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(what, condition):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {WAIT} s for {what}")


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_import_ends_failed_and_retryable_then_finished(tmp_path, settings):
    settings.FOLJSAM_TODAY = "2010-06-30"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_ENQUEUE_ON_COMMIT = True
    project, user = make_world()
    numbers = identity_numbers(ROWS)  # plausible, unique, in the test series
    content = to_csv([person_row(i, Personnummer=next(numbers)) for i in range(ROWS)])
    upload = store_upload(project=project, by=user, filename="many.csv", content=content)
    validate_upload(upload)  # as the import page does: checked, then claimed, then the job
    assert claim(upload)
    job = start_job(
        kind="imports.spreadsheet",
        title="Import",
        by=user,
        project=project,
        payload={"upload": str(upload.pk), "action": "import", "only_valid": False},
    )
    url, query = _database(tmp_path)
    env = _env(url)

    def status():
        return query("SELECT status, attempts FROM jobs_job WHERE id = ?", (job.pk,))[0]

    def task_statuses():
        rows = query(f"SELECT status, args_kwargs FROM {DBTaskResult._meta.db_table}")
        return sorted(s for s, args in rows if f"[{job.pk}]" in args.replace(" ", ""))

    first = _worker(env)
    try:
        _wait_for("the job to start", lambda: status()[0] == Job.Status.RUNNING)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=WAIT)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert status() == (Job.Status.RUNNING, 1), "the import ended before the kill: raise ROWS"

    second = _worker(env)
    try:
        # The new worker sees the old one's process gone (same host), or its heartbeat stop.
        _wait_for("the dead job to fail", lambda: status()[0] != Job.Status.RUNNING)
        assert status() == (Job.Status.FAILED, 1)
        message = query("SELECT message FROM jobs_job WHERE id = ?", (job.pk,))[0][0]
        with translation.override("en"):
            english = worker_stopped_message()
        with translation.override("sv"):
            swedish = worker_stopped_message()
        assert message in (english, swedish)  # the reason, for the user
        assert task_statuses() == ["FAILED"]  # the task queue's row is not left running

        retry = (
            "from jobs.models import Job; from jobs.services import retry_job; "
            f"job = Job.objects.get(pk={job.pk}); "
            "assert retry_job(job=job, by=job.created_by)"
        )
        subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "manage.py", "shell", "-c", retry], cwd=ROOT, env=env, check=True
        )
        _wait_for(
            "the retried job to end",
            lambda: status()[0] in (Job.Status.SUCCEEDED, Job.Status.FAILED),
        )
    finally:
        second.terminate()
        try:
            second.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
    assert status() == (Job.Status.SUCCEEDED, 2)
    assert task_statuses() == ["FAILED", "SUCCESSFUL"]
    people = query("SELECT count(*) FROM enrolments_enrolment WHERE project_id = ?", (project.pk,))
    assert people[0][0] == ROWS  # the import ran again from the start, all of it, once

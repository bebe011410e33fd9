"""A backup restores (docs/deploy.md, "Backup and restore"): a project's database dumped with
`pg_dump -Fc` and restored with `pg_restore` into an empty database gives the same goal figures,
computed by the engine from the restored rows, the same stored dashboard summary, and the
same identity numbers, read back with the same encryption key.

PostgreSQL only (the production database), with pg_dump and pg_restore on the PATH. The test is
transactional: pg_dump sees only committed rows.
"""

import datetime as dt
import os
import shutil
import subprocess
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection

from core.models import Project
from enrolments.models import OutcomeStatus
from goals import summaries
from goals.engine import evaluate_project
from goals.models import ProjectSummary
from participants.models import Participant

from .factories import EnrolmentFactory, InterventionFactory, ParticipationFactory, ProjectFactory
from .test_goal_engine import add_follow_up_and_network, goal, person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backup and restore use pg_dump and pg_restore: PostgreSQL only "
        "(set DATABASE_URL to a PostgreSQL server)",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="pg_dump and pg_restore are not installed (PostgreSQL's client programs)",
    ),
]
D = dt.date
OS = OutcomeStatus
PG_DUMP = shutil.which("pg_dump")
PG_RESTORE = shutil.which("pg_restore")


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


def build_project():
    """A small project with exits, day-90 follow-ups, survey answers, hours and five goals,
    made through the factories and services the goal tests use; its summary stored."""
    project = ProjectFactory()
    intervention = InterventionFactory(project=project)
    rows = [
        ("woman", 1975, "completed", OS.EMPLOYED_FULL_TIME, 4, 12),
        ("woman", 1990, "completed", "unreached", 2, 30),
        ("man", 1975, "dropped_out", "unrecorded", None, 0),
        ("man", 1950, "completed", OS.EMPLOYED_FULL_TIME, 5, 8),
        ("other", 1990, None, None, None, 20),
        ("woman", 1975, None, None, None, None),
        ("man", 1990, "completed", OS.EMPLOYED_FULL_TIME, 3, 40),
    ]
    for gender, born, exit, follow_up, network, hours in rows:
        enrolment = person(project, gender=gender, born=born, exit=exit)
        add_follow_up_and_network(
            enrolment, {"exit": exit, "follow_up": follow_up, "network": network}
        )
        if hours is not None:
            ParticipationFactory(
                intervention=intervention,
                enrolment=enrolment,
                attended_hours=Decimal(hours),
                started_on=D(2009, 3, 1),
            )
    # One identified participant: the number is stored encrypted.
    EnrolmentFactory(project=project)
    goal(project, "follow_up_share", target=0.45)
    goal(project, "survey_share", question="network", target=0.9)
    goal(project, "follow_up_share", key="all-exited", population="exited", target=0.45)
    goal(project, "gender_split", target=0.4, target_high=0.6)
    goal(project, "participation_count", target=3)
    summaries.refresh(project)
    return project


def figures(project_id):
    """What the restore must give back: every goal's figures computed now from the rows, the
    stored summary, and the identity numbers decrypted."""
    project = Project.objects.get(pk=project_id)
    identities = {
        p.pk: str(p.identity_number())
        for p in Participant.objects.filter(enrolments__project=project, is_anonymous=False)
    }
    return {
        "goals": [result.to_dict() for result in evaluate_project(project)],
        "dashboard": summaries._jsonable(summaries.dashboard_figures(project)),
        "stored": list(ProjectSummary.objects.filter(project=project).values()),
        "identities": identities,
    }


def pg_env(settings_dict) -> dict:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def pg_args(settings_dict) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return args


def drop_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def connected_to(name: str):
    """The default connection pointed at another database for the block (the whole product,
    raw SQL included, reads from it), then back."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone()[0] == name
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def test_a_dump_restored_into_an_empty_database_gives_the_same_goals(tmp_path):
    project = build_project()
    before = figures(project.pk)
    assert len(before["goals"]) == 5
    assert any(result["value"] is not None for result in before["goals"])
    assert before["stored"] and len(before["identities"]) == 1

    source = connection.settings_dict
    dump = tmp_path / "foljsam.dump"
    subprocess.run(  # noqa: S603 - PostgreSQL's own client, arguments from the settings
        [PG_DUMP, "--format=custom", "--file", str(dump), *pg_args(source), source["NAME"]],
        env=pg_env(source),
        check=True,
    )
    assert dump.stat().st_size > 0

    restored = f"{source['NAME']}_restored"
    drop_database(restored)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(  # noqa: S603 - PostgreSQL's own client, arguments from the settings
            [
                PG_RESTORE,
                "--exit-on-error",
                "--no-owner",
                "--dbname",
                restored,
                *pg_args(source),
                str(dump),
            ],
            env=pg_env(source),
            check=True,
        )
        with connected_to(restored):
            after = figures(project.pk)
    finally:
        drop_database(restored)

    assert after == before

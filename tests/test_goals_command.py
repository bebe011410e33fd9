"""`manage.py goals`: finding the project, the JSON keys of the contract, the CSV rows and
columns, --suppress, and clear errors for an unknown or ambiguous project."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from goals.management.commands.goals import CSV_COLUMNS

from .factories import ProjectFactory
from .goal_fakes import install_fake_engine, job_goal, stakeholder_goal

pytestmark = pytest.mark.django_db

GOAL_KEYS = {
    "goal",
    "key",
    "template",
    "kind",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "target",
    "target_high",
    "comparator",
    "status",
    "missing",
    "value_answered",
    "denominator_answered",
    "breakdown",
    "periods",
}
CELL_KEYS = {
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "status",
    "missing",
    "suppressed",
}


@pytest.fixture
def calls(monkeypatch):
    return install_fake_engine(
        monkeypatch, lambda project, threshold: [job_goal(threshold), stakeholder_goal()]
    )


def run(*args):
    out = io.StringIO()
    call_command("goals", *args, stdout=out)
    return out.getvalue()


def test_json_by_title_has_the_contract_keys(calls):
    project = ProjectFactory(title="Framtid i Fokus")
    data = json.loads(run("framtid i fokus", "--format", "json"))
    assert calls[-1] == {"project": project, "members": False}  # exact figures
    assert [g["key"] for g in data] == ["fif-job-or-chances", "stakeholders"]
    for goal in data:
        assert GOAL_KEYS <= set(goal)
        for groups in goal["breakdown"].values():
            for cell in groups.values():
                assert CELL_KEYS <= set(cell)
    assert data[0]["breakdown"]["gender"]["other"]["numerator"] == 2


def test_json_is_utf8_and_indented(calls):
    ProjectFactory(title="Framtid i Fokus")
    text = run("Framtid i Fokus")
    assert "Jobb eller ökade chanser" in text
    assert '\n  {\n    "goal"' in text


def test_by_id_and_suppress(calls):
    project = ProjectFactory(title="Framtid i Fokus")
    data = json.loads(run(str(project.pk), "--suppress", "5"))
    assert calls[-1]["members"] is True  # the plan is made with the people known
    other = data[0]["breakdown"]["gender"]["other"]
    assert other["suppressed"] is True and other["numerator"] is None


def test_csv_rows_and_columns(calls):
    project = ProjectFactory(title="Framtid i Fokus")
    rows = list(csv.reader(io.StringIO(run(str(project.pk), "--format", "csv"))))
    assert rows[0] == CSV_COLUMNS
    assert CSV_COLUMNS == [
        "goal",
        "key",
        "dimension",
        "group",
        "numerator",
        "denominator",
        "value",
        "ci_low",
        "ci_high",
        "target",
        "status",
        "missing",
    ]
    records = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    # job goal: 1 + 3 gender + 2 age rows; stakeholders: 1 row.
    assert len(records) == 7
    top = records[0]
    assert (top["key"], top["dimension"], top["group"]) == ("fif-job-or-chances", "all", "all")
    assert (top["numerator"], top["denominator"], top["status"], top["missing"]) == (
        "29",
        "50",
        "uncertain",
        "12",
    )
    assert float(top["value"]) == pytest.approx(0.58)
    assert float(top["target"]) == pytest.approx(0.7)
    women = next(r for r in records if r["dimension"] == "gender" and r["group"] == "woman")
    assert (women["numerator"], women["denominator"]) == ("15", "25")
    stake = records[-1]
    assert (stake["key"], stake["value"], stake["denominator"], stake["ci_low"]) == (
        "stakeholders",
        "27",
        "",
        "",
    )


def test_unknown_project_lists_similar_titles(calls):
    ProjectFactory(title="Framtid i Fokus")
    ProjectFactory(title="Framtid i Fokus Göteborg")
    with pytest.raises(CommandError) as error:
        run("Framtid")
    message = str(error.value)
    assert 'No project has the id or the title "Framtid"' in message
    assert "Framtid i Fokus Göteborg" in message
    assert calls == []


def test_unknown_id(calls):
    ProjectFactory(title="Jobb för alla")
    with pytest.raises(CommandError, match="No project has the id or the title"):
        run("999999")


def test_ambiguous_title_lists_ids(calls):
    first = ProjectFactory(title="Framtid i Fokus")
    second = ProjectFactory(title="framtid i fokus")
    with pytest.raises(CommandError) as error:
        run("Framtid i fokus")
    message = str(error.value)
    assert "2 projects" in message
    assert f"{first.pk}: Framtid i Fokus" in message
    assert f"{second.pk}: framtid i fokus" in message


def test_bad_suppress_value(calls):
    ProjectFactory(title="X")
    with pytest.raises(CommandError, match="--suppress"):
        run("X", "--suppress", "0")


def test_help_says_it_is_unsuppressed():
    from goals.management.commands.goals import Command

    assert "NOT suppressed" in Command.help


def test_real_engine_json_and_csv():
    from core.models import Role
    from goals import services as goal_services
    from participants.models import Gender

    from .factories import AnonymousParticipantFactory, EnrolmentFactory, MembershipFactory

    manager = MembershipFactory(role=Role.MANAGER, project__title="Jobb för alla")
    project = manager.project
    for gender in [Gender.WOMAN] * 4 + [Gender.MAN] * 3:
        EnrolmentFactory(project=project, participant=AnonymousParticipantFactory(gender=gender))
    goal_services.create_goal(
        project=project,
        key="gender-split",
        title="Könsfördelning",
        title_en="Gender split",
        template="gender_split",
        parameters={},
        by=manager.user,
    )
    data = json.loads(run("JOBB FÖR ALLA", "--language", "en"))
    assert data[0]["goal"] == "Gender split"
    assert (data[0]["numerator"], data[0]["denominator"]) == (4, 7)
    assert GOAL_KEYS <= set(data[0])
    assert data[0]["breakdown"]["gender"]["woman"]["denominator"] == 4
    rows = list(csv.DictReader(io.StringIO(run(str(project.pk), "--format", "csv"))))
    assert rows[0]["goal"] == "Könsfördelning"
    assert (rows[0]["dimension"], rows[0]["group"], rows[0]["numerator"]) == ("all", "all", "4")
    assert {r["dimension"] for r in rows[1:]} >= {"gender"}
    suppressed = json.loads(run(str(project.pk), "--suppress", "5"))
    assert suppressed[0]["breakdown"]["gender"]["woman"]["suppressed"] is True

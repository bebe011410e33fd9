"""A project whose period is over: each goal says whether it was reached (the value against the
target) and, beside it, whether that is statistically certain."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from core.models import Role
from enrolments.models import OutcomeStatus
from goals.engine.results import final_verdict
from reports.display import final_text

from .factories import MembershipFactory, ProjectFactory
from .test_goal_engine import follow_up, goal, person

pytestmark = pytest.mark.django_db
OS = OutcomeStatus


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5


def ended_project(in_work: int, not_in_work: int, **period):
    project = ProjectFactory(follow_up_days=[90], **period)
    for i in range(in_work + not_in_work):
        enrolment = person(project, exit="completed", gender=["woman", "man"][i % 2])
        follow_up(enrolment, 90, OS.EMPLOYED_FULL_TIME if i < in_work else OS.JOB_SEEKING)
    goal(project, "follow_up_share", "work", target=0.7)
    return project


def goal_status_cell(html: str) -> str:
    row = re.search(r'<tr id="goal-work">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", cells[4]).split())


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STEERING])
def test_reached_but_not_certain(client, role):
    # 51 of 67 = 76.1 %: above 70 %, but the interval (64.6–84.7 %) includes 70 %.
    project = ended_project(51, 16, starts_on=dt.date(2008, 1, 1), ends_on=dt.date(2009, 12, 31))
    member = MembershipFactory(project=project, role=role)
    client.force_login(member.user)
    sv = client.get(reverse("goals:dashboard", kwargs={"project_id": project.pk})).content
    assert goal_status_cell(sv.decode()) == (
        "76,1 % mot målet ≥ 70 %: nått inte statistiskt säkert "
        "(95-procentsintervallet rymmer målet)"
    )
    en = client.get(
        reverse("goals:dashboard", kwargs={"project_id": project.pk}).replace(
            "/projects/", "/en/projects/", 1
        )
    ).content.decode()
    assert "76.1 % against the target ≥ 70 %: reached" in goal_status_cell(en)
    assert "The project's period ended on 2009-12-31" in en


def test_not_reached_and_certain():
    project = ended_project(10, 40, starts_on=dt.date(2008, 1, 1), ends_on=dt.date(2009, 12, 31))
    from goals import engine

    (result,) = engine.evaluate_project(project)
    assert result.outcome == "not_met" and result.status == "not_met"
    assert final_verdict(result) == {"reached": False, "certain": True}
    assert final_text(result)["text"] == "20,0 % mot målet ≥ 70 %: inte nått"


def test_a_running_project_keeps_the_interval_status(client):
    project = ended_project(51, 16, starts_on=dt.date(2008, 1, 1), ends_on=dt.date(2011, 12, 31))
    member = MembershipFactory(project=project, role=Role.MANAGER)
    client.force_login(member.user)
    html = client.get(reverse("goals:dashboard", kwargs={"project_id": project.pk})).content
    assert goal_status_cell(html.decode()) == "? Ännu osäkert"


def test_a_hidden_goal_has_no_verdict(client):
    # 3 of 4: too few people for the steering group, whatever the period.
    project = ended_project(3, 1, starts_on=dt.date(2008, 1, 1), ends_on=dt.date(2009, 12, 31))
    member = MembershipFactory(project=project, role=Role.STEERING)
    client.force_login(member.user)
    html = client.get(reverse("goals:dashboard", kwargs={"project_id": project.pk})).content
    cell = goal_status_cell(html.decode())
    assert "mot målet" not in cell and "75" not in cell

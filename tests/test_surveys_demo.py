"""The demo's participant surveys as their users meet them on the demo's Monday.

The steering group reads the response rate of "Integration genom arbete"'s exit survey on its
dashboard, equal to a count of the invitations made another way (SQL); the case worker finds
the area programme's exit surveys of this spring waiting to be sent; the project manager reads a
participant's free-text answer, which the evaluator's microdata file never carries."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from core.models import Membership, Project, Role
from surveys.models import Invitation, SurveyAnswer

from .demo_data import demo, demo_clock  # noqa: F401 - the module's demo data

pytestmark = pytest.mark.django_db
TITLE = "Integration genom arbete"


def login(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return client


def exit_rate_by_sql(project_id: int) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN i.answered_on IS NOT NULL THEN 1 ELSE 0 END) "
            "FROM surveys_invitation i JOIN enrolments_enrolment e ON e.id = i.enrolment_id "
            "WHERE e.project_id = %s AND i.occasion = 'exit'",
            [project_id],
        )
        due, answered = cursor.fetchone()
    return int(due), int(answered)


def test_the_steering_group_reads_the_exit_survey_response_rate_on_the_dashboard(client):
    project = Project.objects.get(title=TITLE)
    due, answered = exit_rate_by_sql(project.pk)
    assert due > 100 and 0 < answered < due
    login(client, "steering")
    page = client.get(reverse("goals:dashboard", args=[project.pk])).content.decode()
    section = page[page.index('id="survey-response-heading"') :]
    row = re.search(r"<th scope=\"row\">Vid avslut</th>(.*?)</tr>", section, re.S).group(1)
    cells = re.findall(r'<td class="number">([^<]*)</td>', row)
    # An aggregate reader: due, answered and the rate only.
    assert cells == [str(due), str(answered), f"{round(answered / due * 100)} %"]
    # Beside the job-chances goal's value: its response rate.
    goal_row = page[page.index('id="goal-job-chances"') :]
    goal_row = goal_row[: goal_row.index("</tr>")]
    assert "Svarsfrekvens" in goal_row


def test_the_case_worker_has_survey_links_to_send_this_monday(client):
    segevang = Project.objects.get(title="Områdesprogram Segevång")
    waiting = Invitation.objects.filter(
        enrolment__project=segevang,
        sent_on__isnull=True,
        answered_on__isnull=True,
        enrolment__case_worker__username="caseworker",
    )
    assert waiting.count() >= 1
    login(client, "caseworker")
    page = client.get(reverse("surveys:index", args=[segevang.pk])).content.decode()
    for invitation in waiting.select_related("enrolment__participant"):
        link = reverse("surveys:send", args=[segevang.pk, invitation.enrolment_id, invitation.pk])
        assert link in page
        assert invitation.enrolment.participant.given_name in page
    # And the menu leads there.
    project_page = client.get(reverse("core:project_detail", args=[segevang.pk])).content.decode()
    assert reverse("surveys:index", args=[segevang.pk]) in project_page


def test_free_text_is_for_the_project_team_and_never_in_the_microdata(client):
    project = Project.objects.get(title=TITLE)
    answer = (
        SurveyAnswer.objects.filter(enrolment__project=project)
        .exclude(text="")
        .select_related("enrolment")
        .first()
    )
    assert answer is not None
    login(client, "manager")
    url = reverse("surveys:enrolment", args=[project.pk, answer.enrolment_id])
    page = client.get(url)
    if (
        page.status_code == 200
        and b"purpose" in page.content
        and answer.text.encode() not in (page.content)
    ):
        client.post(
            reverse("enrolments:read_purpose", args=[project.pk, answer.enrolment_id]),
            {"purpose": "follow_up"},
        )
        page = client.get(url)
    assert answer.text in page.content.decode()
    # The evaluator's microdata file: no free text.
    evaluator = Membership.objects.get(project=project, user__username="evaluator")
    assert evaluator.role == Role.EVALUATOR
    from microdata.dataset import build

    dataset = build(project)
    names = [v.name for v in dataset.variables]
    assert any(n.startswith("survey_exit_job_chances") for n in names)
    assert not any("free_text" in n for n in names)
    for row in dataset.rows():
        assert answer.text not in [str(v) for v in row.values()]

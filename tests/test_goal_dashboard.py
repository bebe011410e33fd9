"""The project dashboard and goals.json: who may open them (200 / 403 / 404), small cells hidden
from aggregate-only roles (also in the JSON), the participant flow, hours and follow-ups due
against hand-made data, the accessible charts, "no participants yet", a fixed number of queries.

The goals come from goals.engine.evaluate_project, replaced here by tests/goal_fakes.py where
the test is about the page; the tests marked "real engine" use the engine itself."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, Role
from enrolments.models import Enrolment, FollowUp, OutcomeStatus, Status
from goals import figures
from interventions.models import InterventionCategory
from participants.models import Gender
from reports import dashboard

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)
from .goal_fakes import (
    empty_goal,
    install_fake_engine,
    job_goal,
    stakeholder_goal,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 1, 1)


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = 5


@pytest.fixture
def fake_engine(monkeypatch):
    return install_fake_engine(
        monkeypatch, lambda project, threshold: [job_goal(threshold), stakeholder_goal()]
    )


def url(name, project, lang="sv"):
    with translation.override(lang):
        return reverse(f"goals:{name}", kwargs={"project_id": project.pk})


def enrol(project, gender, stage, **kwargs):
    """One enrolment at a stage of the flow: referred, active, exited or followed_up."""
    participant = AnonymousParticipantFactory(gender=gender)
    fields = {"project": project, "participant": participant, **kwargs}
    if stage == "referred":
        return EnrolmentFactory(status=Status.REFERRED, started_on=None, **fields)
    if stage == "active":
        return EnrolmentFactory(status=Status.ACTIVE, **fields)
    enrolment = EnrolmentFactory(
        status=Status.EXITED if stage == "exited" else Status.FOLLOWED_UP,
        exited_on=dt.date(2009, 9, 1),
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
        **fields,
    )
    if stage == "followed_up":
        FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=dt.date(2009, 11, 30),
            reached=False,
            recorded_on=dt.date(2009, 12, 1),
        )
    return enrolment


@pytest.fixture
def world():
    """A project with every role, and 13 enrolments: women 2 referred, 3 active, 2 exited and
    1 followed up; men 1 referred, 2 active, 1 exited; another gender 1 active."""
    project = ProjectFactory(title="Framtid i Fokus")
    members = {
        role: MembershipFactory(project=project, role=role, user__username=role)
        for role in (Role.MANAGER, Role.CASE_WORKER, Role.EVALUATOR, Role.STEERING, Role.PROVIDER)
    }
    outsider = MembershipFactory(role=Role.MANAGER, user__username="outsider")
    plan = {
        Gender.WOMAN: {"referred": 2, "active": 3, "exited": 2, "followed_up": 1},
        Gender.MAN: {"referred": 1, "active": 2, "exited": 1},
        Gender.OTHER: {"active": 1},
    }
    enrolments = []
    for gender, stages in plan.items():
        for stage, n in stages.items():
            enrolments += [enrol(project, gender, stage) for _ in range(n)]
    exited = [e for e in enrolments if e.status == Status.EXITED]
    for enrolment, due in zip(
        exited,
        [dt.date(2009, 12, 1), dt.date(2009, 12, 20), dt.date(2010, 1, 10)],
        strict=True,
    ):
        FollowUp.objects.create(enrolment=enrolment, day=90, due_on=due)
    # Hours: internship 5 people × 10.5 h, basic education 2 people × 20 h.
    internship = InterventionFactory(project=project, name="Praktik")
    basic = InterventionFactory(
        project=project,
        name="Grundläggande",
        category=InterventionCategory.objects.get(code="basic_education"),
    )
    started = [e for e in enrolments if e.started_on]
    for enrolment in started[:5]:
        ParticipationFactory(
            intervention=internship, enrolment=enrolment, attended_hours=Decimal("10.5")
        )
    for enrolment in started[5:7]:
        ParticipationFactory(intervention=basic, enrolment=enrolment, attended_hours=20)
    return project, members, outsider


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


# --- who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.MANAGER, 200),
        (Role.CASE_WORKER, 200),
        (Role.EVALUATOR, 200),
        (Role.STEERING, 200),
        (Role.PROVIDER, 403),
    ],
)
def test_dashboard_by_role(client, world, fake_engine, role, expected):
    project, members, _outsider = world
    response = get(client, members[role].user, url("dashboard", project))
    assert response.status_code == expected
    if expected == 200:
        assert fake_engine[-1]["project"] == project
        # The engine computes the full figures once, with the people behind them (stored in the
        # project's summary with the disclosure plan every route applies; tests below).
        assert fake_engine[-1]["members"] is True
        assert "Jobb eller ökade chanser" in response.content.decode()


def test_outsider_gets_404_for_page_and_json(client, world, fake_engine):
    project, _members, outsider = world
    assert get(client, outsider.user, url("dashboard", project)).status_code == 404
    assert get(client, outsider.user, url("goals_json", project)).status_code == 404


def test_not_logged_in_is_sent_to_login(client, world, fake_engine):
    project, _members, _outsider = world
    for name in ("dashboard", "goals_json"):
        response = client.get(url(name, project))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_provider_gets_403_for_json(client, world, fake_engine):
    project, members, _outsider = world
    assert get(client, members[Role.PROVIDER].user, url("goals_json", project)).status_code == 403


def test_menu_has_goals_for_steering_not_provider(client, world, fake_engine):
    project, members, _outsider = world
    link = f'href="{url("dashboard", project)}"'
    response = get(client, members[Role.STEERING].user, url("dashboard", project))
    assert link in response.content.decode()
    client.force_login(members[Role.PROVIDER].user)
    page = client.get(reverse("interventions:catalogue", kwargs={"project_id": project.pk}))
    assert link not in page.content.decode()


# --- the goals table ------------------------------------------------------------------------


def goal_row(html, key):
    match = re.search(rf'<tr id="goal-{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert match, key
    return match.group(1)


def test_goal_row_shows_value_interval_target_status_and_missing(client, world, fake_engine):
    project, members, _outsider = world
    html = get(client, members[Role.MANAGER].user, url("dashboard", project)).content.decode()
    row = goal_row(html, "fif-job-or-chances")
    assert "58,0 %" in row  # Swedish decimal comma
    assert "29 / 50" in row
    assert "44,2–70,6 %" in row
    assert "≥ 70 %" in row
    assert "status-uncertain" in row and 'aria-hidden="true">?</span>' in row
    assert "12 not followed up" in row or "12 inte följts upp" in row
    assert "76,3 %" in row  # 29 of the 38 with an answer
    row = goal_row(html, "stakeholders")
    assert "27" in row and "≥ 25" in row and "status-met" in row


def test_goal_table_in_english(client, world, fake_engine):
    project, members, _outsider = world
    html = get(client, members[Role.MANAGER].user, url("dashboard", project, "en")).content.decode()
    row = goal_row(html, "fif-job-or-chances")
    assert "58.0 %" in row
    assert "Not yet certain" in row
    assert "12 not followed up" in row
    assert "76.3 % among the 38 with an answer" in row
    assert html.count("<h1") == 1


def breakdown(html, key):
    match = re.search(
        rf'<details class="breakdown" id="breakdown-{key}">(.*?)</details>', html, re.S
    )
    assert match
    return match.group(1)


def test_breakdown_gender_first_and_small_cell_hidden_from_steering(client, world, fake_engine):
    project, members, _outsider = world
    html = get(client, members[Role.STEERING].user, url("dashboard", project)).content.decode()
    details = breakdown(html, "fif-job-or-chances")
    captions = re.findall(r"<caption[^>]*>(.*?)</caption>", details)
    assert "Gender" in captions[0] or "kön" in captions[0].lower()
    hidden = dict(
        re.findall(
            r'<tr class="suppressed">\s*<th scope="row">([^<]*)</th>\s*<td colspan="5">([^<]*)<',
            details,
        )
    )
    # The three of another gender are too few; the men (the smallest other group) are hidden
    # with them, so 50 − 25 women cannot give the three.
    assert hidden == {
        "Annat kön / okänt": "färre än 5",
        "Män": "dold för att skydda en annan uppgift",
    }
    assert "2 / 3" not in details and "12 / 22" not in details and "15 / 25" in details
    # The manager sees the same cell's numbers.
    html = get(client, members[Role.MANAGER].user, url("dashboard", project)).content.decode()
    details = breakdown(html, "fif-job-or-chances")
    assert "2 / 3" in details
    assert 'class="suppressed"' not in details


def test_json_matches_the_engine_and_suppresses_for_steering(client, world, fake_engine):
    project, members, _outsider = world
    response = get(client, members[Role.STEERING].user, url("goals_json", project))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert [g["key"] for g in data] == ["fif-job-or-chances", "stakeholders"]
    other = data[0]["breakdown"]["gender"]["other"]
    assert other["suppressed"] is True
    assert other["numerator"] is None and other["denominator"] is None and other["value"] is None
    assert "Jobb eller ökade chanser" in response.content.decode()  # not \u-escaped
    entry = LogEntry.objects.filter(action="export", project=project).get()
    assert entry.user == members[Role.STEERING].user
    assert entry.fields == []
    # The manager's JSON has the numbers.
    data = json.loads(get(client, members[Role.MANAGER].user, url("goals_json", project)).content)
    assert data[0]["breakdown"]["gender"]["other"]["numerator"] == 2
    assert data == [job_goal().to_dict(), stakeholder_goal().to_dict()]


def test_empty_project_shows_no_participants_yet(client, fake_engine, monkeypatch):
    install_fake_engine(monkeypatch, lambda project, threshold: [empty_goal()])
    membership = MembershipFactory(role=Role.MANAGER)
    response = get(client, membership.user, url("dashboard", membership.project, "en"))
    html = response.content.decode()
    row = goal_row(html, "gender-split")
    assert "No participants yet" in row
    assert "0.0 %" not in row and ">0 %" not in row
    assert re.search(r"<td class=\"number\">\s*—\s*</td>", row)
    assert "40–60 %" in row
    assert "No participant has taken part in an intervention yet." in html


def test_project_without_goals(client, monkeypatch):
    install_fake_engine(monkeypatch, lambda project, threshold: [])
    membership = MembershipFactory(role=Role.STEERING)
    html = get(client, membership.user, url("dashboard", membership.project, "en")).content.decode()
    assert "The project has no goals yet." in html


# --- the flow, hours and follow-ups ---------------------------------------------------------


def test_flow_counts_by_gender(world):
    project, _members, _outsider = world
    flow = figures.participant_flow(project)
    assert flow == {
        "referred": {"woman": 8, "man": 4, "other": 1},
        "started": {"woman": 6, "man": 3, "other": 1},
        "exited": {"woman": 3, "man": 1, "other": 0},
        "followed_up": {"woman": 1, "man": 0, "other": 0},
    }


def test_flow_is_one_query_of_the_fact_table(world, django_assert_num_queries):
    project, _members, _outsider = world
    ids = project.counted_project_ids()  # read once per evaluation (Context.project_ids)
    # One statement of two index counts that find the project's fact rows complete, then the
    # flow itself.
    with django_assert_num_queries(2) as queries:
        figures.participant_flow(project, project_ids=ids)
    assert "goals_enrolmentfact" in queries.captured_queries[-1]["sql"]
    assert "enrolments_followup" not in queries.captured_queries[-1]["sql"]


def flow_table(html):
    match = re.search(r'<section aria-labelledby="flow-heading">(.*?)</section>', html, re.S)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", match.group(1), re.S)
    return [
        [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        for _label, cells in rows
    ]


def test_flow_table_for_manager_and_steering(client, world, fake_engine):
    project, members, _outsider = world
    html = get(client, members[Role.MANAGER].user, url("dashboard", project, "en")).content.decode()
    assert flow_table(html) == [
        ["8", "4", "1", "13"],
        ["6", "3", "1", "10"],
        ["3", "1", "0", "4"],
        ["1", "0", "0", "1"],
    ]
    html = get(
        client, members[Role.STEERING].user, url("dashboard", project, "en")
    ).content.decode()
    few, kept = "fewer than 5", "hidden to protect another figure"
    assert flow_table(html) == [
        # 4 men and 1 of another gender: 5 together, so neither can be worked out.
        # The 5 in an internship are all women: 8 − 5 = 3 women referred without one, so the
        # 8 women are hidden too.
        [kept, few, few, "13"],
        # 3 + 1 hidden would leave 4 = 10 − 6: the women are hidden too; and 13 − 10 = 3 people
        # referred but not started, so the total of the started is hidden as well.
        [kept, few, few, kept],
        [few, few, "0", few],
        [few, "0", "0", few],
    ]


def test_hours_by_category(client, world, fake_engine):
    project, members, _outsider = world
    with translation.override("en"):
        hours = dashboard.hours_by_category(figures.hours_rows(project), None)
    assert [(h["code"], h["hours"], h["people"]) for h in hours] == [
        ("basic_education", Decimal("40.0"), 2),
        ("internship", Decimal("52.5"), 5),
    ]
    html = get(client, members[Role.MANAGER].user, url("dashboard", project)).content.decode()
    section = re.search(r'aria-labelledby="hours-heading">(.*?)</section>', html, re.S).group(1)
    assert "52,5" in section and "40" in section
    html = get(client, members[Role.STEERING].user, url("dashboard", project)).content.decode()
    section = re.search(r'aria-labelledby="hours-heading">(.*?)</section>', html, re.S).group(1)
    assert "52,5" in section
    assert ">40<" not in section and "40 h" not in section


def test_follow_ups_due(client, world, fake_engine):
    project, members, _outsider = world
    # Another project's open follow-up, overdue: not this project's (found by its enrolments).
    elsewhere = enrol(ProjectFactory(title="Annat projekt"), Gender.WOMAN, "exited")
    FollowUp.objects.create(enrolment=elsewhere, day=90, due_on=dt.date(2009, 12, 1))
    due = dashboard.follow_ups_due(figures.follow_up_counts(project))
    assert (due["overdue"], due["due_soon"]) == (2, 1)
    html = get(client, members[Role.CASE_WORKER].user, url("dashboard", project)).content.decode()
    worklist = reverse("enrolments:follow_up_worklist", kwargs={"project_id": project.pk})
    assert f'href="{worklist}"' in html
    html = get(client, members[Role.STEERING].user, url("dashboard", project)).content.decode()
    assert f'href="{worklist}"' not in html


# --- charts ---------------------------------------------------------------------------------


def test_charts_are_labelled_svg_with_a_data_table(client, world, fake_engine):
    project, members, _outsider = world
    html = get(client, members[Role.MANAGER].user, url("dashboard", project)).content.decode()
    assert "<script" not in html.split("<main", 1)[1]
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        opening = svg.split(">", 1)[0]
        assert 'role="img"' in opening
        ids = re.search(r'aria-labelledby="([^"]+)"', opening).group(1).split()
        assert len(ids) == 2
        assert f'<title id="{ids[0]}">' in svg and f'<desc id="{ids[1]}">' in svg
        # Coordinates never take the Swedish decimal comma.
        assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', svg)
    for section in ("flow-heading", "gender-heading", "hours-heading"):
        body = re.search(rf'aria-labelledby="{section}">(.*?)</section>', html, re.S).group(1)
        assert "<svg" in body and "<table" in body and '<th scope="col"' in body


# --- a fixed number of queries --------------------------------------------------------------


def count_queries(client, user, path):
    client.force_login(user)
    client.get(path)  # warm up the session and the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def add_enrolments(project, n):
    for i in range(n):
        enrolment = enrol(project, [Gender.WOMAN, Gender.MAN, Gender.OTHER][i % 3], "exited")
        FollowUp.objects.create(enrolment=enrolment, day=90, due_on=dt.date(2009, 12, 1))
        ParticipationFactory(
            intervention__project=project, enrolment=enrolment, attended_hours=Decimal("3")
        )


def test_dashboard_queries_do_not_grow_with_enrolments(client, fake_engine):
    small, large = ProjectFactory(), ProjectFactory()
    add_enrolments(small, 5)
    add_enrolments(large, 50)
    user = UserFactory()
    MembershipFactory(project=small, user=user, role=Role.MANAGER)
    MembershipFactory(project=large, user=user, role=Role.MANAGER)
    assert count_queries(client, user, url("dashboard", small)) == count_queries(
        client, user, url("dashboard", large)
    )
    assert Enrolment.objects.filter(project=large).count() == 50


# --- with the real engine -------------------------------------------------------------------


def real_goals(project, by):
    from goals import services as goal_services

    goal_services.create_goal(
        project=project,
        key="gender-split",
        title="Könsfördelning 40–60 %",
        title_en="Gender split 40–60 %",
        template="gender_split",
        parameters={},
        by=by,
    )
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.45},
        by=by,
    )


def test_real_engine_dashboard_and_json(client, world):
    project, members, _outsider = world
    real_goals(project, members[Role.MANAGER].user)
    html = get(client, members[Role.MANAGER].user, url("dashboard", project, "en")).content.decode()
    row = goal_row(html, "gender-split")
    assert "Gender split 40–60 %" in row
    assert "6 / 10" in row  # 6 women of the 10 who started
    assert "60.0 %" in row
    assert "40–60 %" in row
    details = breakdown(html, "gender-split")
    assert "Women" in details
    goal_row(html, "work-at-90")
    # Steering: the two small gender groups are hidden, in the page and in the JSON.
    steering = members[Role.STEERING].user
    html = get(client, steering, url("dashboard", project, "en")).content.decode()
    assert 'class="suppressed"' in breakdown(html, "gender-split")
    data = json.loads(get(client, steering, url("goals_json", project)).content)
    gender = data[0]["breakdown"]["gender"]
    assert gender["other"]["suppressed"] is True and gender["other"]["numerator"] is None
    for dimension in data[0]["breakdown"].values():
        for cell in dimension.values():
            assert cell["suppressed"] or not cell["denominator"] or cell["denominator"] >= 5


def test_real_engine_queries_do_not_grow_with_enrolments(client):
    small, large = ProjectFactory(), ProjectFactory()
    user = UserFactory()
    MembershipFactory(project=small, user=user, role=Role.MANAGER)
    MembershipFactory(project=large, user=user, role=Role.MANAGER)
    real_goals(small, user)
    real_goals(large, user)
    add_enrolments(small, 5)
    add_enrolments(large, 50)
    assert count_queries(client, user, url("dashboard", small)) == count_queries(
        client, user, url("dashboard", large)
    )


def test_reference_goal_periods_and_a_wholly_hidden_goal(client, monkeypatch):
    from .goal_fakes import FakeGoalResult, cell

    reference_goal = FakeGoalResult(
        key="work-vs-reference",
        goal="In work vs reference",
        template="follow_up_share_vs_reference",
        kind="share",
        comparator="ref_plus",
        target=0.346,
        numerator=19,
        denominator=58,
        value=19 / 58,
        ci_low=0.22,
        ci_high=0.456,
        status="uncertain",
        missing=12,
        value_answered=19 / 46,
        denominator_answered=46,
        periods={
            "2009": cell(9, 34),
            "2010": cell(1, 3),
            "2011": cell(9, 21),
            "all": cell(19, 58),
        },
    )
    hidden_goal = empty_goal()
    hidden_goal.suppressed = True
    install_fake_engine(monkeypatch, lambda project, threshold: [reference_goal, hidden_goal])
    membership = MembershipFactory(role=Role.EVALUATOR)
    html = get(client, membership.user, url("dashboard", membership.project, "en")).content.decode()
    assert "≥ reference + Δ = 34.6 %" in goal_row(html, "work-vs-reference")
    assert "Not shown: too few people" in goal_row(html, "gender-split")
    # Nor how many lack data: the missing-data cell says hidden, not "none".
    missing_cell = re.findall(r"<td>(.*?)</td>", goal_row(html, "gender-split"), re.S)[-1]
    assert ">none<" not in f">{missing_cell.strip()}<" and "hidden" in missing_cell.lower()
    details = breakdown(html, "work-vs-reference")
    assert "per year of exit" in details
    assert "9 / 34" in details and "Whole period" in details
    assert re.search(r'<tr class="suppressed">\s*<th scope="row">2010</th>', details)
    # 2010 could be worked out from the whole period and the other years: the next smallest
    # year is hidden too.
    assert re.search(r'<tr class="suppressed">\s*<th scope="row">2011</th>', details)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes: PostgreSQL only")
def test_the_hours_are_read_from_a_covering_index_on_postgresql():
    """interventions 0007: each intervention's participations with their enrolment and hours in
    one index, so the dashboard's hours need not visit the table (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'participation_hours'")
        (definition,) = cursor.fetchone()
    assert "(intervention_id) INCLUDE (enrolment_id, attended_hours)" in definition

"""The goal comparison pages: twins side by side (and who may see a twin's figures), the
project against its reference values (hand-computed weighting), goals per quarter, suppression
for aggregate-only roles, and who may open the pages (200 / 403 / 404)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals.engine import evaluate_project
from goals.models import ReferenceProgramme, ReferenceValue
from goals.services import create_goal
from participants.models import Household
from reports import comparison

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
OS = OutcomeStatus


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    settings.SUPPRESSION_THRESHOLD = 5


START = D(2009, 2, 1)


def person(project, *, gender="woman", started_on=START, exited_on=None, reason="completed",
           exit_status=OS.JOB_SEEKING):  # fmt: skip
    participant = AnonymousParticipantFactory(gender=gender, birth_year=1980)
    fields = {"status": Status.ACTIVE}
    if exited_on:
        fields = {
            "status": Status.EXITED,
            "exited_on": exited_on,
            "exit_reason": reason,
            "exit_status": exit_status,
        }
    return EnrolmentFactory(
        project=project,
        participant=participant,
        referred_on=started_on - dt.timedelta(days=10),
        started_on=started_on,
        **fields,
    )


def follow_up(enrolment, status, day=90):
    due = enrolment.exited_on + dt.timedelta(days=day)
    return FollowUp.objects.create(
        enrolment=enrolment,
        day=day,
        due_on=due,
        reached=True,
        status=status,
        source="register",
        recorded_on=due,
    )


def goal(project, template, key, **parameters):
    create_goal(
        project=project,
        key=key,
        title=f"Mål {key}",
        title_en=f"Goal {key}",
        template=template,
        parameters=parameters,
        by=None,
    )


def url(name, project, lang="sv"):
    with translation.override(lang):
        return reverse(f"goal_comparison:{name}", kwargs={"project_id": project.pk})


def get(client, membership, name, project=None, lang="sv"):
    client.force_login(membership.user)
    return client.get(url(name, project or membership.project, lang))


def reference_values(project, rows):
    programmes = {}
    for name, year, participants, share in rows:
        if name not in programmes:
            programmes[name] = ReferenceProgramme.objects.create(name=name, name_en=f"{name} (en)")
            programmes[name].projects.add(project)
        ReferenceValue.objects.create(
            programme=programmes[name],
            year=year,
            participants=participants,
            share_in_work_90_days=Decimal(share),
        )


# --- who may open the pages -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["twins", "reference", "quarters"])
def test_access(client, name):
    project = ProjectFactory()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    provider = MembershipFactory(project=project, role=Role.PROVIDER)
    outsider = MembershipFactory(role=Role.MANAGER)
    assert get(client, manager, name).status_code == 200
    assert get(client, manager, name, lang="en").status_code == 200
    assert get(client, steering, name).status_code == 200
    assert get(client, provider, name).status_code == 403
    assert get(client, outsider, name, project=project).status_code == 404


def test_dashboard_links_to_the_comparisons(client):
    project = ProjectFactory()
    twin = ProjectFactory()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    client.force_login(manager.user)
    page = client.get(reverse("goals:dashboard", kwargs={"project_id": project.pk})).content
    assert url("reference", project).encode() in page
    assert url("quarters", project).encode() in page
    assert url("twins", project).encode() not in page  # no twin yet
    project.twins.add(twin)
    page = client.get(reverse("goals:dashboard", kwargs={"project_id": project.pk})).content
    assert url("twins", project).encode() in page


# --- reference values -------------------------------------------------------------------------


def test_weighted_share_by_hand():
    # Two programmes in 2009: 100 participants at 20 % and 300 at 30 % → 27.5 %.
    assert comparison.weighted_share([(100, Decimal("20.0")), (300, Decimal("30.0"))]) == Decimal(
        "27.5"
    )
    assert comparison.weighted_share([]) is None


def test_reference_table_per_year_and_for_the_period():
    project = ProjectFactory(starts_on=D(2009, 1, 1), ends_on=D(2010, 12, 31))
    other = ProjectFactory()
    reference_values(
        project,
        [
            ("Särskilt anställningsstöd", 2009, 100, "20.0"),
            ("Förberedande utbildning", 2009, 300, "30.0"),
            ("Särskilt anställningsstöd", 2010, 200, "40.0"),
            ("Förberedande utbildning", 2008, 1000, "90.0"),  # before the project's period
        ],
    )
    reference_values(other, [("Annat program", 2009, 5000, "99.0")])
    table = comparison.reference_table(project)
    assert table["by_year"][2009]["share"] == Decimal("27.5")
    assert table["by_year"][2009]["participants"] == 400
    assert table["by_year"][2010]["share"] == Decimal("40.0")
    assert table["by_year"][2008]["share"] == Decimal("90.0")
    # Whole period 2009–2010: (100·20 + 300·30 + 200·40) / 600 = 19 000 / 600 = 31.67 %.
    assert table["overall"] == pytest.approx(Decimal(19000) / Decimal(600))
    assert table["overall_years"] == [2009, 2010]
    assert len(table["rows"]) == 4  # the other project's programme is not there


def reference_project():
    project = ProjectFactory(starts_on=D(2009, 1, 1), ends_on=D(2010, 12, 31), follow_up_days=[90])
    reference_values(
        project,
        [("SAS", 2009, 100, "20.0"), ("FUB", 2009, 300, "30.0"), ("SAS", 2010, 200, "40.0")],
    )
    # 2009: 3 of 4 in work at day 90; 2010: 1 of 2.
    for status in (OS.EMPLOYED_FULL_TIME, OS.EMPLOYED_PART_TIME, OS.SELF_EMPLOYED, OS.JOB_SEEKING):
        follow_up(person(project, exited_on=D(2009, 9, 1)), status)
    for status in (OS.EMPLOYED_FULL_TIME, OS.JOB_SEEKING):
        follow_up(person(project, exited_on=D(2010, 1, 15)), status)
    goal(project, "follow_up_share_vs_reference", "work-90", population="exited", delta_pp=10)
    return project


def test_reference_comparison_per_year_and_whole_period(client):
    project = reference_project()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    response = get(client, manager, "reference")
    assert response.status_code == 200
    rows = {row["period"]: row for row in response.context["rows"]}
    assert response.context["delta"] == Decimal(10)
    y2009, y2010, whole = rows["2009"], rows["2010"], rows["Hela perioden"]
    assert y2009["reference"] == Decimal("27.5") and y2009["target"] == Decimal("37.5")
    assert (y2009["result"]["cell"].numerator, y2009["result"]["cell"].denominator) == (3, 4)
    assert y2009["difference"] == pytest.approx(Decimal("47.5"))  # 75 % − 27.5 %
    assert y2010["target"] == Decimal("50.0")
    assert (y2010["result"]["cell"].numerator, y2010["result"]["cell"].denominator) == (1, 2)
    assert (whole["result"]["cell"].numerator, whole["result"]["cell"].denominator) == (4, 6)
    # The whole period's reference is the engine's: its target minus Δ.
    (result,) = evaluate_project(project)
    assert float(whole["reference"]) / 100 + 0.10 == pytest.approx(result.target)
    assert whole["result"]["status_code"] == result.status
    assert y2009["result"]["status_code"] == result.periods["2009"].status
    content = response.content.decode()
    assert 'role="img"' in content and "<desc" in content and 'scope="row"' in content
    assert "27,5 %" in content  # Swedish decimal comma


def test_reference_page_without_such_a_goal_says_so(client):
    project = ProjectFactory()
    reference_values(project, [("SAS", 2009, 100, "20.0")])
    goal(project, "gender_split", "gender")
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    response = get(client, manager, "reference", lang="en")
    assert response.context["goal"] is None and "rows" not in response.context
    assert "has no goal of the form" in response.content.decode()
    assert "SAS (en)" in response.content.decode()  # the reference values are still listed


def test_reference_years_are_suppressed_for_the_steering_group(client):
    project = reference_project()
    # 2009 has 4 people, 2010 has 2: both hidden. The whole period has 6, but only 2 of them
    # not in work — a figure about 2 people — so it is hidden too.
    steering = MembershipFactory(project=project, role=Role.STEERING)
    response = get(client, steering, "reference")
    rows = {row["period"]: row for row in response.context["rows"]}
    assert rows["2009"]["result"]["suppressed"] and rows["2010"]["result"]["suppressed"]
    assert rows["2009"]["difference"] is None
    whole = rows["Hela perioden"]["result"]
    assert whole["suppressed"] and whole["reason"] == "small_part"
    assert whole["cell"].denominator is None
    html = response.content.decode()
    assert "3 / 4" not in html and "4 / 6" not in html


# --- twins ------------------------------------------------------------------------------------


def twin_world():
    """Malmö: 6 women and 4 men started; Göteborg: 3 women and 7 men. Both have the goal
    "gender" (women's share); Malmö also a goal Göteborg lacks."""
    malmo = ProjectFactory(title="Framtid i Fokus Malmö")
    goteborg = ProjectFactory(title="Framtid i Fokus Göteborg")
    malmo.twins.add(goteborg)
    for project, women, men in ((malmo, 6, 4), (goteborg, 3, 7)):
        for _ in range(women):
            person(project, gender="woman")
        for _ in range(men):
            person(project, gender="man")
        goal(project, "gender_split", "gender")
    goal(malmo, "survey_share", "network", question="network", target=0.9)
    return malmo, goteborg


def test_twins_side_by_side(client):
    malmo, goteborg = twin_world()
    manager = MembershipFactory(project=malmo, role=Role.MANAGER)
    MembershipFactory(project=goteborg, role=Role.CASE_WORKER, user=manager.user)
    response = get(client, manager, "twins")
    (entry,) = response.context["entries"]
    assert entry["allowed"] and entry["project"] == goteborg
    (row,) = entry["rows"]
    assert row["key"] == "gender"
    here, there = row["sides"]
    assert (here["cell"].numerator, here["cell"].denominator) == (6, 10)
    assert (there["cell"].numerator, there["cell"].denominator) == (3, 10)
    assert here["value"] == pytest.approx(60) and there["value"] == pytest.approx(30)
    assert here["status_code"] == "uncertain"  # 60 % with n = 10 straddles 40–60 %
    genders = {g["label"]: g["sides"] for g in row["genders"]}
    women_here, women_there = genders["Kvinnor"]
    assert (women_here["cell"].numerator, women_here["cell"].denominator) == (6, 6)
    assert (women_there["cell"].numerator, women_there["cell"].denominator) == (3, 3)
    assert entry["only_here"] == ["Mål network"]
    content = response.content.decode()
    assert "Framtid i Fokus Göteborg" in content and 'scope="colgroup"' in content
    assert "6 / 10" in content and "3 / 10" in content
    # Twins are symmetrical: Göteborg sees Malmö.
    client.force_login(manager.user)
    back = client.get(url("twins", goteborg)).context["entries"]
    assert [e["project"] for e in back] == [malmo] and back[0]["allowed"]


def test_a_twin_the_user_is_not_a_member_of_is_named_without_figures(client):
    malmo, goteborg = twin_world()
    manager = MembershipFactory(project=malmo, role=Role.MANAGER)
    response = get(client, manager, "twins", lang="en")
    (entry,) = response.context["entries"]
    assert entry == {"project": goteborg, "title": "Framtid i Fokus Göteborg", "allowed": False}
    content = response.content.decode()
    assert "You are not a member of the project Framtid i Fokus Göteborg" in content
    assert "3 / 10" not in content


def test_a_twin_where_the_user_may_not_view_goals_is_not_computed(client, monkeypatch):
    malmo, goteborg = twin_world()
    manager = MembershipFactory(project=malmo, role=Role.MANAGER)
    MembershipFactory(project=goteborg, role=Role.PROVIDER, user=manager.user)
    evaluated = []
    real = evaluate_project

    def spy(project, **kwargs):
        evaluated.append(project)
        return real(project, **kwargs)

    monkeypatch.setattr("goals.engine.evaluate_project", spy)
    (entry,) = get(client, manager, "twins").context["entries"]
    assert not entry["allowed"]
    assert evaluated == [malmo]


def test_twins_are_suppressed_by_the_role_in_each_project(client):
    malmo, goteborg = twin_world()
    # Steering group in Malmö, manager in Göteborg.
    steering = MembershipFactory(project=malmo, role=Role.STEERING)
    MembershipFactory(project=goteborg, role=Role.MANAGER, user=steering.user)
    response = get(client, steering, "twins")
    (entry,) = response.context["entries"]
    (row,) = entry["rows"]
    genders = {g["label"]: g["sides"] for g in row["genders"]}
    # Malmö: 6 women of 10 would say that 4 are not women, a figure about 4 people: the goal
    # is hidden whole, its gender groups with it.
    assert row["sides"][0]["suppressed"] and row["sides"][0]["reason"] == "small_part"
    assert row["sides"][0]["cell"].denominator is None
    assert genders["Män"][0]["suppressed"] and genders["Kvinnor"][0]["suppressed"]
    assert genders["Kvinnor"][0]["value"] is None
    # Göteborg, where the user is a manager: every group shown.
    assert not genders["Kvinnor"][1]["suppressed"]
    assert genders["Kvinnor"][1]["cell"].denominator == 3
    assert row["sides"][1]["cell"].denominator == 10
    assert "6 / 10" not in response.content.decode()


def test_no_twin(client):
    project = ProjectFactory()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    response = get(client, manager, "twins", lang="en")
    assert response.context["entries"] == []
    assert "This project has no twin project." in response.content.decode()


# --- quarters ---------------------------------------------------------------------------------


def test_quarters_of_a_period():
    result = comparison.quarters(D(2009, 2, 15), D(2009, 12, 31))
    assert [(label, first, last) for label, first, last in result] == [
        ("2009 Q1", D(2009, 1, 1), D(2009, 3, 31)),
        ("2009 Q2", D(2009, 4, 1), D(2009, 6, 30)),
        ("2009 Q3", D(2009, 7, 1), D(2009, 9, 30)),
        ("2009 Q4", D(2009, 10, 1), D(2009, 12, 31)),
    ]
    assert [label for label, *_ in comparison.quarters(D(2009, 11, 1), D(2010, 1, 1))] == [
        "2009 Q4",
        "2010 Q1",
    ]


def quarter_project():
    project = ProjectFactory(starts_on=D(2009, 1, 1), ends_on=D(2011, 12, 31))
    # Completers by quarter of exit: Q1 2009 — 2 in work of 3; Q3 2009 — 1 of 6.
    for i in range(3):
        person(
            project,
            exited_on=D(2009, 3, 31),
            exit_status=OS.EMPLOYED_FULL_TIME if i < 2 else OS.JOB_SEEKING,
        )
    for i in range(6):
        status = OS.EMPLOYED_FULL_TIME if i == 0 else OS.JOB_SEEKING
        person(project, exited_on=D(2009, 7, 1), exit_status=status)
    person(project, exited_on=D(2009, 7, 2), reason="dropped_out")  # not a completer
    # Started (gender split by start date): Q2 2009 — 1 woman, 1 man (besides the ones above,
    # who all started 2009-02-01, Q1).
    person(project, gender="woman", started_on=D(2009, 4, 1))
    person(project, gender="man", started_on=D(2009, 6, 30))
    goal(project, "exit_or_survey_share", "job", target=0.7)
    goal(project, "gender_split", "gender")
    goal(project, "household_share", "households", target=0.35)
    Household.objects.create(
        project=project,
        reference="H1",
        long_term_social_assistance=True,
        contacted_on=D(2009, 3, 1),
    )
    return project


def figures(row):
    cell = row["result"]["cell"]
    return (cell.numerator, cell.denominator)


def test_goals_per_quarter(client):
    project = quarter_project()
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    response = get(client, manager, "quarters", lang="en")
    goals = {g["key"]: g for g in response.context["goals"]}
    assert set(goals) == {"job", "gender"}
    assert response.context["not_shown"] == ["Goal households"]
    job = goals["job"]
    # Up to today (2010-06-01): 2009 Q1 … 2010 Q2.
    assert [row["label"] for row in job["rows"]] == [
        "2009 Q1", "2009 Q2", "2009 Q3", "2009 Q4", "2010 Q1", "2010 Q2",
    ]  # fmt: skip
    assert [figures(row) for row in job["rows"]] == [(2, 3), (0, 0), (1, 6), (0, 0), (0, 0), (0, 0)]
    assert job["rows"][1]["result"]["status_code"] == "no_data"
    assert not job["by_start"]
    gender = goals["gender"]
    assert gender["by_start"]
    # Started in Q1: the 10 exited (all women by default) — Q2: one woman, one man.
    assert figures(gender["rows"][0]) == (10, 10)
    assert figures(gender["rows"][1]) == (1, 2)
    content = response.content.decode()
    assert 'role="img"' in content and "<polyline" in content and "Goal households" in content


def test_quarters_respect_the_goals_own_period(client):
    project = quarter_project()
    goal(project, "exit_or_survey_share", "job-late", target=0.7, period_from="2009-07-01")
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    goals = {g["key"]: g for g in get(client, manager, "quarters").context["goals"]}
    rows = goals["job-late"]["rows"]
    assert rows[0]["outside"] and rows[1]["outside"]
    assert figures(rows[2]) == (1, 6)


def test_quarters_are_suppressed_for_the_steering_group(client):
    project = quarter_project()
    steering = MembershipFactory(project=project, role=Role.STEERING)
    response = get(client, steering, "quarters")
    job = {g["key"]: g for g in response.context["goals"]}["job"]
    # Q1 has 3 completers (< 5): hidden; Q3 (6) is the only other quarter with people and
    # would give Q1 away from the total, so it is hidden too.
    assert job["rows"][0]["result"]["suppressed"]
    assert job["rows"][2]["result"]["suppressed"]
    assert job["rows"][0]["result"]["value"] is None
    assert "2 / 3" not in response.content.decode() and "1 / 6" not in response.content.decode()

"""Roll-ups (docs/rollups.md): a parent project counts the records of every project below it.

- A goal defined at a parent has the figures (and the disclosure plan) the same goal would have
  in one project holding all its parts' enrolments; the flow and the hours too.
- A part's own figures do not change because it has a parent.
- A write in a part makes the summaries of its parent and grand-parent stale.
- An aggregate-only reader of the parent sees no figure about fewer people than the threshold,
  the sub-project table included.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import Project, Role
from enrolments.models import IncomeSource
from goals import summaries
from goals.engine import evaluate_project
from goals.models import ProjectSummary
from participants.models import Household

from .factories import InterventionFactory, MembershipFactory, ParticipationFactory, ProjectFactory
from .test_goal_engine import add_follow_up_and_network, goal, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


def with_goals(project):
    goal(project, "follow_up_share", target=0.45)
    goal(project, "survey_share", question="network", target=0.9)
    goal(project, "follow_up_share", key="all-exited", population="exited", target=0.45)
    goal(project, "gender_split", target=0.4, target_high=0.6)
    goal(project, "participation_count", target=3)


def tree():
    """A programme with two parts, the second with a part of its own."""
    programme = ProjectFactory(kind=Project.Kind.PROGRAMME, follow_up_days=[90])
    first = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, follow_up_days=[90])
    second = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, follow_up_days=[90])
    below = ProjectFactory(kind=Project.Kind.SUB_PROJECT, parent=second, follow_up_days=[90])
    return programme, [programme, first, second, below]


def add(project, row):
    enrolment = person(project, gender=row["gender"], born=row["born"], exit=row["exit"])
    add_follow_up_and_network(enrolment, row)
    if row["hours"] is not None:
        ParticipationFactory(
            intervention=InterventionFactory(project=project),
            enrolment=enrolment,
            attended_hours=Decimal(row["hours"]),
            started_on=D(2009, 3, 1),
        )


PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "where": st.integers(0, 3),  # the programme itself, or one of its three parts
            "gender": st.sampled_from(["woman", "man", "other"]),
            "born": st.sampled_from([1950, 1975, 1990]),
            "exit": st.sampled_from([None, "completed", "dropped_out"]),
            "follow_up": st.sampled_from([None, "unrecorded", "unreached", "employed_full_time"]),
            "network": st.one_of(st.none(), st.integers(1, 5)),
            "hours": st.one_of(st.none(), st.integers(0, 40)),
        }
    ),
    max_size=20,
)


def strictness(plan) -> dict:
    """Every decision of a plan by its path: 0 shown, 1 shown without the missing, 2 hidden."""
    found = {}

    def walk(path, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk((*path, key), inner)
        elif path[-1] == "level":
            found[path] = 2 if value is None else value
        elif isinstance(value, str) and path[0] in ("goals", "flow", "hours"):
            found[path] = 2 if value else 0

    walk((), plan)
    return found


@hsettings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=PEOPLE)
def test_a_parents_goals_are_those_of_one_project_holding_all_its_parts_enrolments(people):
    programme, projects = tree()
    union = ProjectFactory(follow_up_days=[90])
    with_goals(programme)
    with_goals(union)
    for row in people:
        add(projects[row["where"]], row)
        add(union, row)

    assert [r.to_dict() for r in evaluate_project(programme)] == [
        r.to_dict() for r in evaluate_project(union)
    ]
    rolled, flat = summaries.dashboard_figures(programme), summaries.dashboard_figures(union)
    assert rolled["flow"] == flat["flow"] and rolled["hours"] == flat["hours"]
    # The participants per part add up to the flow's total.
    assert sum(rolled["parts"].values()) == sum(flat["flow"]["referred"].values())
    assert flat["parts"] == {}
    # The disclosure plan decides the same figures; the parent also shows its parts'
    # participants, so it may hide more, never less.
    rolled_plan = strictness(summaries.refresh(programme).disclosure)
    flat_plan = strictness(summaries.refresh(union).disclosure)
    assert {path for path in rolled_plan if "part" not in path} == set(flat_plan)
    assert all(rolled_plan[path] >= level for path, level in flat_plan.items())
    if len({row["where"] for row in people}) <= 1:  # all in one part: nothing more to protect
        assert {p: v for p, v in rolled_plan.items() if "part" not in p} == flat_plan
    # Each part's own figures count only its own records (and those below it).
    for index, part in enumerate(projects[1:], start=1):
        expected = sum(
            1 for row in people if row["where"] == index or (index == 2 and row["where"] == 3)
        )
        flow = summaries.dashboard_figures(part)["flow"]
        assert sum(flow["referred"].values()) == expected


def test_the_parts_table_counts_each_part_with_what_is_below_it():
    programme, (_, first, second, below) = tree()
    for project, n in ((programme, 1), (first, 2), (second, 3), (below, 4)):
        for _ in range(n):
            person(project)
    parts = summaries.dashboard_figures(programme)["parts"]
    assert parts == {"own": 1, str(first.pk): 2, str(second.pk): 7}
    assert summaries.dashboard_figures(second)["parts"] == {"own": 3, str(below.pk): 4}
    assert summaries.dashboard_figures(below)["parts"] == {}


def test_a_programmes_household_goal_counts_the_households_of_its_areas():
    programme, (_, first, second, _below) = tree()
    goal(programme, "household_share", target=0.35)
    goal(first, "household_share", target=0.35)
    for number, (project, done) in enumerate(((first, True), (first, False), (second, True))):
        household = Household.objects.create(
            project=project,
            reference=f"H{number}",
            long_term_social_assistance=True,
            contacted_on=D(2009, 5, 1),
        )
        enrolment = person(
            project,
            exit="completed",
            exit_income=IncomeSource.SALARY if done else IncomeSource.SOCIAL_ASSISTANCE,
        )
        enrolment.participant.household = household
        enrolment.participant.save()
    (whole,) = evaluate_project(programme)
    (own,) = evaluate_project(first)
    assert (whole.numerator, whole.denominator) == (2, 3)
    assert (own.numerator, own.denominator) == (1, 2)


# --- staleness --------------------------------------------------------------------------------


def fresh(project) -> bool:
    from goals.engine import current_versions

    summary = ProjectSummary.objects.filter(project=project).first()
    return summaries.is_fresh(summary, [v.pk for v in current_versions(project)])


def test_a_write_in_a_part_makes_its_parent_and_grand_parent_stale():
    programme, (_, first, second, below) = tree()
    for project in (programme, first, second, below):
        summaries.refresh(project)
        assert fresh(project)
    person(below)
    assert not fresh(below) and not fresh(second) and not fresh(programme)
    assert fresh(first)  # a sibling counts nothing of it
    # … and the parent's next dashboard counts the new enrolment.
    assert sum(summaries.read(programme).figures["flow"]["referred"].values()) == 1


def test_a_part_moved_to_another_parent_makes_both_parents_stale():
    programme, (_, first, second, below) = tree()
    person(below)
    for project in (programme, first, second):
        summaries.refresh(project)
    below.parent = first
    below.save()
    assert not fresh(second) and not fresh(first) and not fresh(programme)
    parts = summaries.read(programme).figures["parts"]
    assert parts[str(first.pk)] == 1 and parts[str(second.pk)] == 0


def test_a_change_of_a_parts_goal_leaves_the_parents_figures_as_they_are_but_stale():
    programme, (_, first, *_rest) = tree()
    summaries.refresh(programme)
    goal(first, "gender_split", target=0.4, target_high=0.6)
    assert not fresh(programme)  # marked (a harmless recount): the parent's goals are its own
    assert [r.key for r in summaries.read(programme).results] == []


def test_a_parents_dashboard_does_not_count_its_parts_while_its_user_waits(settings):
    """After a write in a part, the parent's dashboard page shows the part's last goal
    statuses at once (as it shows its own last figures); the page's figures_state, asked once
    the page is on the screen, counts the part before it reloads the page."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    task_backends["default"].clear()  # a queue whose worker has not run yet
    programme, (_, first, second, below) = tree()
    with_goals(first)
    manager = MembershipFactory(project=programme, role=Role.MANAGER)
    for project in (programme, first, second, below):
        summaries.refresh(project)
    person(first, gender="woman", born=1990)  # the part and its parent are behind
    counted = ProjectSummary.objects.get(project=first).computed_version
    client = Client()
    client.force_login(manager.user)
    page = client.get(reverse("goals:dashboard", args=[programme.pk]))
    assert page.status_code == 200 and "parts-table" in page.content.decode()
    assert ProjectSummary.objects.get(project=first).computed_version == counted
    assert not fresh(first)
    state = reverse("goals:figures_state", kwargs={"project_id": programme.pk})
    assert client.get(state).headers["HX-Refresh"] == "true"
    assert fresh(programme) and fresh(first)
    # A part behind while its parent is current (the part's own day to heal, say): the page
    # asks nothing, so the part is counted for it rather than shown behind with nothing to
    # update it.
    ProjectSummary.objects.filter(project=first).update(data_version=F("data_version") + 1)
    assert fresh(programme) and not fresh(first)
    html = client.get(reverse("goals:dashboard", args=[programme.pk])).content.decode()
    assert fresh(first) and state not in html
    task_backends["default"].clear()


# --- disclosure -------------------------------------------------------------------------------


def parts_rows(html):
    table = re.search(r'<table class="table parts-table">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    return {
        re.sub(r"<[^>]+>", "", title).strip(): [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
        for title, cells in rows
    }


@pytest.mark.parametrize("page", ["goals:dashboard", "core:project_detail"])
def test_an_aggregate_only_reader_of_the_parent_sees_no_small_figure(page):
    programme = ProjectFactory(kind=Project.Kind.PROGRAMME, title="Programmet")
    small = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Lilla delen")
    large = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Stora delen")
    for _ in range(3):
        person(small, gender="woman")
    for i in range(12):
        person(large, gender=["woman", "man"][i % 2])
    goal(programme, "gender_split", target=0.4, target_high=0.6)
    steering = MembershipFactory(project=programme, role=Role.STEERING)
    client = Client()
    client.force_login(steering.user)
    with translation.override("en"):
        html = client.get(reverse(page, args=[programme.pk])).content.decode()
    rows = parts_rows(html)
    small_participants = rows["Lilla delen"][1]
    large_participants = rows["Stora delen"][1]
    assert small_participants == "fewer than 5"
    # The total of 15 is on the page (the flow, the goal), so the large part is hidden too:
    # 15 − 12 would tell the 3.
    assert large_participants == "hidden to protect another figure"
    assert "3" not in rows["Lilla delen"][1:2]

    # A manager (who sees people) gets the exact figures.
    manager = MembershipFactory(project=programme, role=Role.MANAGER)
    client.force_login(manager.user)
    with translation.override("en"):
        html = client.get(reverse(page, args=[programme.pk])).content.decode()
    rows = parts_rows(html)
    assert rows["Lilla delen"][1] == "3" and rows["Stora delen"][1] == "12"


def test_the_project_page_leads_to_each_part_once_for_every_role():
    """A reader of goals finds the parts in the sub-project table, linked to their project
    pages; a role without goals (a provider) in the plain list of parts — never both."""
    programme = ProjectFactory(kind=Project.Kind.PROGRAMME, title="Programmet")
    part = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Delen")
    for role in (Role.MANAGER, Role.PROVIDER):
        member = MembershipFactory(project=programme, role=role)
        MembershipFactory(project=part, role=role, user=member.user)
        client = Client()
        client.force_login(member.user)
        with translation.override("en"):
            html = client.get(reverse("core:project_detail", args=[programme.pk])).content.decode()
            part_page = reverse("core:project_detail", args=[part.pk])
        assert html.count(f'href="{part_page}"') == 1, role
        assert ("Parts of this project" in html) == (role == Role.PROVIDER), role


def test_a_part_that_raised_its_threshold_keeps_it_in_its_parents_figures(settings):
    """A sub-project hiding figures about fewer than 10 people does not have 7 of them shown
    at 5 on its parent's pages: the parent's threshold is the highest of its parts'."""
    from core.policy import project_threshold

    settings.SUPPRESSION_THRESHOLD = 5
    programme, (_, first, second, below) = tree()
    assert project_threshold(programme) == 5
    below.disclosure_threshold = 10
    below.save()
    assert project_threshold(programme) == project_threshold(second) == 10
    assert project_threshold(first) == 5  # a sibling keeps its own
    assert project_threshold(below) == 10


def test_the_projects_counting_a_projects_records_are_it_and_those_above_it(
    django_assert_num_queries,
):
    """Project.counting_ids: the project and every project above it (whose figures count its
    records: its questionnaires' questions are theirs), with no query for a project without a
    parent."""
    top = ProjectFactory()
    middle = ProjectFactory(parent=top)
    part = ProjectFactory(parent=middle)
    assert part.counting_ids() == sorted([top.pk, middle.pk, part.pk])
    assert middle.counting_ids() == sorted([top.pk, middle.pk])
    with django_assert_num_queries(0):
        assert top.counting_ids() == [top.pk]

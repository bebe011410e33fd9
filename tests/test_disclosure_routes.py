"""Every route a steering group member has, on random projects, attacked by linear differencing.

Hypothesis builds projects with nested goals (everyone who started ⊃ exited ⊃ completers, a
survey, the gender split, a count of participants), random people, follow-ups, answers, hours
and quarters. As a steering group member the test collects every figure the routes give: the
dashboard (its flow and hours tables), goals.json, the API's goals, the portfolio's CSV, the
quarter comparison, a snapshot locked today and `manage.py goals --suppress`. Each figure is
matched to the people it counts (the engine's bit sets, checked against the figure), and
tests/disclosure_attack.py tries to recover any set of 1 … threshold-1 people from them all
together. docs/disclosure.md describes the method.
"""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Project, Role
from enrolments.models import OutcomeStatus
from goals import engine
from goals.engine.population import Context
from goals.figures import (
    OWN,
    flow_gender_members,
    flow_members,
    hours_members,
    part_of,
    parts_members,
)
from goals.snapshots import lock_snapshot, locked_results
from interventions.models import Intervention
from reports.comparison import quarter_comparison

from .disclosure_attack import recoverable_small_sets
from .factories import InterventionFactory, MembershipFactory, ParticipationFactory, ProjectFactory
from .test_api import Api, token_for
from .test_goal_engine import add_follow_up_and_network, goal, person

pytestmark = pytest.mark.django_db
D = dt.date
OS = OutcomeStatus
TODAY = D(2010, 6, 30)
THRESHOLD = 5

PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "gender": st.sampled_from(["woman", "man", "other"]),
            "born": st.sampled_from([1950, 1975, 1990]),
            "region": st.sampled_from(["sweden", "africa", "asia"]),
            "quarter": st.integers(0, 3),
            "exit": st.sampled_from([None, "completed", "completed", "dropped_out"]),
            "follow_up": st.sampled_from(
                [None, "unrecorded", "unreached", OS.EMPLOYED_FULL_TIME, OS.STUDIES]
            ),
            "network": st.one_of(st.none(), st.integers(1, 5)),
            "hours": st.one_of(st.none(), st.integers(1, 40)),
            "second_course": st.booleans(),
        }
    ),
    max_size=45,
)


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = THRESHOLD


def make_project(people):
    project = ProjectFactory(follow_up_days=[90], starts_on=D(2009, 1, 1), ends_on=D(2010, 12, 31))
    goal(project, "follow_up_share", "work", target=0.45)
    goal(project, "follow_up_share", "work-exited", population="exited", target=0.45)
    goal(project, "survey_share", "network", question="network", target=0.9)
    goal(project, "gender_split", "women", population="all", target=0.4, target_high=0.6)
    goal(project, "participation_count", "courses", population="all", target=3)
    course = InterventionFactory(project=project)
    practice = InterventionFactory(project=project)
    for row in people:
        started = D(2009, 1 + 3 * row["quarter"], 10)
        enrolment = person(
            project,
            gender=row["gender"],
            born=row["born"],
            region=row["region"],
            exit=row["exit"],
            started_on=started,
            exited_on=started + dt.timedelta(days=60),
        )
        add_follow_up_and_network(enrolment, row)
        if row["hours"] is not None:
            ParticipationFactory(
                intervention=course,
                enrolment=enrolment,
                attended_hours=Decimal(row["hours"]),
                started_on=started,
            )
        if row["second_course"]:
            ParticipationFactory(
                intervention=practice, enrolment=enrolment, attended_hours=2, started_on=started
            )
    return project


# --- the people behind each figure ------------------------------------------------------------


class Sets:
    """Which people each figure a route may show counts (bit sets of the engine's universe)."""

    def __init__(self, project):
        context = Context(project, members=True)
        self.results = {r.key: r for r in engine.evaluate_project(project, context=context)}
        self.universe = context.universe
        self.everyone = (1 << len(self.universe.index)) - 1
        self.flow = flow_members(project, self.universe)
        self.genders = flow_gender_members(self.universe)
        self.hours = hours_members(project, self.universe)
        # A parent counts its parts' interventions (docs/rollups.md).
        self.category_names = {
            i.category.code: i.category.name
            for i in Intervention.objects.filter(project_id__in=context.project_ids).select_related(
                "category"
            )
        }
        # A parent's parts: which enrolments each part's participants in its table count.
        parts = part_of(project, context.project_ids)
        titles = dict(Project.objects.filter(parent=project).values_list("pk", "title"))
        self.parts = {
            titles[int(name)]: bits
            for name, bits in parts_members(self.universe, parts).items()
            if name != OWN
        }

    def universe_of(self, key) -> str:
        members = self.results[key].members
        return "enrolments" if members["universe"] is self.universe else "households"

    def goal(self, key, part, group=None):
        members = self.results[key].members
        n, num, missing = members["n"], members["num"], members.get("missing") or 0
        bits = {
            "numerator": num,
            "denominator": n,
            "missing": missing,
            "denominator_answered": n & ~missing,
            "rest": n & ~num,
        }[part]
        return bits if group is None else bits & group

    def group(self, dimension, name, key=None):
        universe = self.universe if key is None else self.results[key].members["universe"]
        return universe.group(dimension, name)

    def people_goals(self):
        return {k: r for k, r in self.results.items() if r.members is not None and not r.error}

    def candidates(self, universe: str):
        """Every figure about people of `universe` that could be shown, hidden or not."""
        out = []
        for key, result in self.people_goals().items():
            if self.universe_of(key) != universe:
                continue
            groups = [None]
            for dimension, cells in (result.breakdown or {}).items():
                groups += [self.group(dimension, name, key) for name in cells]
            for year in result.periods or {}:
                groups.append(self.group("exit_year", year, key) if year != "all" else None)
            if universe == "enrolments":
                groups += list(self.universe.groups.get("start_quarter", {}).values())
                groups += list(self.universe.groups.get("exit_quarter", {}).values())
            for group in groups:
                for part in ("numerator", "denominator", "missing", "rest"):
                    out.append(self.goal(key, part, group))
        if universe == "enrolments":
            for stage_bits in self.flow.values():
                out.append(stage_bits)
                out += [stage_bits & g for g in self.genders.values()]
            out += list(self.hours.values())
        return out

    def universe_size(self, universe: str) -> int:
        if universe == "enrolments":
            return len(self.universe.index)
        for key in self.people_goals():
            if self.universe_of(key) == universe:
                return len(self.results[key].members["universe"].index)
        return 0


class Shown:
    """The figures a reader was shown, each as (people, the number shown)."""

    def __init__(self):
        self.figures: list[tuple[str, int, int, str]] = []

    def add(self, members: int, number, where: str, universe: str = "enrolments"):
        if number is None or number == "":
            return
        number = int(number)
        assert number == members.bit_count(), f"{where}: shows {number}, counts {members}"
        assert number == 0 or number >= THRESHOLD, f"{where} shows {number}"
        self.figures.append((universe, members, number, where))

    def goal(self, sets, data, where):
        """A goal's figures as goals.json, the API and the command give them."""
        key = data["key"]
        if key not in sets.people_goals():
            return
        universe = sets.universe_of(key)
        for part in ("numerator", "denominator", "missing", "denominator_answered"):
            if part in data:
                self.add(sets.goal(key, part), data[part], f"{where} {key} {part}", universe)
        cells = [
            (sets.group(dimension, name, key), cell, f"{where} {key} {name}")
            for dimension, groups in (data.get("breakdown") or {}).items()
            for name, cell in groups.items()
        ]
        cells += [
            (None if year == "all" else sets.group("exit_year", year, key), cell, f"{key} {year}")
            for year, cell in (data.get("periods") or {}).items()
        ]
        for group, cell, label in cells:
            for part in ("numerator", "denominator", "missing"):
                self.add(sets.goal(key, part, group), cell[part], f"{label} {part}", universe)

    def attack(self, sets) -> list:
        leaks = []
        for universe in ("enrolments", "households"):
            shown = [m for u, m, _n, _w in self.figures if u == universe]
            leaks += recoverable_small_sets(
                shown, sets.candidates(universe), sets.universe_size(universe), THRESHOLD
            )
        return leaks


# --- the routes -------------------------------------------------------------------------------


def dashboard_tables(client, project, sets, shown):
    html = client.get(reverse("goals:dashboard", kwargs={"project_id": project.pk})).content
    html = html.decode()
    assert "Follow-ups due" not in html and "Uppföljningar som förfaller" not in html
    flow = re.search(r'<section aria-labelledby="flow-heading">(.*?)</section>', html, re.S)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</th>(.*?)</tr>", flow.group(1), re.S)
    stages = ["referred", "started", "exited", "followed_up"]
    for stage, cells in zip(stages, rows, strict=True):
        numbers = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        for gender, number in zip(["woman", "man", "other"], numbers[:3], strict=True):
            if number.isdigit():
                shown.add(sets.flow[stage] & sets.genders[gender], number, f"flow {stage}")
        if numbers[3].isdigit():
            shown.add(sets.flow[stage], numbers[3], f"flow {stage} total")
    hours = re.search(r'aria-labelledby="hours-heading">(.*?)</section>', html, re.S).group(1)
    body = hours.split("<tbody>")[1] if "<tbody>" in hours else ""
    for label, people in re.findall(
        r'<th scope="row">(.*?)</th>\s*<td class="number">[^<]*</td>\s*'
        r'<td class="number">(\d+)</td>',
        body,
    ):
        code = next(code for code, name in sets.category_names.items() if name == label)
        shown.add(sets.hours[code], people, f"hours {code}")
    parts = re.search(r'<table class="table parts-table">(.*?)</table>', html, re.S)
    for title, cells in re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", parts.group(1) if parts else "", re.S
    ):
        title = re.sub(r"<[^>]+>", "", title).strip()
        participants = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)[1].strip()
        if title in sets.parts and participants.isdigit():
            shown.add(sets.parts[title], participants, f"part {title}")


PORTFOLIO_HEADERS = {"numerator": "Count", "denominator": "Total", "missing": "Missing data"}


def portfolio_csv(client, project, sets, shown):
    with translation.override("en"):  # the download is written while it is read
        response = client.get(reverse("portfolio:portfolio") + "?format=csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        if int(row["Project number"]) != project.pk or row["Goal key"] not in sets.people_goals():
            continue
        universe = sets.universe_of(row["Goal key"])
        for part, header in PORTFOLIO_HEADERS.items():
            where = f"portfolio {row['Goal key']} {part}"
            shown.add(sets.goal(row["Goal key"], part), row[header], where, universe)


def quarters(project, membership, sets, shown):
    for entry in quarter_comparison(project, membership)["goals"]:
        result = sets.results[entry["key"]]
        dimension = "start_quarter" if result.population_date == "started_on" else "exit_quarter"
        for row, (label, *_days) in zip(entry["rows"], _quarter_labels(project), strict=True):
            cell = row["result"]
            if cell is None or cell["suppressed"]:
                continue
            group = sets.group(dimension, label)
            for part in ("numerator", "denominator"):
                number = getattr(cell["cell"], part)
                shown.add(sets.goal(entry["key"], part, group), number, f"quarter {label}")


def _quarter_labels(project):
    from goals.publication import quarters as calendar_quarters

    return calendar_quarters(project.starts_on, min(project.ends_on, TODAY))


# --- the property -----------------------------------------------------------------------------


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=PEOPLE)
def test_no_route_shows_or_gives_away_a_figure_about_fewer_than_five(client, people):
    project = make_project(people)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    sets = Sets(project)
    shown = Shown()
    client.force_login(steering.user)

    dashboard_tables(client, project, sets, shown)
    from_page = json.loads(
        client.get(reverse("goals:goals_json", kwargs={"project_id": project.pk})).content
    )
    for data in from_page:
        shown.goal(sets, data, "goals.json")
    api = Api(client, token_for(steering.user))
    from_api = api.get(f"/api/v1/projects/{project.pk}/goals/").json()
    out = io.StringIO()
    call_command("goals", str(project.pk), "--suppress", str(THRESHOLD), stdout=out)
    from_command = json.loads(out.getvalue())
    # One plan: every route shows the same figures.
    figures = ("numerator", "denominator", "missing", "value", "suppressed", "breakdown")

    def same(items):
        return [{k: d[k] for k in figures} for d in items]

    assert same(from_api) == same(from_page) == same(from_command)
    portfolio_csv(client, project, sets, shown)
    quarters(project, steering, sets, shown)
    snapshot = lock_snapshot(
        project=project, label="Today", period_start=project.starts_on, period_end=TODAY,
        by=manager.user,
    )  # fmt: skip
    for result in locked_results(snapshot, threshold=THRESHOLD):
        shown.goal(sets, result.to_dict(), "snapshot")

    leaks = shown.attack(sets)
    assert not leaks, f"recoverable sets of {[n for _m, n in leaks]} people"

"""The public page and its JSON on random small projects: no figure about 1 … threshold-1
people, every figure the one the people behind it give, and nothing recoverable by linear
differencing from the public page, its JSON and the steering group's dashboard together
(tests/test_disclosure_routes.py's projects and attack, docs/disclosure.md)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings

from core.models import Role
from reports import publishing

from .factories import MembershipFactory
from .test_disclosure_routes import (
    PEOPLE,
    THRESHOLD,
    TODAY,
    Sets,
    Shown,
    dashboard_tables,
    make_project,
)

pytestmark = pytest.mark.django_db
STAGES = ["referred", "started", "exited", "followed_up"]
GENDERS = ["woman", "man", "other"]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = THRESHOLD


def public_json(client, project, sets, shown):
    with translation.override("sv"):
        url = reverse("public:project_json", kwargs={"project_id": project.pk})
    data = client.get(url).json()
    results = data["results"]
    assert results["threshold"] == THRESHOLD
    for stage, row in results["flow"].items():
        shown.add(sets.flow[stage], row["total"], f"public.json flow {stage}")
        for gender, cell in row["by_gender"].items():
            where = f"public.json flow {stage} {gender}"
            shown.add(sets.flow[stage] & sets.genders[gender], cell["n"], where)
            assert (cell["n"] is None) == (cell["hidden"] is not None)
    for goal in results["goals"]:
        assert set(goal) >= {"numerator", "denominator"}
        assert "missing" not in goal and "breakdown" not in goal
        shown.goal(sets, goal, "public.json")
    return results


def public_html(client, project, sets, shown, language):
    with translation.override(language):
        url = reverse("public:project", kwargs={"project_id": project.pk})
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    flow = html.split('id="public-flow-caption"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</th>(.*?)</tr>", flow, re.S)
    for stage, cells in zip(STAGES, rows, strict=True):
        numbers = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        for gender, number in zip(GENDERS, numbers[:3], strict=True):
            if number.isdigit():
                shown.add(sets.flow[stage] & sets.genders[gender], number, f"page flow {stage}")
        if numbers[3].isdigit():
            shown.add(sets.flow[stage], numbers[3], f"page flow {stage} total")
    goals = {}
    for key, body in re.findall(r'<tr id="public-goal-([\w-]+)">(.*?)</tr>', html, re.S):
        fraction = re.search(r'<span class="nowrap">(\d+) / (\d+)</span>', body)
        goals[key] = fraction.groups() if fraction else None
        if fraction and key in sets.people_goals():
            universe = sets.universe_of(key)
            shown.add(sets.goal(key, "numerator"), fraction[1], f"page {key}", universe)
            shown.add(sets.goal(key, "denominator"), fraction[2], f"page {key}", universe)
    return goals


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=PEOPLE)
def test_the_public_page_gives_away_no_figure_about_fewer_than_the_threshold(client, people):
    project = make_project(people)
    manager = MembershipFactory(project=project, role=Role.MANAGER)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    publishing.publish(project, by=manager.user)
    sets = Sets(project)
    shown = Shown()
    anonymous = Client()
    results = public_json(anonymous, project, sets, shown)
    sv = public_html(anonymous, project, sets, shown, "sv")
    en = public_html(anonymous, project, sets, shown, "en")
    # The page and the JSON show the same goal figures.
    from_json = {
        g["key"]: None if g["numerator"] is None else (str(g["numerator"]), str(g["denominator"]))
        for g in results["goals"]
        if g["denominator"] is None or g["numerator"] is not None
    }
    assert sv == en
    assert {k: v for k, v in sv.items() if k in from_json} == from_json
    # Together with what the steering group sees on the dashboard (the same plan).
    client.force_login(steering.user)
    # In Swedish, as tests/test_disclosure_routes.py reads it (the "en" request above left
    # English active in this thread).
    with translation.override("sv"):
        dashboard_tables(client, project, sets, shown)
    leaks = shown.attack(sets)
    assert not leaks, f"recoverable sets of {[n for _m, n in leaks]} people"

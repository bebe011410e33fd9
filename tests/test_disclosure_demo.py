"""The demo, read as its steering group and evaluator would: every project's dashboard (flow and
hours), goals.json, the portfolio's CSV and the quarters, attacked together by linear
differencing (tests/disclosure_attack.py). No figure about fewer than 5 people is shown, none
can be worked out.

`load_demo` runs once for the module inside a transaction that is rolled back at the end."""

import json

import pytest
from django.urls import reverse

from core.models import Membership, Project, Role

from .demo_data import DEMO_TODAY, demo  # noqa: F401 - the module's demo data
from .test_disclosure_routes import THRESHOLD, Sets, Shown, dashboard_tables, portfolio_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = DEMO_TODAY
    settings.SUPPRESSION_THRESHOLD = THRESHOLD


def reader_in(project, role):
    """The demo's own login of that role when it is a member, else a new member."""
    from .factories import MembershipFactory

    own = Membership.objects.filter(project=project, role=role, user__username=role).first()
    return own or MembershipFactory(project=project, role=role)


def demo_projects():
    return list(Project.objects.order_by("title").values_list("title", flat=True))


@pytest.mark.parametrize("role", [Role.STEERING, Role.EVALUATOR])
def test_every_demo_project_as_an_aggregate_only_role(client, role):
    titles = demo_projects()
    assert len(titles) >= 5
    shown_anything = 0
    for title in titles:
        project = Project.objects.get(title=title)
        member = reader_in(project, role)
        client.force_login(member.user)
        sets = Sets(project)
        shown = Shown()
        dashboard_tables(client, project, sets, shown)
        page = client.get(reverse("goals:goals_json", kwargs={"project_id": project.pk}))
        for data in json.loads(page.content):
            shown.goal(sets, data, f"{title} goals.json")
        portfolio_csv(client, project, sets, shown)
        leaks = shown.attack(sets)
        assert not leaks, f"{title}: recoverable sets of {[n for _m, n in leaks]} people"
        shown_anything += sum(1 for _u, _m, n, _w in shown.figures if n)
    # The protection leaves the steering group something to read.
    assert shown_anything > 50

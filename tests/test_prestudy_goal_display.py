"""The pre-study goals on the Goals page: an activity goal's breakdown names the intervention
categories in the reader's language, and judges a category only against a target per category
the goal sets — never against the whole goal's target (issue 15)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import Role
from goals.services import create_goal
from interventions.models import InterventionCategory
from prestudy.models import ProposedActivity

from .factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db
CATEGORIES = ["outreach", "basic_education", "internship"]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"


def _project(**parameters):
    project = ProjectFactory(
        phase="pre_study", starts_on=dt.date(2009, 9, 1), ends_on=dt.date(2010, 5, 31)
    )
    for title, code in [("A", "internship"), ("B", "internship"), ("C", "outreach")]:
        ProposedActivity.objects.create(
            project=project, title=title, category=InterventionCategory.objects.get(code=code)
        )
    create_goal(
        project=project,
        key="activities",
        title="Minst 10 verksamheter",
        title_en="At least 10 activities",
        template="activity_count",
        parameters={"categories": CATEGORIES, "target": 10, **parameters},
        by=None,
    )
    manager = MembershipFactory(project=project, role=Role.MANAGER).user
    return project, manager


def _rows(client, project, user, lang):
    client.force_login(user)
    with translation.override(lang):
        html = client.get(reverse("goals:dashboard", args=[project.pk])).content.decode()
    caption = re.search(r'<caption id="breakdown-activities-1-caption">([^<]*)</caption>', html)
    table = html[caption.end() : html.index("</table>", caption.end())]
    rows = re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>', table, re.S)
    return caption.group(1), {name: re.sub(r"<[^>]+>|\s+", " ", rest) for name, rest in rows}


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_categories_are_named_and_only_counted_without_a_target_per_category(client, lang):
    project, manager = _project()
    caption, rows = _rows(client, project, manager, lang)
    with translation.override(lang):
        names = {str(c) for c in InterventionCategory.objects.filter(code__in=CATEGORIES)}
        met = str(translation.gettext("Met"))
    assert set(rows) == names
    assert not any(code in caption or code in rows for code in CATEGORIES)
    # 2 internships against the goal's ≥ 10 are not "met": each category is only counted.
    assert not any(met in cells for cells in rows.values())


def test_a_target_per_category_judges_each_category():
    project, manager = _project(per_category_target=2)
    from django.test import Client

    _caption, rows = _rows(Client(), project, manager, "en")
    assert "✓  Met" in rows["Internship / work practice"]
    assert "Not met" in rows["Outreach and motivation"] and "Not met" in rows["Basic education"]

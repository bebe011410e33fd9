"""The pre-study checklist's one rule (prestudy/checklist.py), tried by Hypothesis against an
independent reading of it: for any registers and any recorded deliverables, the checklist page's
status, the `prestudy_checklist` goal and the rule written out here agree item by item — an
item is done only when it is recorded done *and* its register backs it."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import ProjectPartner, TargetGroup
from goals.engine import evaluate_project
from goals.services import create_goal
from interventions.models import InterventionCategory
from prestudy import checklist
from prestudy.models import (
    Deliverable,
    ProposedActivity,
    Risk,
    SwotItem,
    TargetGroupMapping,
)

from .factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2009, 3, 1)
QUADRANTS = ["strength", "weakness", "opportunity", "threat"]

REGISTERS = st.fixed_dictionaries(
    {
        "mappings": st.integers(0, 2),
        "activities": st.integers(0, 2),
        "risks": st.integers(0, 2),
        "quadrants": st.sets(st.sampled_from(QUADRANTS)),
        # each partner: confirmed or not
        "partners": st.lists(st.booleans(), max_size=3),
    }
)
# item -> None (no row), False (recorded not done), True (recorded done)
RECORDED = st.fixed_dictionaries(
    {item: st.sampled_from([None, False, True]) for item in checklist.ITEMS}
)


def _expected(registers, recorded) -> dict[str, bool]:
    backed = {
        "target_groups_mapped": registers["mappings"] > 0,
        "interventions_specified": registers["activities"] > 0,
        "risk_analysis": registers["risks"] > 0,
        "gender_swot": registers["quadrants"] == set(QUADRANTS),
        "partners_confirmed": bool(registers["partners"]) and all(registers["partners"]),
        "application_submitted": True,
    }
    return {item: bool(recorded[item]) and backed[item] for item in checklist.ITEMS}


@hsettings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(registers=REGISTERS, recorded=RECORDED)
def test_the_page_and_the_goal_follow_the_one_rule(registers, recorded):
    project = ProjectFactory(phase="pre_study")
    for i in range(registers["mappings"]):
        group = TargetGroup.objects.create(project=project, code=f"g{i}", name=f"G{i}")
        TargetGroupMapping.objects.create(
            project=project, target_group=group, findings="…", mapped_on=ON
        )
    category = InterventionCategory.objects.get(code="internship")
    for i in range(registers["activities"]):
        ProposedActivity.objects.create(project=project, title=f"A{i}", category=category)
    for i in range(registers["risks"]):
        Risk.objects.create(
            project=project, description=f"R{i}", likelihood=2, impact=2, assessed_on=ON
        )
    for quadrant in registers["quadrants"]:
        SwotItem.objects.create(project=project, quadrant=quadrant, text="x", recorded_on=ON)
    for confirmed in registers["partners"]:
        ProjectPartner.objects.create(
            project=project,
            organisation=OrganisationFactory(),
            is_partner=True,
            confirmed_on=ON if confirmed else None,
        )
    for item, done in recorded.items():
        if done is not None:
            Deliverable.objects.create(
                project=project, item=item, done_on=ON if done else None, evidence="x"
            )
    create_goal(
        project=project,
        key="checklist",
        title="Förstudien klar",
        template="prestudy_checklist",
        parameters={},
        by=None,
    )
    expected = _expected(registers, recorded)

    page = {item: row["done"] for item, row in checklist.status(project.pk).items()}
    assert page == expected
    (result,) = evaluate_project(project)
    goal = {item: bool(cell.value) for item, cell in result.breakdown["item"].items()}
    assert goal == expected
    assert result.numerator == sum(expected.values())
    assert (result.status == "met") == all(expected.values())

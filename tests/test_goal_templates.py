"""Goal templates: every row of SPEC's goal table has one, and a definition that cannot be
computed is refused with the parameter named."""

import pytest
from django.core.exceptions import ValidationError

from core.models import TargetGroup
from goals import definitions
from goals.definitions import TEMPLATES, validate_parameters
from goals.models import Goal, GoalVersion

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db

SPEC_ROWS = {
    "exit_or_survey_share",
    "follow_up_share_vs_reference",
    "survey_share",
    "survey_change",  # issue 5 item 1: a survey answer's change between occasions
    "follow_up_share",
    "follow_up_share_among_not_in_work",
    "gender_split",
    "stakeholder_count",
    "activity_count",
    "participation_count",
    "household_share",
    "prestudy_checklist",
}


def test_every_row_of_the_goal_table_has_a_template_with_a_computation():
    assert set(TEMPLATES) == SPEC_ROWS
    for template in TEMPLATES.values():
        assert callable(template.compute), template.code
        assert template.compute.__doc__, template.code
        assert str(template.description) and str(template.title)
        assert template.kind in ("share", "count", "checklist")
        assert template.comparators


def test_defaults_are_filled_in():
    project = ProjectFactory(follow_up_days=[90, 180])
    cleaned = validate_parameters("follow_up_share", {"target": 0.45}, project)
    assert cleaned["day"] == 90 and cleaned["population"] == "completers"
    assert cleaned["comparator"] == "gte"
    assert "employed_full_time" in cleaned["statuses"]
    assert validate_parameters("prestudy_checklist", {}, project)["items"] == list(
        definitions.CHECKLIST_ITEMS
    )


def refused(template, parameters, project=None) -> dict:
    project = project or ProjectFactory(follow_up_days=[90, 180])
    with pytest.raises(ValidationError) as error:
        validate_parameters(template, parameters, project)
    return error.value.message_dict


@pytest.mark.parametrize(
    "template,parameters,named",
    [
        ("survey_share", {"question": "happiness", "target": 0.9}, "question"),
        ("survey_share", {"question": "network", "occasion": "later", "target": 0.9}, "occasion"),
        (
            "survey_share",
            {"question": "network", "min_answer": 5, "max_answer": 3, "target": 0.9},
            "min_answer",
        ),
        ("survey_share", {"question": "network", "min_answer": 6, "target": 0.9}, "min_answer"),
        ("survey_change", {"question": "happiness", "target": 0.6}, "question"),
        (
            "survey_change",
            {"question": "network", "from_occasion": "exit", "target": 0.6},
            "to_occasion",
        ),
        ("survey_change", {"question": "network", "min_change": -1, "target": 0.6}, "min_change"),
        ("follow_up_share", {"day": 30, "target": 0.45}, "day"),
        ("follow_up_share", {"statuses": ["employed", "studies"], "target": 0.45}, "statuses"),
        ("follow_up_share", {"statuses": [], "target": 0.45}, "statuses"),
        ("follow_up_share", {"target": 45}, "target"),
        ("follow_up_share", {}, "target"),
        ("follow_up_share", {"target": 0.4, "population": "everybody"}, "population"),
        ("follow_up_share", {"target": 0.4, "target_group": "nobody"}, "target_group"),
        ("follow_up_share", {"target": 0.4, "area": "Atlantis"}, "area"),
        ("follow_up_share", {"target": 0.4, "period_from": "2010-13-01"}, "period_from"),
        (
            "follow_up_share",
            {"target": 0.4, "period_from": "2011-01-01", "period_to": "2010-01-01"},
            "period_from",
        ),
        ("follow_up_share", {"target": 0.4, "comparator": "ref_plus"}, "comparator"),
        ("follow_up_share", {"target": 0.4, "colour": "blue"}, "colour"),
        ("gender_split", {"target": 0.6, "target_high": 0.4}, "target"),
        ("gender_split", {"comparator": "range", "target_high": None}, "target_high"),
        ("gender_split", {"gender": "female"}, "gender"),
        ("activity_count", {"categories": ["juggling"], "target": 10}, "categories"),
        ("stakeholder_count", {"target": -1}, "target"),
        ("stakeholder_count", {"target": 25, "only_with_workshop": "yes"}, "only_with_workshop"),
        ("participation_count", {"labour_market_statuses": ["bored"]}, "labour_market_statuses"),
        ("participation_count", {"income_sources": ["lottery"]}, "income_sources"),
        ("participation_count", {"age_below": 0}, "age_below"),
        ("follow_up_share_vs_reference", {"delta_pp": 250}, "delta_pp"),
        ("prestudy_checklist", {"items": ["budget_done"]}, "items"),
        ("exit_or_survey_share", {"statuses": ["unknown_status"], "target": 0.7}, "statuses"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(template, parameters, named):
    errors = refused(template, parameters)
    assert named in errors, errors
    assert errors[named][0]


def test_the_follow_up_day_is_checked_against_the_project():
    project = ProjectFactory(follow_up_days=[180])
    errors = refused("follow_up_share", {"target": 0.45}, project)  # default day 90
    assert "180" in errors["day"][0]
    assert validate_parameters("follow_up_share", {"target": 0.45, "day": 180}, project)


def test_the_project_default_follow_up_days_are_used_when_none_are_set():
    project = ProjectFactory(follow_up_days=[])
    assert validate_parameters("follow_up_share", {"target": 0.45, "day": 180}, project)


def test_an_unknown_template_is_refused():
    assert "template" in refused("happiness_index", {})


def test_target_group_and_area_of_the_project_are_accepted():
    project = ProjectFactory()
    TargetGroup.objects.create(project=project, code="unga", name="Unga")
    cleaned = validate_parameters(
        "follow_up_share", {"target": 0.4, "target_group": "unga"}, project
    )
    assert cleaned["target_group"] == "unga"


def test_a_target_group_code_given_as_a_number_is_compared_as_text():
    """A code of digits given as a number (JSON from the API, say) names the group, as the
    database compares it: a stored goal so given stays computable."""
    project = ProjectFactory()
    TargetGroup.objects.create(project=project, code="2024", name="Årskull 2024")
    cleaned = validate_parameters("follow_up_share", {"target": 0.4, "target_group": 2024}, project)
    assert cleaned["target_group"] == 2024
    refused("follow_up_share", {"target": 0.4, "target_group": 2023}, project)


def test_messages_are_in_the_active_language(english):
    errors = refused("survey_share", {"question": "happiness", "target": 0.9})
    assert errors["question"] == ["Unknown survey question “happiness”."]


def test_goal_version_clean_validates_for_the_admin():
    project = ProjectFactory(follow_up_days=[90])
    goal = Goal.objects.create(project=project, key="k")
    version = GoalVersion(
        goal=goal, version=1, title="T", template="follow_up_share", parameters={"day": 180}
    )
    with pytest.raises(ValidationError) as error:
        version.full_clean()
    assert any(m.startswith("day:") for m in error.value.message_dict["parameters"])
    version.parameters = {"target": 0.5}
    version.full_clean()
    assert version.parameters["day"] == 90

"""The goal template "survey_change": the share whose survey answer rose between two occasions
(issue 5, item 1: "a survey answer or its change between occasions"). A hand-computed case,
the answers missing on either occasion counted, the breakdowns, a fixed number of queries, the
definitions refused at save, and the editor's form."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import Role
from goals.definitions import validate_parameters
from goals.engine import evaluate_project
from goals.models import Goal
from goals.services import create_goal
from reports.display import missing_text

from .factories import MembershipFactory, ProjectFactory
from .test_goal_engine import answer, assert_share, goal, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


def both(enrolment, before, after, question="self_confidence", occasions=("entry", "exit")):
    if before is not None:
        answer(enrolment, question, before, occasion=occasions[0])
    if after is not None:
        answer(enrolment, question, after, occasion=occasions[1])
    return enrolment


@pytest.fixture
def cohort():
    """Eight completers and one who dropped out, self-confidence at entry and at exit:

    woman A 2 → 4 (+2), man B 3 → 4 (+1), woman C 3 → 3 (0), man D 4 → 2 (−2),
    woman E 2 → — (no exit answer), woman F — → 5 (no entry answer),
    man G answered another question only (network 1 → 5),
    man I 1 at entry and 5 at the follow-up, nothing at exit;
    man H 1 → 5 dropped out: not in the population of completers.
    """
    p = ProjectFactory()
    both(person(p, exit="completed", gender="woman"), 2, 4)
    both(person(p, exit="completed", gender="man"), 3, 4)
    both(person(p, exit="completed", gender="woman"), 3, 3)
    both(person(p, exit="completed", gender="man"), 4, 2)
    both(person(p, exit="completed", gender="woman"), 2, None)
    both(person(p, exit="completed", gender="woman"), None, 5)
    both(person(p, exit="completed", gender="man"), 1, 5, question="network")
    both(person(p, exit="completed", gender="man"), 1, 5, occasions=("entry", "follow_up"))
    both(person(p, exit="dropped_out", gender="man"), 1, 5)
    return p


def test_survey_change_hand_computed(cohort):
    p = cohort
    goal(p, "survey_change", key="up", question="self_confidence", target=0.7)
    goal(p, "survey_change", key="not-lower", question="self_confidence", min_change=0,
         target=0.3)  # fmt: skip
    goal(p, "survey_change", key="later", question="self_confidence", to_occasion="follow_up",
         target=0.1)  # fmt: skip
    goal(p, "survey_change", key="everyone", question="self_confidence", population="exited",
         min_change=2, target=0.1)  # fmt: skip
    up, not_lower, later, everyone = evaluate_project(p)

    # A and B rose at least a step, of 8 completers; E, F, G and I lack an answer.
    assert_share(up, 2, 8, 4, "not_met")
    assert up.value_answered == pytest.approx(2 / 4) and up.denominator_answered == 4
    assert up.template == "survey_change" and up.comparator == "gte"
    # 0 = not lower: A, B and C.
    assert_share(not_lower, 3, 8, 4)
    assert not_lower.value_answered == pytest.approx(3 / 4)
    # Entry to follow-up: only I answered both, 1 → 5.
    assert_share(later, 1, 8, 7)
    assert later.value_answered == 1.0
    # Every exited (H too), at least two steps: A and H.
    assert_share(everyone, 2, 9, 4)


def test_survey_change_breakdown_by_gender(cohort):
    goal(cohort, "survey_change", question="self_confidence", target=0.7)
    (result,) = evaluate_project(cohort)
    gender = result.breakdown["gender"]
    assert (gender["woman"].numerator, gender["woman"].denominator, gender["woman"].missing) == (
        1, 4, 2,
    )  # fmt: skip
    assert (gender["man"].numerator, gender["man"].denominator, gender["man"].missing) == (1, 4, 2)
    assert gender["other"].denominator == 0 and gender["other"].status == "no_data"
    assert set(result.breakdown) == {
        "gender",
        "age_band",
        "region_of_birth",
        "target_group",
        "area",
    }
    with translation.override("en"):
        assert missing_text(result) == "4 without an answer"


def test_survey_change_over_nobody_is_no_data():
    p = ProjectFactory()
    goal(p, "survey_change", question="network", target=0.5)
    (result,) = evaluate_project(p)
    assert result.status == "no_data" and result.value is None and result.denominator == 0


def test_small_cells_are_suppressed_for_aggregate_only_roles(cohort):
    goal(cohort, "survey_change", question="self_confidence", target=0.7)
    from goals import publication

    (result,) = evaluate_project(cohort)
    publication.apply([result], publication.build_plan([result], 5))
    # Eight people, but only two whose answer rose: a figure about two people, so the goal is
    # hidden whole from the aggregate-only roles, and so are its breakdowns.
    assert result.suppressed and result.reason == "small_part" and result.denominator is None
    for groups in result.breakdown.values():
        for cell in groups.values():
            assert cell.suppressed or cell.denominator == 0


def _cohort_of(n: int):
    p = ProjectFactory()
    for i in range(n):
        e = person(p, exit="completed", gender=["woman", "man"][i % 2])
        both(e, 1 + i % 5, 1 + (i * 2) % 5)
    goal(p, "survey_change", question="self_confidence", target=0.6)
    return p


def test_the_number_of_queries_does_not_grow_with_the_participants():
    small, large = _cohort_of(4), _cohort_of(40)
    with CaptureQueriesContext(connection) as few:
        evaluate_project(small)
    with CaptureQueriesContext(connection) as many:
        (result,) = evaluate_project(large)
    # A fixed budget: the engine's statements, plus one for the project tree the roll-up asks
    # (core.models.Project.counted_project_ids: a project without parts is one query), plus two
    # for the goal's question (the projects above, and that the question is one of theirs).
    assert len(few) == len(many) <= 13
    assert result.denominator == 40
    expected = sum(1 for i in range(40) if (1 + (i * 2) % 5) - (1 + i % 5) >= 1)
    assert result.numerator == expected


# --- refused at save --------------------------------------------------------------------------


def refused(parameters) -> dict:
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        validate_parameters("survey_change", parameters, project)
    return error.value.message_dict


@pytest.mark.parametrize(
    "parameters,named",
    [
        ({"target": 0.6}, "question"),
        ({"question": "happiness", "target": 0.6}, "question"),
        ({"question": "network", "from_occasion": "later", "target": 0.6}, "from_occasion"),
        ({"question": "network", "to_occasion": "never", "target": 0.6}, "to_occasion"),
        ({"question": "network", "from_occasion": "exit", "target": 0.6}, "to_occasion"),
        (
            {
                "question": "network",
                "from_occasion": "follow_up",
                "to_occasion": "entry",
                "target": 0.6,
            },
            "to_occasion",
        ),  # fmt: skip
        ({"question": "network", "min_change": -1, "target": 0.6}, "min_change"),
        ({"question": "network", "min_change": 5, "target": 0.6}, "min_change"),
        ({"question": "network", "min_change": "1", "target": 0.6}, "min_change"),
        ({"question": "network", "min_change": True, "target": 0.6}, "min_change"),
        ({"question": "network", "target": 60}, "target"),
        ({"question": "network", "comparator": "ref_plus", "target": 0.6}, "comparator"),
    ],
)
def test_bad_definitions_are_refused_naming_the_parameter(parameters, named):
    errors = refused(parameters)
    assert named in errors, errors
    assert errors[named][0]


def test_the_same_occasion_twice_is_refused_with_the_reason(english):
    errors = refused({"question": "network", "from_occasion": "exit", "to_occasion": "exit",
                      "target": 0.6})  # fmt: skip
    assert errors["to_occasion"] == [
        "Choose two different occasions: a change needs an earlier and a later answer."
    ]


def test_defaults_and_nothing_saved_when_refused():
    p = ProjectFactory()
    cleaned = validate_parameters("survey_change", {"question": "network", "target": 0.6}, p)
    assert (cleaned["from_occasion"], cleaned["to_occasion"], cleaned["min_change"]) == (
        "entry", "exit", 1,
    )  # fmt: skip
    assert cleaned["population"] == "completers" and cleaned["comparator"] == "gte"
    with pytest.raises(ValidationError):
        create_goal(project=p, key="x", title="X", template="survey_change",
                    parameters={"question": "network", "to_occasion": "entry", "target": 0.6},
                    by=None)  # fmt: skip
    assert not Goal.objects.filter(project=p).exists()


# --- the editor -------------------------------------------------------------------------------

POST = {
    "template": "survey_change",
    "title": "Självförtroendet har ökat",
    "title_en": "Self-confidence has risen",
    "population": "completers",
    "question": "self_confidence",
    "from_occasion": "entry",
    "to_occasion": "exit",
    "min_change": "0",
    "comparator": "gte",
    "target": "60",
}


def test_the_editor_previews_and_saves_a_survey_change_goal(client, cohort):
    manager = MembershipFactory(project=cohort, role=Role.MANAGER)
    client.force_login(manager.user)
    new = reverse("goal_editor:new", kwargs={"project_id": cohort.pk})
    page = html.unescape(client.get(new + "?template=survey_change").content.decode())
    for name in ("from_occasion", "to_occasion", "min_change", "question"):
        assert f'name="{name}"' in page
    response = client.post(new, {**POST, "preview": "1"})
    content = html.unescape(response.content.decode())
    preview = re.search(r'<section class="goal-preview".*?</section>', content, re.S).group(0)
    assert re.search(r"3\s*/\s*8", preview)  # A, B and C not lower, of 8 completers
    assert re.search(r"37[.,]5\s*%", preview)
    assert not Goal.objects.filter(project=cohort).exists()
    saved = client.post(new, {**POST, "save": "1"})
    assert saved.status_code == 302
    version = Goal.objects.get(project=cohort).current_version
    assert version.parameters["min_change"] == 0 and version.template == "survey_change"


def test_the_editor_shows_the_reason_next_to_the_later_occasion(client, cohort):
    manager = MembershipFactory(project=cohort, role=Role.MANAGER)
    client.force_login(manager.user)
    new = reverse("goal_editor:new", kwargs={"project_id": cohort.pk})
    response = client.post(new, {**POST, "to_occasion": "entry", "save": "1"})
    assert response.status_code == 200
    assert 'id="id_to_occasion_error"' in response.content.decode()
    assert not Goal.objects.filter(project=cohort).exists()

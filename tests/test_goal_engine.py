"""The goal engine: a small hand-computed case for every template, statuses at their
boundaries, Wilson against known values, suppression, a fixed number of queries, and property
tests comparing the engine with a plain Python computation over random data."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import Area, LogEntry, Municipality, ProjectPartner, TargetGroup
from enrolments.models import IN_WORK_STATUSES, FollowUp, OutcomeStatus, Status
from goals import publication
from goals.engine import Cell, GoalResult, evaluate_project
from goals.engine.results import status_for
from goals.models import Goal, GoalVersion, ReferenceProgramme, ReferenceValue
from goals.services import create_goal, save_goal_version
from goals.stats import wilson_interval
from interventions.models import InterventionCategory
from participants.models import Household
from prestudy import checklist
from prestudy.models import (
    Deliverable,
    ProposedActivity,
    Risk,
    Stakeholder,
    SwotItem,
    TargetGroupMapping,
    Workshop,
)
from surveys.models import SurveyAnswer
from surveys.services import template_question

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    InterventionFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
OS = OutcomeStatus
EXIT, START = D(2009, 6, 1), D(2009, 2, 15)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


# --- building small data sets -----------------------------------------------------------------


def person(
    project,
    *,
    gender="woman",
    born=1980,
    region="sweden",
    exit=None,
    exit_status="",
    exited_on=EXIT,
    started_on=START,
    status=None,
    area=None,
    target_groups=(),
    labour_market_status="",
    income_source="",
    exit_income="",
):
    """An enrolment of a new anonymous participant; exit = an exit reason (exited) or None."""
    participant = AnonymousParticipantFactory(
        gender=gender, birth_year=born, region_of_birth=region
    )
    fields = {"status": status or Status.ACTIVE}
    if exit:
        fields = {
            "status": status or Status.EXITED,
            "exited_on": exited_on,
            "exit_reason": exit,
            "exit_status": exit_status or OS.JOB_SEEKING,
            "exit_income_source": exit_income,
        }
    enrolment = EnrolmentFactory(
        project=project,
        participant=participant,
        referred_on=min(started_on or D(2009, 2, 1), D(2009, 2, 1)),
        started_on=started_on,
        area=area,
        labour_market_status=labour_market_status,
        income_source=income_source,
        **fields,
    )
    if target_groups:
        enrolment.target_groups.set(target_groups)
    return enrolment


def follow_up(enrolment, day, status=None, *, reached=True):
    """reached True with a status, False = not reached, None = due but not recorded."""
    recorded = reached is not None
    return FollowUp.objects.create(
        enrolment=enrolment,
        day=day,
        due_on=enrolment.exited_on + dt.timedelta(days=day),
        reached=reached,
        status=status if reached else "",
        source="register" if reached else "",
        recorded_on=enrolment.exited_on + dt.timedelta(days=day) if recorded else None,
    )


def answer(enrolment, question, value, occasion="exit"):
    SurveyAnswer.objects.create(
        enrolment=enrolment,
        occasion=occasion,
        question=template_question(enrolment.project, question),
        value=value,
        answered_on=D(2009, 6, 1),
    )


def add_follow_up_and_network(enrolment, row):
    """A generated row's day-90 follow-up ("unrecorded", "unreached" or a status) and its
    network answer, for an exited row."""
    if row["exit"] and row["follow_up"]:
        if row["follow_up"] == "unrecorded":
            follow_up(enrolment, 90, reached=None)
        elif row["follow_up"] == "unreached":
            follow_up(enrolment, 90, reached=False)
        else:
            follow_up(enrolment, 90, row["follow_up"])
    if row["exit"] and row["network"]:
        answer(enrolment, "network", row["network"])


def goal(project, template, key=None, **parameters):
    create_goal(
        project=project,
        key=key or template.replace("_", "-"),
        title=f"Mål {template}",
        title_en=f"Goal {template}",
        template=template,
        parameters=parameters,
        by=None,
    )


def only(project, **kwargs) -> GoalResult:
    (result,) = evaluate_project(project, **kwargs)
    return result


def assert_share(result, numerator, denominator, missing, target_status=None):
    assert (result.numerator, result.denominator, result.missing) == (
        numerator,
        denominator,
        missing,
    )
    assert result.value == pytest.approx(numerator / denominator)
    low, high = wilson_interval(numerator, denominator)
    assert (result.ci_low, result.ci_high) == (pytest.approx(low), pytest.approx(high))
    if target_status:
        assert result.status == target_status


def figures(cell):
    return (cell.numerator, cell.denominator, cell.missing)


# --- Wilson and status rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    "successes,n,low,high",
    [
        (8, 10, 0.4902, 0.9433),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (51, 131, 0.3100, 0.4746),
        (1, 2, 0.0945, 0.9055),
    ],
)
def test_wilson_interval_known_values(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=5e-4)
    assert got_high == pytest.approx(high, abs=5e-4)


def test_wilson_interval_of_nothing_is_none():
    assert wilson_interval(0, 0) == (None, None)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


@pytest.mark.parametrize(
    "low,high,comparator,target,target_high,expected",
    [
        (0.7, 0.9, "gte", 0.7, None, "met"),  # lower bound exactly on the target
        (0.69, 0.9, "gte", 0.7, None, "uncertain"),
        (0.5, 0.7, "gte", 0.7, None, "uncertain"),  # upper bound touches the target
        (0.5, 0.6999, "gte", 0.7, None, "not_met"),
        (0.5, 0.7, "ref_plus", 0.7, None, "uncertain"),
        (0.1, 0.3, "lte", 0.3, None, "met"),
        (0.3, 0.5, "lte", 0.3, None, "uncertain"),
        (0.3001, 0.5, "lte", 0.3, None, "not_met"),
        (0.4, 0.6, "range", 0.4, 0.6, "met"),
        (0.39, 0.55, "range", 0.4, 0.6, "uncertain"),
        (0.45, 0.61, "range", 0.4, 0.6, "uncertain"),
        (0.2, 0.39, "range", 0.4, 0.6, "not_met"),
        (0.61, 0.7, "range", 0.4, 0.6, "not_met"),
    ],
)
def test_status_at_the_boundaries(low, high, comparator, target, target_high, expected):
    value = (low + high) / 2
    assert status_for(value, low, high, comparator, target, target_high) == expected


@pytest.mark.parametrize(
    "value,comparator,target,target_high,expected",
    [
        (25, "gte", 25, None, "met"),
        (24, "gte", 25, None, "not_met"),
        (3, "lte", 3, None, "met"),
        (4, "lte", 3, None, "not_met"),
        (5, "range", 5, 10, "met"),
        (11, "range", 5, 10, "not_met"),
        (None, "gte", 25, None, "no_data"),
        (3, "gte", None, None, "no_data"),
    ],
)
def test_count_status_by_value(value, comparator, target, target_high, expected):
    assert status_for(value, None, None, comparator, target, target_high) == expected


# --- one hand-computed case per template ------------------------------------------------------


def test_exit_or_survey_share():
    p = ProjectFactory()
    person(p, exit="completed", exit_status=OS.EMPLOYED_FULL_TIME)  # work: yes
    b = person(p, gender="man", exit="completed")  # job seeking, answers 4: yes
    answer(b, "job_chances", 4)
    c = person(p, exit="completed")  # answers 3: no
    answer(c, "job_chances", 3)
    person(p, gender="man", exit="completed", exit_status=OS.STUDIES)  # no answer: missing
    e = person(p, exit="completed", exit_status=OS.SELF_EMPLOYED)  # work, answer 2: yes
    answer(e, "job_chances", 2)
    h = person(p, exit="completed")  # answered at entry only: missing
    answer(h, "job_chances", 5, occasion="entry")
    f = person(p, exit="dropped_out", exit_status=OS.EMPLOYED_FULL_TIME)  # not a completer
    answer(f, "job_chances", 5)
    person(p)  # still active: not in the population
    goal(p, "exit_or_survey_share", target=0.7)

    result = only(p)
    assert_share(result, 3, 6, 2, "uncertain")
    assert result.value_answered == pytest.approx(3 / 4)
    assert result.denominator_answered == 4
    assert result.kind == "share" and result.comparator == "gte" and result.target == 0.7
    gender = result.breakdown["gender"]
    assert figures(gender["woman"]) == (2, 4, 1)
    assert figures(gender["man"]) == (1, 2, 1)
    assert figures(gender["other"]) == (0, 0, 0) and gender["other"].status == "no_data"


@pytest.fixture
def follow_up_cohort():
    """Seven completers whose day-90 follow-up is due, one whose is not yet."""
    p = ProjectFactory(follow_up_days=[90, 180])
    a = person(p, exit="completed", born=1990)
    follow_up(a, 90, OS.EMPLOYED_PART_TIME)  # in work
    b = person(p, exit="completed", born=1950, gender="man")
    follow_up(b, 90, OS.SELF_EMPLOYED)  # in work
    c = person(p, exit="completed", gender="man")
    follow_up(c, 90, OS.JOB_SEEKING)
    d = person(p, exit="completed")
    follow_up(d, 90, reached=False)  # missing: not reached
    e = person(p, exit="completed")
    follow_up(e, 90, reached=None)  # missing: not recorded
    person(p, exit="completed", gender="other")  # missing: no follow-up row at all
    g = person(p, exit="completed")
    follow_up(g, 90, OS.STUDIES)
    follow_up(g, 180, OS.EMPLOYED_FULL_TIME)  # day 180 does not count for day 90
    late = person(p, exit="completed", exited_on=D(2010, 5, 1))  # day 90 not yet due
    follow_up(late, 90, OS.EMPLOYED_FULL_TIME)
    dropped = person(p, exit="dropped_out")
    follow_up(dropped, 90, OS.EMPLOYED_FULL_TIME)
    return p


def test_follow_up_share(follow_up_cohort):
    p = follow_up_cohort
    goal(p, "follow_up_share", day=90, target=0.45)
    result = only(p)
    assert_share(result, 2, 7, 3, "uncertain")
    assert result.value_answered == pytest.approx(2 / 4)
    ages = result.breakdown["age_band"]
    assert figures(ages["<25"]) == (1, 1, 0)
    assert figures(ages["55+"]) == (1, 1, 0)
    assert figures(ages["25-54"]) == (0, 5, 3)
    assert figures(result.breakdown["gender"]["other"]) == (0, 1, 1)
    region = result.breakdown["region_of_birth"]
    assert figures(region["sweden"]) == (2, 7, 3)
    assert figures(region["outside_europe"]) == (0, 0, 0)


def test_follow_up_share_among_not_in_work(follow_up_cohort):
    p = follow_up_cohort
    goal(p, "follow_up_share_among_not_in_work", day=90, target=0.3)
    result = only(p)
    # In work (a, b) leave the denominator; c, g known not in work; d, e, f unknown (missing).
    assert_share(result, 1, 5, 3, "uncertain")
    assert result.value_answered == pytest.approx(1 / 2)


def test_follow_up_share_vs_reference():
    p = ProjectFactory(follow_up_days=[90])  # period 2009–2011
    other = ProjectFactory()
    first = ReferenceProgramme.objects.create(name="Särskilt anställningsstöd")
    second = ReferenceProgramme.objects.create(name="Förberedande utbildning")
    unrelated = ReferenceProgramme.objects.create(name="Annat")
    first.projects.set([p])
    second.projects.set([p])
    unrelated.projects.set([other])
    for programme, year, participants, share in [
        (first, 2008, 100, "20.0"),
        (first, 2009, 300, "30.0"),
        (second, 2009, 100, "10.0"),
        (unrelated, 2009, 1000, "90.0"),
    ]:
        ReferenceValue.objects.create(
            programme=programme, year=year, participants=participants, share_in_work_90_days=share
        )
    early = {"exit": "exited", "started_on": D(2008, 3, 1), "exited_on": D(2008, 9, 1)}
    follow_up(person(p, **early), 90, OS.SUBSIDISED_FULL_TIME)
    follow_up(person(p, **early), 90, OS.JOB_SEEKING)
    follow_up(person(p, exit="completed"), 90, OS.EMPLOYED_FULL_TIME)
    follow_up(person(p, exit="dropped_out"), 90, OS.EMPLOYED_PART_TIME)
    follow_up(person(p, exit="completed"), 90, OS.JOB_SEEKING)
    follow_up(person(p, exit="completed"), 90, reached=None)
    goal(p, "follow_up_share_vs_reference", population="exited", day=90, delta_pp=10)

    result = only(p)
    # Whole period: the rows of 2009–2011, (300 × 30 + 100 × 10) / 400 = 25 %, + 10 points.
    assert result.comparator == "ref_plus"
    assert result.target == pytest.approx(0.35)
    assert_share(result, 3, 6, 1)
    assert result.status == status_for(0.5, *wilson_interval(3, 6), "ref_plus", 0.35)
    assert set(result.periods) == {"2008", "2009", "all"}
    assert figures(result.periods["2008"]) == (1, 2, 0)
    assert figures(result.periods["2009"]) == (2, 4, 1)
    assert figures(result.periods["all"]) == (3, 6, 1)
    # 2008: 20 % + 10; 2009: 25 % + 10. A year's status is its interval against its target.
    assert result.periods["2008"].status == status_for(0.5, *wilson_interval(1, 2), "gte", 0.30)


def test_follow_up_share_vs_reference_without_reference_values_has_no_status():
    p = ProjectFactory(follow_up_days=[90])
    follow_up(person(p, exit="completed"), 90, OS.EMPLOYED_FULL_TIME)
    goal(p, "follow_up_share_vs_reference")
    result = only(p)
    assert result.target is None and result.status == "no_data" and result.value == 1.0


def test_survey_share():
    p = ProjectFactory()
    for value in (5, 4, 3, 1):
        answer(person(p, exit="completed"), "network", value)
    person(p, exit="completed")  # no answer: missing
    answer(person(p, exit="completed"), "network", 5, occasion="entry")  # not at exit: missing
    answer(person(p, exit="completed"), "self_confidence", 5)  # another question: missing
    goal(p, "survey_share", key="network", question="network", target=0.9)
    goal(p, "survey_share", key="low", question="network", min_answer=2, max_answer=3,
         comparator="lte", target=0.5)  # fmt: skip
    network, low = evaluate_project(p)
    assert_share(network, 2, 7, 3, "not_met")
    assert network.value_answered == pytest.approx(2 / 4)
    assert_share(low, 1, 7, 3)
    assert low.comparator == "lte"


def test_gender_split():
    p = ProjectFactory()
    for gender in ("woman", "woman", "woman", "man", "man", "other"):
        person(p, gender=gender)
    person(p, status=Status.REFERRED, started_on=None)  # never started: not counted
    goal(p, "gender_split")
    result = only(p)
    assert_share(result, 3, 6, 0, "uncertain")
    assert (result.comparator, result.target, result.target_high) == ("range", 0.4, 0.6)
    assert figures(result.breakdown["gender"]["man"]) == (0, 2, 0)


def test_gender_split_many_participants_can_be_met():
    p = ProjectFactory()
    for i in range(200):
        person(p, gender="woman" if i % 2 else "man")
    goal(p, "gender_split")
    assert only(p).status == "met"


def test_participation_count():
    p = ProjectFactory()
    internship = InterventionFactory(project=p)
    school = InterventionFactory(
        project=p, category=InterventionCategory.objects.get(code="basic_education")
    )
    coaching = InterventionFactory(
        project=p, category=InterventionCategory.objects.get(code="guidance")
    )
    ltu = "long_term_unemployed"
    a = person(p, labour_market_status=ltu, born=1990, income_source="social_assistance")
    ParticipationFactory(enrolment=a, intervention=internship)
    ParticipationFactory(enrolment=a, intervention=school)  # twice: still one person
    b = person(p, labour_market_status=ltu, income_source="salary", gender="man")
    ParticipationFactory(enrolment=b, intervention=school)
    c = person(p, labour_market_status=ltu)
    ParticipationFactory(enrolment=c, intervention=coaching)  # not education or internship
    d = person(p, labour_market_status="unemployed", income_source="social_assistance")
    ParticipationFactory(enrolment=d, intervention=internship)
    person(p, labour_market_status=ltu)  # no participation
    goal(p, "participation_count", key="ltu", labour_market_statuses=[ltu], target=2)
    goal(p, "participation_count", key="young", labour_market_statuses=[ltu], age_below=25)
    goal(p, "participation_count", key="sa", income_sources=["social_assistance"], target=3)
    ltu_result, young, social = evaluate_project(p)
    assert (ltu_result.numerator, ltu_result.denominator, ltu_result.value) == (2, 4, 2.0)
    assert ltu_result.status == "met" and ltu_result.kind == "count"
    assert ltu_result.ci_low is None and ltu_result.ci_high is None
    assert figures(ltu_result.breakdown["gender"]["man"])[:2] == (1, 1)
    assert ltu_result.breakdown["gender"]["man"].status == "no_data"  # no target per group
    assert (young.numerator, young.denominator) == (1, 1)
    assert young.target is None and young.status == "no_data"  # an indicator without target
    assert (social.numerator, social.denominator, social.status) == (2, 2, "not_met")


def test_household_share():
    p = ProjectFactory()
    elsewhere = ProjectFactory()
    area = Area.objects.create(name="Segevång", municipality=Municipality.objects.get(name="Malmö"))
    p.areas.add(area)

    def household(ref, members, *, lt=True, area=None):
        h = Household.objects.create(
            project=p, reference=ref, long_term_social_assistance=lt, contacted_on=D(2009, 1, 1),
            adults=max(1, len(members)), area=area,
        )  # fmt: skip
        for project, income in members:
            participant = AnonymousParticipantFactory(household=h)
            if income == "active":
                EnrolmentFactory(project=project, participant=participant)
            else:
                EnrolmentFactory(
                    project=project, participant=participant, status=Status.EXITED,
                    exited_on=D(2009, 9, 1), exit_reason="completed",
                    exit_status=OS.EMPLOYED_FULL_TIME, exit_income_source=income,
                )  # fmt: skip
        return h

    household("H1", [(p, "salary"), (p, "study_allowance")], area=area)  # self-sufficient
    household("H2", [(p, "salary"), (p, "social_assistance")])  # one adult still on assistance
    household("H3", [(p, "active")])  # still enrolled
    household("H4", [])  # nobody registered: missing
    household("H5", [(p, "salary")], lt=False)  # not on long-term assistance: not counted
    household("H6", [(elsewhere, "salary")])  # exited another project: not this one's result
    goal(p, "household_share", target=0.35)
    result = only(p)
    assert_share(result, 1, 5, 1)
    assert result.value_answered == pytest.approx(1 / 4)
    assert set(result.breakdown) == {"area"}
    assert figures(result.breakdown["area"]["Segevång"]) == (1, 1, 0)
    assert figures(result.breakdown["area"]["unknown"]) == (0, 4, 1)


def test_stakeholder_count():
    p = ProjectFactory()
    people = [
        Stakeholder.objects.create(project=p, name=f"S{i}", kind=kind)
        for i, kind in enumerate(["authority", "authority", "company", "company"])
    ]
    first = Workshop.objects.create(project=p, title="W1", kind="workshop", held_on=D(2009, 3, 1))
    second = Workshop.objects.create(project=p, title="W2", kind="seminar", held_on=D(2009, 4, 1))
    first.stakeholders.set(people[:2])
    second.stakeholders.set(people[1:3])  # S1 in both: counted once
    goal(p, "stakeholder_count", key="took-part", target=3)
    goal(p, "stakeholder_count", key="all", only_with_workshop=False, target=5)
    took_part, everyone = evaluate_project(p)
    assert (took_part.numerator, took_part.denominator, took_part.status) == (3, 4, "met")
    assert took_part.breakdown["kind"]["company"].numerator == 1
    assert (everyone.value, everyone.status) == (4.0, "not_met")


def test_activity_count():
    p = ProjectFactory()
    categories = {c.code: c for c in InterventionCategory.objects.all()}
    for title, code in [("A", "internship"), ("B", "internship"), ("C", "outreach"),
                        ("D", "guidance")]:  # fmt: skip
        ProposedActivity.objects.create(project=p, title=title, category=categories[code])
    goal(p, "activity_count", categories=["internship", "outreach", "entrepreneurship"], target=3)
    result = only(p)
    assert (result.numerator, result.denominator, result.value, result.status) == (3, 4, 3.0, "met")
    per_category = result.breakdown["category"]
    assert list(per_category) == ["internship", "outreach", "entrepreneurship"]
    assert per_category["internship"].value == 2
    # No target per category: each category is counted, never judged by the goal's target.
    assert {cell.status for cell in per_category.values()} == {"no_data"}

    goal(
        p,
        "activity_count",
        key="per-category",
        categories=["internship", "outreach", "entrepreneurship"],
        target=3,
        per_category_target=2,
    )
    (per_category,) = [
        r.breakdown["category"] for r in evaluate_project(p) if r.key == "per-category"
    ]
    assert {code: cell.status for code, cell in per_category.items()} == {
        "internship": "met",
        "outreach": "not_met",
        "entrepreneurship": "not_met",
    }


def test_prestudy_checklist():
    """An item is done when it is recorded done and its register backs it
    (prestudy/checklist.py)."""
    p = ProjectFactory()
    goal(p, "prestudy_checklist")
    result = only(p)
    assert (result.numerator, result.denominator, result.status) == (0, 6, "not_met")
    assert result.kind == "checklist" and result.target == 6

    group = TargetGroup.objects.create(project=p, code="unga", name="Unga")
    TargetGroupMapping.objects.create(
        project=p, target_group=group, findings="…", mapped_on=D(2009, 3, 1)
    )
    Risk.objects.create(
        project=p, description="R", likelihood=2, impact=3, assessed_on=D(2009, 3, 1)
    )
    for quadrant in ("strength", "weakness", "opportunity"):
        SwotItem.objects.create(project=p, quadrant=quadrant, text="x", recorded_on=D(2009, 3, 1))
    partner = ProjectPartner.objects.create(
        project=p, organisation=OrganisationFactory(), is_partner=True
    )
    # Registers alone do not tick an item: nothing is recorded done yet.
    assert only(p).numerator == 0
    for item in checklist.ITEMS:
        Deliverable.objects.create(project=p, item=item, done_on=D(2009, 4, 1), evidence="x")
    result = only(p)
    items = result.breakdown["item"]
    # Recorded done, but no activity proposed, a quadrant empty and a partner unconfirmed.
    assert {k: items[k].value for k in items} == {
        "target_groups_mapped": 1,
        "interventions_specified": 0,
        "risk_analysis": 1,
        "gender_swot": 0,
        "partners_confirmed": 0,
        "application_submitted": 1,
    }

    SwotItem.objects.create(project=p, quadrant="threat", text="x", recorded_on=D(2009, 3, 1))
    partner.confirmed_on = D(2009, 3, 2)
    partner.save()
    ProposedActivity.objects.create(
        project=p, title="A", category=InterventionCategory.objects.get(code="internship")
    )
    result = only(p)
    assert (result.numerator, result.status) == (6, "met")
    Deliverable.objects.filter(project=p, item="application_submitted").update(done_on=None)
    assert only(p).numerator == 5


# --- empty populations, suppression, JSON, queries -------------------------------------------


def test_empty_population_is_no_data_never_zero():
    p = ProjectFactory(follow_up_days=[90])
    for template, parameters in [
        ("follow_up_share", {"target": 0.45}),
        ("survey_share", {"question": "network", "target": 0.9}),
        ("exit_or_survey_share", {"target": 0.7}),
        ("gender_split", {}),
        ("household_share", {"target": 0.4}),
        ("stakeholder_count", {"target": 25}),
        ("participation_count", {"target": 1}),
    ]:
        goal(p, template, **parameters)
    for result in evaluate_project(p):
        assert result.status == "no_data", result.template
        assert result.value is None and result.ci_low is None and result.ci_high is None
        assert result.denominator == 0
        for groups in result.breakdown.values():
            for cell in groups.values():
                assert cell.status == "no_data" and cell.value is None


def _cell(n, num):
    return Cell(num, n, num / n if n else None, None, None, "met", 0)


def test_suppression_hides_small_cells_and_their_complement():
    result = GoalResult(
        **_cell(30, 12).__dict__, key="k", goal="g", template="follow_up_share", kind="share",
        comparator="gte", target=0.4,
        breakdown={
            "gender": {"woman": _cell(27, 10), "man": _cell(0, 0), "other": _cell(3, 2)},
            "age_band": {"<25": _cell(2, 1), "25-54": _cell(24, 9), "55+": _cell(4, 2)},
            "area": {"A": _cell(10, 4), "B": _cell(12, 5), "C": _cell(8, 3)},
        },
    )  # fmt: skip
    publication.apply([result], publication.build_plan([result], 5))
    gender = result.breakdown["gender"]
    assert gender["other"].suppressed and gender["other"].numerator is None
    assert gender["other"].reason == "small"
    # the only other group with people is hidden too: no 30 − 27 = 3
    assert gender["woman"].suppressed and gender["woman"].denominator is None
    assert gender["woman"].reason == "protect"
    assert not gender["man"].suppressed  # empty: nothing to hide
    ages = result.breakdown["age_band"]
    # <25 and 55+ hidden together still hold only 3 who met the goal and 3 who did not, so
    # 25-54 is hidden as well: the block of hidden groups must itself hold 0 or ≥ 5 of each.
    assert [ages[k].reason for k in ("<25", "25-54", "55+")] == ["small", "protect", "small"]
    areas = result.breakdown["area"]
    # A: 10 people, 4 met the goal; C: 8 people, 3 met it — figures about 4 and 3 people.
    # Hidden together they hold 7 who met it and 11 who did not: neither can be worked out.
    assert areas["A"].reason == "small_part" and areas["C"].reason == "small_part"
    assert not areas["B"].suppressed and areas["B"].numerator == 5 and areas["B"].missing is None
    assert not result.suppressed and result.numerator == 12


def test_suppression_of_the_whole_goal_when_the_population_is_small():
    p = ProjectFactory()
    for value in (5, 4, 2):
        answer(person(p, exit="completed"), "network", value)
    goal(p, "survey_share", question="network", target=0.9)
    result = only(p)
    publication.apply([result], publication.build_plan([result], 5))
    assert result.suppressed and result.value is None and result.value_answered is None
    assert result.reason == "small"
    assert only(p).numerator == 2  # others see it


def test_to_dict_is_json_with_the_agreed_keys():
    p = ProjectFactory(follow_up_days=[90])
    follow_up(person(p, exit="completed"), 90, OS.EMPLOYED_FULL_TIME)
    goal(p, "follow_up_share", target=0.45)
    data = json.loads(json.dumps(only(p).to_dict()))
    assert set(data) >= {
        "goal", "key", "template", "kind", "numerator", "denominator", "value", "ci_low",
        "ci_high", "target", "target_high", "comparator", "status", "missing", "value_answered",
        "denominator_answered", "breakdown", "periods",
    }  # fmt: skip
    assert data["goal"] == "Mål follow_up_share"
    assert set(data["breakdown"]) == {"gender", "age_band", "region_of_birth", "target_group",
                                      "area"}  # fmt: skip
    assert set(data["breakdown"]["gender"]["woman"]) == {
        "numerator", "denominator", "value", "ci_low", "ci_high", "status", "missing",
        "suppressed", "reason",
    }  # fmt: skip


def test_goal_title_follows_the_language(english):
    p = ProjectFactory()
    goal(p, "gender_split")
    assert only(p).goal == "Goal gender_split"


def _project_with_every_enrolment_goal(n: int):
    p = ProjectFactory(follow_up_days=[90])
    group = TargetGroup.objects.create(project=p, code="tg", name="TG")
    internship = InterventionFactory(project=p)
    for i in range(n):
        e = person(p, exit="completed", gender=["woman", "man"][i % 2], target_groups=[group])
        follow_up(e, 90, OS.EMPLOYED_FULL_TIME if i % 3 else OS.STUDIES)
        answer(e, "network", 1 + i % 5)
        ParticipationFactory(enrolment=e, intervention=internship)
        Household.objects.create(
            project=p, reference=f"H{i}", long_term_social_assistance=True,
            contacted_on=D(2009, 1, 1),
        ).members.add(e.participant)  # fmt: skip
    goal(p, "follow_up_share", target=0.45)
    goal(p, "follow_up_share_among_not_in_work", target=0.3)
    goal(p, "follow_up_share_vs_reference")
    goal(p, "survey_share", question="network", target=0.9)
    goal(p, "exit_or_survey_share", target=0.7)
    goal(p, "gender_split")
    goal(p, "participation_count", target=1)
    goal(p, "household_share", target=0.4)
    return p


def test_the_number_of_queries_does_not_grow_with_the_participants():
    small, large = _project_with_every_enrolment_goal(5), _project_with_every_enrolment_goal(50)
    with CaptureQueriesContext(connection) as few:
        small_results = evaluate_project(small)
    with CaptureQueriesContext(connection) as many:
        large_results = evaluate_project(large)
    assert len(few) == len(many)
    assert len(many) <= 8 * 7 + 4  # at most seven queries a goal, plus the shared ones
    assert large_results[0].denominator == 50 and small_results[0].suppressed is False


# --- the service ------------------------------------------------------------------------------


def test_create_goal_and_new_versions_with_audit():
    p = ProjectFactory()
    user = UserFactory()
    created = create_goal(
        project=p, key="work", title="Arbete", template="follow_up_share",
        parameters={"target": 0.45}, by=user,
    )  # fmt: skip
    first = created.current_version
    assert first.version == 1 and first.parameters["day"] == 90  # defaults stored
    assert first.created_by == user
    second = save_goal_version(
        goal=created, title="Arbete", template="follow_up_share",
        parameters={"target": 0.5}, by=user,
    )  # fmt: skip
    assert second.version == 2 and created.current_version == second
    assert GoalVersion.objects.filter(goal=created).count() == 2
    entries = LogEntry.objects.filter(object_type="goals.Goal", object_id=str(created.pk))
    assert {e.action for e in entries} == {"create", "change"}
    change = entries.get(action="change")
    assert change.fields == ["parameters"]
    goal_results = evaluate_project(p)
    assert goal_results[0].target == 0.5


def test_bad_parameters_are_refused_naming_the_parameter_and_nothing_is_saved():
    p = ProjectFactory(follow_up_days=[90])
    with pytest.raises(ValidationError) as error:
        create_goal(
            project=p, key="x", title="X", template="follow_up_share",
            parameters={"day": 180, "target": 0.45}, by=None,
        )  # fmt: skip
    assert "day" in error.value.message_dict
    assert "180" in error.value.message_dict["day"][0]
    assert not Goal.objects.filter(project=p).exists()

    existing = create_goal(
        project=p, key="y", title="Y", template="survey_share",
        parameters={"question": "network", "target": 0.9}, by=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        save_goal_version(
            goal=existing, title="Y", template="survey_share",
            parameters={"question": "happiness", "target": 0.9}, by=None,
        )  # fmt: skip
    assert "question" in error.value.message_dict
    assert existing.versions.count() == 1
    with pytest.raises(ValidationError) as error:
        create_goal(project=p, key="y", title="", template="gender_split", parameters={}, by=None)
    assert "title" in error.value.message_dict


# --- property tests ---------------------------------------------------------------------------

PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "gender": st.sampled_from(["woman", "man", "other"]),
            "born": st.sampled_from([1950, 1975, 1990]),
            "exit": st.sampled_from([None, "completed", "dropped_out"]),
            "follow_up": st.sampled_from(
                [
                    None,
                    "unrecorded",
                    "unreached",
                    OS.EMPLOYED_FULL_TIME,
                    OS.SELF_EMPLOYED,
                    OS.STUDIES,
                    OS.JOB_SEEKING,
                ]
            ),  # fmt: skip
            "network": st.one_of(st.none(), st.integers(1, 5)),
            # self-confidence at entry and at exit, for the goal on the change between them
            "before": st.one_of(st.none(), st.integers(1, 5)),
            "after": st.one_of(st.none(), st.integers(1, 5)),
            "min_change": st.integers(0, 4),
        }
    ),
    max_size=30,
)


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=PEOPLE)
def test_engine_equals_a_plain_computation(people):
    p = ProjectFactory(follow_up_days=[90])
    for row in people:
        e = person(p, gender=row["gender"], born=row["born"], exit=row["exit"])
        add_follow_up_and_network(e, row)
        if row["before"]:
            answer(e, "self_confidence", row["before"], occasion="entry")
        if row["exit"] and row["after"]:
            answer(e, "self_confidence", row["after"], occasion="exit")
    step = people[0]["min_change"] if people else 1
    goal(p, "follow_up_share", target=0.45)
    goal(p, "survey_share", question="network", target=0.9)
    goal(p, "follow_up_share", key="all-exited", population="exited", target=0.45)
    goal(p, "survey_change", question="self_confidence", min_change=step, target=0.6)
    work, network, exited, change = evaluate_project(p)
    small = evaluate_project(p)
    publication.apply(small, publication.build_plan(small, 5))

    completers = [r for r in people if r["exit"] == "completed"]
    exiters = [r for r in people if r["exit"]]
    in_work = {str(s) for s in IN_WORK_STATUSES}

    def reached(r):
        return r["follow_up"] not in (None, "unrecorded", "unreached")

    for result, rows in ((work, completers), (exited, exiters)):
        assert result.denominator == len(rows)
        assert result.numerator == sum(1 for r in rows if reached(r) and r["follow_up"] in in_work)
        assert result.missing == sum(1 for r in rows if not reached(r))
    assert network.denominator == len(completers)
    assert network.numerator == sum(1 for r in completers if (r["network"] or 0) >= 4)
    assert network.missing == sum(1 for r in completers if r["network"] is None)

    def rose(r):
        return r["before"] and r["after"] and r["after"] - r["before"] >= step

    def both_answers(r):
        return bool(r["before"] and r["after"])

    assert change.denominator == len(completers)
    assert change.numerator == sum(1 for r in completers if rose(r))
    assert change.missing == sum(1 for r in completers if not both_answers(r))
    answered = sum(1 for r in completers if both_answers(r))
    assert change.value_answered == (change.numerator / answered if answered else None)
    for gender in ("woman", "man", "other"):
        rows = [r for r in completers if r["gender"] == gender]
        cell = change.breakdown["gender"][gender]
        assert (cell.numerator, cell.denominator) == (sum(1 for r in rows if rose(r)), len(rows))
        assert cell.missing == sum(1 for r in rows if not both_answers(r))
    for gender in ("woman", "man", "other"):
        rows = [r for r in completers if r["gender"] == gender]
        cell = work.breakdown["gender"][gender]
        assert cell.denominator == len(rows)
        assert cell.numerator == sum(1 for r in rows if reached(r) and r["follow_up"] in in_work)

    for result in (work, network, exited, change):
        cells = [result, *(c for g in result.breakdown.values() for c in g.values())]
        for cell in cells:
            if cell.value is not None:
                assert cell.ci_low <= cell.value <= cell.ci_high
    for result in small:
        for groups in result.breakdown.values():
            for cell in groups.values():
                if cell.suppressed:
                    assert cell.numerator is None and cell.denominator is None
                else:
                    assert not (0 < cell.denominator < 5)


@given(n=st.integers(0, 400), data=st.data())
def test_wilson_interval_contains_the_share(n, data):
    successes = data.draw(st.integers(0, n))
    low, high = wilson_interval(successes, n)
    if n == 0:
        assert (low, high) == (None, None)
    else:
        assert 0 <= low <= successes / n <= high <= 1


def test_a_stored_definition_that_no_longer_computes_gives_no_data_with_the_reason():
    p = ProjectFactory(follow_up_days=[90, 180])
    goal(p, "follow_up_share", day=180, target=0.45)
    goal(p, "gender_split")
    p.follow_up_days = [90]
    p.save()
    broken, fine = evaluate_project(p)
    assert broken.status == "no_data" and broken.value is None
    assert broken.error.startswith("day:")
    assert broken.to_dict()["error"] == broken.error
    assert fine.error is None and fine.template == "gender_split"


def test_totals_only_context_gives_the_same_figures_without_breakdown_queries(follow_up_cohort):
    from goals.engine import current_versions, evaluate_goal
    from goals.engine.population import Context

    p = follow_up_cohort
    goal(p, "follow_up_share", day=90, target=0.45)
    (version,) = current_versions(p)
    with CaptureQueriesContext(connection) as full_queries:
        full = evaluate_goal(version, context=Context(p))
    with CaptureQueriesContext(connection) as totals_queries:
        totals = evaluate_goal(version, context=Context(p, breakdowns=False))
    assert figures(totals) == figures(full) == (2, 7, 3)
    assert totals.breakdown == {} and full.breakdown
    assert len(totals_queries) < len(full_queries)

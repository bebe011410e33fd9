"""A stand-in for goals.engine in the dashboard and command tests: hand-made results (the
engine's own Cell and GoalResult), and a fixture helper that makes evaluate_project return them
(recording how it was called)."""

from goals.engine import Cell as FakeCell
from goals.engine import GoalResult as FakeGoalResult

__all__ = ["FakeCell", "FakeGoalResult", "cell", "install_fake_engine", "job_goal"]


def cell(numerator, denominator, *, status="uncertain", missing=0, threshold=None):
    """A share cell; hidden (numbers None) when 0 < denominator < threshold."""
    if threshold and denominator and denominator < threshold:
        return FakeCell(None, None, None, None, None, "no_data", None, suppressed=True)
    value = numerator / denominator if denominator else None
    low = None if value is None else max(0.0, value - 0.1)
    high = None if value is None else min(1.0, value + 0.1)
    return FakeCell(
        numerator, denominator, value, low, high, status if denominator else "no_data", missing
    )


def job_goal(threshold=None):
    """A share goal: 29 of 50, 12 not followed up; three people of another gender."""
    return FakeGoalResult(
        key="fif-job-or-chances",
        goal="Jobb eller ökade chanser",
        template="follow_up_share",
        kind="share",
        comparator="gte",
        target=0.7,
        numerator=29,
        denominator=50,
        value=0.58,
        ci_low=0.442,
        ci_high=0.706,
        status="uncertain",
        missing=12,
        value_answered=29 / 38,
        denominator_answered=38,
        breakdown={
            "gender": {
                "woman": cell(15, 25, missing=6, threshold=threshold),
                "man": cell(12, 22, missing=5, threshold=threshold),
                "other": cell(2, 3, missing=1, threshold=threshold),
            },
            "age_band": {
                "<25": cell(10, 20, threshold=threshold),
                "25-54": cell(19, 30, threshold=threshold),
            },
        },
    )


def stakeholder_goal():
    return FakeGoalResult(
        key="stakeholders",
        goal="Minst 25 aktörer",
        template="stakeholder_count",
        kind="count",
        comparator="gte",
        target=25,
        numerator=27,
        denominator=None,
        value=27,
        ci_low=None,
        ci_high=None,
        status="met",
        missing=None,
    )


def empty_goal():
    return FakeGoalResult(
        key="gender-split",
        goal="Könsfördelning",
        template="gender_split",
        kind="share",
        comparator="range",
        target=0.4,
        target_high=0.6,
        numerator=0,
        denominator=0,
        value=None,
        ci_low=None,
        ci_high=None,
        status="no_data",
        missing=0,
    )


def install_fake_engine(monkeypatch, make_results):
    """Make goals.engine.evaluate_project call make_results(project, None) and record its calls
    (with whether the people behind the figures were asked for). The fakes know no people, so
    the disclosure plan of their figures rests on the counts alone."""
    from goals import engine

    calls = []

    def evaluate_project(project, *, context=None, versions=None):
        calls.append({"project": project, "members": bool(context and context.members)})
        return make_results(project, None)

    monkeypatch.setattr(engine, "evaluate_project", evaluate_project)
    return calls

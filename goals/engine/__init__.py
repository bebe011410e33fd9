"""The goal engine: every current goal of a project computed from the data, never typed in.

How a goal is computed
----------------------
A goal (goals.models.Goal) is defined by its highest GoalVersion: a template code and
parameters, validated by goals/templates.py. The template names a measure in
goals/engine/measures.py, which

1. builds the **population** as one queryset — enrolments that started, exited or completed,
   optionally of a target group, an area or a period; households of the project; or the
   project's pre-study registers — and, for follow-up goals, only those whose follow-up on the
   day is due (exit + day ≤ today);
2. counts in the database, in one aggregate query, the population (denominator), those meeting
   the numerator's condition (exit status, follow-up status at day N, a survey answer, taking
   part in an intervention category, a household's self-sufficiency) and those **missing** the
   data (follow-up not recorded or not reached, survey not answered) — missing members stay in
   the denominator, and `value_answered` gives the share among those with the data;
3. repeats the same counts grouped by each **breakdown** dimension (gender, age band at start,
   region of birth, target group, area; households by area), one query per dimension, so the
   number of queries per goal is fixed whatever the number of participants;
4. turns the counts into Cells: a share with its 95 % Wilson interval (goals/stats.py) or a count,
   and a **status** — met when the whole interval satisfies the comparator (≥ target, ≤ target,
   within a range, ≥ reference + Δ), not met when none of it does, uncertain when the interval
   straddles the target; an empty population is "no_data" with value None;
5. for "≥ reference + Δ" goals, the reference is the participant-weighted average of the
   project's ReferenceValue rows, per year of exit (`periods`) and for the project's period.

The engine computes exact figures. What a reader who may not see people receives of them is
decided by the disclosure plan (goals/publication.py, core/disclosure.py), for which the engine
also says which people each figure counts when asked (`Context(members=True)`).
"""

import json

from django.core.exceptions import ValidationError

from goals.models import GoalVersion

from .. import definitions as templates
from .population import Context
from .results import Cell, GoalResult

__all__ = [
    "Cell",
    "GoalResult",
    "current_versions",
    "current_versions_of",
    "evaluate_goal",
    "evaluate_project",
    "not_computable",
]


def current_versions(project) -> list[GoalVersion]:
    """The current definition of every goal of the project, in the goals' order (one query,
    however many goals and versions: each goal's versions in order, the last kept)."""
    return current_versions_of([project.pk]).get(project.pk, [])


def current_versions_of(project_ids=None) -> dict[int, list[GoalVersion]]:
    """current_versions of each of these projects (None: of every project), in one query (a
    project without goals is left out)."""
    latest: dict[int, dict[int, GoalVersion]] = {}
    versions = GoalVersion.objects.all()
    if project_ids is not None:
        versions = versions.filter(goal__project_id__in=list(project_ids))
    versions = versions.select_related("goal").order_by(
        "goal__project_id", "goal__order", "goal_id", "version"
    )
    for version in versions:
        # In the goals' order: a dict keeps the first key's place.
        latest.setdefault(version.goal.project_id, {})[version.goal_id] = version
    return {pk: list(goals.values()) for pk, goals in latest.items()}


def evaluate_goal(version: GoalVersion, *, context=None):
    """Compute one goal version. The parameters are validated again (with defaults filled in),
    so a stored definition that can no longer be computed raises ValidationError."""
    ctx = context or Context(version.goal.project)
    template = templates.TEMPLATES[version.template]
    params = _validated(version, ctx)
    ctx.evaluating = (version.pk, params)
    try:
        return template.compute(ctx, version, params)
    finally:
        ctx.evaluating = None


def _validated(version: GoalVersion, ctx) -> dict:
    """validate_parameters() of a version, once per context for each stored version and
    parameters (a snapshot's applied version has the stored one's key and other parameters:
    kept apart); a version not saved yet is checked every time."""
    if version.pk is None:
        return templates.validate_parameters(version.template, version.parameters, ctx.project)
    key = (
        version.pk,
        version.template,
        json.dumps(version.parameters, sort_keys=True, default=str),
    )
    found = ctx.validated.get(key)
    if found is None:
        try:
            found = templates.validate_parameters(version.template, version.parameters, ctx.project)
        except ValidationError as error:
            found = error
        ctx.validated[key] = found
    if isinstance(found, ValidationError):
        raise found
    return found


def evaluate_project(project, *, context=None, versions=None) -> list[GoalResult]:
    """One GoalResult per current goal of the project, ordered by Goal.order. A stored
    definition that can no longer be computed (say, the project dropped its day-180 follow-up)
    gives a "no_data" result with the reason in `error` instead of breaking the dashboard.
    A refresh's context (the members, over the fact table) first counts every enrolment goal's
    members in one statement (FactSource.count_together), then evaluates the goals in the same
    order. `versions`: current_versions(project), when the caller has read them."""
    ctx = context or Context(project)
    if versions is None:
        versions = current_versions(project)
    enrolment_goals = [
        version
        for version in versions
        if getattr(templates.TEMPLATES.get(version.template), "subject", None) == "enrolments"
    ]
    ctx.source.count_together(
        ctx, enrolment_goals, lambda version: evaluate_goal(version, context=ctx)
    )
    results = []
    for version in versions:
        try:
            results.append(evaluate_goal(version, context=ctx))
        except ValidationError as error:
            results.append(not_computable(version, error))
    ctx.counted = {}  # what count_together counted was for these goals alone
    return results


def not_computable(version: GoalVersion, error: ValidationError) -> GoalResult:
    template = templates.TEMPLATES.get(version.template)
    reasons = "; ".join(
        f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    )
    return GoalResult(
        None, None, None, None, None, "no_data", None,
        key=version.goal.key,
        goal=version.display_title,
        template=version.template,
        kind=template.kind if template else "share",
        comparator=version.parameters.get("comparator", "gte"),
        target=version.parameters.get("target"),
        target_high=version.parameters.get("target_high"),
        error=reasons,
    )  # fmt: skip

"""Locked goal snapshots: a period's results as reported to the funder.

A project manager locks a period ("Lägesrapport 2009 H2", 2009-07-01 – 2009-12-31). Every
current goal of the project is computed **as of the end of the period**:

- the engine's clock (`Context.today`, which decides which follow-ups are due) is set to the
  period's end, so a day-90 follow-up that fell due after it does not count;
- goals whose population has a period (`period_from`/`period_to`, on the start date for
  "everyone who started", the exit date otherwise) get `period_to` capped at the period's end,
  so enrolments that started or exited later are left out. Results are cumulative from the
  start of the project (or of the goal's own period), as the goals are promises for the whole
  project; the snapshot's start date names the reporting period;
- goals without a population period (households, counts of stakeholders or activities, the
  pre-study checklist) are the state of the data at the moment of locking, as far as their
  dates allow — the snapshot records this per goal (`scope` "as_of_lock").

The results (`GoalResult.to_dict()`) are stored with the definitions used (goal key, version
number, titles, template, parameters, the parameters as applied), so they stay reproducible
after later corrections of the data or the definitions. Snapshots are never changed or
deleted (GoalSnapshot.save()/delete() refuse). With them is stored their disclosure plan
(goals/publication.py), made at the moment of locking, when the people behind every figure are
known. `locked_results()` reads them back as GoalResults with the plan applied for a reader
with a threshold; the stored figures are the full ones. The pages that lock a snapshot and put
it beside today's figures are in reports/snapshots.py.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import log_action

from . import definitions as goal_templates
from .engine.results import Cell, GoalResult
from .models import GoalSnapshot

SNAPSHOT_FIELDS = ["label", "period_start", "period_end", "results", "definitions"]
SCOPE_PERIOD = "period_end"  # population narrowed to the period's end, clock at the end
SCOPE_AS_OF_LOCK = "as_of_lock"  # no population period: the data as it stood when locked


# --- the service ----------------------------------------------------------------------------


def _snapshot_parameters(version, period_end: dt.date) -> tuple[dict, str]:
    """The goal's parameters with its population period capped at the snapshot's end."""
    template = goal_templates.TEMPLATES.get(version.template)
    parameters = dict(version.parameters or {})
    if template is None or template.param("period_to") is None:
        return parameters, SCOPE_AS_OF_LOCK
    own_end = parameters.get("period_to")
    if not own_end or dt.date.fromisoformat(str(own_end)) > period_end:
        parameters["period_to"] = period_end.isoformat()
    return parameters, SCOPE_PERIOD


def _compute(project, period_end: dt.date) -> tuple[list[dict], list[dict], dict]:
    """Every current goal of the project computed as of period_end: (results, definitions,
    the disclosure plan of the results for the project's threshold)."""
    from core.policy import project_threshold
    from goals import engine
    from goals.engine.population import Context

    context = Context(project, today=period_end, members=True)
    computed, results, definitions = [], [], []
    for version in engine.current_versions(project):
        parameters, scope = _snapshot_parameters(version, period_end)
        applied = _AppliedVersion(version, parameters)
        try:
            result = engine.evaluate_goal(applied, context=context)
        except ValidationError as error:
            # E.g. the goal's own period starts after the snapshot's end: nothing to count.
            result = engine.not_computable(applied, error)
        computed.append(result)
        results.append(result.to_dict())
        definitions.append(
            {
                "key": version.goal.key,
                "version": version.version,
                "title": version.title,
                "title_en": version.title_en,
                "template": version.template,
                "parameters": version.parameters,
                "applied_parameters": parameters,
                "scope": scope,
            }
        )
    # The same publication as the dashboard's (with today's flow and hours), so that a snapshot
    # locked today and the dashboard hide the same figures.
    from .summaries import figures_and_plan

    _, plan = figures_and_plan(project, computed, context, threshold=project_threshold(project))
    return results, definitions, plan


class _AppliedVersion:
    """A GoalVersion seen with other parameters (never saved)."""

    def __init__(self, version, parameters):
        self._version = version
        self.parameters = parameters

    def __getattr__(self, name):
        return getattr(self._version, name)


def lock_snapshot(*, project, label: str, period_start, period_end, by) -> GoalSnapshot:
    """Compute and lock the project's goal results for a period. Raises ValidationError keyed
    by the field (label, period_start, period_end); nothing is saved then. The figures are
    counted in one snapshot of the data (goals.summaries.counted); the snapshot and its audit
    entry are written afterwards in a transaction of their own (the audit chain reads its head
    under a lock, which an older snapshot of the data would not see)."""
    snapshot = GoalSnapshot(
        project=project,
        label=(label or "").strip(),
        period_start=period_start,
        period_end=period_end,
        locked_by=by if getattr(by, "is_authenticated", False) else None,
    )
    errors = {}
    if not period_start:
        errors["period_start"] = [_("Enter the first day of the period.")]
    if not period_end:
        errors["period_end"] = [_("Enter the last day of the period.")]
    elif period_end > clock.today():
        errors["period_end"] = [_("The period has not ended yet: lock it from its last day on.")]
    try:
        snapshot.clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    from goals.summaries import counted

    computed = counted(project, lambda: _compute(project, period_end))
    snapshot.results, snapshot.definitions, snapshot.disclosure = computed
    with transaction.atomic():
        try:
            with transaction.atomic():
                snapshot.save()
        except IntegrityError as error:  # the same label locked at the same moment
            raise ValidationError(
                {"label": [_("The project already has a snapshot with this label.")]}
            ) from error
        log_action(by=by, action="create", obj=snapshot, project=project, fields=SNAPSHOT_FIELDS)
    return snapshot


# --- reading a snapshot back ----------------------------------------------------------------


def _cell(data: dict | None) -> Cell:
    data = data or {}
    return Cell(
        data.get("numerator"),
        data.get("denominator"),
        data.get("value"),
        data.get("ci_low"),
        data.get("ci_high"),
        data.get("status") or "no_data",
        data.get("missing"),
        bool(data.get("suppressed")),
        data.get("reason") or "",
    )


def result_from_dict(data: dict) -> GoalResult:
    """A stored GoalResult.to_dict() as a GoalResult again (for display and suppression)."""
    top = _cell(data)
    periods = data.get("periods")
    return GoalResult(
        top.numerator,
        top.denominator,
        top.value,
        top.ci_low,
        top.ci_high,
        top.status,
        top.missing,
        top.suppressed,
        top.reason,
        key=data.get("key", ""),
        goal=data.get("goal", ""),
        template=data.get("template", ""),
        kind=data.get("kind", "share"),
        comparator=data.get("comparator", "gte"),
        target=data.get("target"),
        target_high=data.get("target_high"),
        value_answered=data.get("value_answered"),
        denominator_answered=data.get("denominator_answered"),
        breakdown={
            dimension: {group: _cell(cell) for group, cell in groups.items()}
            for dimension, groups in (data.get("breakdown") or {}).items()
        },
        periods=None if periods is None else {k: _cell(v) for k, v in periods.items()},
        error=data.get("error"),
        population_date=data.get("population_date"),
        outcome=data.get("outcome"),
    )


def locked_results(snapshot: GoalSnapshot, *, threshold: int | None) -> list[GoalResult]:
    """The snapshot's results for a reader with `threshold` (None: the exact figures). The plan
    stored at locking is applied; a snapshot locked before plans existed, or a reader with
    another threshold, gets a plan made now from the counts alone (core.disclosure's rules 1–3,
    the people behind the figures being no longer known)."""
    from . import publication

    results = [result_from_dict(data) for data in snapshot.results]
    if threshold:
        plan = snapshot.disclosure or {}
        if not publication.made_for(plan, threshold):
            plan = publication.build_plan(results, threshold)
        publication.apply(results, plan)
    return results

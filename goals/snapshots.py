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
deleted (GoalSnapshot.save()/delete() refuse). The detail page puts them beside today's figures
(`evaluate_project` now) with the differences, and every goal's breakdowns as on the dashboard
with today's figure and the difference per group (`breakdown_comparison`); aggregate-only roles
get small cells suppressed when the page is drawn (the same `apply_suppression` as the
dashboard), the stored figures are the full ones.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import clock
from core.audit import log_action
from core.decorators import project_view

from . import definitions as goal_templates
from .engine.results import Cell, GoalResult, apply_suppression
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


def _compute(project, period_end: dt.date) -> tuple[list[dict], list[dict]]:
    """Every current goal of the project computed as of period_end: (results, definitions)."""
    from goals import engine
    from goals.engine.population import Context

    context = Context(project, today=period_end)
    results, definitions = [], []
    for version in engine.current_versions(project):
        parameters, scope = _snapshot_parameters(version, period_end)
        applied = _AppliedVersion(version, parameters)
        try:
            result = engine.evaluate_goal(applied, context=context)
        except ValidationError as error:
            # E.g. the goal's own period starts after the snapshot's end: nothing to count.
            result = engine.not_computable(applied, error)
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
    return results, definitions


class _AppliedVersion:
    """A GoalVersion seen with other parameters (never saved)."""

    def __init__(self, version, parameters):
        self._version = version
        self.parameters = parameters

    def __getattr__(self, name):
        return getattr(self._version, name)


@transaction.atomic
def lock_snapshot(*, project, label: str, period_start, period_end, by) -> GoalSnapshot:
    """Compute and lock the project's goal results for a period. Raises ValidationError keyed
    by the field (label, period_start, period_end); nothing is saved then."""
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
    snapshot.results, snapshot.definitions = _compute(project, period_end)
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
    )


def locked_results(snapshot: GoalSnapshot, *, suppress_below: int | None) -> list[GoalResult]:
    """The snapshot's results, with small cells suppressed for aggregate-only roles."""
    results = [result_from_dict(data) for data in snapshot.results]
    if suppress_below:
        for result in results:
            template = goal_templates.TEMPLATES.get(result.template)
            people = template is None or template.subject != "project"
            apply_suppression(result, suppress_below, people=people)
    return results


def _cell_difference(
    then: Cell | None, now: Cell | None, *, then_share: bool, now_share: bool
) -> dict | None:
    """Value Δ (percentage points when both are shares; none when one is a share and the other
    a count), numerator and denominator changes, whether the status changed. Hidden when
    either side is suppressed, so a hidden figure cannot be worked out from the difference."""
    if then is None or now is None:
        return None
    if then.suppressed or now.suppressed:
        return {"hidden": True}

    def delta(a, b):
        return None if a is None or b is None else b - a

    value = delta(then.value, now.value)
    if value is not None and then_share and now_share:
        value = value * 100
    elif then_share != now_share:
        value = None
    return {
        "hidden": False,
        "value": value,
        "is_share": then_share and now_share,
        "numerator": delta(then.numerator, now.numerator),
        "denominator": delta(then.denominator, now.denominator),
        "status_changed": then.status != now.status,
    }


def _difference(locked: GoalResult | None, now: GoalResult | None) -> dict | None:
    """The difference of a goal's top-level figures, locked to today."""
    if locked is None or now is None:
        return None
    return _cell_difference(
        locked, now, then_share=locked.kind == "share", now_share=now.kind == "share"
    )


def _rows_by_key(rows: list[dict], cells: dict[str, Cell] | None) -> dict[str, dict]:
    """Display rows (goals.views.breakdown_tables / period_rows) by their group key: each row
    holds the result's own Cell object, which tells its key."""
    key_of = {id(cell): key for key, cell in (cells or {}).items()}
    return {key_of[id(row["cell"])]: row for row in rows if id(row["cell"]) in key_of}


def _compare_groups(then_rows, then_cells, now_rows, now_cells, *, then_share, now_share):
    """The locked rows in their order, then the groups only today has (a target group or an
    area added since), each with today's row and the difference."""
    then_by_key = _rows_by_key(then_rows, then_cells)
    now_by_key = _rows_by_key(now_rows, now_cells)
    keys = list(then_by_key) + [key for key in now_by_key if key not in then_by_key]
    compared = []
    for key in keys:
        then, now = then_by_key.get(key), now_by_key.get(key)
        shown = then or now
        compared.append(
            {
                "key": key,
                "group": shown.get("group", shown.get("period")),
                "then": then,
                "now": now,
                "difference": _cell_difference(
                    then and then["cell"],
                    now and now["cell"],
                    then_share=then_share,
                    now_share=now_share,
                ),
            }
        )
    return compared


def breakdown_comparison(then_row: dict, now_row: dict | None) -> list[dict]:
    """The breakdown tables of a locked goal, as on the dashboard (per year of exit for goals
    against a reference, then gender, age band, region of birth, target group, area), with
    today's figure and the difference beside each group. `then_row`/`now_row` are dashboard
    rows (goals.views.goal_rows) of the locked and today's results, already suppressed for
    aggregate-only roles."""
    then_result = then_row["result"]
    now_result = now_row["result"] if now_row else None
    shares = {
        "then_share": then_row["is_share"],
        "now_share": bool(now_row and now_row["is_share"]),
    }
    tables = []
    if then_row["periods"]:
        tables.append(
            {
                "dimension": "periods",
                "label": _("Period"),
                "periods": True,
                "rows": _compare_groups(
                    then_row["periods"],
                    then_result.periods,
                    now_row["periods"] if now_row else [],
                    now_result.periods if now_result else None,
                    **shares,
                ),
            }
        )
    now_tables = {t["dimension"]: t for t in (now_row["breakdown"] if now_row else [])}
    for table in then_row["breakdown"]:
        dimension = table["dimension"]
        now_table = now_tables.get(dimension)
        tables.append(
            {
                "dimension": dimension,
                "label": table["label"],
                "periods": False,
                "rows": _compare_groups(
                    table["rows"],
                    then_result.breakdown.get(dimension),
                    now_table["rows"] if now_table else [],
                    now_result.breakdown.get(dimension) if now_result else None,
                    **shares,
                ),
            }
        )
    return tables


def comparison_rows(snapshot, locked: list[GoalResult], now: list[GoalResult], current) -> list:
    """One row per goal in the snapshot, then the goals added since; with the notes on
    changed definitions, added and removed goals."""
    from .views import goal_rows

    english = (get_language() or "").startswith("en")
    definitions = {d["key"]: d for d in snapshot.definitions}
    versions = {v.goal.key: v for v in current}
    locked_rows = {row["result"].key: row for row in goal_rows(locked, snapshot.project)}
    now_rows = {row["result"].key: row for row in goal_rows(now, snapshot.project)}
    keys = [r.key for r in locked] + [r.key for r in now if r.key not in locked_rows]
    rows = []
    for key in keys:
        definition = definitions.get(key, {})
        version = versions.get(key)
        then_row, now_row = locked_rows.get(key), now_rows.get(key)
        if then_row is None:
            note, title = "added", (version.display_title if version else key)
        elif now_row is None:
            note = "removed"
        elif version is not None and definition.get("version") != version.version:
            note = "changed"
        else:
            note = ""
        if then_row is not None:
            title = (
                definition.get("title_en")
                if english and definition.get("title_en")
                else definition.get("title") or then_row["result"].goal
            )
        rows.append(
            {
                "key": key,
                "title": title,
                "then": then_row,
                "now": now_row,
                "note": note,
                "version_then": definition.get("version"),
                "version_now": version.version if version else None,
                "scope": definition.get("scope"),
                "difference": _difference(
                    then_row and then_row["result"], now_row and now_row["result"]
                ),
                "breakdown": breakdown_comparison(then_row, now_row) if then_row else [],
            }
        )
    return rows


# --- views ----------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SnapshotForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Label"),
        max_length=120,
        help_text=gettext_lazy(
            "What the funder knows the report by, e.g. “Progress report 2009 H2”."
        ),
    )
    period_start = forms.DateField(label=gettext_lazy("First day of the period"), widget=DateInput)
    period_end = forms.DateField(
        label=gettext_lazy("Last day of the period"),
        widget=DateInput,
        help_text=gettext_lazy("The figures are computed as they stood at the end of this day."),
    )


def _suppress_below(membership) -> int | None:
    from .views import suppress_below_for

    return suppress_below_for(membership)


@project_view("goals.view")
def snapshot_list(request):
    project = request.project
    snapshots = (
        GoalSnapshot.objects.filter(project=project)
        .select_related("locked_by")
        .order_by("-period_end", "-locked_at", "-id")
    )
    return render(
        request,
        "goals/snapshots/list.html",
        {
            "project": project,
            "snapshots": snapshots,
            "can_lock": request.membership.has_capability("goals.change"),
        },
    )


@project_view("goals.change")
def snapshot_new(request):
    project = request.project
    form = SnapshotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = lock_snapshot(
                project=project,
                label=form.cleaned_data["label"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                by=request.user,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("goal_snapshots:detail", project.pk, snapshot.pk)
    return render(
        request,
        "goals/snapshots/new.html",
        {"project": project, "form": form},
    )


@project_view("goals.view")
def snapshot_detail(request, snapshot_id: int):
    from goals import engine

    project = request.project
    snapshot = get_object_or_404(
        GoalSnapshot.objects.select_related("locked_by", "project"),
        pk=snapshot_id,
        project=project,
    )
    threshold = _suppress_below(request.membership)
    locked = locked_results(snapshot, suppress_below=threshold)
    now = engine.evaluate_project(project, suppress_below=threshold)
    rows = comparison_rows(snapshot, locked, now, engine.current_versions(project))
    return render(
        request,
        "goals/snapshots/detail.html",
        {
            "project": project,
            "snapshot": snapshot,
            "rows": rows,
            "threshold": threshold,
            "suppression_threshold": settings.SUPPRESSION_THRESHOLD,
        },
    )

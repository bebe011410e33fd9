"""The snapshot pages: the list of a project's locked snapshots, locking a new one
(goals.snapshots.lock_snapshot) and a snapshot beside today's figures.

The detail page puts the locked results beside today's (`evaluate_project` now) with the
differences, and every goal's breakdowns as on the dashboard with today's figure and the
difference per group (`breakdown_comparison`). For aggregate-only roles the locked results get
the plan stored when they were locked and today's the project's current plan (goals.publication);
a difference is hidden when either side is, and when it is itself about 1 … threshold-1 people
(`hide_small_differences`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import export
from core.decorators import project_view
from core.policy import disclosure_for
from goals import engine, summaries
from goals.engine.results import Cell, GoalResult
from goals.models import GoalSnapshot
from goals.snapshots import lock_snapshot, locked_results

from . import exports
from .display import goal_rows


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
    """Display rows (reports.display.breakdown_tables / period_rows) by their group key: each row
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
    rows (reports.display.goal_rows) of the locked and today's results, already suppressed for
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


@project_view("goals.view")
def snapshot_list(request):
    project = request.project
    snapshots = (
        GoalSnapshot.objects.filter(project=project)
        .select_related("locked_by")
        .order_by("-period_end", "-locked_at", "-id")
    )
    if export.requested_format(request):
        return exports.snapshot_list_response(request, snapshots)
    return render(
        request,
        "reports/snapshots/list.html",
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
        "reports/snapshots/new.html",
        {"project": project, "form": form},
    )


@project_view("goals.view")
def snapshot_detail(request, snapshot_id: int):
    project = request.project
    snapshot = get_object_or_404(
        GoalSnapshot.objects.select_related("locked_by", "project"),
        pk=snapshot_id,
        project=project,
    )
    threshold = disclosure_for(request.membership)
    locked = locked_results(snapshot, threshold=threshold)
    now = summaries.for_reader(project, engine.evaluate_project(project), threshold)
    rows = comparison_rows(snapshot, locked, now, engine.current_versions(project))
    hide_small_differences(rows, threshold)
    if export.requested_format(request):
        return exports.snapshot_response(request, snapshot, rows, threshold)
    return render(
        request,
        "reports/snapshots/detail.html",
        {
            "project": project,
            "snapshot": snapshot,
            "rows": rows,
            "threshold": threshold,
        },
    )


def hide_small_differences(value, threshold: int | None) -> None:
    """Hide, in place, every difference (a dict from `_cell_difference`) whose count changes —
    of the group, of those meeting the goal, of the rest — are about 1 … threshold-1 people:
    such a change is a figure about those few people."""
    if not threshold:
        return
    if isinstance(value, list):
        for item in value:
            hide_small_differences(item, threshold)
        return
    if not isinstance(value, dict):
        return
    if value.get("hidden") is False and "denominator" in value:
        numerator, denominator = value.get("numerator"), value.get("denominator")
        changes = [numerator, denominator]
        if numerator is not None and denominator is not None:
            changes.append(denominator - numerator)
        if any(change is not None and 0 < abs(change) < threshold for change in changes):
            value.clear()
            value.update({"hidden": True, "reason": "small"})
        return
    for item in value.values():
        if isinstance(item, list | dict):
            hide_small_differences(item, threshold)

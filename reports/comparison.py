"""Comparison pages of the goals (issue 5, item 6, and the display of item 5).

- **Twins** (`goal_comparison:twins`): the project side by side with each twin project
  (Project.twins): one row per goal whose key both projects have, with each project's value,
  interval, status, numerator/denominator, and each project's split by gender. A twin is only
  computed when the user has a membership in it that may view goals; otherwise the page names
  the twin and says the user is not a member. Each project's figures are suppressed by the
  user's role *in that project* (aggregate-only roles get small cells hidden).
- **Reference** (`goal_comparison:reference`): the project's reference programmes
  (ReferenceProgramme / ReferenceValue) per year, the participant-weighted average per year and
  for the project's period, and the project's own share in work at the follow-up from its
  "≥ reference + Δ" goal (the engine's `periods`), with Δ and status per year.
- **Quarters** (`goal_comparison:quarters`): each enrolment-based goal per calendar quarter of
  the project period, computed by the engine itself on a copy of the goal's current version
  (never saved) whose `period_from`/`period_to` parameters are narrowed to the quarter. The
  templates apply the period to the start date for the population "everyone who started" and
  to the exit date otherwise; the page says which. Goals about households or the pre-study have
  no period and are listed as not shown.

Everything is aggregates from goals.engine (and the project's reference rows). Charts are
server-drawn SVG with role="img", a <title> and a <desc>, always followed by the data table.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import export
from core.clock import today
from core.decorators import project_view
from core.models import Membership
from core.policy import disclosure_for
from core.replica import reading_from_replica
from goals import definitions as goal_templates
from goals import publication, summaries
from goals.engine.population import Context, defining_date
from goals.figures import GENDERS
from goals.models import GoalVersion, ReferenceValue
from goals.publication import quarters

from . import exports
from .display import (
    gender_labels,
    percent,
    shown_value,
    status_labels,
    target_text,
)

REFERENCE_TEMPLATE = "follow_up_share_vs_reference"

# Chart geometry, in whole SVG user units.
CHART_WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
LINE_HEIGHT = 220
LINE_LEFT = 48
LINE_RIGHT = 16
LINE_TOP = 12
LINE_BOTTOM = 44


def _engine():
    from goals import engine

    return engine


def _english() -> bool:
    return (get_language() or "").startswith("en")


def project_title(project) -> str:
    return project.title_en if _english() and project.title_en else project.title


def cell_view(cell, kind: str, threshold: int | None = None) -> dict:
    """What a table shows of one Cell (or GoalResult)."""
    statuses = status_labels()
    suppressed = bool(getattr(cell, "suppressed", False))
    code = "suppressed" if suppressed else cell.status
    return {
        "cell": cell,
        "suppressed": suppressed,
        "is_share": kind == "share",
        "value": None if suppressed else shown_value(cell, kind),
        "ci_low": percent(cell.ci_low),
        "ci_high": percent(cell.ci_high),
        "status": statuses.get(code, statuses["no_data"]),
        "status_code": code,
        "threshold": threshold,
        "reason": getattr(cell, "reason", "") if suppressed else "",
    }


# --- charts ---------------------------------------------------------------------------------


def _short(label, chars: int = 30) -> str:
    label = str(label)
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def grouped_bar_chart(groups, series) -> dict:
    """Horizontal bars in groups: groups = [{"label", "values": [percent or None, ...]}] with
    one value per series; series = [{"label", "css"}]. Scale 0–100 %."""
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    drawn, y = [], 0
    for group in groups:
        bars = []
        for i, (value, serie) in enumerate(zip(group["values"], series, strict=True)):
            bar_y = y + i * (BAR_HEIGHT + BAR_GAP)
            width = (
                0 if value is None else round(max(0.0, min(float(value), 100.0)) * bar_space / 100)
            )
            bars.append(
                {
                    "y": bar_y,
                    "text_y": bar_y + BAR_HEIGHT - 3,
                    "width": width,
                    "text_x": LABEL_WIDTH + width + 6,
                    "value": value,
                    "css": serie["css"],
                    "serie": serie["label"],
                }
            )
        height = len(series) * (BAR_HEIGHT + BAR_GAP)
        drawn.append({"label": _short(group["label"]), "text_y": y + height // 2 + 4, "bars": bars})
        y += height + GROUP_GAP
    legend_y = y + 2
    legend, x = [], LABEL_WIDTH
    for serie in series:
        legend.append({**serie, "x": x, "text_x": x + 18, "y": legend_y, "text_y": legend_y + 12})
        x += 18 + 7 * len(str(serie["label"])) + 20
    return {
        "groups": drawn,
        "legend": legend,
        "width": max(CHART_WIDTH, x),
        "height": legend_y + 20,
        "label_x": LABEL_WIDTH - 8,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def line_chart(points, *, is_share: bool, target=None, target_high=None) -> dict:
    """A line over the quarters: points = [{"label", "value" (percent, count or None)}]. Gaps
    (None) break the line. target/target_high are drawn as dashed lines (same unit)."""
    values = [p["value"] for p in points if p["value"] is not None]
    top = 100.0 if is_share else float(max([*values, target or 0, target_high or 0, 1]))
    plot_w = CHART_WIDTH - LINE_LEFT - LINE_RIGHT
    plot_h = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y_of(value):
        return LINE_TOP + round(plot_h - float(value) * plot_h / top)

    drawn, segments, current = [], [], []
    for i, point in enumerate(points):
        x = LINE_LEFT + round(i * step) if len(points) > 1 else LINE_LEFT + plot_w // 2
        item = {
            "label": point["label"],
            "tick": point.get("tick", point["label"]),
            "sub": point.get("sub", ""),
            "x": x,
            "value": point["value"],
        }
        if point["value"] is not None:
            item["y"] = y_of(point["value"])
            current.append(f"{x},{item['y']}")
        elif current:
            segments.append(" ".join(current))
            current = []
        drawn.append(item)
    if current:
        segments.append(" ".join(current))
    ticks = [0, top / 2, top]
    targets = [
        {"y": y_of(t), "value": t}
        for t in (target, target_high)
        if t is not None and 0 <= float(t) <= top
    ]
    return {
        "points": drawn,
        "segments": segments,
        "width": CHART_WIDTH,
        "height": LINE_HEIGHT,
        "left": LINE_LEFT,
        "right": CHART_WIDTH - LINE_RIGHT,
        "bottom": LINE_TOP + plot_h,
        "label_y": LINE_TOP + plot_h + 18,
        "label_y2": LINE_TOP + plot_h + 34,
        "ticks": [{"y": y_of(t), "value": round(t), "text_y": y_of(t) + 4} for t in ticks],
        "tick_x": LINE_LEFT - 6,
        "targets": targets,
        "is_share": is_share,
    }


# --- twins ----------------------------------------------------------------------------------


def gender_rows(results, thresholds) -> list[dict]:
    """One row per gender with each result's cell for it (None when it has no such group)."""
    names = gender_labels()
    rows = []
    for gender in GENDERS:
        sides = []
        for result, threshold in zip(results, thresholds, strict=True):
            groups = (result.breakdown or {}).get("gender") or {}
            cell = groups.get(gender.value)
            sides.append(None if cell is None else cell_view(cell, result.kind, threshold))
        rows.append({"label": names[gender.value], "sides": sides})
    return rows


def twin_comparison(project, membership, user) -> list[dict]:
    """One entry per twin project: either not computed (the user is not a member there, or
    may not view its goals) or the shared goals side by side."""
    twins = list(project.twins.order_by("title", "pk"))
    if not twins:
        return []
    memberships = {m.project_id: m for m in Membership.objects.filter(user=user, project__in=twins)}
    engine = _engine()
    own_threshold = disclosure_for(membership)
    own = summaries.for_reader(project, engine.evaluate_project(project), own_threshold)
    entries = []
    for twin in twins:
        twin_membership = memberships.get(twin.pk)
        if twin_membership is None or not twin_membership.has_capability("goals.view"):
            entries.append({"project": twin, "title": project_title(twin), "allowed": False})
            continue
        threshold = disclosure_for(twin_membership)
        theirs = summaries.for_reader(twin, engine.evaluate_project(twin), threshold)
        theirs = {r.key: r for r in theirs}
        rows = []
        for result in own:
            other = theirs.get(result.key)
            if other is None:
                continue
            rows.append(
                {
                    "key": result.key,
                    "goal": result.goal,
                    "target": target_text(result),
                    "sides": [
                        cell_view(result, result.kind, own_threshold),
                        cell_view(other, other.kind, threshold),
                    ],
                    "genders": gender_rows([result, other], [own_threshold, threshold]),
                }
            )
        shared = {row["key"] for row in rows}
        only_here = [r.goal for r in own if r.key not in shared]
        only_there = [r.goal for r in theirs.values() if r.key not in shared]
        series = [
            {"label": _short(project_title(project), 40), "css": "cmp-a"},
            {"label": _short(project_title(twin), 40), "css": "cmp-b"},
        ]
        chart_rows = [row for row in rows if all(side["is_share"] for side in row["sides"])]
        chart = grouped_bar_chart(
            [
                {"label": row["goal"], "values": [side["value"] for side in row["sides"]]}
                for row in chart_rows
            ],
            series,
        )
        entries.append(
            {
                "project": twin,
                "title": project_title(twin),
                "allowed": True,
                "rows": rows,
                "threshold": threshold,
                "only_here": only_here,
                "only_there": only_there,
                "chart": chart if chart_rows else None,
                "chart_id": f"twin-chart-{twin.pk}",
            }
        )
    return entries


@project_view("goals.view")
@reading_from_replica()
def twins(request):
    project = request.project
    entries = twin_comparison(project, request.membership, request.user)
    if export.requested_format(request):
        return exports.twins_response(request, entries, project_title(project))
    return render(
        request,
        "reports/comparison/twins.html",
        {
            "project": project,
            "project_name": project_title(project),
            "threshold": disclosure_for(request.membership),
            "entries": entries,
            "downloadable": any(e["allowed"] and e["rows"] for e in entries),
            "gender_names": [gender_labels()[g.value] for g in GENDERS],
        },
    )


# --- reference values -----------------------------------------------------------------------


def weighted_share(items) -> Decimal | None:
    """Participant-weighted average of (participants, share in %) pairs, in %."""
    total = sum(p for p, _ in items)
    if not total:
        return None
    return sum(Decimal(p) * Decimal(s) for p, s in items) / Decimal(total)


def reference_table(project) -> dict:
    """The project's reference rows, the weighted average per year and for the project's
    period (the years starts_on.year … ends_on.year, or every year when none lies in the
    period — the same rule as the engine). Shares in %."""
    values = list(
        ReferenceValue.objects.filter(programme__projects=project)
        .distinct()
        .select_related("programme")
        .order_by("year", "programme__name")
    )
    english = _english()
    per_year: dict[int, list] = {}
    rows = []
    for value in values:
        per_year.setdefault(value.year, []).append(
            (value.participants, value.share_in_work_90_days)
        )
        name = value.programme.name
        if english and value.programme.name_en:
            name = value.programme.name_en
        rows.append(
            {
                "programme": name,
                "year": value.year,
                "participants": value.participants,
                "share": value.share_in_work_90_days,
                "source": value.source,
            }
        )
    years = sorted(per_year)
    by_year = {
        year: {
            "year": year,
            "participants": sum(p for p, _ in per_year[year]),
            "share": weighted_share(per_year[year]),
        }
        for year in years
    }
    period_years = [y for y in years if project.starts_on.year <= y <= project.ends_on.year]
    chosen = period_years or years
    overall_items = [item for year in chosen for item in per_year[year]]
    return {
        "rows": rows,
        "years": [by_year[y] for y in years],
        "by_year": by_year,
        "overall": weighted_share(overall_items),
        "overall_participants": sum(p for p, _ in overall_items),
        "overall_years": chosen,
    }


def reference_comparison(project, membership) -> dict:
    """The reference table and, when the project has a "≥ reference + Δ" goal, its value per
    year of exit and for the whole period against reference + Δ."""
    reference = reference_table(project)
    engine = _engine()
    version = next(
        (v for v in engine.current_versions(project) if v.template == REFERENCE_TEMPLATE), None
    )
    context = {"reference": reference, "goal": None}
    if version is None:
        return context
    threshold = disclosure_for(membership)
    try:
        result = engine.evaluate_goal(version)
    except ValidationError as error:
        context["error"] = "; ".join(m for ms in error.message_dict.values() for m in ms)
        return context
    summaries.for_reader(project, [result], threshold)
    delta = Decimal(str(version.parameters.get("delta_pp", 10)))
    periods = result.periods or {}
    keys = sorted(
        {str(y) for y in reference["by_year"]} | {k for k in periods if k != "all"},
        key=lambda k: (not k.isdigit(), k),
    )
    rows = []
    for key in [*keys, "all"]:
        if key == "all":
            ref = reference["overall"]
        else:
            ref = reference["by_year"].get(int(key), {}).get("share") if key.isdigit() else None
        cell = periods.get(key)
        target = None if ref is None else min(Decimal(100), ref + delta)
        view = cell_view(cell, "share") if cell is not None else None
        value = None if view is None else view["value"]
        rows.append(
            {
                "period": _("Whole period") if key == "all" else key,
                "is_all": key == "all",
                "reference": ref,
                "target": target,
                "difference": None if value is None or ref is None else Decimal(str(value)) - ref,
                "result": view,
            }
        )
    chart_rows = [r for r in rows if r["reference"] is not None or r["result"]]
    chart = grouped_bar_chart(
        [
            {
                "label": r["period"],
                "values": [
                    None if r["reference"] is None else float(r["reference"]),
                    None if r["target"] is None else float(r["target"]),
                    None if r["result"] is None else r["result"]["value"],
                ],
            }
            for r in chart_rows
        ],
        [
            {"label": _("Reference"), "css": "cmp-ref"},
            {"label": _("Reference + Δ"), "css": "cmp-b"},
            {"label": _("The project"), "css": "cmp-a"},
        ],
    )
    context.update(
        {
            "goal": result,
            "version": version,
            "delta": delta,
            "rows": rows,
            "chart": chart if chart_rows else None,
        }
    )
    return context


@project_view("goals.view")
@reading_from_replica()
def reference(request):
    project = request.project
    context = reference_comparison(project, request.membership)
    if export.requested_format(request):
        return exports.reference_response(request, context, disclosure_for(request.membership))
    return render(
        request,
        "reports/comparison/reference.html",
        {
            "project": project,
            "threshold": disclosure_for(request.membership),
            "period_start": project.starts_on.year,
            "period_end": project.ends_on.year,
            **context,
        },
    )


# --- quarters -------------------------------------------------------------------------------


def quarter_label(label: str) -> str:
    year, quarter = label.split(" Q")
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def supports_period(template_code: str) -> bool:
    template = goal_templates.TEMPLATES.get(template_code)
    return bool(
        template
        and template.param("period_from") is not None
        and template.param("period_to") is not None
    )


def in_quarter(version: GoalVersion, first: dt.date, last: dt.date) -> GoalVersion | None:
    """An unsaved copy of the version, narrowed to the quarter (and to its own period, if it
    has one); None when the two do not overlap."""
    params = dict(version.parameters)
    start, end = first.isoformat(), last.isoformat()
    if params.get("period_from"):
        start = max(start, params["period_from"])
    if params.get("period_to"):
        end = min(end, params["period_to"])
    if start > end:
        return None
    return GoalVersion(
        goal=version.goal,
        version=version.version,
        title=version.title,
        title_en=version.title_en,
        template=version.template,
        parameters={**params, "period_from": start, "period_to": end},
    )


def quarter_comparison(project, membership) -> dict:
    """Each current goal whose template has a period, per quarter of the project period up
    to today. One engine evaluation per goal and quarter."""
    engine = _engine()
    threshold = disclosure_for(membership)
    plan = summaries.disclosure_plan(project, threshold) if threshold else None
    end = min(project.ends_on, today())
    periods = quarters(project.starts_on, end) if project.starts_on <= end else []
    goals, not_shown = [], []
    for version in engine.current_versions(project):
        if not supports_period(version.template):
            not_shown.append(version.display_title)
            continue
        try:
            params = goal_templates.validate_parameters(
                version.template, version.parameters, project
            )
        except ValidationError:
            not_shown.append(version.display_title)
            continue
        version.parameters = params
        template = goal_templates.TEMPLATES[version.template]
        cells = {}
        totals_only = Context(project, breakdowns=False)  # the page shows no breakdowns
        for label, first, last in periods:
            copy = in_quarter(version, first, last)
            cells[label] = None if copy is None else engine.evaluate_goal(copy, context=totals_only)
            reason = plan and publication.quarter_reason(plan, version.goal.key, label)
            if reason and cells[label] is not None:
                cells[label].hide()
                cells[label].reason = reason
                cells[label].value_answered = cells[label].denominator_answered = None
        rows = []
        for label, _first, _last in periods:
            cell = cells[label]
            rows.append(
                {
                    "label": quarter_label(label),
                    "outside": cell is None,
                    "result": None if cell is None else cell_view(cell, template.kind, threshold),
                }
            )
        any_result = next((c for c in cells.values() if c is not None), None)
        is_share = template.kind == "share"
        target = target_high = None
        if any_result is not None and any_result.target is not None:
            target = _shown_value_of(any_result.target, is_share)
            if any_result.comparator == "range" and any_result.target_high is not None:
                target_high = _shown_value_of(any_result.target_high, is_share)
        chart = line_chart(
            [
                {
                    "label": row["label"],
                    "tick": _("Q%(quarter)s") % {"quarter": label[-1]},
                    "sub": label[:4] if i == 0 or label.endswith("Q1") else "",
                    "value": None if row["result"] is None else row["result"]["value"],
                }
                for i, ((label, _f, _l), row) in enumerate(zip(periods, rows, strict=True))
            ],
            is_share=is_share,
            target=target,
            target_high=target_high,
        )
        goals.append(
            {
                "key": version.goal.key,
                "goal": version.display_title,
                "is_share": is_share,
                "by_start": defining_date(params) == "started_on",
                "target": target_text(any_result) if any_result is not None else "—",
                "rows": rows,
                "chart": chart if rows else None,
            }
        )
    return {"goals": goals, "not_shown": not_shown, "period_end": end}


def _shown_value_of(value, is_share: bool):
    return value * 100 if is_share else value


@project_view("goals.view")
@reading_from_replica()
def quarters_view(request):
    project = request.project
    context = quarter_comparison(project, request.membership)
    if export.requested_format(request):
        return exports.quarters_response(
            request, context["goals"], disclosure_for(request.membership)
        )
    return render(
        request,
        "reports/comparison/quarters.html",
        {"project": project, "threshold": disclosure_for(request.membership), **context},
    )

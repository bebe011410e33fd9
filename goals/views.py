"""The project dashboard and the goals as JSON.

The dashboard shows the participant flow (referred → started → exited → followed up) by gender,
every goal of the project with its interval, status, missing data and breakdowns, the gender
split, hours by intervention category and the follow-ups due. Everything is an aggregate: a fixed
number of queries whatever the number of participants (the goals come from goals.engine; the
flow, the hours and the follow-ups are one query each). Aggregate-only roles (evaluator,
steering group) get every cell under settings.SUPPRESSION_THRESHOLD hidden, also the cell that
could be worked out from a total and the cells shown.

Charts are inline SVG drawn on the server, no JavaScript. One pattern throughout: the <svg> has
role="img" and is labelled by its <title> and <desc>; the same figures follow it in a table.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today
from core.decorators import project_view
from core.models import TargetGroup
from core.permissions import AGGREGATE_ONLY_ROLES
from enrolments.models import Enrolment, FollowUp, Status
from interventions.models import Participation
from participants.models import Gender, RegionOfBirth

from . import summaries

DUE_SOON_DAYS = 14
GENDERS = [Gender.WOMAN, Gender.MAN, Gender.OTHER]
FLOW_STAGES = ["referred", "started", "exited", "followed_up"]
DIMENSIONS = ["gender", "age_band", "region_of_birth", "target_group", "area"]
# Words for "the people without the data" by the kind of data a goal needs.
FOLLOW_UP_TEMPLATES = {
    "follow_up_share",
    "follow_up_share_vs_reference",
    "follow_up_share_among_not_in_work",
}
SURVEY_TEMPLATES = {"survey_share", "survey_change"}

# Chart geometry, in SVG user units (the SVG scales to the width of the page).
CHART_WIDTH = 640
LABEL_WIDTH = 220
LABEL_CHARS = 30  # longer labels are shortened in the chart; the table has them in full
VALUE_WIDTH = 90
BAR_HEIGHT = 22
BAR_GAP = 10


def suppress_below_for(membership) -> int | None:
    """The suppression threshold for aggregate-only roles, None for everyone else."""
    if membership.role in AGGREGATE_ONLY_ROLES:
        return settings.SUPPRESSION_THRESHOLD
    return None


def suppressed_counts(counts: dict, threshold: int | None) -> dict:
    """Counts per group with small cells replaced by None. A cell is hidden when it holds
    1 … threshold-1 people; when that leaves one hidden cell beside a shown total, the smallest
    other non-empty cell is hidden too, so that no hidden cell can be worked out by difference.
    When the total itself is small, every cell is hidden."""
    if not threshold:
        return dict(counts)
    total = sum(counts.values())
    if 0 < total < threshold:
        return {group: (None if n else 0) for group, n in counts.items()}
    hidden = {group for group, n in counts.items() if 0 < n < threshold}
    if len(hidden) == 1:
        others = sorted(
            (n, str(group)) for group, n in counts.items() if n > 0 and group not in hidden
        )
        if others:
            hidden.add(next(g for g in counts if str(g) == others[0][1]))
    return {group: (None if group in hidden else n) for group, n in counts.items()}


# --- the participant flow and the gender split ----------------------------------------------


def participant_flow(project) -> dict[str, dict[str, int]]:
    """Stage -> gender -> number of enrolments, in one grouped query. Referred: every
    enrolment; started: with a start date; exited: with an exit date; followed up: at least one
    follow-up recorded (reached or not)."""
    recorded = FollowUp.objects.filter(enrolment=OuterRef("pk"), recorded_on__isnull=False)
    rows = (
        Enrolment.objects.filter(project=project)
        .order_by()
        .values("participant__gender")
        .annotate(
            referred=Count("pk"),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            exited=Count("pk", filter=Q(exited_on__isnull=False)),
            followed_up=Count("pk", filter=Q(status=Status.FOLLOWED_UP) | Q(Exists(recorded))),
        )
    )
    flow = {stage: {g.value: 0 for g in GENDERS} for stage in FLOW_STAGES}
    for row in rows:
        gender = row["participant__gender"] or Gender.OTHER
        if gender not in flow["referred"]:
            gender = Gender.OTHER.value
        for stage in FLOW_STAGES:
            flow[stage][gender] += row[stage]
    return flow


def flow_stage_labels() -> dict[str, str]:
    return {
        # The stages name groups of people (Swedish plural), not one enrolment's status.
        "referred": pgettext("participant flow", "Referred"),
        "started": pgettext("participant flow", "Started"),
        "exited": pgettext("participant flow", "Exited"),
        "followed_up": pgettext("participant flow", "Followed up"),
    }


def gender_labels() -> dict[str, str]:
    return {
        Gender.WOMAN.value: _("Women"),
        Gender.MAN.value: _("Men"),
        Gender.OTHER.value: _("Another gender / unknown"),
    }


def flow_rows(flow, threshold):
    """Table rows of the flow: per stage the count per gender and the total, suppressed."""
    labels = flow_stage_labels()
    rows = []
    for stage in FLOW_STAGES:
        counts = flow[stage]
        total = sum(counts.values())
        shown = suppressed_counts(counts, threshold)
        total_shown = None if threshold and 0 < total < threshold else total
        rows.append(
            {
                "stage": stage,
                "label": labels[stage],
                "cells": [shown[g.value] for g in GENDERS],
                "total": total_shown,
                "shares": [
                    None if shown[g.value] is None or not total else shown[g.value] * 100 / total
                    for g in GENDERS
                ],
            }
        )
    return rows


# --- hours by intervention category ---------------------------------------------------------


def hours_rows(project) -> list[dict]:
    """Attended hours and the number of participants per intervention category, one query,
    unsuppressed and in both languages (stored in the project's summary)."""
    rows = (
        Participation.objects.filter(intervention__project=project)
        .order_by()
        .values(
            "intervention__category__code",
            "intervention__category__name",
            "intervention__category__name_en",
            "intervention__category__order",
        )
        .annotate(hours=Sum("attended_hours"), people=Count("enrolment", distinct=True))
        .order_by("intervention__category__order", "intervention__category__code")
    )
    return [
        {
            "code": row["intervention__category__code"],
            "name": row["intervention__category__name"],
            "name_en": row["intervention__category__name_en"],
            "hours": row["hours"] or 0,
            "people": row["people"],
        }
        for row in rows
    ]


def hours_by_category(rows, threshold):
    """The hours rows for the reader: a category with fewer participants than the threshold
    shows neither figure to aggregate-only roles."""
    english = (get_language() or "").startswith("en")
    result = []
    for row in rows:
        hidden = bool(threshold) and 0 < row["people"] < threshold
        result.append(
            {
                "code": row["code"],
                "label": row["name_en"] if english and row["name_en"] else row["name"],
                "hours": None if hidden else row["hours"],
                "people": None if hidden else row["people"],
            }
        )
    return result


# --- follow-ups due -------------------------------------------------------------------------


def follow_up_counts(project) -> dict:
    """Follow-ups not yet recorded: overdue and due within DUE_SOON_DAYS, one query."""
    current = today()
    return FollowUp.objects.filter(enrolment__project=project, recorded_on__isnull=True).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=current)),
        due_soon=Count(
            "pk",
            filter=Q(due_on__gte=current, due_on__lte=current + dt.timedelta(days=DUE_SOON_DAYS)),
        ),
    )


def follow_ups_due(counts, threshold):
    """The follow-up counts for the reader, small counts hidden from aggregate-only roles."""
    current = today()
    shown = {}
    for key in ("overdue", "due_soon"):
        n = counts[key]
        shown[key] = None if threshold and 0 < n < threshold else n
    shown["until"] = current + dt.timedelta(days=DUE_SOON_DAYS)
    shown["today"] = current
    return shown


# --- charts ---------------------------------------------------------------------------------


def short_label(label) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(rows):
    """Geometry of a horizontal bar chart, in whole SVG units (so that no locale puts a decimal
    comma into an SVG attribute). rows: [{"label", "value" (None = hidden), "hidden_text"}]."""
    values = [r["value"] for r in rows if r["value"] is not None]
    largest = float(max(values, default=0)) or 1.0
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    drawn = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        value = row["value"]
        width = 0 if value is None else round(float(value) * bar_space / largest)
        drawn.append(
            {
                **row,
                "label": short_label(row["label"]),
                "y": y,
                "text_y": y + round(BAR_HEIGHT * 0.7),
                "width": width,
                "text_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "rows": drawn,
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP),
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }


def stacked_chart(rows, segments):
    """Geometry of 100 % stacked bars. rows: [{"label", "shares": [percent or None, ...]}];
    segments: [{"label", "css"}] in the same order as the shares."""
    bar_space = CHART_WIDTH - LABEL_WIDTH - 10
    drawn = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        x = LABEL_WIDTH
        parts = []
        for share, segment in zip(row["shares"], segments, strict=True):
            if not share:
                continue
            width = round(share * bar_space / 100)
            parts.append({"x": x, "width": width, "css": segment["css"], "label": segment["label"]})
            x += width
        drawn.append(
            {
                "label": short_label(row["label"]),
                "y": y,
                "text_y": y + round(BAR_HEIGHT * 0.7),
                "parts": parts,
                "empty": not parts,
                "empty_text": row.get("empty_text", ""),
                "empty_x": LABEL_WIDTH + 6,
            }
        )
    legend_y = len(rows) * (BAR_HEIGHT + BAR_GAP) + 4
    legend = []
    x = LABEL_WIDTH
    for segment in segments:
        legend.append({**segment, "x": x, "text_x": x + 18, "y": legend_y, "text_y": legend_y + 12})
        x += 18 + 8 * len(str(segment["label"])) + 20
    return {
        "rows": drawn,
        "legend": legend,
        "width": max(CHART_WIDTH, x),
        "height": legend_y + 20,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
    }


# --- goals ----------------------------------------------------------------------------------


def status_labels() -> dict[str, dict[str, str]]:
    """Status text with a symbol, so the status never rests on colour alone."""
    return {
        "met": {"text": _("Met"), "icon": "✓"},
        "not_met": {"text": _("Not met"), "icon": "✗"},
        "uncertain": {"text": _("Not yet certain"), "icon": "?"},
        "no_data": {"text": _("No participants yet"), "icon": "–"},
        "suppressed": {"text": _("Not shown: too few people"), "icon": "–"},
    }


def dimension_labels() -> dict[str, str]:
    return {
        "gender": _("Gender"),
        "age_band": _("Age band"),
        "region_of_birth": _("Region of birth"),
        "target_group": _("Target group"),
        "area": _("Area"),
    }


def group_labels(project) -> dict[str, dict[str, str]]:
    """Readable names of the breakdown groups (one query, for the target groups)."""
    english = (get_language() or "").startswith("en")
    target_groups = {
        tg.code: (tg.name_en if english and tg.name_en else tg.name)
        for tg in TargetGroup.objects.filter(project=project).only("code", "name", "name_en")
    }
    return {
        "gender": gender_labels(),
        "age_band": {"<25": _("Under 25"), "25-54": _("25–54"), "55+": _("55 and over")},
        "region_of_birth": {choice.value: choice.label for choice in RegionOfBirth},
        "target_group": target_groups,
        "area": {},
    }


def _percent(value):
    return None if value is None else value * 100


def _shown_value(cell, kind):
    """A cell's value as the template prints it: a percentage for shares, else the count."""
    if cell.value is None:
        return None
    return cell.value * 100 if kind == "share" else cell.value


def target_text(result) -> str:
    """The goal's target in words: "≥ 70 %", "40–60 %", "≥ reference + 10 pp (52.3 %)"."""
    from django.template.defaultfilters import floatformat

    share = result.kind == "share"

    def fmt(value):
        if value is None:
            return "—"
        if share:
            return f"{floatformat(value * 100, -1)} %"
        return floatformat(value, -1)

    if result.comparator == "range":
        if share:
            low = floatformat(result.target * 100, -1) if result.target is not None else "—"
            high = result.target_high
            high = floatformat(high * 100, -1) if high is not None else "—"
            return f"{low}–{high} %"
        return f"{fmt(result.target)}–{fmt(result.target_high)}"
    if result.target is None and result.comparator != "ref_plus":
        return _("no target (counted only)")
    if result.comparator == "lte":
        return f"≤ {fmt(result.target)}"
    if result.comparator == "ref_plus":
        reference = getattr(result, "reference", None)
        delta = getattr(result, "delta", None)
        if reference is not None and delta is not None:
            return _("≥ reference %(reference)s + %(delta)s pp = %(target)s") % {
                "reference": fmt(reference),
                "delta": floatformat(delta * 100, -1),
                "target": fmt(result.target),
            }
        if result.target is None:
            return _("≥ reference + Δ (no reference values yet)")
        return _("≥ reference + Δ = %(target)s") % {"target": fmt(result.target)}
    return f"≥ {fmt(result.target)}"


def missing_text(result) -> str:
    """How many have no data, in the words of the goal's data source."""
    n = result.missing or 0
    if result.template in FOLLOW_UP_TEMPLATES:
        return ngettext("%(n)s not followed up", "%(n)s not followed up", n) % {"n": n}
    if result.template in SURVEY_TEMPLATES:
        return ngettext("%(n)s without an answer", "%(n)s without an answer", n) % {"n": n}
    return ngettext("%(n)s without data", "%(n)s without data", n) % {"n": n}


def breakdown_tables(result, labels) -> list[dict]:
    """The breakdown of one goal, gender first, then the other dimensions present."""
    names = dimension_labels()
    breakdown = result.breakdown or {}
    order = [d for d in DIMENSIONS if d in breakdown] + sorted(
        d for d in breakdown if d not in DIMENSIONS
    )
    fallback = {"": _("Unknown"), "unknown": _("Unknown"), "none": _("None recorded")}
    tables = []
    for dimension in order:
        groups = breakdown[dimension]
        known = labels.get(dimension, {})
        if dimension == "gender":
            keys = [g.value for g in GENDERS if g.value in groups] + [
                k for k in groups if k not in {g.value for g in GENDERS}
            ]
        elif dimension in ("region_of_birth", "age_band"):
            keys = [k for k in known if k in groups] + [k for k in groups if k not in known]
        else:
            keys = sorted(groups, key=lambda k: str(known.get(k, k)).lower())
        rows = []
        for key in keys:
            cell = groups[key]
            rows.append(
                {
                    "group": known.get(key) or fallback.get(key) or key,
                    "cell": cell,
                    "value": _shown_value(cell, result.kind),
                    "ci_low": _percent(cell.ci_low),
                    "ci_high": _percent(cell.ci_high),
                    "status": status_labels().get(cell.status),
                    "status_code": cell.status,
                }
            )
        tables.append(
            {"dimension": dimension, "label": names.get(dimension, dimension), "rows": rows}
        )
    return tables


def goal_rows(results, project) -> list[dict]:
    labels = group_labels(project)
    statuses = status_labels()
    rows = []
    for result in results:
        missing = result.missing or 0
        rows.append(
            {
                "result": result,
                "is_share": result.kind == "share",
                "value": _shown_value(result, result.kind),
                "value_answered": _percent(result.value_answered),
                "ci_low": _percent(result.ci_low),
                "ci_high": _percent(result.ci_high),
                "target": target_text(result),
                "status": statuses["suppressed"]
                if result.suppressed
                else statuses.get(result.status, statuses["no_data"]),
                "status_code": "suppressed" if result.suppressed else result.status,
                "missing": missing,
                "missing_text": missing_text(result) if missing else "",
                "show_answered": bool(missing)
                and result.kind == "share"
                and result.value_answered is not None,
                "breakdown": breakdown_tables(result, labels),
                "periods": period_rows(result),
            }
        )
    return rows


def period_rows(result) -> list[dict]:
    """For goals against a reference: one row per year and the whole period, with the year's
    target (reference + Δ) when the engine gives it (`period_targets`, optional)."""
    from django.template.defaultfilters import floatformat

    periods = getattr(result, "periods", None) or {}
    targets = getattr(result, "period_targets", None) or {}
    rows = []
    for key in sorted(periods, key=lambda k: (k == "all", str(k))):
        cell = periods[key]
        rows.append(
            {
                "period": _("Whole period") if key == "all" else key,
                "target": target_text(result)
                if key == "all"
                else (
                    None
                    if targets.get(key) is None
                    else f"≥ {floatformat(targets[key] * 100, -1)} %"
                ),
                "cell": cell,
                "value": _shown_value(cell, result.kind),
                "ci_low": _percent(cell.ci_low),
                "ci_high": _percent(cell.ci_high),
                "status": status_labels().get(cell.status),
                "status_code": cell.status,
            }
        )
    return rows


# --- views ----------------------------------------------------------------------------------


@project_view("goals.view")
def dashboard(request):
    """The project dashboard: flow, goals, gender split, hours, follow-ups due."""
    project = request.project
    threshold = suppress_below_for(request.membership)
    data = summaries.read(project, suppress_below=threshold)
    rows = flow_rows(data.figures["flow"], threshold)
    genders = gender_labels()
    hidden_text = _("fewer than %(n)s") % {"n": threshold} if threshold else ""
    flow_chart = bar_chart(
        [{"label": row["label"], "value": row["total"], "hidden_text": hidden_text} for row in rows]
    )
    gender_chart = stacked_chart(
        [
            {
                "label": row["label"],
                "shares": row["shares"],
                "empty_text": _("no participants") if row["total"] == 0 else hidden_text,
            }
            for row in rows
        ],
        [
            {"label": genders[Gender.WOMAN], "css": "seg-woman"},
            {"label": genders[Gender.MAN], "css": "seg-man"},
            {"label": genders[Gender.OTHER], "css": "seg-other"},
        ],
    )
    hours = hours_by_category(data.figures["hours"], threshold)
    hours_chart = bar_chart(
        [{"label": h["label"], "value": h["hours"], "hidden_text": hidden_text} for h in hours]
    )
    return render(
        request,
        "goals/dashboard.html",
        {
            "project": project,
            "threshold": threshold,
            "goals": goal_rows(data.results, project),
            "summary": data,
            "flow_rows": rows,
            "gender_names": [genders[g] for g in GENDERS],
            "flow_chart": flow_chart,
            "gender_chart": gender_chart,
            "hours": hours,
            "hours_chart": hours_chart,
            "due": follow_ups_due(data.figures["due"], threshold),
            "can_see_worklist": request.membership.has_capability("enrolments.view"),
        },
    )


@project_view("goals.view")
def goals_json(request):
    """The goals as JSON, the same list as `manage.py goals --format json`, with small cells
    suppressed for aggregate-only roles. Logged as an export (no personal data in it)."""
    project = request.project
    results = summaries.goal_results(project, suppress_below=suppress_below_for(request.membership))
    log_action(by=request.user, action="export", obj=project, project=project, reason="goals.json")
    return JsonResponse(
        [result.to_dict() for result in results],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )

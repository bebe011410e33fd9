"""The project dashboard and the goals as JSON.

The dashboard shows the participant flow (referred → started → exited → followed up) by gender,
every goal of the project with its interval, status, missing data and breakdowns, the gender
split, hours by intervention category and the follow-ups due. The figures come from the
project's stored summary (goals.summaries: the goals from goals.engine, the flow, the hours and
the follow-ups from goals.figures); this module labels them and hides small cells for
aggregate-only roles (reports.display). Charts are inline SVG (reports.charts).
"""

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today
from core.decorators import project_view
from goals import summaries
from goals.figures import DUE_SOON_DAYS, FLOW_STAGES, GENDERS
from participants.models import Gender

from .charts import bar_chart, stacked_chart
from .display import (
    flow_stage_labels,
    gender_labels,
    goal_rows,
    suppress_below_for,
    suppressed_counts,
)

# --- the participant flow and the gender split ----------------------------------------------


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
        "reports/dashboard.html",
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

"""The project dashboard and the goals as JSON.

The dashboard shows the participant flow (referred → started → exited → followed up) by gender,
every goal of the project with its interval, status, missing data and breakdowns, the gender
split, hours by intervention category and the follow-ups due. The figures come from the
project's stored summary (goals.summaries: the goals from goals.engine, the flow, the hours and
the follow-ups from goals.figures); this module labels them and hides small cells for
aggregate-only roles (reports.display). Charts are inline SVG (reports.charts).
"""

import datetime as dt
import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from core import clock, export
from core.audit import log_action
from core.clock import today
from core.decorators import project_view
from core.policy import Capability, can, disclosure_for
from goals import publication, summaries
from goals.figures import DUE_SOON_DAYS, FLOW_STAGES, GENDERS
from participants.models import Gender
from surveys import tracking as survey_tracking

from . import exports
from .charts import bar_chart, stacked_chart
from .display import flow_stage_labels, gender_labels, goal_rows
from .rollups import parts_rows
from .templatetags.goal_cells import hidden_text

logger = logging.getLogger(__name__)

# --- the participant flow and the gender split ----------------------------------------------


def flow_rows(flow, plan):
    """Table rows of the flow: per stage the count per gender and the total, each as
    {"n", "reason"} (reason "" when shown), with what the disclosure plan hides hidden."""
    labels = flow_stage_labels()
    rows = []
    for stage in FLOW_STAGES:
        counts = flow[stage]
        total = sum(counts.values())
        total_reason = publication.flow_reason(plan, stage) if plan else ""
        cells = []
        for gender in GENDERS:
            reason = publication.flow_reason(plan, stage, gender.value) if plan else ""
            cells.append({"n": None if reason else counts[gender.value], "reason": reason})
        rows.append(
            {
                "stage": stage,
                "label": labels[stage],
                "cells": cells,
                "total": {"n": None if total_reason else total, "reason": total_reason},
                "shares": [
                    None if cell["n"] is None or not total else cell["n"] * 100 / total
                    for cell in cells
                ],
            }
        )
    return rows


# --- hours by intervention category ---------------------------------------------------------


def hours_by_category(rows, plan):
    """The hours rows for the reader: a category the plan hides shows neither its hours nor
    its number of participants."""
    english = (get_language() or "").startswith("en")
    result = []
    for row in rows:
        reason = publication.hours_reason(plan, row["code"]) if plan else ""
        result.append(
            {
                "code": row["code"],
                "label": row["name_en"] if english and row["name_en"] else row["name"],
                "hours": None if reason else row["hours"],
                "people": None if reason else row["people"],
                "reason": reason,
            }
        )
    return result


# --- follow-ups due -------------------------------------------------------------------------


def follow_ups_due(counts):
    """The follow-ups overdue and due soon: the case workers' backlog, shown to the roles that
    see people (the aggregate-only roles follow the goals' missing data instead)."""
    current = today()
    return {
        "overdue": counts["overdue"],
        "due_soon": counts["due_soon"],
        "until": current + dt.timedelta(days=DUE_SOON_DAYS),
        "today": current,
    }


# --- views ----------------------------------------------------------------------------------


@project_view("goals.view")
def dashboard(request):
    """The project dashboard: flow, goals, gender split, hours, follow-ups due."""
    project = request.project
    threshold = disclosure_for(request.membership)
    # The page shows the last figures while a write's refresh counts (figures_state updates
    # it); a file asked for waits for the current ones.
    data = summaries.read(
        project, threshold=threshold, wait=export.requested_format(request) is not None
    )
    rows = flow_rows(data.figures["flow"], data.plan)
    genders = gender_labels()
    flow_chart = bar_chart(
        [
            {
                "label": row["label"],
                "value": row["total"]["n"],
                "hidden_text": hidden_text(row["total"]["reason"], threshold),
            }
            for row in rows
        ]
    )
    gender_chart = stacked_chart(
        [
            {
                "label": row["label"],
                "shares": row["shares"],
                "empty_text": _("no participants")
                if row["total"]["n"] == 0
                else hidden_text(row["total"]["reason"] or "protect", threshold),
            }
            for row in rows
        ],
        [
            {"label": genders[Gender.WOMAN], "css": "seg-woman"},
            {"label": genders[Gender.MAN], "css": "seg-man"},
            {"label": genders[Gender.OTHER], "css": "seg-other"},
        ],
    )
    hours = hours_by_category(data.figures["hours"], data.plan)
    if export.requested_format(request):  # one of the tables below as a file (reports/exports.py)
        return exports.dashboard_response(
            request,
            goals=goal_rows(data.results, project),
            flow_rows=rows,
            gender_names=[genders[g] for g in GENDERS],
            hours=hours,
            threshold=threshold,
            parts=lambda: parts_rows(project, request.membership, data),
        )
    hours_chart = bar_chart(
        [
            {
                "label": h["label"],
                "value": h["hours"],
                "hidden_text": hidden_text(h["reason"], threshold),
            }
            for h in hours
        ]
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
            "today": today(),
            "asked_since": asked_since(),
            "project_ended": project.ends_on < today(),
            "due": None if threshold else follow_ups_due(data.figures["due"]),
            "can_see_worklist": can(request.membership, Capability.ENROLMENTS_VIEW),
            # A parent's sub-projects. While the page asks figures_state (its own figures are
            # behind), a part only behind is not counted here either: figures_state counts it.
            "parts": parts_rows(project, request.membership, data, wait=data.fresh),
            "survey_response": survey_tracking.figures(project, threshold),
        },
    )


# A page asks figures_state for at most this many seconds after it was shown (`since`), then
# stops (286): an open tab whose figures wait for a worker that does not come neither keeps its
# user signed in nor asks for ever.
ASK_FOR_SECONDS = 120
STOP_ASKING = 286  # htmx: stop polling


def asked_since() -> int:
    """The `since` a dashboard page gives figures_state: now, on the real clock."""
    return int(clock.real_seconds())


@project_view("goals.view")
def figures_state(request):
    """Asked every few seconds by a dashboard showing its last figures while newer records are
    counted: nothing until the figures are current, then the page is reloaded (HX-Refresh).
    Says no figure, so it needs no disclosure control and logs no read. A page shown longer
    ago than ASK_FOR_SECONDS, or a count that failed, is told to stop asking."""
    try:
        since = int(request.GET.get("since", ""))
    except ValueError:
        since = asked_since()
    if clock.real_seconds() - since > ASK_FOR_SECONDS:
        return HttpResponse(status=STOP_ASKING)
    try:
        current = summaries.state(request.project, threshold=disclosure_for(request.membership))
    except Exception:  # logged; the page keeps its last figures and says to reload later
        logger.exception("The figures of project %s could not be counted", request.project.pk)
        return HttpResponse(status=STOP_ASKING)
    if current:
        return HttpResponseClientRefresh()
    return HttpResponse(status=204)


@project_view("goals.view")
def goals_json(request):
    """The goals as JSON, the same list as `manage.py goals --format json`, with the disclosure
    plan applied for aggregate-only roles. Logged as an export (no personal data in it)."""
    project = request.project
    results = summaries.goal_results(project, threshold=disclosure_for(request.membership))
    log_action(by=request.user, action="export", obj=project, project=project, reason="goals.json")
    return JsonResponse(
        [result.to_dict() for result in results],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )

"""A parent project's parts: the sub-project table on its dashboard and its project page.

A programme or main project counts every project below it (docs/rollups.md): its dashboard's
goals, flow and hours are over all its parts' records (goals.engine, goals.figures). Beside them
this table lists the parts directly below it: title, phase, participants (enrolments in the part
and the parts below it, from the parent's stored figures, hidden as the parent's disclosure plan
says), and how many of the part's own goals are met, not met or not yet certain (from the part's
own summary, hidden as the part's plan says).

The project page (core) may not import this app: it asks `core.signals.project_page_sections`,
which `section()` below answers (connected in reports/apps.py).
"""

from django.template.loader import render_to_string

from core.models import Project
from core.policy import Capability, can, disclosure_for
from goals import publication, summaries
from goals.figures import OWN

from .display import goal_rows


def parts_rows(project, membership, data, *, wait: bool = True) -> list[dict]:
    """The rows of the sub-project table ([] for a project without parts); `data` is the
    parent's summaries.read() for this reader. `wait=False` (the dashboard page): a part's goal
    statuses only behind its data are shown as they are (summaries.part_statuses)."""
    children = list(project.children.order_by("title"))
    if not children:
        return []
    threshold = disclosure_for(membership)
    visible = set(Project.objects.visible_to(membership.user).values_list("pk", flat=True))
    participants = data.figures.get("parts") or {}
    statuses = summaries.part_statuses(children, threshold, wait=wait)
    rows = []
    for child in children:
        reason = publication.part_reason(data.plan, str(child.pk)) if data.plan else ""
        goals = statuses.get(child.pk, {})
        rows.append(
            {
                "project": child,
                "visible": child.pk in visible,
                "participants": None if reason else participants.get(str(child.pk), 0),
                "reason": reason,
                "met": goals.get("met", 0),
                "not_met": goals.get("not_met", 0),
                "uncertain": goals.get("uncertain", 0),
                "no_data": goals.get("no_data", 0),
            }
        )
    own = participants.get(OWN, 0)
    if own:
        reason = publication.part_reason(data.plan, OWN) if data.plan else ""
        rows.append({"project": None, "participants": None if reason else own, "reason": reason})
    return rows


def section(sender, *, request, project, membership, **kwargs) -> str:
    """The project page's part about a parent's parts: the sub-project table and the goals
    over all of them ("" for a project without parts or a role that may not see goals)."""
    if not can(membership, Capability.GOALS_VIEW) or not project.children.exists():
        return ""
    threshold = disclosure_for(membership)
    data = summaries.read(project, threshold=threshold)
    return render_to_string(
        "reports/_parts.html",
        {
            "project": project,
            "threshold": threshold,
            "parts": parts_rows(project, membership, data),
            "goals": goal_rows(data.results, project),
            "on_project_page": True,
        },
        request=request,
    )

"""The portfolio: every goal of every project the user follows, in one table.

For a steering group or a funder: which promises are met, not met or not yet certain, across
all their projects. Figures come from the projects' stored summaries (goals.summaries), so a
portfolio of thousands of projects is two queries; a project whose summary is not current shows
its last figures with the time they are valid for, and a refresh is queued.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from core.audit import log_action
from core.models import Membership
from core.policy import Capability, disclosure_for, roles_with
from core.spreadsheet import safe_row
from goals import publication, summaries
from goals.models import ProjectSummary

from .display import status_labels

PER_PAGE = 50
STATUSES = ["met", "not_met", "uncertain", "no_data"]


def _memberships(user):
    """The user's memberships in projects whose goals their role may see."""
    return Membership.objects.filter(user=user, role__in=roles_with(Capability.GOALS_VIEW))


HIDDEN_WITH_THE_GOAL = ("numerator", "denominator", "value", "ci_low", "ci_high", "missing")


def _rows(memberships):
    """The portfolio rows, with each project's disclosure plan applied for the user's role in
    it (the same plan as the project's dashboard, so the two never disagree)."""
    mine = list(memberships.select_related("project"))
    thresholds = {m.project_id: disclosure_for(m) for m in mine}
    titles = {m.project_id: m.project.title for m in mine}
    plans = summaries.plans(list(thresholds), thresholds.get)
    english = (get_language() or "").startswith("en")
    rows = summaries.portfolio(memberships.values("project_id"))
    for row in rows:
        row["project"] = titles[row["project_id"]]
        row["goal"] = row["title_en"] if english and row["title_en"] else row["title"]
        row["suppressed"], row["reason"] = False, ""
        plan = plans.get(row["project_id"])
        if plan is None:
            continue
        decided = publication.top_level(plan, row["key"], row["template"])
        if decided is None:
            continue  # a goal about the project itself, not about people
        level, reason = decided
        if level is None:
            row.update(dict.fromkeys(HIDDEN_WITH_THE_GOAL))
            row.update({"status": "no_data", "suppressed": True, "reason": reason})
        elif level != publication.FULL:
            row["missing"] = None
    return rows


# Projects without figures yet that the page computes while the user waits (small ones only);
# the rest are queued for the task worker.
COMPUTE_NOW = 10


def _missing_summaries(memberships) -> int:
    """Projects never computed get their figures: the first few small ones now, the others by a
    queued refresh. Returns how many are still being computed."""
    from django.db.models import Count

    from core.models import Project

    missing = list(
        Project.objects.filter(pk__in=memberships.values("project_id"), goal_summary__isnull=True)
        .annotate(size=Count("enrolments"))
        .order_by("size")
    )
    now = [p for p in missing if p.size <= summaries.LIVE_LIMIT][:COMPUTE_NOW]
    for project in now:
        summaries.refresh(project)
    later = [p.pk for p in missing if p not in now]
    if later:
        ProjectSummary.objects.bulk_create(
            [ProjectSummary(project_id=pk) for pk in later], ignore_conflicts=True
        )
        summaries.queue_refresh(later)
    return len(later)


@login_required
def portfolio(request):
    memberships = _memberships(request.user)
    pending = _missing_summaries(memberships)
    rows = _rows(memberships)
    status = request.GET.get("status", "")
    if status in STATUSES:
        rows = [row for row in rows if row["status"] == status]
    if request.GET.get("format") == "csv":
        log_action(by=request.user, action="export", reason="portfolio.csv")
        return _csv(rows)
    projects: dict[int, list] = {}
    for row in rows:
        projects.setdefault(row["project_id"], []).append(row)
    page = Paginator(list(projects.items()), PER_PAGE).get_page(request.GET.get("page"))
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    labels = status_labels()
    for _pk, goals in page.object_list:
        for row in goals:
            row["label"] = labels["suppressed" if row["suppressed"] else row["status"]]
    return render(
        request,
        "reports/portfolio.html",
        {
            "page": page,
            "groups": [
                {"project_id": pk, "title": goals[0]["project"], "goals": goals}
                for pk, goals in page.object_list
            ],
            "status": status,
            "statuses": [(key, labels[key]["text"], counts.get(key, 0)) for key in STATUSES],
            "pending": pending,
            "n_projects": memberships.count(),
        },
    )


def _csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portfolio.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    columns = ["project_id", "project", "key", "goal", "kind", "numerator", "denominator",
               "value", "ci_low", "ci_high", "missing", "target", "status",
               "computed_at"]  # fmt: skip
    writer.writerow(safe_row(columns))
    for row in rows:
        # A project's or goal's title is typed by users: a title like "=cmd|..." stays text.
        writer.writerow(safe_row("" if row.get(c) is None else row.get(c) for c in columns))
    return response

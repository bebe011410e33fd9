"""The portfolio: every goal of every project the user follows, in one table.

For a steering group or a funder: which promises are met, not met or not yet certain, across
all their projects. Figures come from the projects' stored summaries (goals.summaries), so a
portfolio of thousands of projects is a handful of queries; a project whose summary is not
current shows its last figures with the time they are valid for, and a refresh is queued.

The projects can be grouped by programme (a project with its parts: a programme and its area
parts, a main project and its sub-projects) or by funding programme, sorted by title or by how
many of their goals are met, not met, not yet certain or without figures, and filtered by
funding programme, programme and status — all with GET parameters, so a view can be bookmarked
and the download (core/export.py, `?format=csv|xlsx`) holds the same rows as the page.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from core import export
from core.models import Membership, Project
from core.policy import Capability, disclosure_for, roles_with
from core.replica import reading_from_replica
from goals import publication, summaries
from goals.models import ProjectSummary

from .display import status_labels

PER_PAGE = 50
STATUSES = ["met", "not_met", "uncertain", "no_data"]
NONE = "-"  # the filter value for "no funding programme given" / "not part of a programme"


def _memberships(user):
    """The user's memberships in projects whose goals their role may see."""
    return Membership.objects.filter(user=user, role__in=roles_with(Capability.GOALS_VIEW))


HIDDEN_WITH_THE_GOAL = ("numerator", "denominator", "value", "ci_low", "ci_high", "missing")


def _rows(memberships, projects: dict[int, dict]):
    """The portfolio rows, with each project's disclosure plan applied for the user's role in
    it (the same plan as the project's dashboard, so the two never disagree)."""
    mine = list(memberships)
    thresholds = {m.project_id: disclosure_for(m) for m in mine}
    plans = summaries.plans(list(thresholds), thresholds.get)
    english = (get_language() or "").startswith("en")
    rows = summaries.portfolio(memberships.values("project_id"))
    for row in rows:
        info = projects[row["project_id"]]
        row["project"] = info["title"]
        row["programme"] = info["programme_title"]
        row["funder"] = info["funder"]
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


def _projects(memberships) -> dict[int, dict]:
    """Each followed project's title, funding programme and programme (the top of its tree,
    when it is part of one or has parts): three queries whatever the number of projects."""
    mine = dict(
        Project.objects.filter(pk__in=memberships.values("project_id")).values_list(
            "pk", "parent_id"
        )
    )
    tree = Project.objects.filter(pk__in=Project.counting_project_ids(mine))
    info = {
        pk: {"title": title, "parent": parent, "funder": funder or ""}
        for pk, title, parent, funder in tree.values_list(
            "pk", "title", "parent_id", "funding_programme"
        )
    }
    with_parts = set(Project.objects.filter(parent_id__in=mine).values_list("parent_id", flat=True))
    result = {}
    for pk in mine:
        top = pk
        for _level in range(len(info)):
            parent = info[top]["parent"]
            if parent is None:
                break
            top = parent
        in_programme = top != pk or pk in with_parts
        result[pk] = {
            "title": info[pk]["title"],
            "funder": info[pk]["funder"],
            "programme_id": top if in_programme else None,
            "programme_title": info[top]["title"] if in_programme else "",
        }
    return result


# Projects without figures yet that the page computes while the user waits (small ones only);
# the rest are queued for the task worker.
COMPUTE_NOW = 10


def _missing_summaries(memberships) -> int:
    """Projects never computed get their figures: the first few small ones now, the others by a
    queued refresh. Returns how many are still being computed."""
    from django.db.models import Count

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


# --- the choices: grouping, sorting, filtering -------------------------------------------------


GROUPS = [
    ("project", _("No grouping")),
    ("programme", _("Programme")),
    ("funder", _("Funding programme")),
]
SORTS = [
    ("project", _("Project title")),
    ("met", _("Most goals met")),
    ("not_met", _("Most goals not met")),
    ("uncertain", _("Most goals not yet certain")),
    ("no_data", _("Most goals without figures")),
]


class PortfolioForm(forms.Form):
    """The portfolio's view: GET parameters, every one optional."""

    group = forms.ChoiceField(label=_("Group by"), choices=GROUPS, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    funder = forms.ChoiceField(label=_("Funding programme"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    status = forms.ChoiceField(label=_("Goals with the status"), required=False)

    def __init__(self, data, *, projects: dict[int, dict]):
        super().__init__(data)
        labels = status_labels()
        funders = sorted({p["funder"] for p in projects.values() if p["funder"]})
        programmes = sorted(
            {(p["programme_id"], p["programme_title"]) for p in projects.values()
             if p["programme_id"]},
            key=lambda item: item[1],
        )  # fmt: skip
        self.fields["funder"].choices = [
            ("", _("All")),
            *((f, f) for f in funders),
            (NONE, _("Not given")),
        ]
        self.fields["programme"].choices = [
            ("", _("All")),
            *((str(pk), title) for pk, title in programmes),
            (NONE, _("Not part of a programme")),
        ]
        self.fields["status"].choices = [
            ("", _("All")),
            *((key, labels[key]["text"]) for key in STATUSES),
        ]

    def value(self, name: str) -> str:
        """The field's value, "" when not given or not one of its choices."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        return self.cleaned_data.get(name) or ""


def _keep(project: dict, form: PortfolioForm) -> bool:
    funder, programme = form.value("funder"), form.value("programme")
    if funder and (project["funder"] or NONE) != funder:
        return False
    return not programme or str(project["programme_id"] or NONE) == programme


def _group_label(project: dict, group: str) -> str:
    if group == "programme":
        return project["programme_title"] or _g("Not part of a programme")
    if group == "funder":
        return project["funder"] or _g("Funding programme not given")
    return ""


# --- the page and its download ---------------------------------------------------------------


def export_columns():
    return [
        export.Column("project_id", _("Project number"), export.INTEGER),
        export.Column("project", _("Project")),
        export.Column("programme", _("Programme")),
        export.Column("funder", _("Funding programme")),
        export.Column("key", _("Goal key")),
        export.Column("goal", _("Goal")),
        export.Column("numerator", _("Count"), export.INTEGER),
        export.Column("denominator", _("Total"), export.INTEGER),
        export.Column("share", _("Share"), export.PERCENT),
        export.Column("count", _("Number (goals that count)"), export.DECIMAL),
        export.Column("ci_low", _("95 % interval, low"), export.PERCENT),
        export.Column("ci_high", _("95 % interval, high"), export.PERCENT),
        export.Column("missing", _("Missing data"), export.INTEGER),
        export.Column("target_share", _("Target share"), export.PERCENT),
        export.Column("target_count", _("Target number"), export.DECIMAL),
        export.Column("status", _("Status")),
        export.Column("computed_at", _("Figures as of"), export.DATETIME),
    ]


def _export_rows(rows):
    labels = status_labels()
    for row in rows:
        share = row["kind"] == "share"
        yield {
            **row,
            "share": row["value"] if share else None,
            "count": None if share else row["value"],
            "target_share": row["target"] if share else None,
            "target_count": None if share else row["target"],
            "status": labels["suppressed" if row["suppressed"] else row["status"]]["text"],
        }


@login_required
@reading_from_replica()  # figures a few seconds old will do (docs/scaling.md)
def portfolio(request):
    memberships = _memberships(request.user)
    pending = _missing_summaries(memberships)
    projects = _projects(memberships)
    form = PortfolioForm(request.GET, projects=projects)
    group, sort, status = form.value("group") or "project", form.value("sort"), form.value("status")
    rows = [row for row in _rows(memberships, projects) if _keep(projects[row["project_id"]], form)]
    counts = dict.fromkeys(STATUSES, 0)
    per_project: dict[int, dict] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        per_project.setdefault(row["project_id"], dict.fromkeys(STATUSES, 0))[row["status"]] += 1
    if status in STATUSES:
        rows = [row for row in rows if row["status"] == status]
    fmt = export.requested_format(request)
    if fmt:
        return export.response(
            request, name="portfolio", columns=export_columns(), rows=_export_rows(rows), fmt=fmt
        )
    by_project: dict[int, list] = {}
    for row in rows:
        by_project.setdefault(row["project_id"], []).append(row)

    def order(item):
        pk, goals = item
        info = projects[pk]
        # The projects of no programme, or with no funding programme given, come last.
        ungrouped = not (info["programme_id"] if group == "programme" else info["funder"])
        label = (group != "project" and ungrouped, _group_label(info, group).casefold())
        title = goals[0]["project"].casefold()
        if sort in STATUSES:
            return (label, -per_project[pk][sort], title, pk)
        return (label, title, pk)

    page = Paginator(sorted(by_project.items(), key=order), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = status_labels()
    sections: list[dict] = []
    for pk, goals in page.object_list:
        for row in goals:
            row["label"] = labels["suppressed" if row["suppressed"] else row["status"]]
        label = _group_label(projects[pk], group)
        if not sections or sections[-1]["label"] != label:
            sections.append({"label": label, "groups": []})
        sections[-1]["groups"].append(
            {"project_id": pk, "title": goals[0]["project"], "goals": goals,
             "counts": per_project[pk]}
        )  # fmt: skip
    query = request.GET.copy()
    for key in ("page", "status", "format", "csv"):
        query.pop(key, None)
    return render(
        request,
        "reports/portfolio.html",
        {
            "page": page,
            "form": form,
            "sections": sections,
            "grouped": group != "project",
            "status": status,
            "statuses": [(key, labels[key]["text"], counts.get(key, 0)) for key in STATUSES],
            "base_query": query.urlencode(),
            "page_query": _without(request.GET, "page"),
            "pending": pending,
            "n_projects": memberships.count(),
        },
    )


def _without(params, *keys) -> str:
    query = params.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()

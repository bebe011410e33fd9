"""The public project page (docs/public-page.md): what a project's manager publishes for
anyone to read without logging in, and the one function that says what that is.

- `publish(project, by)` / `withdraw(project, by)`: the manager's two actions, audited. A
  project whose `public_since` is None has no public page: its public URLs answer 404, the
  same as a project that does not exist.
- `public_results(project)`: the aggregate results the public sees — the participant flow by
  gender and the goals with their status — read from the project's **stored** summary (never
  recomputed for an anonymous request) with the project's disclosure plan applied at
  `core.policy.project_threshold(project)`, the same plan every aggregate-only route applies.
  Nothing about a person, no breakdowns, no missing-data counts.
- `public_document(project)`: the same page as JSON, both languages.

The manager's preview (reports/views_public.py) renders the same template with the same context
as the public page, so what the manager sees is exactly what will be public.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import translation

from core import clock
from core.audit import log_action
from core.models import Project
from core.policy import project_threshold

LANGUAGES = ("sv", "en")


# --- publishing -------------------------------------------------------------------------------


def published_projects():
    """The projects with a public page."""
    return Project.objects.filter(public_since__isnull=False)


def publish(project: Project, *, by) -> Project:
    """Publish the project's public page (or publish it again: the date is kept). The figures
    are brought up to date first as the dashboard would (a small project is counted now, a
    large one keeps its last figures and a refresh is queued), so the page has figures."""
    from goals import summaries

    summaries.read(project, threshold=project_threshold(project))
    first = {"public_since": clock.now(), "public_by": by} if project.public_since is None else {}
    return _record(project, by=by, reason="public page published", **first)


def withdraw(project: Project, *, by) -> Project:
    """Withdraw the public page: its URLs answer 404 from now on."""
    return _record(
        project, by=by, reason="public page withdrawn", public_since=None, public_by=None
    )


def _record(project: Project, *, by, reason: str, **fields) -> Project:
    """Set the publication fields and log the action, in one transaction. update(), not save():
    publishing changes nothing a goal counts, so the stored summary stays fresh (a save of the
    project would mark it stale)."""
    with transaction.atomic():
        if fields:
            for name, value in fields.items():
                setattr(project, name, value)
            Project.objects.filter(pk=project.pk).update(**fields)
        log_action(
            by=by,
            action="change",
            obj=project,
            project=project,
            fields=["public_since", "public_by"],
            reason=reason,
        )
    return project


# --- the figures --------------------------------------------------------------------------------


@dataclass
class PublicResults:
    """The aggregate results of a public page, with the disclosure plan applied."""

    results: list  # goals.engine GoalResult, hidden cells marked suppressed with their reason
    flow: dict  # the stored flow {stage: {gender: count}}; `plan` says what to hide
    plan: dict
    threshold: int
    computed_at: object
    fresh: bool


def public_results(project: Project) -> PublicResults | None:
    """The project's stored figures as the public may see them; None when none were ever
    computed. Never counts the raw rows: when the stored figures are not current (something
    was recorded since), they are shown with the time they are valid for, and a refresh is
    queued, as the dashboard does for a large project."""
    from goals import summaries

    threshold = project_threshold(project)
    stored = summaries.read_stored(project, threshold=threshold)
    if stored is None:
        return None
    return PublicResults(
        results=stored.results,
        flow=stored.figures.get("flow") or {},
        plan=stored.plan,
        threshold=threshold,
        computed_at=stored.computed_at,
        fresh=stored.fresh,
    )


def _flow_rows(figures: PublicResults | None) -> list[dict]:
    if figures is None or not figures.flow:
        return []
    from reports.dashboard import flow_rows

    return flow_rows(figures.flow, figures.plan)


# --- the page -----------------------------------------------------------------------------------


def _sections(project: Project, language: str) -> tuple[list, str]:
    """The narrative in `language`, or in the other language when there is none in it."""
    sections = list(project.sections.filter(language=language))
    if sections:
        return sections, language
    other = "en" if language == "sv" else "sv"
    return list(project.sections.filter(language=other)), other


def page_context(project: Project, *, preview: bool = False) -> dict:
    """Everything the public page shows, in the current language (the template is
    templates/public/_page.html, shared by the public page and the manager's preview)."""
    from goals.figures import GENDERS
    from reports.display import gender_labels, goal_rows

    language = (translation.get_language() or "sv")[:2]
    sections, sections_language = _sections(project, language)
    english = language == "en"
    title = project.title_en if english and project.title_en else project.title
    figures = public_results(project)
    partners = list(project.partners.select_related("organisation"))
    genders = gender_labels()
    return {
        "project": project,
        "title": title,
        "title_language": "en" if english and project.title_en else "sv",
        "sections": sections,
        "sections_language": sections_language,
        "co_financiers": [p.organisation for p in partners if p.is_co_financier],
        "partner_orgs": [p.organisation for p in partners if p.is_partner],
        "municipalities": list(project.municipalities.all()),
        "figures": figures,
        "threshold": figures.threshold if figures else project_threshold(project),
        "goals": goal_rows(figures.results, project) if figures else [],
        "flow_rows": _flow_rows(figures),
        "gender_names": [genders[g] for g in GENDERS],
        "project_ended": project.ends_on < clock.today(),
        "preview": preview,
        # Heading elements: one level lower inside the manager's preview (under its h1).
        "headings": {"1": "h2", "2": "h3", "3": "h4"}
        if preview
        else {"1": "h1", "2": "h2", "3": "h3"},
        "json_url": reverse("public:project_json", kwargs={"project_id": project.pk}),
    }


# --- the JSON -----------------------------------------------------------------------------------


def _number(value):
    if value is None:
        return None
    return float(value) if not float(value).is_integer() else int(value)


def _public_url(project: Project, language: str) -> str:
    with translation.override(language):
        return reverse("public:project", kwargs={"project_id": project.pk})


def _hidden_texts(threshold: int) -> dict:
    from reports.templatetags.goal_cells import hidden_text

    return {
        reason: {lang: _in(lang, hidden_text, reason, threshold) for lang in LANGUAGES}
        for reason in ("small", "small_part", "protect")
    }


def _in(language, function, *args):
    with translation.override(language):
        return str(function(*args))


def public_document(project: Project, languages=LANGUAGES) -> dict:
    """The public page as data: the same facts, narrative and figures, in the languages asked
    for. A hidden figure is null with its reason ("small", "small_part", "protect")."""
    from goals.figures import FLOW_STAGES
    from goals.models import GoalSummary

    figures = public_results(project)
    partners = list(project.partners.select_related("organisation"))
    sections = {
        language: [
            {
                "key": s.key,
                "heading": _in(language, lambda s=s: s.title),
                "body": s.body,
            }
            for s in project.sections.filter(language=language)
        ]
        for language in languages
    }
    document = {
        "id": project.pk,
        "url": {language: _public_url(project, language) for language in languages},
        "title": {"sv": project.title, "en": project.title_en or None},
        "kind": project.kind,
        "phase": project.phase,
        "phase_label": {
            lang: _in(lang, lambda: str(Project.Phase(project.phase).label)) for lang in languages
        },
        "project_owner": str(project.owner),
        "contact": {
            "name": project.contact_name or None,
            "email": project.contact_email or None,
            "telephone": project.contact_phone or None,
        },
        "funding_programme": project.funding_programme or None,
        "programme_area": project.programme_area or None,
        "region": project.region or None,
        "period": {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()},
        "esf_grant_sek": _number(project.esf_grant),
        "total_budget_sek": _number(project.total_budget),
        "co_financiers": [str(p.organisation) for p in partners if p.is_co_financier],
        "partners": [str(p.organisation) for p in partners if p.is_partner],
        "municipalities": [m.name for m in project.municipalities.all()],
        "sections": sections,
        "published_since": project.public_since.isoformat() if project.public_since else None,
        "results": None,
    }
    if figures is None:
        return document
    from goals import publication

    flow = {}
    for stage in FLOW_STAGES:
        counts = figures.flow.get(stage, {})
        total_reason = publication.flow_reason(figures.plan, stage)
        flow[stage] = {
            "total": None if total_reason else sum(counts.values()),
            "hidden": total_reason or None,
            "by_gender": {
                gender: {
                    "n": None if reason else count,
                    "hidden": reason or None,
                }
                for gender, count in counts.items()
                for reason in [publication.flow_reason(figures.plan, stage, gender)]
            },
        }
    titles = {
        row.key: {"sv": row.title, "en": row.title_en or None}
        for row in GoalSummary.objects.filter(project=project).only("key", "title", "title_en")
    }
    goals = []
    for result in figures.results:
        goals.append(
            {
                "key": result.key,
                "title": titles.get(result.key, {"sv": str(result.goal), "en": None}),
                "kind": result.kind,
                "comparator": result.comparator,
                "target": result.target,
                "target_high": result.target_high,
                "value": result.value,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "status": "suppressed" if result.suppressed else result.status,
                "hidden": (result.reason or "protect") if result.suppressed else None,
            }
        )
    document["results"] = {
        "computed_at": figures.computed_at.isoformat() if figures.computed_at else None,
        "current": figures.fresh,
        "threshold": figures.threshold,
        "hidden_reasons": _hidden_texts(figures.threshold),
        "flow": flow,
        "goals": goals,
    }
    return document

"""Status reports (lägesrapporter): what goes into one, and how it becomes a PDF.

A report covers a period of the project: a calendar year, a quarter, or the whole project so
far (`period_choices`). Its figures are the dashboard's, read the same way and with the same
disclosure plan (goals.summaries.read, goals.publication):

- **the period**: each goal's figure for the period as the goal pages show it per period — the
  year of exit (the dashboard's per-year rows of a goal against a reference) and the calendar
  quarters (the quarters page: the goal's population narrowed to the quarter, hidden by the
  plan's quarter decisions);
- **the project so far**: the dashboard as it stands when the PDF is made — participant flow
  by gender (the gender split), every goal with its 95 % interval and status, hours per
  intervention category, and the comparisons with twin projects and reference values.

Every figure is made for the project's **aggregate threshold** (core.policy.project_threshold)
— the threshold of the steering group, the evaluator and the public — so the one PDF of a
report may be handed to anyone, and a steering member finds in it exactly the dashboard's
figures. A role that sees people (the manager) sees exact figures on the dashboard and the
suppressed ones in the report.

`document(report)` builds one JSON value with every text and figure as printed; the typst
template (reports/typst/status_report.typ) only lays it out: nothing a user typed is ever
spliced into typst source. `compile_pdf(document)` makes the PDF in this process with bundled
fonts (typst's embedded Libertinus Serif, and DejaVu Sans from reports/typst/fonts for the
Arabic script), tagged for PDF/UA-1.
"""

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from core.audit import log_action
from core.policy import project_threshold
from goals import publication, summaries
from goals.figures import GENDERS

from .display import gender_labels, goal_rows, period_rows, target_text
from .models import StatusReport
from .templatetags.goal_cells import hidden_text

logger = logging.getLogger(__name__)

TYPST_DIR = Path(__file__).resolve().parent / "typst"
TEMPLATE = TYPST_DIR / "status_report.typ"
FONTS = TYPST_DIR / "fonts"
DASH = "—"


# --- periods --------------------------------------------------------------------------------


def _last_day(project) -> dt.date:
    return min(project.ends_on, clock.today())


def period_choices(project) -> list[tuple[str, str]]:
    """(value, label) of the periods a report may cover: the whole project so far, then each
    calendar year and quarter of the project's period up to today, newest first."""
    end = _last_day(project)
    choices = [("project", _("The whole project so far"))]
    if project.starts_on > end:
        return choices
    for year in range(end.year, project.starts_on.year - 1, -1):
        choices.append((f"year:{year}", _("Year %(year)s") % {"year": year}))
        for label, _first, _last in reversed(publication.quarters(project.starts_on, end)):
            if label.startswith(f"{year} "):
                choices.append((f"quarter:{label}", _quarter_label(label)))
    return choices


def _quarter_label(label: str) -> str:
    year, quarter = label.split(" Q")
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def parse_period(project, value: str) -> tuple[str, dt.date, dt.date]:
    """(kind, first day, last day) of a value from period_choices; ValidationError else."""
    if value not in dict(period_choices(project)):
        raise ValidationError(_("Choose a period of the project."), code="period")
    if value == "project":
        return StatusReport.PeriodKind.PROJECT, project.starts_on, _last_day(project)
    kind, rest = value.split(":", 1)
    if kind == "year":
        year = int(rest)
        first = max(dt.date(year, 1, 1), project.starts_on)
        return StatusReport.PeriodKind.YEAR, first, min(dt.date(year, 12, 31), _last_day(project))
    for label, first, last in publication.quarters(project.starts_on, _last_day(project)):
        if label == rest:
            return (
                StatusReport.PeriodKind.QUARTER,
                max(first, project.starts_on),
                min(last, _last_day(project)),
            )
    raise ValidationError(_("Choose a period of the project."), code="period")


def period_value(report) -> str:
    if report.period_kind == StatusReport.PeriodKind.YEAR:
        return f"year:{report.period_start.year}"
    if report.period_kind == StatusReport.PeriodKind.QUARTER:
        return f"quarter:{report.period_start.year} Q{(report.period_start.month - 1) // 3 + 1}"
    return "project"


def period_name(report) -> str:
    """The period in words, in the active language."""
    if report.period_kind == StatusReport.PeriodKind.YEAR:
        return _("Year %(year)s") % {"year": report.period_start.year}
    if report.period_kind == StatusReport.PeriodKind.QUARTER:
        return _quarter_label(period_value(report).split(":", 1)[1])
    return _("The whole project so far")


def _quarters_in(report) -> list[tuple[str, dt.date, dt.date]]:
    project = report.project
    end = _last_day(project)
    if project.starts_on > end:
        return []
    return [
        q
        for q in publication.quarters(project.starts_on, end)
        if q[1] <= report.period_end and q[2] >= report.period_start
    ]


# --- services -------------------------------------------------------------------------------


def source_hash(report) -> str:
    """What of a draft the PDF depends on besides the data: a changed title, narrative or
    language makes the PDF outdated."""
    text = json.dumps([report.title, report.narrative, report.language], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def pdf_is_current(report) -> bool:
    return bool(report.pdf) and report.pdf_source == source_hash(report)


def create(*, project, by, period: str, language: str, title: str) -> StatusReport:
    kind, first, last = parse_period(project, period)
    report = StatusReport(
        project=project,
        period_kind=kind,
        period_start=first,
        period_end=last,
        language=language,
        title=title,
        created_by=by,
    )
    with transaction.atomic():
        report.save()
        log_action(by=by, action="create", obj=report, project=project, reason="status report")
    return report


def start_pdf(report, *, by):
    """Queue the job that makes the report's PDF (reports/jobs.py); returns the job."""
    from jobs.services import start_job

    with transaction.atomic():
        job = start_job(
            kind="reports.status_report",
            title=_("Status report PDF: %(title)s") % {"title": report.title[:120]},
            by=by,
            project=report.project,
            payload={"report": report.pk},
        )
        StatusReport.objects.filter(pk=report.pk).update(job=job)
    report.job = job
    return job


def make_pdf(report, progress=None) -> StatusReport:
    """Collect the figures and make the PDF of a draft (the job's work): stored on the report
    with what it was made from. Safe to run again."""
    progress = progress or (lambda done, total: None)
    progress(0, 3)
    doc = document(report)
    progress(1, 3)
    content = compile_pdf(doc)
    progress(2, 3)
    with transaction.atomic():
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if current.is_issued:
            from jobs.errors import JobFailed

            raise JobFailed(_("The report has been issued; its PDF is kept as it was issued."))
        # Made from the title and narrative read at the start: an edit meanwhile leaves the
        # PDF outdated (its hash differs), never wrongly current.
        current.figures = doc
        current.threshold = doc["threshold"]
        current.pdf = content
        current.pdf_made_at = clock.now()
        current.pdf_source = source_hash(report)
        current.save()
    progress(3, 3)
    return current


def issue(report, *, by) -> StatusReport:
    """Lock the report: its figures stay as in its current PDF; the PDF is made once more from
    the same figures, now saying it was issued, and kept unchanged from here on."""
    with transaction.atomic():
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if current.is_issued:
            raise ValidationError(_("The report has already been issued."), code="issued")
        if not pdf_is_current(current):
            raise ValidationError(
                _("Make the PDF of the report as it stands before issuing it."), code="outdated"
            )
        issued_at = clock.now()
        doc = dict(current.figures)
        with translation.override(current.language):
            doc["state"] = _("Issued %(date)s") % {
                "date": timezone.localdate(issued_at).isoformat()
            }
        doc["draft"] = False
        current.figures = doc
        current.pdf = compile_pdf(doc)
        current.status = StatusReport.Status.ISSUED
        current.issued_at = issued_at
        current.issued_by = by
        current.save()
        log_action(by=by, action="change", obj=current, project=current.project, reason="issue")
    return current


def download_name(report) -> str:
    from django.utils.text import slugify

    stem = slugify(report.title)[:60] or "status-report"
    return f"{stem}-{period_value(report).replace(':', '-').replace(' ', '')}.pdf"


# --- the document ---------------------------------------------------------------------------


def _num(value, decimals="-1g") -> str:
    return DASH if value is None else str(floatformat(value, decimals))


def _value_text(value, is_share: bool) -> str:
    if value is None:
        return DASH
    return f"{floatformat(value, 1)} %" if is_share else str(floatformat(value, "-1g"))


def _interval_text(low, high) -> str:
    if low is None or high is None:
        return DASH
    return f"{floatformat(low, 1)}–{floatformat(high, 1)} %"


def _fraction_text(cell) -> str:
    if getattr(cell, "suppressed", False) or cell.numerator is None:
        return DASH
    if cell.denominator is None:
        return str(cell.numerator)
    return f"{cell.numerator} / {cell.denominator}"


def _cell(cell, kind: str, threshold: int, status=None) -> dict:
    """One figure as printed, with its raw values for checks (None when hidden)."""
    from .display import percent, shown_value, status_labels

    suppressed = bool(getattr(cell, "suppressed", False))
    reason = getattr(cell, "reason", "") if suppressed else ""
    is_share = kind == "share"
    value = None if suppressed else shown_value(cell, kind)
    code = "suppressed" if suppressed else cell.status
    labels = status_labels()
    status = status or labels.get(code, labels["no_data"])
    return {
        "suppressed": suppressed,
        "hidden": hidden_text(reason or "protect", threshold) if suppressed else "",
        "value": value,
        "numerator": None if suppressed else cell.numerator,
        "denominator": None if suppressed else cell.denominator,
        "ci_low": None if suppressed else percent(cell.ci_low),
        "ci_high": None if suppressed else percent(cell.ci_high),
        "value_text": hidden_text(reason or "protect", threshold)
        if suppressed
        else _value_text(value, is_share),
        "interval_text": DASH
        if suppressed or not is_share
        else _interval_text(percent(cell.ci_low), percent(cell.ci_high)),
        "fraction_text": _fraction_text(cell),
        "status_code": code,
        "status_text": f"{status['icon']} {status['text']}",
    }


def _goals(results, project, threshold) -> list[dict]:
    out = []
    for row in goal_rows(results, project):
        result = row["result"]
        out.append(
            {
                "key": result.key,
                "goal": str(result.goal),
                "target": row["target"],
                "is_share": row["is_share"],
                **_cell(result, result.kind, threshold, row["status"]),
                "missing_text": row["missing_text"],
            }
        )
    return out


def _period_goals(report, results, threshold) -> list[dict]:
    """Each goal's figures for the report's period: per year of exit (as on the dashboard) and
    per calendar quarter (as on the quarters page), with the plan's decisions applied."""
    from goals import definitions as goal_templates
    from goals import engine
    from goals.engine.population import Context, defining_date

    from .comparison import in_quarter, supports_period

    project = report.project
    whole = report.period_kind == StatusReport.PeriodKind.PROJECT
    years = {str(y) for y in range(report.period_start.year, report.period_end.year + 1)}
    plan = summaries.disclosure_plan(project, threshold)
    by_key = {r.key: r for r in results}
    quarters = [] if whole else _quarters_in(report)
    out = []
    for version in engine.current_versions(project):
        result = by_key.get(version.goal.key)
        if result is None:
            continue
        rows = []
        if report.period_kind == StatusReport.PeriodKind.YEAR or whole:
            for row in period_rows(result):
                key = row["period"]
                if not whole and key not in years:
                    continue
                if whole and row["cell"] is (result.periods or {}).get("all"):
                    continue
                rows.append(
                    {
                        "label": _("Exited in %(year)s") % {"year": key},
                        "target": row["target"] or DASH,
                        **_cell(row["cell"], result.kind, threshold),
                    }
                )
        if quarters and supports_period(version.template):
            try:
                params = goal_templates.validate_parameters(
                    version.template, version.parameters, project
                )
            except ValidationError:
                params = None
            if params is not None:
                version.parameters = params
                totals_only = Context(project, breakdowns=False)
                for label, first, last in quarters:
                    copy = in_quarter(version, first, last)
                    if copy is None:
                        continue
                    cell = engine.evaluate_goal(copy, context=totals_only)
                    reason = publication.quarter_reason(plan, version.goal.key, label)
                    if reason:
                        cell.hide()
                        cell.reason = reason
                        cell.value_answered = cell.denominator_answered = None
                    by_start = defining_date(params) == "started_on"
                    words = _("Started in %(quarter)s") if by_start else _("Exited in %(quarter)s")
                    rows.append(
                        {
                            "label": words % {"quarter": _quarter_label(label)},
                            "target": target_text(cell),
                            **_cell(cell, result.kind, threshold),
                        }
                    )
        if rows:
            out.append({"key": result.key, "goal": str(result.goal), "rows": rows})
    return out


def _flow(figures, plan, threshold) -> dict:
    from .dashboard import flow_rows

    rows = flow_rows(figures["flow"], plan)
    out = []
    for row in rows:
        total = row["total"]
        out.append(
            {
                "stage": row["stage"],
                "label": str(row["label"]),
                "total": total["n"],
                "total_text": hidden_text(total["reason"], threshold)
                if total["reason"]
                else _num(total["n"]),
                "cells": [
                    {
                        "n": cell["n"],
                        "text": hidden_text(cell["reason"], threshold)
                        if cell["reason"]
                        else _num(cell["n"]),
                        "share_text": DASH if share is None else f"{floatformat(share, 0)} %",
                        "share": share,
                    }
                    for cell, share in zip(row["cells"], row["shares"], strict=True)
                ],
            }
        )
    return {"genders": [str(gender_labels()[g.value]) for g in GENDERS], "rows": out}


def _hours(figures, plan, threshold) -> list[dict]:
    from .dashboard import hours_by_category

    return [
        {
            "code": h["code"],
            "label": str(h["label"]),
            "hours": h["hours"],
            "people": h["people"],
            "hours_text": hidden_text(h["reason"], threshold) if h["reason"] else _num(h["hours"]),
            "people_text": hidden_text(h["reason"], threshold)
            if h["reason"]
            else _num(h["people"]),
        }
        for h in hours_by_category(figures["hours"], plan)
    ]


def _twins(report, results, threshold) -> list[dict]:
    """The goals shared with each twin project, the twin's figures for its own aggregate
    threshold. A twin whose goals the report's author may not view is named only."""
    from core.models import Membership

    from .comparison import project_title

    project = report.project
    twins = list(project.twins.order_by("title", "pk"))
    if not twins:
        return []
    memberships = {
        m.project_id: m
        for m in Membership.objects.filter(user_id=report.created_by_id, project__in=twins)
    }
    own = {r.key: r for r in results}
    out = []
    for twin in twins:
        membership = memberships.get(twin.pk)
        if membership is None or not membership.has_capability("goals.view"):
            out.append({"title": project_title(twin), "allowed": False, "rows": []})
            continue
        twin_threshold = project_threshold(twin)
        theirs = summaries.read(twin, threshold=twin_threshold).results
        rows = []
        for other in theirs:
            mine = own.get(other.key)
            if mine is None:
                continue
            rows.append(
                {
                    "goal": str(mine.goal),
                    "own": _cell(mine, mine.kind, threshold),
                    "twin": _cell(other, other.kind, twin_threshold),
                }
            )
        out.append({"title": project_title(twin), "allowed": True, "rows": rows})
    return out


def _reference(report, results, threshold) -> dict | None:
    from .comparison import REFERENCE_TEMPLATE, reference_table

    project = report.project
    table = reference_table(project)
    goal = next((r for r in results if r.template == REFERENCE_TEMPLATE), None)
    if not table["years"] and goal is None:
        return None
    periods = (goal.periods or {}) if goal is not None else {}
    rows = []
    for year in table["years"]:
        cell = periods.get(str(year["year"]))
        rows.append(
            {
                "period": str(year["year"]),
                "participants": year["participants"],
                "reference": None if year["share"] is None else float(year["share"]),
                "reference_text": _value_text(year["share"], True),
                "project": None if cell is None else _cell(cell, "share", threshold),
            }
        )
    overall = table["overall"]
    rows.append(
        {
            "period": str(_("Whole period")),
            "participants": table["overall_participants"],
            "reference": None if overall is None else float(overall),
            "reference_text": _value_text(overall, True),
            "project": None if goal is None else _cell(goal, "share", threshold),
        }
    )
    return {"goal": None if goal is None else str(goal.goal), "rows": rows}


def document(report) -> dict:
    """Every text and figure of the report's PDF, in the report's language (JSON)."""
    project = report.project
    with translation.override(report.language):
        threshold = project_threshold(project)
        data = summaries.read(project, threshold=threshold)
        if not data.fresh:  # a large project's queued refresh: count now, in the job
            summaries.refresh(project)
            data = summaries.read(project, threshold=threshold)
        results = data.results
        english = report.language == "en"
        title = project.title_en if english and project.title_en else project.title
        flow = _flow(data.figures, data.plan, threshold)
        hours = _hours(data.figures, data.plan, threshold)
        computed = (
            timezone.localtime(data.computed_at).strftime("%Y-%m-%d %H:%M")
            if data.computed_at
            else ""
        )
        return {
            "lang": report.language,
            "threshold": threshold,
            "draft": not report.is_issued,
            "state": _("Draft, not issued"),
            "title": breakable(report.title),
            "doc_title": report.title,
            "project": title,
            "organisation": str(project.owner) if project.owner_id else "",
            "period": str(period_name(report)),
            "period_dates": f"{report.period_start.isoformat()} – {report.period_end.isoformat()}",
            "made": clock.today().isoformat(),
            "computed_at": computed,
            "narrative": report.narrative,
            "narrative_paragraphs": narrative_paragraphs(report.narrative),
            "flow": flow,
            "goals": _goals(results, project, threshold),
            "period_goals": _period_goals(report, results, threshold),
            "hours": hours,
            "twins": _twins(report, results, threshold),
            "reference": _reference(report, results, threshold),
            "labels": _labels(report, threshold, computed),
        }


def breakable(text: str, longest: int = 40) -> str:
    """The text with a zero-width space in every run of more than `longest` characters
    without a space, so that a line can break in it (a long title of one word)."""
    words = []
    for word in text.split(" "):
        if len(word) > longest:
            word = "\u200b".join(word[i : i + longest] for i in range(0, len(word), longest))
        words.append(word)
    return " ".join(words)


def _is_rtl(text: str) -> bool:
    """Is the text written right to left (its first letter of a strong direction)?"""
    import unicodedata

    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def narrative_paragraphs(text: str) -> list[dict]:
    """The narrative as paragraphs (split at blank lines), each with its lines and direction."""
    paragraphs = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [breakable(line.strip()) for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append({"lines": lines, "rtl": _is_rtl(" ".join(lines))})
    return paragraphs


def _labels(report, threshold, computed_at="") -> dict:
    """Every fixed text of the template, in the report's language."""
    return {
        "report": _("Status report"),
        "project": _("Project"),
        "organisation": _("Project owner"),
        "period": _("Period"),
        "made": _("Made"),
        "state": _("State"),
        "contents_note": _(
            "Figures about fewer than %(n)s people are not shown, exactly as on the project's "
            "dashboard for the steering group (%(n)s is the project's disclosure threshold)."
        )
        % {"n": threshold},
        "narrative": _("The project manager's account"),
        "no_narrative": _("No account has been written."),
        "in_period": _("Goals in the period"),
        "in_period_note": _(
            "Each goal's figure for the period as the goal pages show it per period: by year "
            "of exit, and by calendar quarter (of the start or of the exit, by the goal's "
            "definition). Cumulative figures follow below."
        ),
        "no_period_goals": _("No goal has figures per period for this period."),
        "so_far": _("The project so far"),
        "so_far_note": _("The dashboard's figures as computed %(at)s.")
        % {"at": computed_at or DASH},
        "flow": _("Participant flow"),
        "flow_caption": _("Participant flow by gender"),
        "stage": _("Stage"),
        "total": _("Total"),
        "gender": _("Gender split"),
        "gender_caption": _("Share of each gender per stage"),
        "goals": _("Goals"),
        "goals_caption": _("Goals with 95 % intervals and status"),
        "goal": _("Goal"),
        "target": _("Target"),
        "value": _("Result"),
        "interval": _("95 % interval"),
        "people": _("People"),
        "status": _("Status"),
        "no_goals": _("The project has no goals."),
        "hours": _("Interventions and hours"),
        "hours_caption": _("Hours by intervention category"),
        "category": _("Category"),
        "hours_col": _("Hours"),
        "no_hours": _("No hours have been registered."),
        "comparison": _("Comparisons"),
        "twins": _("Twin projects"),
        "twin_hidden": _("Not included: the report's author may not view this project's goals."),
        "this_project": _("This project"),
        "twin_project": _("Twin project"),
        "reference": _("Reference values"),
        "reference_note": _(
            "The share in work 90 days after exit in comparable regular programmes "
            "(participant-weighted), beside the project's share."
        ),
        "year": _("Year"),
        "ref_share": _("Reference"),
        "ref_participants": _("Participants in the programmes"),
        "no_comparison": _("The project has no twin projects and no reference values."),
        "chart": _("Chart"),
        "page": _("Page"),
    }


def _typst_options(doc: dict) -> dict:
    """The document as typst's input, the bundled fonts only, and the one clock's time as the
    PDF's creation date (typst would take the machine's: in the demo another day)."""
    return {
        "sys_inputs": {"data": json.dumps(doc, ensure_ascii=False, default=str)},
        "font_paths": [str(FONTS)],
        "ignore_system_fonts": True,
        "timestamp": int(clock.now().timestamp()),
    }


def compile_pdf(doc: dict) -> bytes:
    """The PDF of a document, compiled by typst in this process: bundled fonts only (no
    system fonts, no network), tagged, and PDF/UA-1 where it can be. PDF/UA-1 refuses text no
    bundled font has glyphs for (a narrative in Tigrinya, Chinese or with emoji): that report
    is made again without the PDF/UA-1 claim — still tagged, the missing glyphs shown as boxes —
    rather than not at all."""
    import typst

    options = _typst_options(doc)
    try:
        return typst.compile(TEMPLATE.read_bytes(), pdf_standards=["ua-1"], **options)
    except RuntimeError as error:
        if "could not be displayed" not in str(error):
            raise
        logger.warning("A status report made without PDF/UA-1: a glyph no bundled font has")
        return typst.compile(TEMPLATE.read_bytes(), **options)


def compile_png(doc: dict, ppi: int = 80) -> list[bytes]:
    """The pages as PNG images (for checks and the docs)."""
    import typst

    pages = typst.compile(TEMPLATE.read_bytes(), format="png", ppi=ppi, **_typst_options(doc))
    return pages if isinstance(pages, list) else [pages]

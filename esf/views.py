"""The ESF indicators page and its XLSX (docs/esf-indicators.md)."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import export
from core.clock import today
from core.decorators import project_view
from core.export import Column
from core.policy import Capability, disclosure_for, sees_people
from enrolments.models import Enrolment
from reports.templatetags.goal_cells import hidden_text

from . import report as esf_report
from .indicators import ENTRY, EXIT, SETS, period_of

NEEDS = {
    "status": _lazy("Labour-market status at start"),
    "education": _lazy("Education level"),
    "origin": _lazy("Region of birth"),
    "disability": _lazy("Disability (not stated)"),
    "exit": _lazy("Status at exit"),
    "six_months": _lazy("Six-month follow-up (not recorded or not reached)"),
    "gender": _lazy("Gender other than woman or man (in the total only)"),
}
PAGE_MISSING = 500  # rows of the missing list on the page; the XLSX holds them all
BASES = {
    ENTRY: _lazy("Participants who started in the period"),
    EXIT: _lazy("Participants who left in the period"),
    "six_months": _lazy("Participants who left in the period, six-month follow-up due"),
}


def _swedish() -> bool:
    return (get_language() or "").startswith("sv")


def _value(row, key: str, threshold):
    """A figure as the reader may see it: the number, or the text saying why it is hidden."""
    reason = row.hidden.get(key, "")
    if reason:
        return hidden_text(reason, threshold)
    return row.total if key == "total" else row.counts[key]


def make_report(project, membership, period_key: str | None, set_key: str | None):
    indicator_set = SETS.get(set_key or "") or SETS[period_of(project)]
    period = esf_report.period_for(project, period_key)
    result = esf_report.build(project, indicator_set, period, today())
    return esf_report.disclose(result, disclosure_for(membership))


def table_rows(result) -> list[dict]:
    """One dict per indicator: code, name, reference, basis, the figures (or why not)."""
    language = "sv" if _swedish() else "en"
    genders = ("woman", "man", "other") if result.indicator_set.non_binary else ("woman", "man")
    rows = []
    for row in result.rows:
        indicator = row.indicator
        line = {
            "code": indicator.code,
            "name": indicator.name(language),
            "reference": indicator.reference,
            "basis": str(BASES[indicator.basis]),
            "note": indicator.note(language),
            "needs": ", ".join(str(NEEDS[need]) for need in indicator.needs),
            "recorded": row.recorded,
        }
        if row.recorded:
            for gender in genders:
                line[gender] = _value(row, gender, result.threshold)
            line["total"] = _value(row, "total", result.threshold)
        else:
            note = _("not recorded")
            for key in (*genders, "total"):
                line[key] = note
            if indicator.recorded and not line["note"]:
                line["note"] = _(
                    "The project records no follow-up about six months (150–210 days) after "
                    "leaving."
                )
        rows.append(line)
    return rows


def missing_rows(result, membership) -> tuple[list[dict], int]:
    """The participants missing a needed field, for a reader who may see people: one row per
    enrolment (by its number, no names) with the fields it lacks and the indicators they
    affect, only the enrolments the reader may see; and how many more there are. Readers who
    may not see people get counts by field instead (missing_count_rows)."""
    if not sees_people(membership):
        return [], 0
    by_enrolment: dict[int, tuple[list[str], list[str]]] = {}
    for m in result.missing:
        fields, codes = by_enrolment.setdefault(m.enrolment_id, ([], []))
        fields.append(str(NEEDS[m.need]))
        codes.extend(code for code in m.codes if code not in codes)
    visible = set(
        Enrolment.objects.visible_to(membership)
        .filter(pk__in=by_enrolment)
        .values_list("pk", flat=True)
    )
    rows = [
        {"enrolment": pk, "field": "; ".join(fields), "codes": ", ".join(codes)}
        for pk, (fields, codes) in sorted(by_enrolment.items())
        if pk in visible
    ]
    return rows, len(by_enrolment) - len(rows)


def missing_count_rows(result) -> list[dict]:
    genders = ("woman", "man", "other") if result.indicator_set.non_binary else ("woman", "man")
    rows = []
    for need, row in result.missing_counts.items():
        line = {"field": str(NEEDS[need])}
        for key in (*genders, "total"):
            line[key] = _value(row, key, result.threshold)
        rows.append(line)
    return rows


def _gender_columns(non_binary: bool) -> list[Column]:
    columns = [
        Column("woman", _lazy("Women"), export.INTEGER),
        Column("man", _lazy("Men"), export.INTEGER),
    ]
    if non_binary:
        columns.append(Column("other", _lazy("Non-binary or unknown"), export.INTEGER))
    columns.append(Column("total", _lazy("Total"), export.INTEGER))
    return columns


def _xlsx(request, result, indicators, missing, hidden_count, counts):
    non_binary = result.indicator_set.non_binary
    figures = [
        Column("code", _lazy("Code")),
        Column("name", _lazy("Indicator")),
        *_gender_columns(non_binary),
        Column("basis", _lazy("Counted over")),
    ]
    definitions = [
        Column("code", _lazy("Code")),
        Column("name", _lazy("Indicator")),
        Column("reference", _lazy("Regulation")),
        Column("basis", _lazy("Counted over")),
        Column("needs", _lazy("Följsam fields needed")),
        Column("note", _lazy("How Följsam counts it")),
    ]
    if sees_people(request.membership):
        missing_sheet = (
            _("Missing fields"),
            [
                Column("enrolment", _lazy("Enrolment no."), export.INTEGER),
                Column("field", _lazy("Missing fields")),
                Column("codes", _lazy("Indicators affected")),
            ],
            missing
            + (
                [{"field": _("%(n)s more outside your view") % {"n": hidden_count}}]
                if hidden_count
                else []
            ),
        )
    else:
        missing_sheet = (
            _("Missing fields"),
            [Column("field", _lazy("Missing field")), *_gender_columns(non_binary)],
            counts,
        )
    language = "sv" if _swedish() else "en"
    about = [
        {"key": _("Project"), "value": result.project.title},
        {"key": _("Indicator set"), "value": result.indicator_set.title(language)},
        {"key": _("Period"), "value": _period_label(result.period)},
        {"key": _("Made on"), "value": today()},
    ]
    if result.six_month_day:
        about.append(
            {
                "key": _("Six months after leaving"),
                "value": _("the follow-up %(day)s days after exit") % {"day": result.six_month_day},
            }
        )
    if result.threshold:
        about.append(
            {
                "key": _("Disclosure"),
                "value": _("Figures about fewer than %(n)s people are hidden.")
                % {"n": result.threshold},
            }
        )
    sheets = [
        (_("Indicators"), figures, indicators),
        missing_sheet,
        (_("Definitions"), definitions, indicators),
        (
            _("About"),
            [Column("key", _lazy("Item")), Column("value", _lazy("Value"), export.DATE)],
            about,
        ),
    ]
    return export.response(
        request,
        name="esf-indicators",
        columns=figures,
        rows=indicators,
        fmt="xlsx",
        project=result.project,
        sheets=sheets,
    )


def _period_label(period) -> str:
    return _("Whole project") if period.key == "project" else period.key


@project_view(Capability.REPORTS_VIEW)
def indicators_view(request):
    project = request.project
    membership = request.membership
    result = make_report(project, membership, request.GET.get("period"), request.GET.get("set"))
    indicators = table_rows(result)
    missing, hidden_count = missing_rows(result, membership)
    counts = missing_count_rows(result)
    fmt = export.requested_format(request)
    if fmt is not None:
        if fmt == "csv":  # the indicator table alone
            non_binary = result.indicator_set.non_binary
            columns = [
                Column("code", _lazy("Code")),
                Column("name", _lazy("Indicator")),
                *_gender_columns(non_binary),
                Column("basis", _lazy("Counted over")),
            ]
            return export.response(
                request,
                name="esf-indicators",
                columns=columns,
                rows=indicators,
                fmt="csv",
                project=project,
            )
        return _xlsx(request, result, indicators, missing, hidden_count, counts)
    return render(
        request,
        "esf/indicators.html",
        {
            "project": project,
            "result": result,
            "set_title": result.indicator_set.title("sv" if _swedish() else "en"),
            "indicators": indicators,
            "missing": missing[:PAGE_MISSING],
            "missing_total": len(missing),
            "missing_cut": len(missing) > PAGE_MISSING,
            "hidden_count": hidden_count,
            "missing_counts": counts,
            "sees_people": sees_people(membership),
            "non_binary": result.indicator_set.non_binary,
            "periods": [(p.key, _period_label(p)) for p in esf_report.periods(project)],
            "period_key": result.period.key,
            "sets": [(key, s.title("sv" if _swedish() else "en")) for key, s in SETS.items()],
            "set_key": result.indicator_set.period,
            "threshold": result.threshold,
        },
    )

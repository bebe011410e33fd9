"""Downloads of the goal pages' tables: the dashboard (goals, breakdowns, flow, gender split,
hours), the comparisons (twins, reference values, quarters) and the snapshots.

Each table is built from the rows its page shows (reports.display, reports.dashboard,
reports.comparison, reports.snapshots), after the disclosure plan has been applied, and
written by core/export.py. What the page hides stays hidden: where the page prints the text
for a hidden figure ("fewer than 5", "hidden to protect another figure"), the file has that
text in the cell, never the number (the hidden cell holds no number anyway: Cell.hide()).
Figures are rounded as the page shows them (shares and intervals to one decimal, in per cent);
a figure the page shows as "—" is an empty cell. Labels — statuses, genders, stages, groups —
are the page's, in the reader's language.

The goal tables end with the goal's key (the identifier that stays when the title changes,
the same as in the portfolio's download), so tables can be joined.

A page with several tables names the one asked for with `?table=` (the include's
`export_table`); the XLSX of any of them is one sheet, like the CSV.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from core import export
from core.export import Column

from .templatetags.goal_cells import hidden_text

DEC, INT = export.DECIMAL, export.INTEGER


def number(value):
    """A figure as the page rounds it: one decimal, a whole number without one."""
    if value is None:
        return None
    rounded = round(float(value), 1)
    return int(rounded) if rounded.is_integer() else rounded


def status_text(status) -> str | None:
    return status["text"] if status else None


def unit(is_share: bool) -> str:
    return "%" if is_share else ""


def figure_columns(prefix: str = "", *, with_target: bool = False, with_missing: bool = False):
    """The columns of one goal figure: value, unit, numerator, denominator, interval, status."""

    def h(text):
        return f"{prefix}: {text}" if prefix else text

    columns = [
        Column(f"{prefix}value", h(_("Value")), DEC),
        Column(f"{prefix}unit", h(_("Unit"))),
        Column(f"{prefix}numerator", h(_("Count")), INT),
        Column(f"{prefix}denominator", h(_("Total")), INT),
        Column(f"{prefix}ci_low", h(_("95 % interval, from (%)")), DEC),
        Column(f"{prefix}ci_high", h(_("95 % interval, to (%)")), DEC),
    ]
    if with_target:
        columns.append(Column(f"{prefix}target", h(_("Target"))))
    columns.append(Column(f"{prefix}status", h(_("Status"))))
    if with_missing:
        columns.append(Column(f"{prefix}missing", h(_("Missing data")), INT))
    return columns


def figure_values(
    cell, *, value, is_share, ci_low, ci_high, status, threshold, target=None, with_target=False,
    with_missing=False, missing=None, hidden_status="hidden", hidden_missing="hidden",
) -> list:  # fmt: skip
    """One figure's cells as the page shows them. A hidden figure has its text in every number
    and, where the page's hidden cell spans them, in the status and missing data
    (`hidden_status`/`hidden_missing` "hidden"); otherwise what the page shows there."""
    if cell is None:
        values = [None] * 6 + ([target] if with_target else []) + [None]
        return values + ([None] if with_missing else [])
    if getattr(cell, "suppressed", False):
        text = hidden_text(getattr(cell, "reason", ""), threshold)
        values = [text, unit(is_share), text, text, text, text]
        values += [target] if with_target else []
        values.append(text if hidden_status == "hidden" else hidden_status)
        if with_missing:
            values.append(text if hidden_missing == "hidden" else hidden_missing)
        return values
    values = [
        number(value),
        unit(is_share),
        cell.numerator,
        cell.denominator,
        number(ci_low),
        number(ci_high),
    ]
    values += [target] if with_target else []
    values.append(status_text(status))
    if with_missing:
        values.append(missing if missing is not None else cell.missing)
    return values


def _response(request, name, columns, rows):
    """A goal table is small (goals × groups): its rows are made now, in the request's
    language, not while the file is sent."""
    return export.response(
        request,
        name=name,
        columns=columns,
        rows=list(rows),
        fmt=export.requested_format(request),
        project=request.project,
    )


def _table(request, tables: dict):
    """The table asked for (`?table=`), or the first."""
    key = request.GET.get("table") or next(iter(tables))
    if key not in tables:
        raise Http404
    return tables[key]()


# --- the dashboard ----------------------------------------------------------------------------


def goal_table_rows(goals, threshold):
    for row in goals:
        result = row["result"]
        status = row["status"]
        if row["final"]:
            status = {"text": f"{row['final']['text']} ({row['final']['certainty']})"}
        missing = row["missing"]
        if getattr(result, "missing_hidden", False):
            missing = hidden_text("small_part", threshold)
        hidden_missing = missing
        if result.suppressed:  # no number of people without data either (the page says "none")
            hidden_missing = "hidden"
        values = figure_values(
            result,
            value=row["value"],
            is_share=row["is_share"],
            ci_low=row["ci_low"],
            ci_high=row["ci_high"],
            status=status,
            threshold=threshold,
            target=row["target"],
            with_target=True,
            with_missing=True,
            missing=missing,
            hidden_status=status_text(status),
            hidden_missing=hidden_missing,
        )
        answered = number(row["value_answered"]) if row["show_answered"] else None
        yield [result.goal, *values, answered, result.key]


def goal_table_columns():
    return [
        Column("goal", _("Goal")),
        *figure_columns(with_target=True, with_missing=True),
        Column("value_answered", _("Value among those with an answer (%)"), DEC),
        Column("key", _("Goal key")),
    ]


def breakdown_rows(goals, threshold):
    """Every goal's breakdowns, one row per group: per year of exit first, then by gender, age
    band, region of birth, target group and area, as on the dashboard."""
    period_label = _("Period")
    for row in goals:
        result = row["result"]
        for p in row["periods"]:
            values = figure_values(
                p["cell"],
                value=p["value"],
                is_share=row["is_share"],
                ci_low=p["ci_low"],
                ci_high=p["ci_high"],
                status=p["status"],
                threshold=threshold,
                target=p["target"],
                with_target=True,
                with_missing=True,
                hidden_status=None,
                hidden_missing=None,
            )
            values[-1] = None  # the per-year table has no missing-data column
            yield [result.goal, period_label, p["period"], *values, result.key]
        for table in row["breakdown"]:
            for b in table["rows"]:
                values = figure_values(
                    b["cell"],
                    value=b["value"],
                    is_share=row["is_share"],
                    ci_low=b["ci_low"],
                    ci_high=b["ci_high"],
                    status=b["status"],
                    threshold=threshold,
                    with_target=True,
                    with_missing=True,
                )
                yield [result.goal, table["label"], b["group"], *values, result.key]


def breakdown_columns():
    return [
        Column("goal", _("Goal")),
        Column("dimension", _("Breakdown")),
        Column("group", _("Group")),
        *figure_columns(with_target=True, with_missing=True),
        Column("key", _("Goal key")),
    ]


def flow_table(flow_rows, gender_names, threshold):
    columns = [Column("stage", _("Stage"))]
    columns += [Column(f"g{i}", name, INT) for i, name in enumerate(gender_names)]
    columns.append(Column("total", _("Total"), INT))

    def shown(cell):
        return hidden_text(cell["reason"], threshold) if cell["n"] is None else cell["n"]

    rows = [
        [row["label"], *(shown(cell) for cell in row["cells"]), shown(row["total"])]
        for row in flow_rows
    ]
    return columns, rows


def gender_table(flow_rows, gender_names, threshold):
    columns = [Column("stage", _("Stage"))]
    columns += [Column(f"g{i}", f"{name} (%)", DEC) for i, name in enumerate(gender_names)]

    def shown(row, share):
        if share is not None:
            return number(share)
        if row["total"]["n"] == 0:
            return None
        return hidden_text(row["cells"][0]["reason"] or "protect", threshold)

    rows = [[row["label"], *(shown(row, s) for s in row["shares"])] for row in flow_rows]
    return columns, rows


def hours_table(hours, threshold):
    columns = [
        Column("category", _("Category")),
        Column("hours", _("Hours attended"), DEC),
        Column("people", _("Participants"), INT),
    ]
    rows = []
    for h in hours:
        if h["hours"] is None:
            text = hidden_text(h["reason"], threshold)
            rows.append([h["label"], text, text])
        else:
            rows.append([h["label"], h["hours"], h["people"]])
    return columns, rows


def parts_table(parts, threshold):
    """A parent's sub-project table (reports.rollups.parts_rows)."""
    columns = [
        Column("project", _("Sub-project")),
        Column("phase", _("Phase")),
        Column("participants", _("Participants"), INT),
        Column("met", _("Goals met"), INT),
        Column("not_met", _("Goals not met"), INT),
        Column("uncertain", _("Goals not yet certain"), INT),
        Column("no_data", _("Goals without figures to show"), INT),
    ]
    rows = []
    for part in parts:
        participants = part["participants"]
        if participants is None:
            participants = hidden_text(part["reason"], threshold)
        if part["project"] is None:
            rows.append(
                [_("Recorded in this project itself"), None, participants, None, None, None, None]
            )
            continue
        rows.append(
            [
                part["project"].title,
                part["project"].get_phase_display(),
                participants,
                part["met"],
                part["not_met"],
                part["uncertain"],
                part["no_data"],
            ]
        )
    return columns, rows


def dashboard_response(request, *, goals, flow_rows, gender_names, hours, threshold, parts=None):
    """One of the dashboard's tables as a file
    (`?table=goals|breakdowns|flow|gender|hours|parts`); `parts` makes a parent's sub-project
    rows (reports.rollups.parts_rows) when that table is asked for."""

    def goals_table():
        return _response(
            request, _("Goals"), goal_table_columns(), goal_table_rows(goals, threshold)
        )

    def breakdowns_table():
        return _response(
            request, _("Breakdowns"), breakdown_columns(), breakdown_rows(goals, threshold)
        )

    def flow():
        return _response(
            request, _("Participant flow"), *flow_table(flow_rows, gender_names, threshold)
        )

    def gender():
        return _response(
            request, _("Gender split"), *gender_table(flow_rows, gender_names, threshold)
        )

    def hours_():
        return _response(request, _("Hours by category"), *hours_table(hours, threshold))

    def parts_():
        rows = parts() if parts else []
        if not rows:
            raise Http404  # not a parent project: the page has no such table
        return _response(request, _("Sub-projects"), *parts_table(rows, threshold))

    return _table(
        request,
        {
            "goals": goals_table,
            "breakdowns": breakdowns_table,
            "flow": flow,
            "gender": gender,
            "hours": hours_,
            "parts": parts_,
        },
    )


# --- the comparisons --------------------------------------------------------------------------


def _side(c, threshold=None):
    """A comparison side (reports.comparison.cell_view) as figure cells; hidden with the side's
    own threshold (a twin's), else the page's."""
    if c is None:
        return figure_values(
            None, value=None, is_share=False, ci_low=None, ci_high=None, status=None,
            threshold=None,
        )  # fmt: skip
    return figure_values(
        c["cell"],
        value=c["value"],
        is_share=c["is_share"],
        ci_low=c["ci_low"],
        ci_high=c["ci_high"],
        status=c["status"],
        threshold=c["threshold"] or threshold,
    )


def twins_response(request, entries, project_name):
    """The twin comparison (`?table=goals|gender`): one row per shared goal (or goal and
    gender) and twin project the reader may see, each project's figures hidden by the
    reader's role in that project."""
    twin = _("Twin project")
    allowed = [entry for entry in entries if entry["allowed"]]

    def goals():
        columns = [
            Column("twin", twin),
            Column("goal", _("Goal")),
            Column("target", _("Target")),
            *figure_columns(project_name),
            *figure_columns(twin),
        ]
        rows = (
            [entry["title"], row["goal"], row["target"], *_side(a), *_side(b)]
            for entry in allowed
            for row in entry["rows"]
            for a, b in [row["sides"]]
        )
        return _response(request, _("Twin projects"), columns, rows)

    def gender():
        columns = [Column("twin", twin), Column("goal", _("Goal")), Column("gender", _("Gender"))]
        for prefix in (project_name, twin):
            columns += figure_columns(prefix)[:4]
        rows = (
            [entry["title"], row["goal"], g["label"], *_side(a)[:4], *_side(b)[:4]]
            for entry in allowed
            for row in entry["rows"]
            for g in row["genders"]
            for a, b in [g["sides"]]
        )
        return _response(request, _("Twin projects by gender"), columns, rows)

    return _table(request, {"goals": goals, "gender": gender})


def reference_response(request, context, threshold):
    """The reference comparison (`?table=comparison|years|programmes`)."""
    reference = context["reference"]

    def comparison():
        columns = [
            Column("period", _("Year of exit")),
            Column("reference", _("Reference (weighted, %)"), DEC),
            Column("target", _("Target: reference + Δ (%)"), DEC),
            *figure_columns(_("The project")),
            Column("difference", _("Difference from the reference (pp)"), DEC),
        ]
        rows = []
        nobody = _("nobody left")
        for row in context.get("rows") or []:
            c = row["result"]
            figures = _side(c, threshold)
            if c is None:
                figures[0] = nobody
            difference = None
            if c is not None and c["suppressed"]:
                difference = None
            elif row["difference"] is not None:
                difference = number(row["difference"])
            reference_value = (
                _("no reference") if row["reference"] is None else number(row["reference"])
            )
            rows.append(
                [row["period"], reference_value, number(row["target"]), *figures, difference]
            )
        return _response(request, _("Reference comparison"), columns, rows)

    def years():
        columns = [
            Column("year", _("Year")),
            Column("participants", _("Participants"), INT),
            Column("share", _("Share in work at 90 days (weighted, %)"), DEC),
        ]
        rows = [[y["year"], y["participants"], number(y["share"])] for y in reference["years"]]
        if reference["rows"]:
            chosen = reference["overall_years"]
            label = _("Whole period (%(first)s–%(last)s)") % {
                "first": chosen[0],
                "last": chosen[-1],
            }
            rows.append([label, reference["overall_participants"], number(reference["overall"])])
        return _response(request, _("Reference per year"), columns, rows)

    def programmes():
        columns = [
            Column("programme", _("Programme")),
            Column("year", _("Year"), INT),
            Column("participants", _("Participants"), INT),
            Column("share", _("Share in work at 90 days (%)"), DEC),
            Column("source", _("Source")),
        ]
        rows = [
            [r["programme"], r["year"], r["participants"], number(r["share"]), r["source"] or None]
            for r in reference["rows"]
        ]
        return _response(request, _("Reference programmes"), columns, rows)

    return _table(request, {"comparison": comparison, "years": years, "programmes": programmes})


def quarters_response(request, goals, threshold):
    """Every goal per quarter, one row per goal and quarter."""
    columns = [
        Column("goal", _("Goal")),
        Column("quarter", _("Quarter")),
        *figure_columns(),
        Column("key", _("Goal key")),
    ]
    outside = _("outside the goal's period")

    def rows():
        for goal in goals:
            for row in goal["rows"]:
                figures = _side(row["result"], threshold)
                if row["outside"]:
                    figures[0] = outside
                yield [goal["goal"], row["label"], *figures, goal["key"]]

    return _response(request, _("Goals per quarter"), columns, rows())


# --- the snapshots ----------------------------------------------------------------------------


def snapshot_list_response(request, snapshots):
    columns = [
        Column("label", _("Label")),
        Column("period_start", _("First day of the period"), export.DATE),
        Column("period_end", _("Last day of the period"), export.DATE),
        Column("locked_by", _("Locked by")),
        Column("locked_at", _("Locked"), export.DATETIME),
    ]
    from django.utils import timezone

    def locked_by(user):
        return (user.get_full_name() or user.get_username()) if user else None

    rows = (
        [s.label, s.period_start, s.period_end, locked_by(s.locked_by),
         timezone.localtime(s.locked_at)]
        for s in snapshots
    )  # fmt: skip
    return _response(request, _("Locked snapshots"), columns, rows)


def _snapshot_side(row, threshold, *, periods=False):
    """A locked or today's goal row (reports.display.goal_rows, or a breakdown row) as cells."""
    if row is None:
        return figure_values(
            None, value=None, is_share=False, ci_low=None, ci_high=None, status=None,
            threshold=threshold,
        )  # fmt: skip
    cell = row.get("result", row.get("cell"))
    return figure_values(
        cell,
        value=row["value"],
        is_share=row.get("is_share", False),
        ci_low=row["ci_low"],
        ci_high=row["ci_high"],
        status=row["status"],
        threshold=threshold,
        hidden_status=status_text(row["status"]) if "result" in row else "hidden",
    )


def difference_values(d):
    """A difference (reports.snapshots._cell_difference) as cells: value, count, total, status."""
    if not d:
        return [None, None, None, None]
    if d.get("hidden"):
        text = _("Not shown: too few people")
        return [text, text, text, None]
    changed = _("Status changed") if d["status_changed"] else _("Status unchanged")
    return [number(d["value"]), d["numerator"], d["denominator"], changed]


def difference_columns():
    prefix = _("Difference")
    return [
        Column("d_value", f"{prefix}: {_('Value')}", DEC),
        Column("d_numerator", f"{prefix}: {_('Count')}", INT),
        Column("d_denominator", f"{prefix}: {_('Total')}", INT),
        Column("d_status", f"{prefix}: {_('Status')}"),
    ]


def snapshot_response(request, snapshot, rows, threshold):
    """A snapshot beside today (`?table=goals|breakdowns`): the locked figures, today's and the
    difference, per goal or per goal and group; hidden as on the page (a difference about
    fewer people than the threshold included)."""
    locked, today_ = _("Locked"), _("Today")
    name = _("Snapshot %(id)s") % {"id": snapshot.pk}  # the label is the user's own text

    def share_of(row):
        return row and row["is_share"]

    def goals():
        columns = [
            Column("goal", _("Goal")),
            *figure_columns(locked),
            *figure_columns(today_),
            *difference_columns(),
        ]
        data = []
        for row in rows:
            then = _snapshot_side(
                row["then"] and {**row["then"], "is_share": share_of(row["then"])}, threshold
            )
            now = _snapshot_side(
                row["now"] and {**row["now"], "is_share": share_of(row["now"])}, threshold
            )
            data.append([row["title"], *then, *now, *difference_values(row["difference"])])
        return _response(request, name, columns, data)

    def breakdowns():
        columns = [
            Column("goal", _("Goal")),
            Column("dimension", _("Breakdown")),
            Column("group", _("Group")),
            *figure_columns(locked),
            *figure_columns(today_)[:4],
            *difference_columns(),
        ]
        data = []
        for row in rows:
            for table in row["breakdown"]:
                for b in table["rows"]:
                    then = b["then"] and {**b["then"], "is_share": share_of(row["then"])}
                    now = b["now"] and {**b["now"], "is_share": share_of(row["now"])}
                    data.append(
                        [
                            row["title"],
                            table["label"],
                            b["group"],
                            *_snapshot_side(then, threshold),
                            *_snapshot_side(now, threshold)[:4],
                            *difference_values(b["difference"]),
                        ]
                    )
        return _response(request, name, columns, data)

    return _table(request, {"goals": goals, "breakdowns": breakdowns})

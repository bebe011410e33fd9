"""What a reader who may not see people receives of a project's figures: the disclosure plan.

Everything the product can show of one project — every goal with its breakdowns, years and
quarters, the participant flow by gender, the people per intervention category — is *one*
publication: the pages, goals.json, the API, the portfolio, the comparisons and the snapshots
each show a part of it. So the disclosure control (core.disclosure.suppress) decides once, over
all of it, and stores the decision as a **plan**; every route applies the same plan. Showing a
part of a safe publication is safe, and no two routes can disagree about a figure (which would
let someone subtract one route's figure from another's).

The plan is JSON: {"threshold": N, "goals": {key: {"level", "reason", "breakdown": {dimension:
{group: reason}}, "periods": {...}, "quarters": {...}}}, "flow": {stage: {"level", "reason",
"gender": {...}}}, "hours": {code: reason}}. A reason "" means shown; "small", "small_part" or
"protect" (core.disclosure) says why it is hidden. Anything a plan does not name is hidden.
"""

import datetime as dt

from core.disclosure import RULES_VERSION, Part, Row, Table, suppress

from . import definitions
from .engine.population import quarter_of  # noqa: F401  (the quarters of one clock)
from .engine.results import Cell

# Levels of a share goal's top row: 0 shows the number missing, 1 hides it.
FULL, WITHOUT_MISSING = 0, 1


def quarters(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Calendar quarters overlapping [start, end]: (label "YYYY Qn", first day, last day)."""
    result = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        first = dt.date(year, quarter * 3 + 1, 1)
        if first > end:
            break
        next_first = dt.date(year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
        result.append((f"{year} Q{quarter + 1}", first, next_first - dt.timedelta(days=1)))
        year, quarter = next_first.year, (quarter + 1) % 4
    return result


def quarters_change(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> dt.date | None:
    """The first day after `today` on which the project's quarters so far (quarters(starts_on,
    min(ends_on, today))) gain one: the project's start, or the next quarter's first day within
    the project. None when they are complete."""
    if today < starts_on:
        return starts_on
    if today >= ends_on:
        return None
    quarter = (today.month - 1) // 3
    following = dt.date(today.year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
    return following if following <= ends_on else None


# --- building the tables --------------------------------------------------------------------


def _bits(members, name, group=None):
    if members is None or members.get(name) is None:
        return None
    bits = members[name]
    return bits if group is None else bits & group


def _row(cell: Cell, kind: str, members, group, *, full: bool) -> Row:
    """A row of a goal's table: met · the rest, and for a top row with missing data also
    met · not met · missing."""
    n, num = cell.denominator or 0, cell.numerator or 0
    missing = (cell.missing or 0) if kind == "share" else 0
    n_bits, num_bits = _bits(members, "n", group), _bits(members, "num", group)
    missing_bits = _bits(members, "missing", group) if kind == "share" else 0
    rest_bits = other_bits = None
    if n_bits is not None and num_bits is not None and missing_bits is not None:
        rest_bits = n_bits & ~num_bits
        other_bits = rest_bits & ~missing_bits
    coarse = {"num": Part(num, num_bits), "rest": Part(n - num, rest_bits)}
    if not full or kind != "share":
        return Row([coarse])
    detailed = {
        "num": Part(num, num_bits),
        "other": Part(n - num - missing, other_bits),
        "missing": Part(missing, missing_bits),
    }
    return Row([detailed, coarse])


def _consistent(result) -> bool:
    """The people the engine says it counted are as many as its counts (else the bit sets are
    not used: the plan then rests on the counts alone)."""
    members = result.members
    if not members:
        return False
    checks = [("n", result.denominator), ("num", result.numerator)]
    if result.kind == "share":
        checks.append(("missing", result.missing))
    return all((members.get(name) or 0).bit_count() == (count or 0) for name, count in checks)


def goal_table(result, *, quarter_labels: list[str] | None = None) -> Table | None:
    """The table of one goal about people (None for goals about the project itself)."""
    template = definitions.TEMPLATES.get(result.template)
    if template is None or template.subject == "project" or result.error:
        return None
    members = result.members if _consistent(result) else None
    universe = members["universe"] if members else None
    table = Table(
        result.key,
        _row(result, result.kind, members, None, full=True),
        universe=template.subject,
    )
    for dimension, cells in (result.breakdown or {}).items():
        table.dimensions[dimension] = {
            group: _row(
                cell,
                result.kind,
                members,
                universe.group(dimension, group) if universe else None,
                full=False,
            )
            for group, cell in cells.items()
        }
    if result.periods:
        table.dimensions["periods"] = {
            year: _row(
                cell,
                result.kind,
                members,
                universe.group("exit_year", year) if universe else None,
                full=False,
            )
            for year, cell in result.periods.items()
            if year != "all"
        }
    if quarter_labels and universe is not None and template.param("period_from") is not None:
        dimension = "start_quarter" if result.population_date == "started_on" else "exit_quarter"
        table.dimensions["quarters"] = {}
        for label in quarter_labels:
            group = universe.group(dimension, label)
            n = members["n"] & group
            num = members["num"] & group
            table.dimensions["quarters"][label] = Row(
                [
                    {
                        "num": Part(num.bit_count(), num),
                        "rest": Part((n & ~num).bit_count(), n & ~num),
                    }
                ]
            )
    return table


def flow_tables(
    flow: dict,
    members: dict | None,
    genders: dict | None,
    parts: dict | None = None,
    parts_members: dict | None = None,
) -> list[Table]:
    """One table per stage of the participant flow, split by gender; for a parent, the first
    stage (everyone referred) also by part (sub-project, or "own"), the sub-project table's
    participants (docs/rollups.md)."""
    tables = []
    for stage, counts in flow.items():
        stage_bits = members.get(stage) if members else None

        def part(count, group, stage_bits=stage_bits):
            bits = None if stage_bits is None or group is None else stage_bits & group
            return Part(count, bits)

        top = Row([{"people": Part(sum(counts.values()), stage_bits)}])
        rows = {
            gender: Row([{"people": part(count, (genders or {}).get(gender))}])
            for gender, count in counts.items()
        }
        dimensions = {"gender": rows}
        if parts and stage == "referred":
            dimensions["part"] = {
                name: Row([{"people": part(count, (parts_members or {}).get(name))}])
                for name, count in parts.items()
            }
        tables.append(Table(("flow", stage), top, dimensions, universe="enrolments"))
    return tables


def hours_tables(hours: list[dict], members: dict | None) -> list[Table]:
    """One table per intervention category: the people who took part (their hours go with
    them)."""
    return [
        Table(
            ("hours", row["code"]),
            Row([{"people": Part(row["people"], (members or {}).get(row["code"]))}]),
            universe="enrolments",
        )
        for row in hours
    ]


# --- the plan -------------------------------------------------------------------------------


def _reason(row: Row) -> str:
    return "" if row.shown else row.reason


def build_plan(
    results,
    threshold: int,
    *,
    flow: dict | None = None,
    flow_members: dict | None = None,
    flow_genders: dict | None = None,
    hours: list | None = None,
    hours_members: dict | None = None,
    quarter_labels: list[str] | None = None,
    parts: dict | None = None,
    parts_members: dict | None = None,
) -> dict:
    """Decide, for readers with `threshold`, what of these figures (shown together) is shown."""
    goal_tables = {}
    for result in results:
        table = goal_table(result, quarter_labels=quarter_labels)
        if table is not None:
            goal_tables[result.key] = table
    flows = flow_tables(flow or {}, flow_members, flow_genders, parts, parts_members)
    hour_tables = hours_tables(hours or [], hours_members)
    suppress([*goal_tables.values(), *flows, *hour_tables], threshold)
    return {
        "threshold": threshold,
        "rules": RULES_VERSION,
        "goals": {
            key: {
                "level": table.top.level,
                "reason": _reason(table.top),
                "breakdown": {
                    dimension: {group: _reason(row) for group, row in rows.items()}
                    for dimension, rows in table.dimensions.items()
                    if dimension not in ("periods", "quarters")
                },
                "periods": {
                    year: _reason(row) for year, row in table.dimensions.get("periods", {}).items()
                },
                "quarters": {
                    label: _reason(row)
                    for label, row in table.dimensions.get("quarters", {}).items()
                },
            }
            for key, table in goal_tables.items()
        },
        "flow": {
            table.key[1]: {
                "level": table.top.level,
                "reason": _reason(table.top),
                "gender": {g: _reason(row) for g, row in table.dimensions["gender"].items()},
                **(
                    {"part": {p: _reason(row) for p, row in table.dimensions["part"].items()}}
                    if "part" in table.dimensions
                    else {}
                ),
            }
            for table in flows
        },
        "hours": {table.key[1]: _reason(table.top) for table in hour_tables},
    }


def hidden_plan(threshold: int) -> dict:
    """A plan that shows nothing about people (while a plan for the threshold is being made)."""
    return {"threshold": threshold, "rules": RULES_VERSION, "goals": {}, "flow": {}, "hours": {}}


def made_for(plan: dict | None, threshold: int) -> bool:
    """Was this stored plan made for readers with `threshold`, by today's rules?"""
    return bool(plan) and plan.get("threshold") == threshold and plan.get("rules") == RULES_VERSION


# --- applying it ----------------------------------------------------------------------------


def _hide(cell: Cell, reason: str) -> None:
    cell.hide()
    cell.reason = reason or "protect"


def apply(results, plan: dict) -> list:
    """Hide, in place, what the plan hides; goals about the project itself are not about people
    and pass as they are. A goal about people the plan does not name is hidden whole."""
    for result in results:
        template = definitions.TEMPLATES.get(result.template)
        if template is not None and template.subject == "project":
            continue
        if result.error:
            continue
        decided = plan["goals"].get(result.key)
        if decided is None or decided["level"] is None:
            reason = "protect" if decided is None else decided["reason"]
            _hide_goal(result, reason)
            continue
        if decided["level"] != FULL:
            result.missing = None
            result.value_answered = result.denominator_answered = None
            result.missing_hidden = True
        for dimension, cells in (result.breakdown or {}).items():
            reasons = decided["breakdown"].get(dimension, {})
            for group, cell in cells.items():
                reason = reasons.get(group, "protect")
                if reason:
                    _hide(cell, reason)
                else:
                    cell.missing = None  # breakdowns never show the missing to these readers
        if result.periods:
            for year, cell in result.periods.items():
                if year == "all":
                    if decided["level"] != FULL:
                        cell.missing = None
                    continue
                reason = decided["periods"].get(year, "protect")
                if reason:
                    _hide(cell, reason)
                else:
                    cell.missing = None
    return results


def _hide_goal(result, reason: str) -> None:
    _hide(result, reason)
    result.outcome = None
    result.value_answered = result.denominator_answered = None
    for cells in (result.breakdown or {}).values():
        for cell in cells.values():
            _hide(cell, cell.reason or "protect")
    for period, cell in (result.periods or {}).items():
        _hide(cell, reason if period == "all" else "protect")


def top_level(plan: dict, key: str, template_code: str) -> tuple[int | None, str] | None:
    """A goal's top row in the plan: (level, reason); None for a goal about the project
    itself (not about people). A goal about people the plan does not name is hidden."""
    template = definitions.TEMPLATES.get(template_code)
    if template is not None and template.subject == "project":
        return None
    decided = plan["goals"].get(key)
    if decided is None:
        return None, "protect"
    return decided["level"], decided["reason"]


def quarter_reason(plan: dict, key: str, label: str) -> str:
    """Why a goal's quarter is hidden ("" when shown)."""
    decided = plan["goals"].get(key)
    if decided is None or decided["level"] is None:
        return "protect"
    return decided.get("quarters", {}).get(label, "protect")


def flow_reason(plan: dict, stage: str, gender: str | None = None) -> str:
    decided = plan["flow"].get(stage)
    if decided is None:
        return "protect"
    if gender is None:
        return "" if decided["level"] is not None else decided["reason"]
    return decided["gender"].get(gender, "protect")


def part_reason(plan: dict, part: str) -> str:
    """Why a parent's part's number of participants is hidden ("" when shown)."""
    decided = plan["flow"].get("referred")
    if decided is None:
        return "protect"
    return decided.get("part", {}).get(str(part), "protect")


def hours_reason(plan: dict, code: str) -> str:
    return plan["hours"].get(code, "protect")

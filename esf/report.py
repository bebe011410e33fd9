"""The ESF indicator report of one project for one period: counts by gender, the participants
missing a needed field, and the disclosure control for readers who may not see people.

Populations (docs/esf-indicators.md): entry indicators count the enrolments that *started* in
the period; results on leaving count those that *left* in the period; results six months after
count those that left in the period and whose six-month follow-up (the project's follow-up day
closest to 180, between 150 and 210) has fallen due by today.
"""

import datetime as dt
from dataclasses import dataclass, field

from core.disclosure import Part, Row, Table, suppress

from . import facts as facts_module
from .indicators import ENTRY, EXIT, SIX_MONTHS, Indicator, IndicatorSet

GENDERS = ("woman", "man", "other")


@dataclass(frozen=True)
class Period:
    key: str  # "project" or a year "2011"
    first: dt.date | None
    last: dt.date | None

    def holds(self, day: dt.date | None) -> bool:
        if day is None:
            return False
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)


def periods(project) -> list[Period]:
    """The whole project, then each calendar year of its period."""
    years = range(project.starts_on.year, project.ends_on.year + 1)
    return [Period("project", None, None)] + [
        Period(str(y), dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years
    ]


def period_for(project, key: str | None) -> Period:
    for period in periods(project):
        if period.key == key:
            return period
    return periods(project)[0]


@dataclass
class IndicatorRow:
    indicator: Indicator
    recorded: bool
    counts: dict[str, int] = field(default_factory=dict)  # gender -> n
    members: dict[str, int] = field(default_factory=dict)  # gender -> bit set
    # After disclosure: gender or "total" -> reason ("" shown); filled by `disclose`.
    hidden: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def total_members(self) -> int:
        bits = 0
        for value in self.members.values():
            bits |= value
        return bits


@dataclass
class MissingRow:
    enrolment_id: int
    need: str  # a key of facts.MISSING, or "gender"
    codes: list[str]


@dataclass
class Report:
    project: object
    indicator_set: IndicatorSet
    period: Period
    rows: list[IndicatorRow]
    missing: list[MissingRow]
    six_month_day: int | None
    threshold: int | None = None
    # need -> IndicatorRow-like counts of the enrolments missing it (for aggregate readers)
    missing_counts: dict[str, IndicatorRow] = field(default_factory=dict)


def _bit_set(positions: list[int]) -> int:
    """The bit set with these bits on (built at once: OR-ing big integers one by one is
    quadratic)."""
    if not positions:
        return 0
    bitmap = bytearray(max(positions) // 8 + 1)
    for position in positions:
        bitmap[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bitmap, "little")


def _population(rows: list, basis: str, period: Period) -> list:
    if basis == ENTRY:
        return [x for x in rows if period.holds(x.started_on)]
    if basis == EXIT:
        return [x for x in rows if period.holds(x.exited_on)]
    return [x for x in rows if period.holds(x.exited_on) and x.six_months_due]


def build(project, indicator_set: IndicatorSet, period: Period, today: dt.date) -> Report:
    facts = facts_module.read(project, today)
    index = {x.enrolment_id: i for i, x in enumerate(facts)}
    day = facts_module.six_month_day(project)
    rows: list[IndicatorRow] = []
    missing: dict[tuple[int, str], list[str]] = {}
    for indicator in indicator_set.indicators:
        recorded = indicator.recorded and (indicator.basis != SIX_MONTHS or day is not None)
        row = IndicatorRow(indicator, recorded)
        rows.append(row)
        if not recorded:
            continue
        row.counts = dict.fromkeys(GENDERS, 0)
        members: dict[str, list[int]] = {g: [] for g in GENDERS}
        for x in _population(facts, indicator.basis, period):
            lacking = facts_module.missing(x, indicator.needs)
            for need in lacking:
                missing.setdefault((x.enrolment_id, need), []).append(indicator.code)
            if lacking or not indicator.test(x):
                continue
            if not indicator_set.non_binary and x.gender == "other":
                # In the total, in neither the women's nor the men's column: listed.
                missing.setdefault((x.enrolment_id, "gender"), []).append(indicator.code)
            row.counts[x.gender] += 1
            members[x.gender].append(index[x.enrolment_id])
        row.members = {g: _bit_set(positions) for g, positions in members.items()}
    missing_rows = [
        MissingRow(enrolment_id, need, codes)
        for (enrolment_id, need), codes in sorted(missing.items())
    ]
    by_id = {x.enrolment_id: x for x in facts}
    missing_counts: dict[str, IndicatorRow] = {}
    positions: dict[str, dict[str, list[int]]] = {}
    for entry in missing_rows:
        counts = missing_counts.get(entry.need)
        if counts is None:
            counts = missing_counts[entry.need] = IndicatorRow(
                None, True, dict.fromkeys(GENDERS, 0)
            )
            positions[entry.need] = {g: [] for g in GENDERS}
        gender = by_id[entry.enrolment_id].gender
        counts.counts[gender] += 1
        positions[entry.need][gender].append(index[entry.enrolment_id])
    for need, counts in missing_counts.items():
        counts.members = {g: _bit_set(p) for g, p in positions[need].items()}
    return Report(project, indicator_set, period, rows, missing_rows, day, None, missing_counts)


# --- disclosure -----------------------------------------------------------------------------


def _table(key, row: IndicatorRow, non_binary: bool) -> Table:
    top = Row([{"people": Part(row.total, row.total_members)}])
    shown = GENDERS if non_binary else ("woman", "man")
    genders = {g: Row([{"people": Part(row.counts[g], row.members[g])}]) for g in shown}
    return Table(key, top, {"gender": genders}, universe="esf")


def disclose(report: Report, threshold: int | None) -> Report:
    """Decide which figures a reader with `threshold` sees (None: all of them), with the one
    disclosure method (core.disclosure.suppress) over every figure of the file together: the
    indicators and the counts of missing fields. Readers who may not see people get no list
    of enrolments, only those counts."""
    report.threshold = threshold
    non_binary = report.indicator_set.non_binary
    pairs = []
    for row in report.rows:
        if row.recorded:
            pairs.append((row, _table(("indicator", row.indicator.code), row, non_binary)))
    for need, row in report.missing_counts.items():
        pairs.append((row, _table(("missing", need), row, non_binary)))
    suppress([table for _, table in pairs], threshold)
    for row, table in pairs:
        row.hidden = {"total": "" if table.top.shown else table.top.reason}
        for gender, cell in table.dimensions["gender"].items():
            row.hidden[gender] = "" if cell.shown else cell.reason
        if not non_binary:
            row.hidden["other"] = "hidden"  # never shown on its own in a women/men set
    return report

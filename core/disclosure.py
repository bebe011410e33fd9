"""Statistical disclosure control: which figures a reader who may not see people receives.

The one method every page, JSON view, API endpoint, export and command uses (through
`suppress()`); the threshold comes from `core.policy.disclosure_for()`. docs/disclosure.md
explains the method to a data protection officer, with a worked example.

The model
---------
Everything shown together (a dashboard, an export) is a list of **tables**. A table has a
**top row** (a goal over its whole population, one stage of the participant flow) and
**dimensions** whose rows split the top row's people into groups (women/men/…, age bands, years
of exit). Each row splits *its* people into **parts** — met the goal / did not / no data — and
may offer several **levels** of detail, finest first: a goal's top row can be shown with the
number missing (met · not met · missing) or without it (met · the rest). A row is shown at one
level or hidden. A shown row publishes each of its parts and every sum of them (the group, those
with an answer…), so every one of those must be 0 or at least the threshold.

The rules, applied until nothing changes
----------------------------------------
1. **Primary suppression.** A row is shown at the finest level whose parts all hold 0 or at least
   `threshold` people, else hidden: "fewer than N" when the whole group is smaller, "a part has
   fewer than N" when the group is large enough but one of its parts is not.
2. **A hidden top hides the table.** Every non-empty row of its dimensions is hidden too.
3. **Complementary (secondary) suppression within a dimension.** The hidden rows of a dimension
   together form a *block* whose parts anyone can compute (top minus the shown rows). The block
   must hold either no one or at least two groups of people, and each of its parts 0 or at least
   `threshold` people; while it does not, the smallest shown non-empty row is hidden as well
   ("hidden to protect another figure"). Groups are hidden whole, so within one goal no hidden
   figure can be recovered from another dimension's rows either.
4. **Differences between shown figures.** Where the people behind the figures are known (each
   part carries its people as a bit set), any two published sets one of which contains the other
   — across tables too: nested goals, a period inside a period, the flow's stages, the block
   of rule 3 — must differ by 0 or at least `threshold` people. When they do not, a breakdown
   row is hidden before a top row, and a top row first loses a level of detail.

0 is shown: an empty group says nothing about a person. Figures without known people (stored
snapshots from before the people were recorded) get rules 1–3.
"""

from dataclasses import dataclass, field
from itertools import combinations

SMALL = "small"  # the group itself holds fewer than the threshold
SMALL_PART = "small_part"  # the group is large enough, one of its parts is not
PROTECT = "protect"  # hidden so that another hidden figure cannot be worked out


@dataclass
class Part:
    """A number of people, and (when known) which people: a bit set over the table's
    universe (bit i = the i-th person of the universe)."""

    count: int
    members: int | None = None


@dataclass
class Row:
    """A group's figures. `levels`: finest first, each a dict part name -> Part splitting the
    group's people. `level` is the chosen one, None when the row is hidden."""

    levels: list[dict[str, Part]]
    level: int | None = 0
    reason: str = ""

    @property
    def coarsest(self) -> dict[str, Part]:
        return self.levels[-1]

    @property
    def total(self) -> int:
        return sum(part.count for part in self.coarsest.values())

    @property
    def shown(self) -> bool:
        return self.level is not None

    def hide(self, reason: str) -> bool:
        if self.level is None:
            return False
        self.level = None
        self.reason = self.reason or reason
        return True


@dataclass
class Table:
    """A top row and the dimensions that split it. Bit sets compare only within a universe."""

    key: object
    top: Row
    dimensions: dict[str, dict[str, Row]] = field(default_factory=dict)
    universe: str = "people"

    def rows(self):
        yield self.top
        for rows in self.dimensions.values():
            yield from rows.values()


def _safe(count: int, threshold: int) -> bool:
    return count == 0 or count >= threshold


def _sums(parts: dict[str, Part]):
    """Every non-empty sum of a row's parts: (count, members or None)."""
    names = sorted(parts)
    for size in range(1, len(names) + 1):
        for chosen in combinations(names, size):
            count = sum(parts[n].count for n in chosen)
            members = 0
            for n in chosen:
                if parts[n].members is None:
                    members = None
                    break
                members |= parts[n].members
            yield count, members


def _first_safe_level(row: Row, threshold: int) -> int | None:
    for index, parts in enumerate(row.levels):
        if all(_safe(count, threshold) for count, _ in _sums(parts)):
            return index
    return None


def suppress(tables: list[Table], threshold: int | None) -> list[Table]:
    """Decide, in place, the level of every row of `tables` (all shown together) for a reader
    with `threshold` (None: a reader who may see people, nothing is hidden)."""
    if not threshold:
        return tables
    for table in tables:
        for row in table.rows():
            row.level = _first_safe_level(row, threshold)
            if row.level is None:
                row.reason = SMALL if 0 < row.total < threshold else SMALL_PART
    changed = True
    while changed:
        changed = False
        for table in tables:
            changed |= _complete_table(table, threshold)
        if not changed:
            changed = _separate_nested(tables, threshold)
    return tables


# --- rules 2 and 3 --------------------------------------------------------------------------


def _complete_table(table: Table, threshold: int) -> bool:
    changed = False
    if not table.top.shown:
        for rows in table.dimensions.values():
            for row in rows.values():
                if row.total:  # an empty group says nothing: it stays 0
                    changed |= row.hide(PROTECT)
        return changed
    for rows in table.dimensions.values():
        while _block_unsafe(rows, threshold):
            candidates = sorted(
                (row.total, str(name)) for name, row in rows.items() if row.shown and row.total
            )
            if not candidates:  # groups that overlap: nothing left to hide but the whole table
                table.top.hide(PROTECT)
                return True
            rows[_name(rows, candidates[0][1])].hide(PROTECT)
            changed = True
    return changed


def _name(rows: dict, text: str):
    return next(name for name in rows if str(name) == text)


def _block(rows: dict[str, Row]) -> list[Row]:
    return [row for row in rows.values() if not row.shown and row.total]


def _block_unsafe(rows: dict[str, Row], threshold: int) -> bool:
    hidden = _block(rows)
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    return not all(_safe(count, threshold) for count, _ in _sums(_block_parts(hidden)))


def _block_parts(hidden: list[Row]) -> dict[str, Part]:
    parts: dict[str, Part] = {}
    for row in hidden:
        for name, part in row.coarsest.items():
            total = parts.setdefault(name, Part(0, 0))
            total.count += part.count
            if total.members is not None:
                total.members = None if part.members is None else total.members | part.members
    return parts


# --- rule 4 ---------------------------------------------------------------------------------


@dataclass
class _Published:
    count: int
    members: int
    table: Table
    row: Row | None  # None: the hidden block of `dimension`
    dimension: str | None


def _published(tables: list[Table]) -> dict[str, list[_Published]]:
    by_universe: dict[str, list[_Published]] = {}
    for table in tables:
        if not table.top.shown:
            continue
        out = by_universe.setdefault(table.universe, [])
        for dimension, rows in [(None, {"": table.top}), *table.dimensions.items()]:
            for row in rows.values():
                if row.shown:
                    for count, members in _sums(row.levels[row.level]):
                        if members is not None:
                            out.append(_Published(count, members, table, row, dimension))
            hidden = _block(rows) if dimension is not None else []
            if hidden:
                for count, members in _sums(_block_parts(hidden)):
                    if members is not None:
                        out.append(_Published(count, members, table, None, dimension))
    return by_universe


def _separate_nested(tables: list[Table], threshold: int) -> bool:
    """Find one pair of published sets, one inside the other, that differ by 1 … threshold-1
    people, and hide (or coarsen) a row to break it. True when something changed."""
    for sets in _published(tables).values():
        sets.sort(key=lambda s: s.count)
        counts = [s.count for s in sets]
        for i, small in enumerate(sets):
            j = i + 1
            while j < len(sets) and counts[j] == small.count:
                j += 1
            while j < len(sets) and counts[j] < small.count + threshold:
                large = sets[j]
                if large.members & small.members == small.members:
                    if _break(small, large, tables):
                        return True
                j += 1
    return False


def _break(small: _Published, large: _Published, tables) -> bool:
    # A breakdown row first, then a hidden block grows, then a top row loses detail.
    for published in (small, large):
        if published.row is not None and published.dimension is not None:
            return published.row.hide(PROTECT)
    for published in (small, large):
        if published.row is None:
            rows = published.table.dimensions[published.dimension]
            shown = sorted(
                (row.total, str(name)) for name, row in rows.items() if row.shown and row.total
            )
            if shown:
                return rows[_name(rows, shown[0][1])].hide(PROTECT)
            return published.table.top.hide(PROTECT)
    top = small.row
    if top.level is not None and top.level + 1 < len(top.levels):
        top.level += 1
        return True
    return top.hide(PROTECT)

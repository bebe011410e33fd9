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

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import combinations, compress
from operator import attrgetter, eq

# Raise when the rules change: stored plans made by other rules are then made again.
RULES_VERSION = 4

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
    # Every sum of each level's parts, and the total, made when first asked (the levels never
    # change, and suppress() asks again after every row it hides).
    _sum_cache: dict = field(default_factory=dict, repr=False, compare=False)
    # The table the row is in, within suppress(): a new level counts as a change of that table
    # (Table._changes), which is what its made-once answers are keyed by.
    _owner: "Table | None" = field(default=None, repr=False, compare=False)

    def __setattr__(self, name, value):
        if name == "level":
            owner = self.__dict__.get("_owner")
            if owner is not None:
                owner._changes += 1
        object.__setattr__(self, name, value)

    def sums(self, level: int) -> list[tuple[int, int | None]]:
        """_sums() of the parts at `level`."""
        found = self._sum_cache.get(level)
        if found is None:
            found = self._sum_cache[level] = list(_sums(self.levels[level]))
        return found

    @property
    def coarsest(self) -> dict[str, Part]:
        return self.levels[-1]

    @property
    def total(self) -> int:
        found = self._sum_cache.get("total")
        if found is None:
            found = self._sum_cache["total"] = sum(part.count for part in self.coarsest.values())
        return found

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
    _remainders: dict = field(default_factory=dict, repr=False, compare=False)
    _overlaps: dict = field(default_factory=dict, repr=False, compare=False)
    # (dimension, its hidden groups, threshold) -> is its block unsafe: _block_unsafe_in()
    _unsafe: dict = field(default_factory=dict, repr=False, compare=False)
    # How many times one of its rows changed level within suppress() (Row.__setattr__).
    _changes: int = field(default=0, repr=False, compare=False)
    # (_changes, what the table published then, and their members): _published_by()
    _publishes: tuple | None = field(default=None, repr=False, compare=False)
    # dimension -> (_changes, its hidden groups with someone in them): _block_unsafe_in()
    _hidden: dict = field(default_factory=dict, repr=False, compare=False)
    # (dimension, its hidden groups' positions) -> what that block publishes: _block_publishes()
    _blocks: dict = field(default_factory=dict, repr=False, compare=False)

    def remainder(self, dimension: str) -> "dict[str, Part] | None":
        """_remainder() of a dimension (its rows' people never change: made once)."""
        if dimension not in self._remainders:
            self._remainders[dimension] = _remainder(self.top, self.dimensions[dimension])
        return self._remainders[dimension]

    def overlapping(self, dimension: str) -> bool:
        """_overlapping() of a dimension (made once, as the remainder)."""
        if dimension not in self._overlaps:
            self._overlaps[dimension] = _overlapping(self.top, self.dimensions[dimension])
        return self._overlaps[dimension]

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
    for index in range(len(row.levels)):
        if all(_safe(count, threshold) for count, _ in row.sums(index)):
            return index
    return None


def suppress(tables: list[Table], threshold: int | None) -> list[Table]:
    """Decide, in place, the level of every row of `tables` (all shown together) for a reader
    with `threshold` (None: a reader who may see people, nothing is hidden)."""
    if not threshold:
        return tables
    for table in tables:
        table._publishes = None
        table._hidden = {}
        table._blocks = {}
        for row in table.rows():
            row._owner = table
            row.level = _first_safe_level(row, threshold)
            if row.level is None:
                row.reason = SMALL if 0 < row.total < threshold else SMALL_PART
    twins = _twins(tables)
    changed = True
    while changed:
        published = _published(tables)
        known = _known(tables)
        changed = False
        for table in tables:
            if _complete_table(table, threshold, known.get(table.universe, set()), twins):
                changed = True
                break  # what is shown elsewhere has changed: count it again first
        if not changed:
            changed = _separate_nested(published, threshold)
        if not changed:
            changed = _separate_combinations(published, threshold)
    return tables


# --- rules 2 and 3 --------------------------------------------------------------------------


def _signature(row: Row) -> tuple | None:
    parts = row.coarsest
    if not row.total or any(parts[name].members is None for name in parts):
        return None
    return tuple((name, parts[name].members) for name in sorted(parts))


def _twins(tables: list[Table]) -> dict[tuple, list[Row]]:
    """Rows of different tables about exactly the same people with the same parts (two goals
    over the same population and condition have the same quarters): hidden together, or one
    would still show what the other hides."""
    found: dict[tuple, list[Row]] = {}
    for table in tables:
        for rows in table.dimensions.values():
            for row in rows.values():
                signature = _signature(row)
                if signature is not None:
                    found.setdefault((table.universe, signature), []).append(row)
    return found


def _complete_table(table: Table, threshold: int, known: set, twins: dict) -> bool:
    changed = False
    if not table.top.shown:
        for rows in table.dimensions.values():
            for row in rows.values():
                if row.total:  # an empty group says nothing: it stays 0
                    changed |= row.hide(PROTECT)
        return changed
    for dimension, rows in table.dimensions.items():
        if table.overlapping(dimension):
            # Groups that share people (a participant in two target groups): their sum minus
            # the total counts the people in several, which no rule here can protect.
            for row in rows.values():
                if row.total:
                    changed |= row.hide(PROTECT)
            continue
        if _block_unsafe_in(table, dimension, known, threshold):
            candidates = sorted(
                (row.total, str(name)) for name, row in rows.items() if row.shown and row.total
            )
            if not candidates:
                table.top.hide(PROTECT)
                return True
            chosen = rows[_name(rows, candidates[0][1])]
            chosen.hide(PROTECT)
            for twin in twins.get((table.universe, _signature(chosen)), []):
                twin.hide(PROTECT)
            # One row at a time: what the page shows elsewhere is counted again first.
            return True
    return changed


def _name(rows: dict, text: str):
    return next(name for name in rows if str(name) == text)


def _union(parts) -> int | None:
    members = 0
    for part in parts:
        if part.members is None:
            return None
        members |= part.members
    return members


def _overlapping(top: Row, rows: dict[str, Row]) -> bool:
    """Do the groups of a dimension share people (then they do not add up to the total)?"""
    seen = 0
    for row in rows.values():
        members = _union(row.coarsest.values())
        if members is None:
            return sum(r.total for r in rows.values()) > top.total
        if seen & members:
            return True
        seen |= members
    return False


def _remainder(top: Row, rows: dict[str, Row]) -> dict[str, Part] | None:
    """The people of the total in none of the groups (a quarter outside the ones shown, a group
    not listed): never shown, so part of the hidden block."""
    parts = {}
    for name, part in top.coarsest.items():
        count = part.count - sum(row.coarsest[name].count for row in rows.values())
        covered = _union(row.coarsest[name] for row in rows.values())
        members = None
        if part.members is not None and covered is not None:
            members = part.members & ~covered
            count = members.bit_count()
        parts[name] = Part(count, members)
    return parts if any(p.count for p in parts.values()) else None


def _effectively_shown(row: Row, known: set) -> bool:
    """A hidden row whose every figure is shown elsewhere (another goal's top, the flow) is not
    hidden at all."""
    needs = row._sum_cache.get("needs", False)
    if needs is False:  # made once: the people of its non-empty parts, None if one is unknown
        parts = row.coarsest.values()
        needs = row._sum_cache["needs"] = (
            None
            if any(part.members is None for part in parts)
            else frozenset(part.members for part in parts if part.count != 0)
        )
    return needs is not None and needs <= known


def _block_unsafe_in(table: Table, dimension: str, known: set, threshold: int) -> bool:
    """_block_unsafe() of the dimension's block: the parts of every group a reader cannot see,
    directly or elsewhere. A function of which groups those are (their parts never change, and
    suppress() asks again after every row it hides), so worked out once for each."""
    rows = table.dimensions[dimension]
    found = table._hidden.get(dimension)
    if found is None or found[0] != table._changes:
        candidates = [
            (index, row) for index, row in enumerate(rows.values()) if not row.shown and row.total
        ]
        found = table._hidden[dimension] = (table._changes, candidates)
    hidden = tuple(index for index, row in found[1] if not _effectively_shown(row, known))
    key = (dimension, hidden, threshold)
    unsafe = table._unsafe.get(key)
    if unsafe is None:
        block = [row.coarsest for index, row in enumerate(rows.values()) if index in hidden]
        rest = table.remainder(dimension)
        if rest is not None:
            block.append(rest)
        unsafe = table._unsafe[key] = _block_unsafe(block, threshold)
    return unsafe


def _block_unsafe(block: list[dict[str, Part]], threshold: int) -> bool:
    if not block:
        return False
    if len(block) == 1:
        return True
    return not all(_safe(count, threshold) for count, _ in _sums(_block_parts(block)))


def _block_parts(block: list[dict[str, Part]]) -> dict[str, Part]:
    parts: dict[str, Part] = {}
    for row_parts in block:
        for name, part in row_parts.items():
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
    people: int = field(init=False)  # how many people `members` holds (rule 4 counts people)

    def __post_init__(self):
        self.people = self.members.bit_count()


def _published(tables: list[Table]) -> dict[str, list[_Published]]:
    by_universe: dict[str, list[_Published]] = {}
    for table in tables:
        if table.top.shown:
            by_universe.setdefault(table.universe, []).extend(_published_by(table))
    return by_universe


def _known(tables: list[Table]) -> dict[str, set[int]]:
    """The people of every set published (_published, just made), by universe: the union of
    each table's, made with its sets (_published_by)."""
    by_universe: dict[str, list[frozenset]] = {}
    for table in tables:
        if table.top.shown:
            by_universe.setdefault(table.universe, []).append(table._publishes[2])
    return {universe: set().union(*known) for universe, known in by_universe.items()}


def _row_publishes(table: Table, row: Row, dimension: str | None) -> list[_Published]:
    """The sums a shown row publishes at its level (made once for each level, in its table
    and dimension)."""
    key = ("publishes", row.level, id(table), dimension)
    found = row._sum_cache.get(key)
    if found is None:
        found = row._sum_cache[key] = [
            _Published(count, members, table, row, dimension)
            for count, members in row.sums(row.level)
            if members is not None
        ]
    return found


def _block_publishes(table: Table, dimension: str, hidden: tuple[int, ...]) -> list[_Published]:
    """The sums the hidden block of a dimension publishes: its hidden groups with someone in
    them (their positions, `hidden`) and the rest of the total (made once for each)."""
    key = (dimension, hidden)
    found = table._blocks.get(key)
    if found is None:
        rows = list(table.dimensions[dimension].values())
        block = [rows[index].coarsest for index in hidden]
        rest = table.remainder(dimension)
        if rest:
            block.append(rest)
        found = table._blocks[key] = [
            _Published(count, members, table, None, dimension)
            for count, members in _sums(_block_parts(block))
            if members is not None
        ]
    return found


def _published_by(table: Table) -> list[_Published]:
    """What a table whose top is shown publishes: a function of its rows' levels alone (their
    parts never change), so made again only when one of them changed (Table._changes; suppress
    asks after every row it hides, in any table)."""
    if table._publishes is not None and table._publishes[0] == table._changes:
        return table._publishes[1]
    out: list[_Published] = []
    for dimension, rows in [(None, {"": table.top}), *table.dimensions.items()]:
        hidden = []
        for index, row in enumerate(rows.values()):
            if row.shown:
                out.extend(_row_publishes(table, row, dimension))
            elif row.total:
                hidden.append(index)
        if dimension is not None and hidden:
            out.extend(_block_publishes(table, dimension, tuple(hidden)))
    table._publishes = (table._changes, out, frozenset(p.members for p in out))
    return out


# The people (bits) whose membership _combinations_to_break compares first in a large universe.
_PREFIX = 4096

# How many people a published set holds (rule 4 counts people, not the published counts).
_people = attrgetter("people")


def _separate_nested(published: dict[str, list[_Published]], threshold: int) -> bool:
    """Find one pair of published sets, one inside the other, that differ by 1 … threshold-1
    people, and hide (or coarsen) a row to break it. True when something changed."""
    for sets in published.values():
        # By the number of people (a hidden block of overlapping groups counts someone twice).
        sets = sorted(sets, key=_people)
        counts = list(map(_people, sets))
        for i, small in enumerate(sets):
            # The sets larger by 1 … threshold-1 (counts are sorted: two bisections).
            j = bisect_right(counts, counts[i], i + 1)
            end = bisect_left(counts, counts[i] + threshold, j)
            for large in sets[j:end]:
                if large.members & small.members == small.members:
                    if _break([small, large]):
                        return True
    return False


def _separate_combinations(published: dict[str, list[_Published]], threshold: int) -> bool:
    """Three published sets: two that overlap and a third that is their union give the people
    in both (|A| + |B| − |A ∪ B|); two disjoint ones inside a third give the rest of it
    (|C| − |A| − |B|). Each of those must be 0 or at least the threshold."""
    for sets in published.values():
        unique = list({s.members: s for s in sets if s.members}.values())
        unique.sort(key=_people)
        for i, j, k in _combinations_to_break(unique, threshold):
            if _break([unique[i], unique[j], unique[k]]):
                return True
    return False


def _combinations_to_break(unique: list[_Published], threshold: int) -> list[tuple[int, int, int]]:
    """Every (i, j, k), i < j, where unique[i] and unique[j] with unique[k] give 1 … threshold-1
    people (`_separate_combinations`), in the order of i, then j, then k.

    Both sets of a pair lie inside the third, so the search goes from the third, C: the sets
    inside it, then the pairs of those whose counts add up to within the threshold of |C|.
    The larger set of such a pair holds at least half of that (|C| − threshold + 1) / 2, so
    the sets that large are looked at first, and the smaller ones only where their count
    would complete one of those found inside C: most sets C have none, and nothing smaller is
    looked at. In a large project, whose counts lie far apart, a set need only be looked at
    when some set's count lies within the threshold of |C| − its count (`near`): that passes
    over most of them before any operation on their members. In a small one nearly every
    count is near, and the test costs more than it saves."""
    # The numbers of people, not the published counts: a hidden block of overlapping groups
    # counts someone in two of them twice.
    counts = list(map(_people, unique))
    members = [s.members for s in unique]
    if not counts:
        return []
    # near[n]: some set's count lies within the threshold of n.
    near = bytearray(counts[-1] + threshold)
    for count in counts:
        low = max(0, count - threshold + 1)
        near[low : count + threshold] = b"\1" * (count + threshold - low)
    sparse = near.count(1) < len(near) // 2
    # A set inside C has its first _PREFIX people inside C's: tested first on those alone, a
    # few hundred bytes rather than a bit per person of a large universe.
    width = max(members).bit_length()
    prefixes = [m & ((1 << _PREFIX) - 1) for m in members] if width > 2 * _PREFIX else None

    def inside(k: int, maybe) -> list[int]:
        """Those of the sets `maybe` (indices, ascending) inside unique[k]."""
        if sparse:
            size = counts[k]
            wanted = map(size.__sub__, map(counts.__getitem__, maybe))
            maybe = list(compress(maybe, map(near.__getitem__, wanted)))
        if prefixes is not None:
            small = list(map(prefixes.__getitem__, maybe))
            maybe = list(compress(maybe, map(eq, map(prefixes[k].__and__, small), small)))
        candidates = list(map(members.__getitem__, maybe))
        whole = members[k]
        return list(compress(maybe, map(eq, map(whole.__and__, candidates), candidates)))

    found = []
    for k in range(len(members)):
        size = counts[k]
        smaller = bisect_left(counts, size)  # a set inside C has fewer people (unique members)
        if smaller < 2:
            continue
        # The larger set of a pair: counts from half of |C| − threshold + 1.
        half = bisect_left(counts, (size - threshold + 2) // 2, 0, smaller)
        large = inside(k, range(half, smaller))
        if not large:
            continue
        # The smaller sets that could complete one of them.
        wanted = set()
        for j in large:
            rest = size - counts[j]
            wanted.update(
                range(
                    bisect_left(counts, rest - threshold + 1, 0, half),
                    bisect_right(counts, rest + threshold - 1, 0, half),
                )
            )
        within = [*inside(k, sorted(wanted)), *large] if wanted else large
        within_counts = [counts[i] for i in within]
        for p, i in enumerate(within):
            rest = size - counts[i]
            start = max(p + 1, bisect_left(within_counts, rest - threshold + 1))
            end = bisect_right(within_counts, rest + threshold - 1)
            for j in within[start:end]:
                both = members[i] & members[j]
                if both in (members[i], members[j]):
                    continue  # nested: rule 4's pairs
                if both:
                    # Their union is C when they overlap by exactly the people beyond it.
                    common = both.bit_count()
                    if common < threshold and counts[i] + counts[j] - common == size:
                        found.append((i, j, k))
                elif 0 < rest - counts[j] < threshold:
                    found.append((i, j, k))
    found.sort()
    return found


def _break(published: list[_Published]) -> bool:
    """Hide something so that these published sets are no longer all shown: a breakdown row
    first (the smallest), then a hidden block grows, then a top row loses detail."""
    rows = sorted(
        (p for p in published if p.row is not None and p.dimension is not None),
        key=lambda p: p.count,
    )
    for p in rows:
        if p.row.hide(PROTECT):
            return True
    for p in published:
        if p.row is None:
            rows = p.table.dimensions[p.dimension]
            shown = sorted(
                (row.total, str(name)) for name, row in rows.items() if row.shown and row.total
            )
            if shown:
                return rows[_name(rows, shown[0][1])].hide(PROTECT)
            return p.table.top.hide(PROTECT)
    for p in sorted(published, key=lambda p: p.count):
        top = p.row
        if top is None or not top.shown:
            continue
        if top.level + 1 < len(top.levels):
            top.level += 1
            return True
        return top.hide(PROTECT)
    return False

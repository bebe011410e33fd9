"""Populations and grouped aggregates: the queries every enrolment-based goal is made of.

A goal's figures are counts with conditions (`Count("pk", filter=Q(...))`) over one queryset of
enrolments, once in total and once per breakdown dimension (grouped with `values()`), so a goal
costs the same handful of queries whether the project has five participants or fifty thousand.
"""

import datetime as dt
import operator
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import compress

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from core import clock
from core.collection import without_collection
from enrolments.models import Enrolment, ExitReason, Status
from participants.models import Gender, RegionOfBirth

AGE_BANDS = ["<25", "25-54", "55+"]
NO_TARGET_GROUP = "none"
NO_AREA = "unknown"
ENROLMENT_DIMENSIONS = ["gender", "age_band", "region_of_birth", "target_group", "area"]


@dataclass
class Context:
    """What all goals of one project evaluation share; read lazily, once."""

    project: object
    today: dt.date = field(default_factory=clock.today)
    # False skips the per-dimension breakdown queries (when only the totals are shown, e.g. one
    # evaluation per quarter).
    breakdowns: bool = True
    # True: every result also says *which* people each figure counts (GoalResult.members), for
    # the disclosure control of everything shown together (goals/publication.py).
    members: bool = False
    # True: enrolment goals count the fact table (goals.models.EnrolmentFact, one grouped
    # statement per goal); False: the enrolments themselves, one statement per breakdown — the
    # oracle the fact table is tested against (tests/test_goal_facts.py).
    facts: bool = True
    # The follow-up days whose "due by today" the goals counted (enrolments(follow_up_day=…)):
    # the dates on which the figures change without a write follow from them (next_due).
    due_days: set = field(default_factory=set)
    # FactSource.count_together: the goals' counting requests while they are being noted, then
    # each goal's members counted together, under the goal they were counted for (evaluating).
    noted: list | None = None
    counted: dict = field(default_factory=dict)
    # The goal being evaluated: (its version's key, its validated parameters); set by
    # engine.evaluate_goal, so that count_together keeps each goal's members under it.
    evaluating: tuple | None = None
    # Other counting requests of a refresh, counted in the goals' statement: {name: (Population,
    # measures)} before, {name: members} after (the hours' participants: figures.hours_counting).
    also: dict = field(default_factory=dict)
    counted_also: dict = field(default_factory=dict)
    # A stored goal version's validated parameters (or why they are not valid), by its key and
    # parameters (engine._validated): count_together evaluates each goal twice, and the checks
    # read the project's data, which one evaluation (one snapshot) sees unchanged.
    validated: dict = field(default_factory=dict)

    @cached_property
    def source(self) -> "Source":
        if not self.facts:
            return ROWS
        from goals import facts

        facts.ensure(self.project_ids)  # rows missing (a table new to the installation)
        return FACTS

    @cached_property
    def project_ids(self) -> list[int]:
        """The projects whose records count: the project and every project below it
        (core.models.Project.counted_project_ids; docs/rollups.md). Every query of the engine
        and of the dashboard's figures filters with `project_id__in=ctx.project_ids`."""
        from goals.facts import counted_ids

        return counted_ids(self.project)

    @cached_property
    def universe(self) -> "Universe":
        if self.source is FACTS:
            return fact_universe(self.project_ids)
        return enrolment_universe(self.project_ids)

    @cached_property
    def household_universe(self) -> "Universe":
        return household_universe(self.project_ids)

    @cached_property
    def target_group_codes(self) -> list[str]:
        """The target groups of the counted projects (a parent's and its parts'), by code."""
        return target_group_codes(self.project_ids)

    @cached_property
    def area_names(self) -> list[str]:
        """The areas of the counted projects (a programme's and its area parts'), by name."""
        return area_names(self.project_ids)


def target_group_codes(project_ids: list[int]) -> list[str]:
    """The target groups of these projects, by code, in the database's order: read once per
    count (facts.read_once), for the goals' validation and their breakdowns alike."""
    return list(dict.fromkeys(code for _, code in _target_groups(project_ids)))


def _target_groups(project_ids: list[int]) -> list[tuple[int, str]]:
    """(id, code) of every target group of these projects, by code: read once per count (the
    codes above, and the fact universe's groups)."""
    from core.models import TargetGroup

    return _read_named(
        "target_groups",
        project_ids,
        lambda: TargetGroup.objects.filter(project_id__in=project_ids),
        "code",
    )


def area_names(project_ids: list[int]) -> list[str]:
    """The areas of these projects, by name, in the database's order: read once per count, as
    target_group_codes."""
    return list(dict.fromkeys(name for _, name in _areas(project_ids)))


def _areas(project_ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of every area of these projects, by name: read once per count."""
    from core.models import Area

    return _read_named(
        "areas", project_ids, lambda: Area.objects.filter(projects__in=project_ids), "name"
    )


def _read_named(key: str, project_ids: list[int], rows, field: str) -> list[tuple[int, str]]:
    """(id, `field`) of the rows `rows()` gives, ordered by `field` in the database, read once
    per count for these projects (facts.read_once)."""
    from goals.facts import read_once

    return read_once(
        (key, tuple(project_ids)),
        lambda: list(rows().order_by(field, "pk").values_list("pk", field).distinct()),
    )


def _named(model, ids: set, known: list[tuple[int, str]], field: str) -> dict:
    """id -> name (or code) of these rows: those of the counted projects' (`known`), and any
    other (an area no longer the project's, say) looked up."""
    names = {pk: name for pk, name in known if pk in ids}
    missing = ids - names.keys()
    if missing:
        names.update(model.objects.filter(pk__in=missing).order_by().values_list("pk", field))
    return names


class Population:
    """A goal's population: the counted projects' rows (`rows`, with the joins its measures
    name) and the conditions that choose among them. `queryset`: the rows that meet them,
    filtered one condition after another. A refresh over the fact table does not filter: it
    reads every row of the universe once, with the conditions as flags (FactSource), so that no
    statement joins a population back to the numbered universe, and the goals of a refresh share
    that one read (FactSource.count_together; `joins`: what was annotated, by name)."""

    def __init__(self, rows, conditions: tuple[Q, ...] = (), joins=None):
        self.rows = rows
        self.conditions = conditions
        self.joins = dict(joins or {})

    def filter(self, *args, **kwargs) -> "Population":
        return Population(self.rows, (*self.conditions, Q(*args, **kwargs)), self.joins)

    def annotate(self, **annotations) -> "Population":
        # What each join was made of, before annotate renames its condition to the join's name.
        joins = {**self.joins}
        for name, annotation in annotations.items():
            if isinstance(annotation, FilteredRelation):
                joins[name] = (annotation.relation_name, annotation.condition)
        return Population(self.rows.annotate(**annotations), self.conditions, joins)

    @property
    def queryset(self):
        qs = self.rows
        for condition in self.conditions:
            qs = qs.filter(condition)
        return qs

    def where(self) -> Q | None:
        """Whether a row is in the population: its conditions together (None: every row)."""
        if not self.conditions:
            return None
        combined = self.conditions[0]
        for more in self.conditions[1:]:
            combined &= more
        return combined


def queryset(population):
    """The rows of a Population (a queryset as it is)."""
    return population.queryset if isinstance(population, Population) else population


def enrolments(ctx: Context, params: dict, *, follow_up_day: int | None = None) -> Population:
    """The goal's population of enrolments, from its parameters.

    population: "all" — every enrolment that started; "exited" — exited (status exited or
    followed up); "completers" — exited with the reason completed. target_group, area and
    period_from/period_to (on the start date for "all", the exit date otherwise) narrow it.
    With follow_up_day, only those whose follow-up on that day is due (exit + day ≤ today).
    """
    qs = Population(ctx.source.model.objects.filter(project_id__in=ctx.project_ids))
    qs = qs.filter(started_on__isnull=False)
    population = params.get("population", "completers")
    if population in ("exited", "completers"):
        qs = qs.filter(status__in=[Status.EXITED, Status.FOLLOWED_UP], exited_on__isnull=False)
    if population == "completers":
        qs = qs.filter(exit_reason=ExitReason.COMPLETED)
    date_field = defining_date(params)
    if params.get("period_from"):
        qs = qs.filter(**{f"{date_field}__gte": params["period_from"]})
    if params.get("period_to"):
        qs = qs.filter(**{f"{date_field}__lte": params["period_to"]})
    if params.get("target_group"):
        qs = qs.filter(ctx.source.in_target_group(ctx, params["target_group"]))
    if params.get("area"):
        qs = qs.filter(area__name=params["area"])
    if follow_up_day is not None:
        ctx.due_days.add(follow_up_day)
        qs = qs.filter(exited_on__lte=ctx.today - dt.timedelta(days=follow_up_day))
    return qs


def next_due(ctx: Context) -> dt.date | None:
    """The first day after ctx.today on which one more enrolment's follow-up on a day the goals
    counted (ctx.due_days) falls due, so that a population of enrolments() changes without a
    write; None when none will. One statement."""
    if not ctx.due_days:
        return None
    days = sorted(ctx.due_days)
    firsts = ctx.source.model.objects.filter(
        project_id__in=ctx.project_ids, exited_on__gt=ctx.today - dt.timedelta(days=max(days))
    ).aggregate(
        **{
            f"d{day}": Min("exited_on", filter=Q(exited_on__gt=ctx.today - dt.timedelta(days=day)))
            for day in days
        }
    )
    found = [firsts[f"d{day}"] + dt.timedelta(days=day) for day in days if firsts[f"d{day}"]]
    return min(found, default=None)


def defining_date(params: dict) -> str:
    """Which date a period narrows: the start for the population "all", else the exit."""
    return "started_on" if params.get("population", "completers") == "all" else "exited_on"


def age_at_start():
    return ExpressionWrapper(
        ExtractYear(Coalesce("started_on", "referred_on")) - F("participant__birth_year"),
        output_field=IntegerField(),
    )


def age_band_expression():
    return Case(
        When(_age__lt=25, then=Value("<25")),
        When(_age__lt=55, then=Value("25-54")),
        default=Value("55+"),
        output_field=CharField(),
    )


def dimension_expression(dimension: str):
    return {
        "gender": F("participant__gender"),
        "age_band": age_band_expression(),
        "region_of_birth": F("participant__region_of_birth"),
        "target_group": F("target_groups__code"),
        "area": F("area__name"),
    }[dimension]


def dimension_groups(ctx: Context, dimension: str) -> list[str]:
    """Every group a dimension always shows, empty or not, in a stable order."""
    if dimension == "gender":
        return list(Gender.values)
    if dimension == "age_band":
        return list(AGE_BANDS)
    if dimension == "region_of_birth":
        return list(RegionOfBirth.values)
    if dimension == "target_group":
        return [*ctx.target_group_codes, NO_TARGET_GROUP]
    if dimension == "area":
        return list(ctx.area_names)
    return []


def _none_label(dimension: str) -> str:
    return NO_TARGET_GROUP if dimension == "target_group" else NO_AREA


def _aggregates(measures: dict[str, Q | None], *, distinct: bool = True) -> dict:
    return {
        name: Count("pk", filter=condition, distinct=distinct)
        if condition is not None
        else Count("pk", distinct=distinct)
        for name, condition in measures.items()
    }


def counts(qs, measures: dict[str, Q | None]) -> dict[str, int]:
    """One query: each measure a count of enrolments matching its condition (None = all)."""
    return qs.order_by().aggregate(**_aggregates(measures))


def grouped_counts(
    qs, measures: dict[str, Q | None], expression, *, none_label: str, distinct: bool = True
):
    """One query: the measures per group of `expression`; returns {group: {measure: n}}."""
    aggregates = _aggregates(measures, distinct=distinct)
    rows = qs.order_by().annotate(_group=expression).values("_group").annotate(**aggregates)
    result = {}
    for row in rows:
        group = row.pop("_group")
        result[none_label if group is None else str(group)] = row
    return result


def enrolment_breakdown(ctx: Context, qs, measures: dict[str, Q | None], dimensions=None):
    """{dimension: {group: {measure: n}}} for every enrolment dimension, one query each; groups
    without anyone get zeros."""
    if not ctx.breakdowns:
        return {}
    dimensions = dimensions or ENROLMENT_DIMENSIONS
    qs = qs.annotate(_age=age_at_start())
    zero = dict.fromkeys(measures, 0)
    result = {}
    for dimension in dimensions:
        found = grouped_counts(
            qs, measures, dimension_expression(dimension), none_label=_none_label(dimension)
        )
        groups = {group: dict(zero) for group in dimension_groups(ctx, dimension)}
        for group, row in found.items():
            groups[group] = row
        result[dimension] = groups
    return result


# --- which people: bit sets for the disclosure control ----------------------------------------


class UniverseMoved(RuntimeError):
    """A statement numbered other enrolments than the universe it was read for: its positions
    would mean other people. Raised, never counted (see one_snapshot)."""


@dataclass
class Universe:
    """The people a project's figures count (enrolments or households), each a bit position,
    and each breakdown group as a bit set, grouped exactly as the engine's queries group.

    `ids` holds the primary keys in position order (`index` maps them back). In the fact
    table's universe (fact_universe) an enrolment's position is its rank by id among the counted
    projects' enrolments, and each statement that says which people a figure counts numbers them
    again the same way in the database (words_of); `fingerprint` (how many, and the sum of their
    ids) tells that it did."""

    groups: dict[str, dict[str, int]]
    size: int
    ids: list[int]
    project_ids: tuple[int, ...] | None = None
    fingerprint: tuple[int, int] | None = None

    @cached_property
    def index(self) -> dict[int, int]:
        """Each primary key's position (made when first asked: a refresh over the fact table
        does not ask)."""
        return {pk: position for position, pk in enumerate(self.ids)}

    def bits(self, queryset) -> int:
        """The bit set of the rows of `queryset` (one query, primary keys only). A row written
        after the universe was read is left out: the summary being computed is stale already
        (its data version was read first) and is computed again."""
        return self.bits_of(queryset.order_by().values_list("pk", flat=True).distinct())

    def bits_of(self, pks) -> int:
        """The bit set of these primary keys (those not in the universe left out, as above)."""
        index = self.index
        return _bits((index[pk] for pk in pks if pk in index), self.size)

    def group(self, dimension: str, group: str) -> int:
        return self.groups.get(dimension, {}).get(group, 0)

    @property
    def everyone(self) -> int:
        """The bit set of every member of the universe."""
        return (1 << self.size) - 1


def member_groups(universe: Universe, members: dict, names, dimension: str) -> dict:
    """{group: {measure: n}} of one of the universe's dimensions, counted from the members
    (members["n"]: the population): each group where the population has someone."""
    population = members["n"]
    return {
        group: counted_in(members, names, bits)
        for group, bits in universe.groups.get(dimension, {}).items()
        if bits & population
    }


def counted_in(members: dict, names, group: int) -> dict[str, int]:
    """{measure: how many of its members are in `group`} (a bit set of the universe)."""
    return {name: (members[name] & group).bit_count() for name in names}


def quarter_of(day: dt.date | None) -> str | None:
    """The calendar quarter of a day, "YYYY Qn" (the comparison pages' quarters)."""
    return None if day is None else f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _bits(positions, size: int) -> int:
    """The bit set of these positions, built in one pass (not one big integer per position)."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


# Byte i of a translation table that marks the positions whose code is i: "1", the others "0".
_ZEROS = b"0" * 256


def _column_bits(column, label=str) -> dict[str, int]:
    """{group: bit set} of a column holding one value per position (position i: column[i]);
    a value's group is label(value), NO_AREA for None. Each position's group is coded as a byte,
    and each group's bit set read from the codes by bytes.translate (its code "1", the others
    "0") and int(…, 2): no Python step per position and group. More than 256 groups (areas of a
    national programme, say): position by position."""
    values = set(column)
    if len(values) == 1:  # one group (a project's own column, say): every position
        (value,) = values
        return {NO_AREA if value is None else label(value): (1 << len(column)) - 1}
    groups = {value: NO_AREA if value is None else label(value) for value in values}
    codes: dict[str, int] = {}
    for group in groups.values():
        codes.setdefault(group, len(codes))
    if len(codes) > len(_ZEROS):
        found: dict[str, list[int]] = {}
        for position, value in enumerate(column):
            found.setdefault(groups[value], []).append(position)
        return {group: _bits(at, len(column)) for group, at in found.items()}
    code_of = {value: codes[group] for value, group in groups.items()}
    coded = bytes(map(code_of.__getitem__, column))[::-1]  # position 0 the last: the lowest bit
    return {
        group: int(coded.translate(_ZEROS[:code] + b"1" + _ZEROS[code + 1 :]), 2)
        for group, code in codes.items()
    }


def _flag_bits(column) -> int:
    """The bit set of the positions whose value is true (a date given, a flag set)."""
    if not column:
        return 0
    return int(bytes(map(bool, column))[::-1].translate(_ZEROS[:0] + b"01" + _ZEROS[2:]), 2)


def _enrolment_groups(gender, age_band, region, area, started_on, exited_on, project_id,
                      followed_up) -> dict[str, dict[str, int]]:  # fmt: skip
    """Every enrolment's groups as bit sets, from one column per property in position order."""
    groups = {
        "gender": _column_bits(gender),
        "age_band": _column_bits(age_band),
        "region_of_birth": _column_bits(region),
        "area": _column_bits(area),
        "project": _column_bits(project_id),
        "exit_year": _column_bits(exited_on, lambda day: str(day.year)),
        "start_quarter": _column_bits(started_on, quarter_of),
        "exit_quarter": _column_bits(exited_on, quarter_of),
    }
    # The flow's stages after "referred" (everyone): goals.figures.flow_conditions.
    stages = {
        "started": _flag_bits(started_on),
        "exited": _flag_bits(exited_on),
        "followed_up": _flag_bits(followed_up),
    }
    stages = {stage: bits for stage, bits in stages.items() if bits}
    if stages:
        groups["stage"] = stages
    return {dimension: found for dimension, found in groups.items() if found}


def _with_target_groups(groups, ids: list[int], target_groups: dict[str, int]) -> Universe:
    """The universe of these enrolments (ids in position order) and groups, with the target
    groups: the people in each (an enrolment may be in several), and NO_TARGET_GROUP for
    those in none."""
    size = len(ids)
    target_groups = dict(target_groups)
    anyone = 0
    for bits in target_groups.values():
        anyone |= bits
    target_groups[NO_TARGET_GROUP] = ((1 << size) - 1) & ~anyone
    groups["target_group"] = target_groups
    return Universe(groups, size, ids)


def enrolment_universe(project_ids: list[int]) -> Universe:
    """Every enrolment of the counted projects (Context.project_ids) with its breakdown groups,
    year of exit and project: two queries over the raw rows."""
    from goals.figures import followed_up_flag

    rows = (
        Enrolment.objects.filter(project_id__in=project_ids)
        .annotate(_age=age_at_start())
        .annotate(
            _gender=dimension_expression("gender"),
            _age_band=dimension_expression("age_band"),
            _region=dimension_expression("region_of_birth"),
            _area=dimension_expression("area"),
            _followed_up=followed_up_flag(),
        )
        .order_by("pk")
        .values_list(
            "pk", "_gender", "_age_band", "_region", "_area", "started_on", "exited_on",
            "project_id", "_followed_up",
        )
    )  # fmt: skip
    ids, *columns = _columns(rows, 9)
    index = {pk: position for position, pk in enumerate(ids)}
    with_group: dict[str, list[int]] = {}
    through = Enrolment.target_groups.through
    for enrolment_id, code in through.objects.filter(
        enrolment__project_id__in=project_ids
    ).values_list("enrolment_id", "targetgroup__code"):
        with_group.setdefault(str(code), []).append(index[enrolment_id])
    size = len(ids)
    target_groups = {code: _bits(at, size) for code, at in with_group.items()}
    return _with_target_groups(_enrolment_groups(*columns), ids, target_groups)


def _columns(rows, width: int) -> list[list]:
    """Rows as columns (each a list in row order), `width` of them even when there is no row."""
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(width)]


# --- which people a figure counts, numbered by the database ----------------------------------
# A refresh needs, for every figure, the bit set of the people it counts. Reading a row per
# enrolment of each goal's population into Python cost more than the goal's statement itself.
# Instead each such statement reads every row of the universe (its projects' first fact rows,
# read in order from the index goal_fact_order), numbers them as it reads (an enrolment's
# position: its rank by id, ROW_NUMBER), tests each figure's conditions as a flag of the row,
# and returns one 64-bit word per 64 positions and flag (the OR of 1 << position % 64 over the
# people flagged), so Python joins a few hundred words per figure. A population is such a flag
# too, not a filter (Population): filtered rows would have to be joined back to the numbered
# universe, which cost more than the rest of the statement. The fact table's universe
# (fact_universe) numbers the enrolments the same way. Each statement also returns how many
# rows it numbered and the sum of their ids: one whose universe differs from the one read first
# raises UniverseMoved rather than mix two numberings. summaries.compute counts in one snapshot
# (one_snapshot), so that it never happens there.

_WORD = (1 << 64) - 1
# A position p's word, and its bit in the word.
_WORD_OF_P = "p / 64 AS w, CAST(1 AS BIGINT) << CAST(p - p / 64 * 64 AS INTEGER) AS b"


def _word_or() -> str:
    """The aggregate that ORs the words: BIT_OR on PostgreSQL; elsewhere the SUM of the distinct
    bits, which is their OR (no two equal bits are added, and no partial sum overflows)."""
    return "BIT_OR({})" if connection.vendor == "postgresql" else "SUM(DISTINCT {})"


def flag(condition: Q | None):
    """A boolean column: whether a row meets `condition` (None: every row), for words_of."""
    if condition is None:
        return Value(True, output_field=BooleanField())
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _assemble(words, size: int) -> int:
    """A bit set from its (word number, word) pairs."""
    buffer = bytearray(8 * ((size + 63) // 64))
    for number, word in words:
        if word:
            at = 8 * number
            buffer[at : at + 8] = (int(word) & _WORD).to_bytes(8, "little")
    return int.from_bytes(buffer, "little")


def words_of(universe: "Universe", rows, flags: list[str], counts=None) -> list[int]:
    """Which of the universe's people are counted by each of `counts`: [bit set per count].
    `rows`: the universe's rows themselves (its projects' first fact rows, every one of them,
    with the joins the flags name), each with boolean columns `flags`. `counts`: (flag, the flag
    of the population it counts within) pairs, positions in `flags` — a population counted
    itself is (p, p) — so that a population's conditions are tested once per row, not once per
    measure; by default each flag over every row. One statement: it numbers the rows in id
    order as it reads them, and returns a 64-bit word per 64 people and count (a few hundred
    rows), with how many rows it numbered and the sum of their ids."""
    assert flags, "words_of needs at least one flag"
    counts = list(counts or [(i, None) for i in range(len(flags))])
    sql, params = rows.order_by().values_list("enrolment_id", *flags).query.sql_with_params()
    columns = ", ".join(f"m{i}" for i in range(len(flags)))
    populations = sorted({p for _, p in counts if p is not None})
    # c{p}: a row's bit when it is in population p, else NULL.
    bits = "".join(f", CASE WHEN m{p} THEN b END" for p in populations)
    named = "".join(f", c{p}" for p in populations)
    bit_or = _word_or()
    ors = ", ".join(
        bit_or.format(
            f"CASE WHEN m{i} THEN b END"
            if population is None
            else f"c{i}"
            if population == i
            else f"CASE WHEN m{i} THEN c{population} END"
        )
        for i, population in counts
    )
    statement = (
        f"WITH g(e, {columns}) AS ({sql}), "  # noqa: S608 (Django's compiled SQL; every value a parameter)
        f"n(e, p, {columns}) AS (SELECT e, ROW_NUMBER() OVER (ORDER BY e) - 1, {columns} FROM g), "
        f"u(e, w, b, {columns}) AS (SELECT e, {_WORD_OF_P}, {columns} FROM n), "
        f"v(e, w, b, {columns}{named}) AS (SELECT e, w, b, {columns}{bits} FROM u) "
        f"SELECT w, COUNT(*), CAST(SUM(e) AS BIGINT), {ors} FROM v GROUP BY w"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        rows = cursor.fetchall()
    found = [[] for _ in range(len(counts))]
    size = total = 0
    for number, count, ids, *words in rows:
        size += count
        total += int(ids)
        for into, word in zip(found, words, strict=True):
            into.append((number, word))
    if (size, total) != universe.fingerprint:
        raise UniverseMoved(f"{(size, total)} != {universe.fingerprint}")
    return [_assemble(words, universe.size) for words in found]


def fact_universe(project_ids: list[int]) -> Universe:
    """The same universe from the fact table (goals.models.EnrolmentFact): two queries, the
    first fact row of each enrolment (in id order, from the index goal_fact_order: positions
    are in the order of the enrolments' ids, as words_of numbers them) and the target group of
    every row that has one. The fingerprint is words_of's."""
    from core.models import Area, TargetGroup
    from goals.models import EnrolmentFact

    rows = EnrolmentFact.objects.filter(project_id__in=project_ids)
    # Ids rather than names (no join; a few names looked up after). The first row holds the
    # enrolment's first target group; only an enrolment in several has more rows.
    firsts = (
        rows.filter(is_first=True)
        .order_by("enrolment_id")
        .values_list(
            "enrolment_id", "gender", "age_band", "region_of_birth", "area_id", "started_on",
            "exited_on", "project_id", "followed_up", "target_group_id",
        )
    )  # fmt: skip
    others = rows.filter(is_first=False).order_by().values_list("enrolment_id", "target_group_id")
    with without_collection():
        ids, *columns, first_groups = _columns(_fetched(firsts), 10)
        members, group_ids = _columns(_fetched(others), 2)
    names = _named(Area, set(columns[3]) - {None}, _areas(project_ids), "name")
    columns[3] = list(map(names.get, columns[3]))
    # The people in each target group: those whose first row names it, at C speed
    # (_column_bits), and those of its further rows, each row's position by bisection in the
    # ids (sorted). An enrolment written after the first query (outside a snapshot) is not in
    # the universe: its rows are left out.
    size = len(ids)
    by_id = {int(key): bits for key, bits in _column_bits(first_groups).items() if key != NO_AREA}
    positions = list(map(partial(bisect_left, ids), members))
    padded = [*ids, None]
    known = list(map(operator.eq, map(padded.__getitem__, positions), members))
    for group_id in set(group_ids):
        chosen = map(operator.and_, known, map(group_id.__eq__, group_ids))
        by_id[group_id] = by_id.get(group_id, 0) | _bits(compress(positions, chosen), size)
    codes = _named(TargetGroup, set(by_id), _target_groups(project_ids), "code")
    by_code: dict[str, int] = {}
    for group_id, bits in by_id.items():
        if group_id not in codes:  # deleted after the rows were read: as if never read
            continue
        code = str(codes[group_id])
        by_code[code] = by_code.get(code, 0) | bits
    universe = _with_target_groups(_enrolment_groups(*columns), ids, by_code)
    universe.project_ids = tuple(project_ids)
    universe.fingerprint = (len(ids), sum(ids))
    return universe


def _fetched(rows) -> list:
    """The rows of a values_list queryset. On PostgreSQL with a plain cursor: its driver returns
    dates and booleans as Python's already, and Django's row-by-row iteration cost more than
    the statement at 100,000 enrolments."""
    if connection.vendor != "postgresql":
        return list(rows)
    with connection.cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()


@contextmanager
def one_snapshot():
    """Every statement inside reads the same state of the data (the fact universe's numbering
    holds across them): on PostgreSQL one transaction, REPEATABLE READ (inside a caller's
    transaction, a savepoint of it, whose isolation can no longer change). On SQLite no
    transaction of its own: its transactions take the one write lock (BEGIN IMMEDIATE) and would
    hold every writer for the whole count; a write between two statements makes words_of raise
    UniverseMoved, and summaries.counted counts again. Either way words_of's check guards."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    settings = [
        # The planner cannot see into the numbered CTEs and overestimates their joins a
        # hundredfold, which sets off JIT compilation: 1.6 s for a 30 ms statement.
        "SET LOCAL jit = off",
        # Every row of the universe is joined to its follow-up (or survey answer) by
        # enrolment: at the default cost of a random page (4, for disks) the planner reads
        # every project's follow-ups instead of one index lookup per row, 490 ms against
        # 64 ms at 25,000 enrolments. The rows a refresh reads are in memory.
        "SET LOCAL random_page_cost = 1.1",
    ]
    if outermost:
        settings.insert(0, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One round trip (no parameters: sent as one simple query).
            cursor.execute("; ".join(settings))
        yield


def household_universe(project_ids: list[int]) -> Universe:
    """Every household of the counted projects with its area (and project): one query."""
    from participants.models import Household

    rows = (
        Household.objects.filter(project_id__in=project_ids)
        .order_by("pk")
        .values_list("pk", "area__name", "project_id")
    )
    ids, area, project_id = _columns(rows, 3)
    groups = {"area": _column_bits(area), "project": _column_bits(project_id)}
    return Universe({name: found for name, found in groups.items() if found}, len(ids), ids)


# --- where enrolment goals read their rows: the enrolments, or the fact table -----------------


class Source:
    """The enrolments themselves: one statement per breakdown dimension, each counting distinct
    enrolments (the engine as it was, kept as the fact table's oracle)."""

    model = Enrolment
    follow_ups = "follow_ups"
    survey_answers = "survey_answers"
    gender = "participant__gender"

    def in_target_group(self, ctx: Context, code: str) -> Q:
        through = Enrolment.target_groups.through
        return Q(
            Exists(through.objects.filter(enrolment_id=OuterRef("pk"), targetgroup__code=code))
        )

    def age(self, qs):
        return qs.annotate(_age_filter=age_at_start()), "_age_filter"

    def took_part(self, categories: list[str]) -> Q:
        from interventions.models import Participation

        return Q(
            Exists(
                Participation.objects.filter(
                    enrolment_id=OuterRef("pk"), intervention__category__code__in=categories
                )
            )
        )

    def figures(self, ctx: Context, qs, measures: dict[str, Q | None]):
        """(totals, breakdown, members) of the measures over the population `qs`."""
        qs = queryset(qs)
        totals = counts(qs, measures)
        breakdown = enrolment_breakdown(ctx, qs, measures)
        members = members_of(ctx.universe, qs, measures) if ctx.members else None
        return totals, breakdown, members

    def grouped(self, qs, measures: dict[str, Q | None], expression, *, none_label: str):
        return grouped_counts(queryset(qs), measures, expression, none_label=none_label)

    def count_together(self, ctx: Context, versions, evaluate) -> None:
        """The raw rows count each goal on its own (FactSource.count_together)."""


def members_of(universe: "Universe", qs, measures: dict[str, Q | None]) -> dict:
    """Which people each measure counts, as bit sets of `universe` (one query each)."""
    members = {"universe": universe}
    for name, condition in measures.items():
        members[name] = universe.bits(qs if condition is None else qs.filter(condition))
    return members


# The fact table's column for each breakdown dimension (a group None is named as the engine
# names it: "none" for the target group, "unknown" otherwise).
FACT_DIMENSIONS = {
    "gender": "gender",
    "age_band": "age_band",
    "region_of_birth": "region_of_birth",
    "area": "area__name",
    "target_group": "target_group__code",
}


class FactSource(Source):
    """The fact table (goals.models.EnrolmentFact). When the members are asked (a refresh: the
    disclosure control needs them), one statement counts them into words for every goal of
    the refresh (count_together, words_of), and the totals and every breakdown are their bit
    counts in the universe's groups. Otherwise a
    goal's totals and every breakdown come from one grouped statement over the population's
    rows (the partial aggregate: a few hundred rows per project), rolled up here."""

    # Joined on the fact row's enrolment_id (EnrolmentFact.follow_up, .survey_answer).
    follow_ups = "follow_up"
    survey_answers = "survey_answer"
    gender = "gender"

    @property
    def model(self):
        from goals.models import EnrolmentFact

        return EnrolmentFact

    def in_target_group(self, ctx: Context, code: str) -> Q:
        rows = self.model.objects.filter(project_id__in=ctx.project_ids, target_group__code=code)
        return Q(enrolment_id__in=rows.values("enrolment_id"))

    def age(self, qs):
        return qs, "age"

    def took_part(self, categories: list[str]) -> Q:
        from goals.facts import categories as all_categories

        wanted = set(categories)
        return self.took_part_in([pk for pk, code, *_ in all_categories() if code in wanted])

    @staticmethod
    def took_part_in(category_ids: list[int]) -> Q:
        """A fact row whose enrolment took part in any of these categories: the bits of its
        `categories`, or, when an id lies beyond the bit set, its participations."""
        from django.db.models.lookups import GreaterThan

        from goals.facts import category_bit

        bits = [category_bit(pk) for pk in category_ids]
        if any(bit is None for bit in bits):  # an id beyond the bit set: ask the raw rows
            from interventions.models import Participation

            return Q(
                Exists(
                    Participation.objects.filter(
                        enrolment_id=OuterRef("enrolment_id"),
                        intervention__category_id__in=category_ids,
                    )
                )
            )
        return Q(GreaterThan(F("categories").bitand(sum(bits)), 0))

    def figures(self, ctx: Context, qs, measures: dict[str, Q | None]):
        if ctx.members:
            # The members are read anyway (count_together, words_of): the totals
            # and every breakdown are their bit counts within the universe's groups, so the
            # grouped statement is not run at all (and the counts are those of the members by
            # construction).
            members, population = self._members(ctx, qs, measures)
            totals = {name: members[name].bit_count() for name in measures}
            breakdown = self._breakdown_of(ctx, members, population, measures)
            return totals, breakdown, members
        aggregates = _aggregates(measures, distinct=False)
        # Without breakdowns (the quarter comparison): grouped by is_first alone.
        dimensions = FACT_DIMENSIONS if ctx.breakdowns else {}
        rows = (
            queryset(qs).order_by().values("is_first", *dimensions.values()).annotate(**aggregates)
        )
        zero = dict.fromkeys(measures, 0)
        totals = dict(zero)
        found: dict[str, dict[str, dict[str, int]]] = {d: {} for d in FACT_DIMENSIONS}
        for row in rows:
            for dimension, column in dimensions.items():
                if dimension != "target_group" and not row["is_first"]:
                    continue
                value = row[column]
                group = _none_label(dimension) if value is None else str(value)
                cell = found[dimension].setdefault(group, dict(zero))
                for name in measures:
                    cell[name] += row[name]
            if row["is_first"]:
                for name in measures:
                    totals[name] += row[name]
        breakdown = {}
        if ctx.breakdowns:
            for dimension in ENROLMENT_DIMENSIONS:
                groups = {group: dict(zero) for group in dimension_groups(ctx, dimension)}
                groups.update(found[dimension])
                breakdown[dimension] = groups
        return totals, breakdown, None

    def count_together(self, ctx: Context, versions, evaluate) -> None:
        """Before a refresh evaluates its goals (`evaluate(version)` each): the members of every
        enrolment goal among them, counted in one statement (_members_of), kept in ctx.counted
        for the evaluation proper. Each goal is evaluated once beforehand to learn its
        population and measures: `figures` notes them and stops it there (_Noted). Each goal's
        members are kept under the goal version and its validated parameters
        (Context.evaluating): a goal is given only what was counted for it with the same
        parameters, never another goal's, whatever changed between the two evaluations (a
        target group deleted, then made again); otherwise it counts on its own."""
        if not ctx.members:
            return
        ctx.noted = []
        try:
            for version in versions:
                try:
                    evaluate(version)
                except (_Noted, ValidationError):
                    pass
            noted = ctx.noted
        finally:
            ctx.noted = None
        also = [(name, request) for name, request in ctx.also.items() if request[1]]
        if noted or also:
            requests = [(population, measures) for _, population, measures in noted]
            found = self._members_of(ctx, [*requests, *(request for _, request in also)])
            ctx.counted = {
                goal[0]: (goal, _shape(population, measures), counted)
                for (goal, population, measures), counted in zip(
                    noted, found[: len(noted)], strict=True
                )
            }
            ctx.counted_also = {
                name: members
                for (name, _), (members, _) in zip(also, found[len(noted) :], strict=True)
            }

    def _members(self, ctx: Context, population: Population, measures: dict[str, Q | None]):
        """Which people of ctx.universe each measure counts (bit sets), and the whole
        population: counted together with the other goals' (count_together), else one statement
        of its own."""
        goal = ctx.evaluating
        if ctx.noted is not None and goal is not None:
            ctx.noted.append((goal, population, measures))
            raise _Noted
        counted = ctx.counted.pop(goal[0], None) if goal is not None else None
        if counted is not None:
            noted_as, shape, found = counted
            if noted_as == goal and shape == _shape(population, measures):
                return found
        return self._members_of(ctx, [(population, measures)])[0]

    def _members_of(self, ctx: Context, requests) -> list:
        """[(members, population)] of each (population, measures): one statement over every row
        of the universe (the first fact row per enrolment) with the joins of every population,
        each population and each measure within it a boolean flag, counted into words by the
        database (words_of). The rows are the universe's, whatever a population's `rows`: a
        population narrows them with its conditions alone, and its only annotations are the
        joins it names (a FieldError otherwise, never a wrong count)."""
        joins: dict[str, tuple] = {}
        # The distinct conditions (a flag each), and the distinct (condition, population) pairs
        # counted: goals over the same population, and measures alike, are counted once.
        conditions: list[Q | None] = []
        counts: list[tuple[int, int]] = []

        def column(condition: Q | None) -> int:
            for at, known in enumerate(conditions):
                if (known is None and condition is None) or (
                    known is not None and condition is not None and known == condition
                ):
                    return at
            conditions.append(condition)
            return len(conditions) - 1

        def counted(at: int, population: int) -> int:
            if (at, population) not in counts:
                counts.append((at, population))
            return counts.index((at, population))

        plans = []
        for population, measures in requests:
            for name, join in population.joins.items():
                if joins.setdefault(name, join) != join:
                    raise ValueError(f"two joins named {name}")
            everyone = column(population.where())
            plans.append(
                (
                    counted(everyone, everyone),
                    [
                        counted(everyone if condition is None else column(condition), everyone)
                        for condition in measures.values()
                    ],
                )
            )
        rows = self.model.objects.filter(project_id__in=ctx.project_ids, is_first=True)
        rows = rows.annotate(
            **{name: FilteredRelation(path, condition=on) for name, (path, on) in joins.items()}
        )
        flags = {f"_f{at}": flag(condition) for at, condition in enumerate(conditions)}
        found = words_of(ctx.universe, rows.annotate(**flags), list(flags), counts)
        result = []
        for (_, measures), (everyone, chosen) in zip(requests, plans, strict=True):
            members = {"universe": ctx.universe}
            members.update(zip(measures, (found[at] for at in chosen), strict=True))
            result.append((members, found[everyone]))
        return result

    @staticmethod
    def _breakdown_of(ctx: Context, members: dict, population: int, measures) -> dict:
        """Every breakdown from the members: a group's count of a measure is the number of the
        measure's members in the group (ctx.universe.groups, grouped as the engine groups; an
        enrolment in two target groups counts in both). The groups shown: every group the
        dimension always shows, and any other where the population has someone."""
        if not ctx.breakdowns:
            return {}
        universe = ctx.universe
        breakdown = {}
        for dimension in ENROLMENT_DIMENSIONS:
            found = universe.groups.get(dimension, {})
            shown = dimension_groups(ctx, dimension)
            always = set(shown)
            shown += sorted(g for g, bits in found.items() if g not in always and bits & population)
            breakdown[dimension] = {
                group: counted_in(members, measures, found.get(group, 0)) for group in shown
            }
        return breakdown

    def grouped(self, qs, measures: dict[str, Q | None], expression, *, none_label: str):
        return grouped_counts(
            queryset(qs).filter(is_first=True),
            measures,
            expression,
            none_label=none_label,
            distinct=False,
        )


class _Noted(Exception):
    """A goal's population and measures were noted (FactSource.count_together): stop there."""


def _shape(population: Population, measures: dict) -> tuple:
    """What a goal's counting request must match when its members are taken from count_together:
    the same joins, as many conditions, the same measures."""
    return tuple(population.joins), len(population.conditions), tuple(measures)


ROWS = Source()
FACTS = FactSource()

"""core.disclosure.suppress() on random publications: no figure about 1 … threshold-1 people is
shown or recoverable by linear differencing (tests/disclosure_attack.py)."""

from dataclasses import dataclass
from itertools import combinations
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core import disclosure
from core.disclosure import PROTECT, SMALL, SMALL_PART, Part, Row, Table, suppress

from .disclosure_attack import recoverable_small_sets

GENDERS, AGES, REGIONS, STAGES, OUTCOMES = 3, 3, 4, 4, 5
NO_DATA = OUTCOMES - 1


@dataclass
class Person:
    gender: int
    age: int
    region: int
    stage: int  # 0 referred, 1 started, 2 exited, 3 followed up
    outcome: int  # NO_DATA: nothing recorded


@dataclass
class GoalSpec:
    min_stage: int
    met: frozenset
    has_missing: bool


people_st = st.lists(
    st.builds(
        Person,
        st.integers(0, GENDERS - 1),
        st.integers(0, AGES - 1),
        st.integers(0, REGIONS - 1),
        st.integers(0, STAGES - 1),
        st.integers(0, OUTCOMES - 1),
    ),
    max_size=45,
)
goal_st = st.builds(
    GoalSpec,
    st.integers(1, STAGES - 1),
    st.frozensets(st.integers(0, NO_DATA - 1), min_size=1, max_size=NO_DATA - 1),
    st.booleans(),
)


# A publication and a reader: people, one to three goals about them, a threshold.
PUBLICATIONS = {
    "people": people_st,
    "goals": st.lists(goal_st, min_size=1, max_size=3),
    "threshold": st.sampled_from([3, 5]),
}


def bits(people, predicate) -> int:
    return sum(1 << i for i, p in enumerate(people) if predicate(p))


def part(members: int) -> Part:
    return Part(members.bit_count(), members)


def goal_table(people, spec: GoalSpec, key) -> Table:
    population = bits(people, lambda p: p.stage >= spec.min_stage)
    met = population & bits(people, lambda p: p.outcome in spec.met)
    missing = population & ~met & bits(people, lambda p: spec.has_missing and p.outcome == NO_DATA)
    other = population & ~met & ~missing

    def levels(group: int, full: bool):
        coarse = {"num": part(met & group), "rest": part((other | missing) & group)}
        if not full:
            return [coarse]
        return [
            {
                "num": part(met & group),
                "other": part(other & group),
                "missing": part(missing & group),
            },
            coarse,
        ]

    everyone = (1 << len(people)) - 1
    dimensions = {}
    for name, size, attribute in (
        ("gender", GENDERS, "gender"),
        ("age", AGES, "age"),
        ("region", REGIONS, "region"),
    ):
        dimensions[name] = {
            g: Row(levels(bits(people, lambda p, a=attribute, g=g: getattr(p, a) == g), False))
            for g in range(size)
        }
    return Table(key, Row(levels(everyone, True)), dimensions)


def flow_tables(people) -> list[Table]:
    tables = []
    for stage in range(STAGES):
        reached = bits(people, lambda p, s=stage: p.stage >= s)
        genders = {
            g: Row([{"people": part(reached & bits(people, lambda p, g=g: p.gender == g))}])
            for g in range(GENDERS)
        }
        tables.append(Table(("flow", stage), Row([{"people": part(reached)}]), {"gender": genders}))
    return tables


def publication(people, goals) -> list[Table]:
    tables = [goal_table(people, spec, ("goal", i)) for i, spec in enumerate(goals)]
    return tables + flow_tables(people)


def shown_and_candidate_sets(tables):
    shown, candidates = [], []
    for table in tables:
        for row in table.rows():
            for _count, members in disclosure._sums(row.levels[0]):
                candidates.append(members)
            for _count, members in disclosure._sums(row.coarsest):
                candidates.append(members)
            if row.shown and table.top.shown:
                shown.extend(m for _c, m in disclosure._sums(row.levels[row.level]))
    return shown, candidates


def attack(people, tables, threshold):
    shown, candidates = shown_and_candidate_sets(tables)
    return recoverable_small_sets(shown, candidates, len(people), threshold)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**PUBLICATIONS)
def test_nothing_small_is_shown_or_recoverable(people, goals, threshold):
    tables = suppress(publication(people, goals), threshold)
    for table in tables:
        for row in table.rows():
            if row.shown:
                for count, _members in disclosure._sums(row.levels[row.level]):
                    assert count == 0 or count >= threshold
    leaks = attack(people, tables, threshold)
    assert not leaks, f"recoverable small sets: {[c for _m, c in leaks]}"


def published_afresh(tables) -> dict:
    """What the rows show, from their levels alone: every table whose top is shown, each
    dimension's shown rows' sums at their level, then the sums of its hidden block (its hidden
    groups with someone in them and the rest of the total), as suppress counts them."""
    found: dict = {}
    for table in tables:
        if not table.top.shown:
            continue
        out = found.setdefault(table.universe, [])
        for dimension, rows in [(None, {"": table.top}), *table.dimensions.items()]:
            for row in rows.values():
                if row.shown:
                    out.extend(
                        (count, members, id(row), dimension)
                        for count, members in disclosure._sums(row.levels[row.level])
                        if members is not None
                    )
            block = [row.coarsest for row in rows.values() if not row.shown and row.total]
            if dimension is not None and block:
                rest = disclosure._remainder(table.top, rows)
                out.extend(
                    (count, members, None, dimension)
                    for count, members in disclosure._sums(
                        disclosure._block_parts(block + ([rest] if rest else []))
                    )
                    if members is not None
                )
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**PUBLICATIONS)
def test_what_suppress_counts_as_shown_is_what_the_rows_show(people, goals, threshold):
    """suppress() keeps what each table publishes from one round to the next, made again only
    for what changed (a row's level, a dimension's hidden block): at every round, rule 4's
    sets must be exactly those the rows' levels show, in the same order."""
    rounds = []
    separate = disclosure._separate_nested

    def checked(published, threshold):
        expected = published_afresh(tables)
        got = {
            universe: [
                (p.count, p.members, None if p.row is None else id(p.row), p.dimension)
                for p in sets
            ]
            for universe, sets in published.items()
        }
        assert got == expected
        rounds.append(len(got))
        return separate(published, threshold)

    tables = publication(people, goals)
    with mock.patch.object(disclosure, "_separate_nested", checked):
        suppress(tables, threshold)
    assert rounds  # rule 4 was asked at least once


@settings(max_examples=60, deadline=None)
@given(people=people_st, goals=st.lists(goal_st, min_size=1, max_size=2))
def test_labels_tell_the_truth(people, goals):
    threshold = 5
    for table in suppress(publication(people, goals), threshold):
        for row in table.rows():
            if row.shown:
                continue
            if row.reason == SMALL:
                assert 0 < row.total < threshold
            elif row.reason == SMALL_PART:
                assert row.total >= threshold
                assert any(0 < c < threshold for c, _m in disclosure._sums(row.coarsest)) or any(
                    0 < c < threshold for level in row.levels for c, _m in disclosure._sums(level)
                )
            else:
                assert row.reason == PROTECT


def test_readers_who_see_people_get_everything():
    people = [Person(0, 0, 0, 3, 0), Person(1, 1, 1, 3, 1)]
    tables = suppress(publication(people, [GoalSpec(1, frozenset({0}), True)]), None)
    assert all(row.shown and row.level == 0 for table in tables for row in table.rows())


def world_with_two_men():
    """Fourteen exited people: twelve women, two men; six of the women and one man met it."""
    people = [Person(0, 1, 0, 3, 0 if i < 6 else 1) for i in range(12)]
    people += [Person(1, 1, 0, 3, 0), Person(1, 1, 0, 3, 1)]
    return people, [GoalSpec(1, frozenset({0}), False)]


def test_the_attacker_finds_the_leak_when_secondary_suppression_is_off(monkeypatch):
    """The property test has teeth: with complementary suppression and the nested-difference
    rule switched off, the two men are recovered as the total minus the women."""
    people, goals = world_with_two_men()
    monkeypatch.setattr(disclosure, "_complete_table", lambda *args: False)
    monkeypatch.setattr(disclosure, "_separate_nested", lambda *args: False)
    monkeypatch.setattr(disclosure, "_separate_combinations", lambda *args: False)
    tables = suppress(publication(people, goals), 5)
    assert attack(people, tables, 5)


def test_the_two_men_are_protected():
    people, goals = world_with_two_men()
    tables = suppress(publication(people, goals), 5)
    assert not attack(people, tables, 5)
    gender = tables[0].dimensions["gender"]
    assert gender[1].reason == SMALL
    assert not gender[0].shown and gender[0].reason == PROTECT


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_zero_is_shown(threshold):
    people = [Person(0, 0, 0, 3, 0) for _ in range(12)]
    tables = suppress(publication(people, [GoalSpec(1, frozenset({0}), True)]), threshold)
    men = tables[0].dimensions["gender"][1]
    assert men.shown and men.total == 0


# --- rule 4's triples: the search against every triple -----------------------------------


def triples_by_brute_force(members: list[int], threshold: int) -> list[tuple[int, int, int]]:
    """Every (i, j, k), i < j, k any other: sets i and j overlap by fewer than the threshold
    and k is their union, or they are disjoint inside k and k has 1 … threshold-1 people
    more than both together."""
    found = []
    for i, j in combinations(range(len(members)), 2):
        a, b = members[i], members[j]
        both = a & b
        if both in (a, b):
            continue
        for k, whole in enumerate(members):
            if k in (i, j):
                continue
            if both:
                if both.bit_count() < threshold and whole == a | b:
                    found.append((i, j, k))
            elif whole & (a | b) == a | b:
                if 0 < whole.bit_count() - a.bit_count() - b.bit_count() < threshold:
                    found.append((i, j, k))
    return found


def blocks_st(sizes_st):
    """Sets made of a few runs of people, so that they nest and add up (the counts lie far
    apart when most runs are long: the search's other way)."""
    return st.lists(sizes_st, min_size=1, max_size=7).flatmap(
        lambda sizes: st.lists(
            st.frozensets(st.integers(0, len(sizes) - 1), min_size=1), min_size=1, max_size=14
        ).map(lambda chosen: [sum(run(sizes, n) for n in picked) for picked in chosen])
    )


def run(sizes: list[int], n: int) -> int:
    start = sum(sizes[:n])
    return ((1 << sizes[n]) - 1) << start


@settings(max_examples=1000, deadline=None)
@given(
    sets=st.one_of(
        st.lists(st.integers(1, 2**10 - 1), max_size=16),
        blocks_st(st.integers(1, 3)),
        blocks_st(st.one_of(st.integers(1, 5), st.integers(30, 90))),
    ),
    threshold=st.integers(2, 15),
    prefix=st.sampled_from([disclosure._PREFIX, 2, 8]),
)
# Counts far apart (the search skips by them) and the larger set of the pair looked at first:
# the smaller one, a single person, must still be tested against the counts of its own sets.
@example(sets=[1, 2**32 - 2, (2**30 - 1) << 32, 2**62 | (2**32 - 1)], threshold=2, prefix=4096)
def test_rule_4_finds_every_triple_that_gives_away_a_few_people(sets, threshold, prefix):
    """_combinations_to_break searches from the set around a pair, skips sets by their counts,
    and in a large universe compares the first people of two sets before the rest (`prefix`:
    how many, small here so that these small sets take that way too). It must find exactly the
    triples a check of every triple finds, in the same order (suppress breaks the first that
    can be broken, so the order decides the plan)."""
    unique = sorted(
        {m: disclosure._Published(m.bit_count(), m, None, None, None) for m in sets}.values(),
        key=disclosure._people,
    )
    members = [p.members for p in unique]
    with mock.patch.object(disclosure, "_PREFIX", prefix):
        found = disclosure._combinations_to_break(unique, threshold)
    assert found == triples_by_brute_force(members, threshold)

"""The universe's groups as bit sets (goals.engine.population), built from one column per
property at C speed: each group's bit set holds exactly the positions whose value falls in it,
whatever the values, their number of groups (past the 256 one byte can code) or the column's
length (past one 64-bit word)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from goals.engine.population import NO_AREA, _column_bits, _flag_bits, quarter_of

values = st.one_of(st.none(), st.sampled_from(["woman", "man", "other", "", "0"]), st.integers())
days = st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))


def positions(column, wanted) -> int:
    """The oracle: a bit per position, one at a time."""
    return sum(1 << at for at, value in enumerate(column) if wanted(value))


@given(st.lists(values, max_size=300))
def test_each_group_holds_exactly_its_positions(column):
    found = _column_bits(column)
    names = {NO_AREA if value is None else str(value) for value in column}
    assert set(found) == names
    for name, bits in found.items():
        assert bits == positions(column, lambda v, n=name: (NO_AREA if v is None else str(v)) == n)


@given(st.lists(days, max_size=200))
def test_values_with_the_same_label_share_a_group(column):
    found = _column_bits(column, quarter_of)
    for name, bits in found.items():
        assert bits == positions(column, lambda v, n=name: (quarter_of(v) or NO_AREA) == n)
    union = 0
    for bits in found.values():
        assert not bits & union  # each position in one group
        union |= bits
    assert union == (1 << len(column)) - 1


@given(st.lists(st.integers(0, 400), min_size=257, max_size=700, unique=True), st.randoms())
def test_more_groups_than_a_byte_can_code(distinct, random):
    column = distinct + [random.choice(distinct) for _ in range(100)]
    found = _column_bits(column)
    assert len(found) == len(distinct)
    for name, bits in found.items():
        assert bits == positions(column, lambda v, n=name: str(v) == n)


@given(st.lists(st.one_of(st.none(), st.booleans(), days), max_size=300))
def test_a_flag_holds_the_positions_whose_value_is_true(column):
    assert _flag_bits(column) == positions(column, bool)

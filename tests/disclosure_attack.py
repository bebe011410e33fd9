"""An attacker for the disclosure property tests: linear differencing over everything shown.

The attacker knows which people every shown figure counts (as a set), and its value. People who
belong to exactly the same sets are one *atom*; every figure is a sum of atoms. A set of people
is *recoverable* when its indicator vector lies in the span of the shown figures' vectors — then
some combination of shown figures (totals minus cells, one goal minus a nested one, a breakdown
summed …) gives its size exactly. The attack fails the test when a recoverable set holds
1 … threshold-1 people. Written apart from core.disclosure on purpose: numpy's least squares,
not the production rules.
"""

import numpy as np


def atoms_of(sets: list[int], universe: int) -> list[int]:
    """Partition the people 0..universe-1 by which of `sets` (bit sets) they belong to."""
    signature: dict[tuple, int] = {}
    for person in range(universe):
        key = tuple(bool(s >> person & 1) for s in sets)
        signature[key] = signature.get(key, 0) | (1 << person)
    return list(signature.values())


def _vector(members: int, atoms: list[int]) -> np.ndarray:
    out = np.zeros(len(atoms))
    for i, atom in enumerate(atoms):
        inside = members & atom
        if inside and inside != atom:
            raise AssertionError("a figure's people cut through an atom")
        out[i] = 1.0 if inside else 0.0
    return out


def recoverable_small_sets(
    shown: list[int], candidates: list[int], universe: int, threshold: int
) -> list[tuple[int, int]]:
    """Each candidate set (bit set) that the shown sets determine and that holds 1 … threshold-1
    people, with its size. Candidates also get every difference of two nested shown sets."""
    nested = [
        large & ~small
        for small in shown
        for large in shown
        if small != large and large & small == small
    ]
    everything = list(dict.fromkeys([*candidates, *nested]))
    atoms = atoms_of([*shown, *everything], universe)
    sizes = np.array([atom.bit_count() for atom in atoms], dtype=float)
    if not shown:
        return []
    published = np.array([_vector(s, atoms) for s in shown])
    basis = _row_space(published)
    found = []
    for members in everything:
        count = members.bit_count()
        if not 0 < count < threshold:
            continue
        v = _vector(members, atoms)
        if basis.size and np.linalg.norm(v - basis.T @ (basis @ v)) < 1e-7:
            found.append((members, count))
        assert abs(v @ sizes - count) < 1e-9
    return found


def _row_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis (rows) of the row space."""
    if not matrix.size:
        return matrix
    _u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((s > 1e-9 * max(matrix.shape) * (s[0] if s.size else 1)).sum())
    return vt[:rank]


def recoverable_small_unions(shown: list[int], universe: int, threshold: int) -> list[int]:
    """The strict attack: every union of the atoms the shown sets separate that holds
    1 … threshold-1 people and lies in their span — not only figures and their differences,
    but any group a combination of shown figures pins down (the people in two overlapping
    groups, a total minus three parts …). A depth-first search over the small atoms, pruned by
    size: for the small worlds of the property tests."""
    if not shown:
        return []
    atoms = atoms_of(shown, universe)
    published = np.array([_vector(s, atoms) for s in shown])
    _u, s, vt = np.linalg.svd(published, full_matrices=True)
    rank = int((s > 1e-9 * max(published.shape) * (s[0] if s.size else 1)).sum())
    null = vt[rank:]  # v is in the span of the shown sets when null @ v == 0
    inside = published.sum(axis=0) > 0  # atoms outside every shown set say nothing
    small = [i for i, atom in enumerate(atoms) if atom.bit_count() < threshold and inside[i]]
    found: list[int] = []

    def search(start: int, members: int, size: int, vector) -> None:
        for k in range(start, len(small)):
            i = small[k]
            total = size + atoms[i].bit_count()
            if total >= threshold:
                continue
            following = vector + null[:, i]
            if not following.size or np.abs(following).max() < 1e-7:
                found.append(members | atoms[i])
            search(k + 1, members | atoms[i], total, following)

    search(0, 0, 0, np.zeros(null.shape[0]))
    return found

"""The start-up paths that avoid scipy give what scipy gives (issue 13).

``component_labels`` (numpy) against scipy's ``connected_components``, and the
all-pairs neighbour search against scipy's ``cKDTree``, on random inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from symbiosis.candidates.arcs import _near_pairs, _unit_vectors
from symbiosis.candidates.parts import component_labels


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(labels == g).tolist()) for g in np.unique(labels)}


@pytest.mark.parametrize("seed", range(6))
def test_component_labels_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    m = int(rng.integers(0, 2 * n))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    ours = component_labels(n, u.astype(np.int64), v.astype(np.int64))
    _, theirs = connected_components(coo_matrix((np.ones(m), (u, v)), shape=(n, n)), directed=False)
    assert _partition(ours) == _partition(theirs)
    assert all(ours[i] == min(c) for c in _partition(ours) for i in c)  # the smallest node names its component


def test_a_path_graph_is_one_component() -> None:
    n = 1000
    labels = component_labels(n, np.arange(n - 1, dtype=np.int64)[::-1].copy(), np.arange(1, n, dtype=np.int64)[::-1].copy())
    assert set(labels.tolist()) == {0}


@pytest.mark.parametrize("seed", range(4))
def test_near_pairs_match_the_kd_tree(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sup = _unit_vectors(50.85 + rng.normal(0, 0.02, 120), 4.70 + rng.normal(0, 0.03, 120))
    dem = _unit_vectors(50.85 + rng.normal(0, 0.02, 90), 4.70 + rng.normal(0, 0.03, 90))
    radius = 2.0 / 6371.0088
    si, di = _near_pairs(sup, dem, radius)
    hits = cKDTree(dem).query_ball_point(sup, radius)
    expected = [(i, j) for i, h in enumerate(hits) for j in sorted(h)]
    assert list(zip(si.tolist(), di.tolist())) == expected
    assert len(expected) > 100  # the case is not empty

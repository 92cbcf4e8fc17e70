"""The cohort step's modal transforms (sim/numerics/cohort_step.py).

An operator's eigenvectors are mostly zeros, and a cohort applies them to every person's
states through a sparse kernel. The products must be the dense ones to rounding, and each
person's column must take the same arithmetic whoever else is in the array (so an ensemble's
results do not depend on how its members are chunked).
"""

from __future__ import annotations

import numpy as np

from sim.model.constants import Subject, compile_constants
from sim.model.parameters import DEFAULTS
from sim.model.rhs import initial_state
from sim.numerics.cohort_step import SPARSE_SHARE, Transforms
from sim.numerics.linear_operator import linear_operator


def _operator_transforms() -> Transforms:
    c = compile_constants(DEFAULTS, Subject())
    y = initial_state(c)
    y[y == 0.0] = 0.3  # slow states away from rest, so the operator holds couplings
    op = linear_operator(c, 100.0, y)
    assert not op.diagonal
    return Transforms(op.V, op.W)


def test_sparse_transforms_are_the_dense_products_to_rounding() -> None:
    T = _operator_transforms()
    share = np.count_nonzero(T.V) / T.V.size
    assert share <= SPARSE_SHARE  # the case the sparse kernel is for
    rng = np.random.default_rng(2)
    x = rng.normal(size=(T.V.shape[0], 300)) * np.logspace(-3, 3, T.V.shape[0])[:, None]
    for product, matrix in ((T.states, T.V), (T.modes, T.W)):
        dense = matrix @ x
        got = product(x)
        assert isinstance(got, np.ndarray) and got.shape == dense.shape
        # rounding only: relative to the sum of the magnitudes of each entry's terms
        bound = 1e-14 * (np.abs(matrix) @ np.abs(x))
        assert np.all(np.abs(got - dense) <= bound)
    # the round trip W (V z) = z
    z = rng.normal(size=(T.V.shape[0], 50))
    assert np.allclose(T.modes(T.states(z)), z, rtol=1e-10, atol=1e-12)


def test_each_persons_column_is_the_same_whoever_else_is_in_the_array() -> None:
    T = _operator_transforms()
    rng = np.random.default_rng(5)
    x = rng.normal(size=(T.V.shape[0], 1000))
    whole = T.states(x)
    picked = rng.permutation(1000)[:137]
    alone = T.states(np.ascontiguousarray(x[:, picked]))
    assert alone.tobytes() == np.ascontiguousarray(whole[:, picked]).tobytes()


def test_a_dense_matrix_takes_the_dense_product() -> None:
    rng = np.random.default_rng(7)
    V = rng.normal(size=(24, 24)) + 5.0 * np.eye(24)
    T = Transforms(V, np.linalg.inv(V))
    x = rng.normal(size=(24, 40))
    assert T.states(x).tobytes() == (V @ x).tobytes()

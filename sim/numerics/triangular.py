r"""Every member's own triangular operator: eigenvalues and eigenvectors by substitution.

:class:`sim.numerics.member_solver.MemberOperatorIntegrator` gives each member of an ensemble
the operator :math:`L_i = \operatorname{diag}(\lambda_i) + E_i` whose couplings :math:`E_i`
run *from* fast states along chains; such an operator is triangular in a topological order of
the chains, so its eigenvectors follow by substitution (:func:`triangular_modes`) and are
applied to every member at once (:class:`UnitTriangular`). Nearly equal rates on one chain are
moved apart first (:func:`separated_rates`).
"""

from __future__ import annotations

import graphlib

import numpy as np


class UnitTriangular:
    """Every member's ``I + E`` for a strictly triangular ``E`` with a shared sparsity.

    ``rows``, ``cols`` (shape ``(K,)``) list the entries of ``E``; ``values`` (shape
    ``(K, n)``) hold each member's. Applying it costs two array operations of length ``n``
    per entry (the model's chains have 15), instead of a matrix product per member; measured
    at 15 entries and 3,000 members, 0.10 ms against 0.34 ms for one gather-multiply-reduceat.
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        self.rows, self.cols, self.values = rows, cols, values
        self._entries = list(zip(rows.tolist(), cols.tolist(), values, strict=True))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``(I + E) x`` for ``x`` of shape ``(N_STATES, n)``; ``x`` itself without entries."""
        if not self._entries:
            return x
        out = x.copy()
        term = np.empty(x.shape[1:])
        for row, col, value in self._entries:
            out[row] += np.multiply(value, x[col], out=term)
        return out


def triangular_modes(
    jac: np.ndarray, d: np.ndarray, sources: np.ndarray, gap: float
) -> tuple[np.ndarray, UnitTriangular, UnitTriangular, np.ndarray]:
    r"""Every member's triangular operator ``diag(lam) + E``: its eigenvalues ``lam``,
    eigenvectors ``V`` and ``W = V^-1``, both :class:`UnitTriangular`, and ``E`` itself
    (shape ``(N_STATES, N_STATES, n)``; what it leaves of ``jac`` is explicit).

    ``E`` holds the couplings of ``jac`` *from* the states marked in ``sources`` (the fast
    ones, whose forcing of other states decays within hours), as long as they form chains
    (an acyclic graph; else none). ``lam`` is the diagonal ``d``, where needed moved apart
    along each chain (:func:`separated_rates`). ``diag(lam) + E`` is then triangular in a
    topological order and its eigenvectors follow by substitution: with :math:`v_{jj} = 1`,
    :math:`v_{kj} = \sum_m E_{km} v_{mj} / (\lambda_j - \lambda_k)` down the chain. A member
    whose rates on a chain cannot be moved apart keeps that chain's states on the diagonal.
    """
    s, n = d.shape
    edges = (np.abs(jac) > 0.0).any(axis=2) & sources[None, :]
    np.fill_diagonal(edges, False)
    graph = {i: set(np.flatnonzero(edges[i]).tolist()) for i in range(s)}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        order, edges = list(range(s)), np.zeros_like(edges)
    position = np.empty(s, dtype=int)
    position[order] = np.arange(s)
    # the closure: k reachable from j; V and W are non-zero there only
    reach = edges.copy()
    for _ in range(s):
        grown = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
        if np.array_equal(grown, reach):
            break
        reach = grown
    pairs = sorted(
        zip(*np.nonzero(reach), strict=True), key=lambda p: (position[p[1]], position[p[0]])
    )
    if not pairs:
        empty = UnitTriangular(np.zeros(0, int), np.zeros(0, int), np.zeros((0, n)))
        return d, empty, empty, np.zeros_like(jac)
    lam = separated_rates(d, order, pairs, gap)
    # per chain (connected part of the graph): which members keep its couplings
    part = np.arange(s)
    for k, j in pairs:
        part[part == part[k]] = part[j]
    apart = {p: np.ones(n, dtype=bool) for p in set(part.tolist())}
    for k, j in pairs:
        apart[part[j]] &= _apart(lam[j], lam[k], gap)
    keep = np.array([apart[p] for p in part.tolist()])  # (N_STATES, n), by target state
    e = np.where(edges[:, :, None] & keep[:, None, :], jac, 0.0)
    v: dict[tuple[int, int], np.ndarray] = {}
    for k, j in pairs:  # by source, then down its chain
        total = sum(
            (e[k, m] * (1.0 if m == j else v.get((m, j), 0.0)) for m in graph[k]), np.zeros(n)
        )
        ok = keep[k]
        v[(k, j)] = np.where(ok, total / np.where(ok, lam[j] - lam[k], 1.0), 0.0)
    w: dict[tuple[int, int], np.ndarray] = {}
    for k, j in sorted(pairs, key=lambda p: (position[p[0]], -position[p[1]])):
        # W = V^-1 (unit triangular): w_kj = -sum over j <= m < k of v_km w_mj
        w[(k, j)] = -v[(k, j)] - sum(
            (v[(k, m)] * w[(m, j)] for m in range(s) if (k, m) in v and (m, j) in w),
            np.zeros(n),
        )
    rows = np.array([k for k, _ in pairs])
    cols = np.array([j for _, j in pairs])
    return (
        lam,
        UnitTriangular(rows, cols, np.array([v[p] for p in pairs])),
        UnitTriangular(rows, cols, np.array([w[p] for p in pairs])),
        e,
    )


def _apart(a: np.ndarray, b: np.ndarray, gap: float) -> np.ndarray:
    """Whether rates ``a`` and ``b`` differ by more than ``gap`` of the larger (elementwise)."""
    return np.asarray(np.abs(a - b) > gap * np.maximum(np.abs(a), np.abs(b)))


def separated_rates(
    d: np.ndarray, order: list[int], pairs: list[tuple[int, int]], gap: float
) -> np.ndarray:
    r"""The diagonal ``d`` with each state's rate moved, where needed, to differ by more than
    ``gap`` (relative) from every state upstream of it on its chain (``pairs``: (state,
    upstream state)).

    Two equal rates on one chain make the operator defective (its eigenvectors parallel), and
    a sampled parameter set can make them so (an IL-6 signal decaying as fast as plasma IL-6
    clears). The splitting :math:`\dot y = L y + N` is exact for any :math:`L`, so the
    operator may take a rate 1.5 ``gap`` away from the upstream one instead: the difference,
    a small fraction of the state's own decay, is explicit, rather than the whole coupling.
    Of the candidates (the rate itself, 1.5 ``gap`` below or above each upstream rate) the
    nearest one apart from all upstream rates is taken; a member without one keeps ``d``.
    """
    lam = d.copy()
    for k in order:  # upstream states first
        upstream = [j for target, j in pairs if target == k]
        if not upstream:
            continue

        def valid(x: np.ndarray, upstream: list[int] = upstream) -> np.ndarray:
            ok = np.ones(x.shape, dtype=bool)
            for j in upstream:
                ok &= _apart(lam[j], x, gap)
            return ok

        best = lam[k].copy()
        distance = np.where(valid(best), 0.0, np.inf)
        for j in upstream:
            for factor in (1.0 - 1.5 * gap, 1.0 + 1.5 * gap):
                x = lam[j] * factor
                better = valid(x) & (np.abs(x - d[k]) < distance)
                best = np.where(better, x, best)
                distance = np.where(better, np.abs(x - d[k]), distance)
        lam[k] = best
    return lam

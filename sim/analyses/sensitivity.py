"""Global sensitivity of the summary metrics to the model parameters (SALib: Morris, Sobol).

The problem is built from the parameter table: every parameter varies between the bounds that
``musclebrain params`` lists. Morris screens every parameter (or the ones named) with
``n`` trajectories, ``n (k + 1)`` runs; Sobol (Saltelli's scheme, first and total order)
varies a chosen set, by default the parameters marked illustrative, with ``n (k + 2)`` runs.
Each run is the scenario with the sampled values replacing the defaults (the scenario's own
overrides of the varied parameters are dropped; its others are kept).

SALib is an optional extra (``pip install 'musclebrain[sensitivity]'``). Illustrative model,
not clinical: the indices say which illustrative numbers a verdict hinges on, not how the
body works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError

METHODS = ("morris", "sobol")
INSTALL = "pip install 'musclebrain[sensitivity]'"


@dataclass(frozen=True)
class Indices:
    """The indices of one metric of one scenario: ``{index name: values per parameter}``."""

    scenario: str
    metric: str
    names: tuple[str, ...]
    values: dict[str, np.ndarray]


@dataclass(frozen=True)
class Sensitivity:
    """A finished analysis: method, parameters varied, runs per scenario, and the indices."""

    method: str
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    n: int
    seed: int
    runs: int
    indices: tuple[Indices, ...]


def require_salib() -> Any:
    """The SALib package, or an InputError naming the extra to install (exit 2)."""
    try:
        import SALib
    except ImportError:
        raise InputError(
            f"sensitivity needs SALib, which is not installed. Fix: {INSTALL}"
        ) from None
    return SALib


def parameter_names(method: str, chosen: Sequence[str] | None = None) -> tuple[str, ...]:
    """The parameters to vary: ``chosen`` (checked), else every one (Morris) or the
    illustrative ones (Sobol). Parameters whose bounds are equal cannot vary and are left out."""
    from sim.model.parameters import Parameters, unknown_parameter_message

    if method not in METHODS:
        raise InputError(f"--method {method}: unknown. Fix: use one of {', '.join(METHODS)}.")
    if chosen:
        for name in chosen:
            if name not in Parameters.names():
                raise InputError(
                    f"--params: {unknown_parameter_message(name)} Fix: name parameters of "
                    "`musclebrain params`, separated by commas."
                )
        names = tuple(dict.fromkeys(chosen))
    elif method == "morris":
        names = Parameters.names()
    else:
        names = tuple(
            n for n in Parameters.names() if Parameters.spec(n)["source"] == "illustrative"
        )
    return tuple(n for n in names if Parameters.spec(n)["lower"] < Parameters.spec(n)["upper"])


def sample(method: str, names: Sequence[str], n: int, seed: int) -> np.ndarray:
    """The parameter values to run, one row per run (SALib's samplers)."""
    require_salib()
    problem = _problem(names)
    if method == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, n, num_levels=4, seed=seed))
    from SALib.sample import sobol

    return np.asarray(sobol.sample(problem, n, calc_second_order=False, seed=seed, scramble=True))


def parameter_bounds(names: Sequence[str]) -> list[list[float]]:
    """``[lower, upper]`` of each parameter, from the parameter table."""
    from sim.model.parameters import Parameters

    return [[Parameters.spec(n)["lower"], Parameters.spec(n)["upper"]] for n in names]


def _problem(names: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": parameter_bounds(names)}


def run_rows(
    scenario: Any,
    names: Sequence[str],
    rows: np.ndarray,
    metrics: Sequence[str],
    progress: Callable[[int, int, str], None] | None = None,
    mapper: Callable[..., Iterable[Any]] = map,
) -> np.ndarray:
    """Each metric of ``scenario`` for each row of parameter values (shape ``(rows, metrics)``).

    The rows run as members of ensembles (:mod:`sim.running.parameter_sets`, blocks run by
    ``mapper``) unless a metric needs the time series (a peak or a time average: then every
    row is a single run, here).
    """
    from sim.model.parameters import Parameters
    from sim.running.parameter_sets import ENSEMBLE_METRICS, run_parameter_sets
    from sim.running.simulation import simulate

    kept = {k: v for k, v in scenario.parameters.items() if k not in names}
    base = scenario.with_changes(parameters=kept)
    if all(m in ENSEMBLE_METRICS for m in metrics):
        return run_parameter_sets(base, names, rows, metrics, mapper, progress)
    out = np.empty((len(rows), len(metrics)))
    for i, row in enumerate(rows):
        if progress is not None and (i % 50 == 0 or i == len(rows) - 1):
            progress(i + 1, len(rows), f"{scenario.name} run")
        params = Parameters().with_overrides(dict(zip(names, map(float, row), strict=True)))
        result = simulate(base, params)
        out[i] = [result.metrics[m] for m in metrics]
    return out


def analyse(
    method: str, names: Sequence[str], rows: np.ndarray, y: np.ndarray, seed: int
) -> dict[str, np.ndarray]:
    """SALib's indices of one output ``y`` (one value per row)."""
    problem = _problem(names)
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, rows, y, num_levels=4, seed=seed)
        keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    return {k: np.asarray(res[k], dtype=float) + 0.0 for k in keys}  # + 0.0: no -0.0


def sensitivity(
    scenarios: Sequence[Any],
    method: str,
    metrics: Sequence[str],
    n: int,
    seed: int = 0,
    chosen: Sequence[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    mapper: Callable[..., Iterable[Any]] = map,
) -> Sensitivity:
    """The indices of every metric of every scenario (``mapper``: see :func:`run_rows`).

    Examples
    --------
    >>> s = sensitivity([load_scenario("combined")], "morris", ["reserve_final"], n=4)  # doctest: +SKIP
    """
    from sim.model.parameters import Parameters

    names = parameter_names(method, chosen)
    rows = sample(method, names, n, seed)
    found: list[Indices] = []
    for scenario in scenarios:
        y = run_rows(scenario, names, rows, metrics, progress, mapper)
        for j, metric in enumerate(metrics):
            values = analyse(method, names, rows, y[:, j], seed)
            found.append(Indices(scenario.name, metric, tuple(names), values))
    bounds = tuple((Parameters.spec(k)["lower"], Parameters.spec(k)["upper"]) for k in names)
    return Sensitivity(method, tuple(names), bounds, n, seed, len(rows), tuple(found))


def ranking(indices: Indices, method: str) -> list[tuple[str, float, float]]:
    """``(parameter, index, confidence half-width)``, largest first (mu* or total order)."""
    key, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    order = np.argsort(-np.nan_to_num(indices.values[key], nan=-np.inf), kind="stable")
    return [
        (indices.names[i], float(indices.values[key][i]), float(indices.values[conf][i]))
        for i in order
    ]

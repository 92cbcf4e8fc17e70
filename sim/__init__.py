"""musclebrain: an illustrative simulation of muscle-brain signalling.

Illustrative, not clinical: the model teaches mechanisms and trade-offs between training
regimens; it predicts nobody's health.

The Python API (``import sim`` stays light: each name is imported from its home module when
first used)::

    import sim

    scenario = sim.load_scenario("scenarios/combined.yaml")
    result = sim.simulate(scenario)                      # a Result
    result["reserve"][-1], result.metrics["strength_change_pct"]
    shorter = scenario.with_changes(duration_weeks=12, **{"blocks.0.weeks": 12})
    comparison = sim.compare([scenario, shorter])        # a Comparison
    fig = sim.plot_run(result)                           # a matplotlib Figure
    trial = sim.run_trial(sim.load_trial("scenarios/trials/smart.yaml"), n_per_arm=50)
    sim.export_sbml(scenario, "combined.xml")
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_HOMES = {
    "load_scenario": "sim.input.scenario",
    "scenario_from_dict": "sim.input.scenario",
    "Scenario": "sim.input.scenario",
    "load_trial": "sim.input.trial_spec",
    "Trial": "sim.input.trial_spec",
    "Parameters": "sim.model.parameters",
    "simulate": "sim.running.simulation",
    "Result": "sim.running.results",
    "compare": "sim.analyses.compare",
    "Comparison": "sim.analyses.compare",
    "run_trial": "sim.analyses.trial.run",
    "TrialResult": "sim.analyses.trial.run",
    "reserve_pathways": "sim.analyses.pathways",
    "export_sbml": "sim.io.sbml.export",
    "plot_run": "sim.presentation.plots.run",
    "plot_session": "sim.presentation.plots.session",
    "plot_performance": "sim.presentation.plots.performance",
    "plot_comparison": "sim.presentation.plots.compare",
    "plot_trial": "sim.presentation.plots.trial",
    "InputError": "sim.errors",
    "ScenarioError": "sim.errors",
}
"""Each public name and the module it lives in."""

__all__ = ["__version__", *_HOMES]


def __getattr__(name: str) -> Any:
    """Import a public name from its home module on first use (PEP 562)."""
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

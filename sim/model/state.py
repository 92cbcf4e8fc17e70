"""The single source of the model's state names, order and units.

Nothing else in the package indexes the state vector by number: code uses the constants
below (``IX.lactate_mmol_L``) and CSV headers and plot labels come from :data:`STATES`
and :data:`OBSERVABLES`.

Time is in hours throughout the model.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    """A named model quantity: a state variable or an observable derived from the state.

    ``signed`` quantities may be negative; every other one is a concentration, level or
    integral that the equations keep at or above 0 (written outputs clip rounding below 0).
    """

    name: str
    unit: str
    label: str
    description: str
    signed: bool = False


STATES: tuple[Quantity, ...] = (
    Quantity("lactate_mmol_L", "mmol/L", "Blood lactate", "Blood lactate concentration."),
    Quantity(
        "il6_signal",
        "1",
        "Muscle IL-6 signal",
        "Contraction-induced IL-6 transcription signal in working muscle (0 at rest).",
    ),
    Quantity("il6_pg_mL", "pg/mL", "Plasma IL-6", "Plasma interleukin-6 concentration."),
    Quantity(
        "anti_inflammatory_signal",
        "1",
        "Anti-inflammatory signal",
        "Slow trace of acute IL-6 pulses (IL-1ra/IL-10 arm); 0 without training.",
    ),
    Quantity(
        "inflammation_rel",
        "1",
        "Systemic inflammation",
        "Resting low-grade systemic inflammation relative to the start.",
    ),
    Quantity("irisin_rel", "1", "Irisin", "Circulating irisin relative to rest."),
    Quantity("ctsb_rel", "1", "Cathepsin B", "Circulating cathepsin B relative to rest."),
    Quantity(
        "fgf21_trigger",
        "1",
        "Hepatic FGF-21 trigger",
        "Exercise-induced hormonal trigger of hepatic FGF-21 induction (0 at rest).",
    ),
    Quantity(
        "fgf21_signal",
        "1",
        "Hepatic FGF-21 signal",
        "Hepatic FGF-21 induction signal (0 at rest); with the trigger it delays the plasma "
        "peak to about an hour after a bout.",
    ),
    Quantity("fgf21_rel", "1", "FGF-21", "Plasma FGF-21 relative to rest."),
    Quantity(
        "bdnf_muscle_rel",
        "1",
        "Muscle BDNF",
        "Muscle BDNF expression relative to rest (acts locally).",
    ),
    Quantity(
        "bdnf_brain_rel",
        "1",
        "Brain BDNF",
        "Hippocampal BDNF expression relative to the untrained resting level.",
    ),
    Quantity(
        "bdnf_serum_ng_mL",
        "ng/mL",
        "Serum BDNF",
        "Serum BDNF concentration (mostly brain-derived).",
    ),
    Quantity("igf1_ng_mL", "ng/mL", "Serum IGF-1", "Serum insulin-like growth factor 1."),
    Quantity(
        "rt_weekly_sets",
        "sets/week",
        "Resistance volume",
        "Recent resistance volume: working sets per muscle group in the last ~week.",
    ),
    Quantity("strength_rel", "1", "Strength", "One-repetition maximum relative to baseline."),
    Quantity("fitness_rel", "1", "Aerobic fitness", "VO2max relative to baseline."),
    Quantity(
        "fatigue",
        "1",
        "Fatigue",
        "Banister fatigue; 1 is about one week of moderate training (five 45-min sessions).",
    ),
    Quantity(
        "recent_training",
        "1",
        "Recent training",
        "Memory of recent sessions: near 1 during and right after one, whatever its volume, "
        "fading over days (gates the reserve build).",
    ),
    Quantity(
        "strength_pending",
        "1",
        "Strength adaptation under way",
        "Relative strength gain that recent sessions will still bring, realised over days.",
    ),
    Quantity(
        "fitness_pending",
        "1",
        "Fitness adaptation under way",
        "Relative VO2max gain that recent sessions will still bring, realised over days.",
    ),
    Quantity(
        "training_status",
        "1",
        "Training status",
        "Recent training averaged over about two weeks (0 untrained, about 0.7 at three "
        "sessions a week): aerobic adaptation needs repeated sessions.",
    ),
    Quantity(
        "reserve_built",
        "1",
        "Reserve built by training",
        "Cognitive reserve accumulated by training; decays over months without it.",
    ),
    Quantity(
        "bdnf_brain_auc",
        "h",
        "Brain BDNF AUC",
        "Running integral of (brain BDNF - 1) over time, for the summary metric; time"
        " below rest (inflammation can hold brain BDNF there) counts negative.",
        signed=True,
    ),
)

OBSERVABLES: tuple[Quantity, ...] = (
    Quantity(
        "reserve",
        "1",
        "Cognitive reserve",
        "Reserve built by training minus the slow age-related loss (0 at the start).",
        signed=True,
    ),
    Quantity(
        "cognition_z",
        "SD",
        "Cognition change",
        "Change in a composite cognitive score since the start, in standard deviations: "
        "raised by the reserve built by training, lowered by age-related decline and pathology, "
        "which the built reserve buffers.",
        signed=True,
    ),
    Quantity(
        "performance_rel",
        "1",
        "Performance",
        "Banister performance: aerobic fitness relative to the start less the cost of the "
        "current fatigue (1 at the start); a taper lets it rise above fitness alone.",
        signed=True,  # a difference: heavy fatigue can take it below 0
    ),
    Quantity(
        "igf1_benefit",
        "1",
        "IGF-1 middle-range benefit",
        "Hump-shaped benefit of the current IGF-1 level (1 at the optimum).",
    ),
)

STATE_NAMES: tuple[str, ...] = tuple(q.name for q in STATES)
N_STATES = len(STATES)


class _Index:
    """Attribute access to state positions: ``IX.lactate_mmol_L`` is its row in ``y``."""

    def __init__(self, names: tuple[str, ...]) -> None:
        for i, name in enumerate(names):
            setattr(self, name, i)

    def __getattr__(self, name: str) -> int:  # only reached for unknown names
        raise AttributeError(f"no model state called {name!r}")


IX = _Index(STATE_NAMES)

QUANTITIES: dict[str, Quantity] = {q.name: q for q in STATES + OBSERVABLES}

# Columns of timeseries.csv after time_h, in order: the contract columns first, then extras.
TIMESERIES_COLUMNS: tuple[str, ...] = (
    "lactate_mmol_L",
    "il6_pg_mL",
    "irisin_rel",
    "ctsb_rel",
    "fgf21_rel",
    "igf1_ng_mL",
    "bdnf_serum_ng_mL",
    "bdnf_brain_rel",
    "inflammation_rel",
    "strength_rel",
    "fitness_rel",
    "fatigue",
    "reserve",
    "cognition_z",
    "bdnf_muscle_rel",
    "igf1_benefit",
    "rt_weekly_sets",
    "reserve_built",
    "anti_inflammatory_signal",
    "il6_signal",
    "fgf21_trigger",
    "fgf21_signal",
    "bdnf_brain_auc",
    "performance_rel",
    "recent_training",
    "strength_pending",
    "fitness_pending",
    "training_status",
)


def label(name: str) -> str:
    """Axis label with unit for a state or observable, e.g. ``"Plasma IL-6 [pg/mL]"``."""
    q = QUANTITIES[name]
    return q.label if q.unit == "1" else f"{q.label} [{q.unit}]"

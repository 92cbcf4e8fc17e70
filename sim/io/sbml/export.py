r"""SBML Level 3 export of the whole model, with one run's bouts as events.

:func:`export_sbml` writes the model of a scenario as SBML Level 3 Version 2: every state of
:mod:`sim.model.state` is a non-constant global parameter with a rate rule, the observables
(``reserve``, ``cognition_z``, ``igf1_benefit``) and the intermediate quantities are
assignment rules, every model parameter (:mod:`sim.model.parameters`) and every per-run derived
constant (:func:`sim.model.constants.compile_constants`) is a constant global parameter whose
notes carry its unit, bounds, description and source. Ids of quantities that are columns of
``timeseries.csv`` carry exactly the column names.

The drive of the ODEs (:class:`sim.model.drive.Drive`) becomes five non-constant parameters
``drive_aerobic_frac_vo2max``, ``drive_resistance_frac_1rm``, ``drive_sets_per_h``,
``drive_muscle_mass_frac`` and ``drive_reps_per_set``, set by one event at every time the drive
changes: the start and end of every segment of every bout *as it happened* in
``simulate(scenario)`` (attendance drawn from the scenario's seed, loads chosen by the
progression rule). A tool that integrates the file therefore repeats our run, not a re-drawn
one. No formula depends on time through
``piecewise()``: an adaptive solver locates events by root finding, but can step over a
short ``piecewise()`` pulse without noticing.

The document is built in :mod:`sim.io.sbml.build` from the formulas in :mod:`sim.io.sbml.equations`.
Time is in hours (the model's ``timeUnits`` is the unit ``hour``). The transcription is
checked against an independent simulator (libRoadRunner) in ``tests/integration/test_sbml.py``.

libsbml and libroadrunner are an optional extra (``pip install 'musclebrain[sbml]'``), imported
only inside the functions here so that ``import sim`` never needs them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError, MusclebrainError
from sim.io.files import check_file_target, write_file_atomic
from sim.io.sbml.build import INSTALL_HINT, build_document, drive_changes, import_libsbml
from sim.io.sbml.equations import DRIVE_IDS
from sim.model.parameters import Parameters
from sim.model.state import OBSERVABLES, STATE_NAMES

__all__ = [
    "DRIVE_IDS",
    "INSTALL_HINT",
    "SbmlExport",
    "build_document",
    "check_target",
    "consistency",
    "drive_changes",
    "export_sbml",
    "simulate_roadrunner",
]


@dataclass(frozen=True)
class SbmlExport:
    """What :func:`export_sbml` wrote: the file, its events, the consistency warnings, the run."""

    path: Path
    n_events: int
    warnings: tuple[str, ...]
    result: Any


def consistency(doc: Any) -> tuple[list[str], list[str]]:
    """libsbml's ``checkConsistency()``: (errors, warnings) as one line of text each."""
    libsbml = import_libsbml()
    doc.checkConsistency()
    errors: list[str] = []
    warnings: list[str] = []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        text = f"{e.getSeverityAsString()} {e.getErrorId()} line {e.getLine()}: " + " ".join(
            e.getMessage().split()
        )
        severe = e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR
        (errors if severe else warnings).append(text)
    return errors, warnings


def _is_sbml(path: Path) -> bool:
    """Whether ``path`` starts like an SBML document (the only file an export replaces)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b"<sbml" in head


def check_target(path: Path, overwrite: bool = False) -> None:
    """Raise :class:`OutputError` unless ``path`` can become the exported file.

    ``path`` must not be a folder, nor lie under a file, nor exist unless ``overwrite``; an
    existing file is replaced only when it is a regular file holding an SBML document.
    """
    check_file_target(path, overwrite, _is_sbml, "an SBML document")


def export_sbml(
    scenario: Any,
    path: str | os.PathLike[str],
    params: Parameters | None = None,
    *,
    seed: int | None = None,
    overwrite: bool = False,
) -> SbmlExport:
    """Write a scenario's model, constants, initial state and bouts as SBML Level 3.

    Parameters
    ----------
    scenario
        A validated :class:`sim.input.scenario.Scenario`.
    path
        The ``.xml`` file to write (atomically: a temporary file beside it, renamed when
        complete; missing folders are created).
    params
        Base parameters (defaults if ``None``); the scenario's overrides are applied on top.
    seed
        Seed of the attendance draws; the scenario's own ``seed`` if ``None``.
    overwrite
        Replace ``path`` if it exists (otherwise an existing file is an error).

    Returns
    -------
    SbmlExport
        The path, the number of drive events, libsbml's consistency warnings and our run.

    Raises
    ------
    InputError
        If python-libsbml is not installed, or ``path`` is a folder, lies under a file,
        exists (without ``overwrite``) or cannot be written; checked before the run.
    MusclebrainError
        If libsbml finds errors in the document (a bug in this module).

    Examples
    --------
    >>> export_sbml(load_scenario("scenarios/combined.yaml"), Path("combined.xml"))  # doctest: +SKIP
    """
    libsbml = import_libsbml()
    out = Path(path)
    check_target(out, overwrite)  # before spending time on the run
    doc, n_events, result = build_document(scenario, params, seed)
    errors, warnings = consistency(doc)
    if errors:
        raise MusclebrainError(
            f"SBML export of {scenario.name!r}: {len(errors)} consistency "
            "errors, first: " + errors[0]
        )
    write_file_atomic(libsbml.writeSBMLToString(doc), out, overwrite, _is_sbml, "an SBML document")
    return SbmlExport(out, n_events, tuple(warnings), result)


def simulate_roadrunner(
    sbml: str | os.PathLike[str],
    times_h: np.ndarray,
    selections: tuple[str, ...] | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> dict[str, np.ndarray]:
    """Integrate an exported file with libRoadRunner (CVODE) at ``times_h`` [h].

    Events are located by CVODE's root finding, so short segments are not stepped over.
    Returns ``{"time_h": times, id: values, ...}`` for ``selections`` (default: every state
    and observable), so that the output is a drop-in for :attr:`Result.columns`.
    """
    try:
        import roadrunner
    except ImportError:
        raise InputError(
            f"this needs libroadrunner, which is not installed: {INSTALL_HINT}"
        ) from None
    rr = roadrunner.RoadRunner(os.fspath(sbml))
    names = selections or (*STATE_NAMES, *(q.name for q in OBSERVABLES))
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1_000_000
    out = rr.simulate(times=[float(t) for t in times_h], selections=["time", *names])
    cols = {name: np.asarray(out[:, i + 1], dtype=float) for i, name in enumerate(names)}
    return {"time_h": np.asarray(out[:, 0], dtype=float), **cols}

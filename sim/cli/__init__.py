"""Command-line interface: ``musclebrain`` (also ``python -m sim``).

Exit codes: 0 success, 2 bad input (one clear message on stderr, no traceback), 1 internal
error, 130 on Ctrl-C, 143 on SIGTERM. The parser is here; the subcommands are in
:mod:`sim.cli.commands`, the argument types in :mod:`sim.cli.args`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from sim import __version__
from sim.cli.args import people, port, positive_minutes, seed, workers
from sim.cli.commands import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    cmd_compare,
    cmd_demo,
    cmd_explore,
    cmd_export_sbml,
    cmd_params,
    cmd_run,
    cmd_scenarios,
    cmd_sensitivity,
    cmd_sweep,
    cmd_trial,
    cmd_validate,
)
from sim.cli.help import EPILOGS
from sim.errors import InputError, MusclebrainError, Terminated

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of all subcommands."""
    parser = argparse.ArgumentParser(
        prog="musclebrain",
        description="Illustrative simulation of muscle-brain signalling under training "
        "regimens (teaching, not clinical).",
    )
    parser.add_argument("--version", action="version", version=f"musclebrain {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_outputs(p: argparse.ArgumentParser, default: str, figures: str) -> None:
        """``--out`` (default folder ``default``), ``--force`` and ``--no-plots``."""
        p.add_argument("--out", help=f"output folder (default {default})")
        p.add_argument(
            "--force",
            action="store_true",
            help="replace earlier musclebrain results in --out (only the files it wrote)",
        )
        p.add_argument("--no-plots", action="store_true", help=f"skip {figures}")

    def add_where(p: argparse.ArgumentParser) -> None:
        """``--workers N`` or ``--scheduler ADDRESS``: where an ensemble's tasks run."""
        where = p.add_mutually_exclusive_group()
        where.add_argument(
            "--workers",
            type=workers,
            default=None,
            help="run on a local Dask cluster of N worker processes (needs [distributed]); "
            "the results are the same as without",
        )
        where.add_argument(
            "--scheduler", default=None, metavar="ADDRESS", help="run on an existing Dask cluster"
        )

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """A subcommand whose help ends with what it writes and examples (EPILOGS)."""
        return sub.add_parser(
            name,
            epilog=EPILOGS[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
            **kwargs,
        )

    run = command(
        "run",
        help="run one scenario file",
    )
    run.add_argument("scenario", help="scenario YAML file, or a shipped scenario's name")
    run.add_argument(
        "--sample-min",
        type=positive_minutes,
        default=None,
        help="output sampling in minutes (default: the scenario's, 60); a run of more than "
        "2,000,000 rows is refused unless MUSCLEBRAIN_MAX_ROWS says more",
    )
    run.add_argument("--seed", type=seed, default=None, help="override the scenario's seed")
    add_outputs(run, "outputs/<scenario name>/", "the figure")
    run.set_defaults(func=cmd_run)

    val = command(
        "validate",
        help="check scenario files without running",
    )
    val.add_argument("paths", nargs="+", help="scenario YAML files")
    val.set_defaults(func=cmd_validate)

    par = command(
        "params",
        help="the parameter table with units, bounds and sources",
    )
    par.add_argument(
        "--scenario", help="show values with this scenario's overrides (a file or a shipped name)"
    )
    par.add_argument("--markdown", action="store_true", help="print a Markdown table")
    par.set_defaults(func=cmd_params)

    cmp = command(
        "compare",
        help="run several scenarios into one comparison",
    )
    cmp.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files")
    add_outputs(cmp, "outputs/compare/", "the figures")
    cmp.set_defaults(func=cmd_compare)

    demo = command(
        "demo",
        help="the shipped sedentary/aerobic/resistance/combined comparison",
        description="Run the shipped sedentary, aerobic, resistance and combined scenarios, "
        "print a table and who wins on what, and write the comparison. An earlier "
        "demo's output folder is replaced without --force (only the files the demo wrote; "
        "files you added there stay).",
    )
    demo.add_argument("--out", help="output folder (default outputs/demo/)")
    demo.add_argument(
        "--force",
        action="store_true",
        help="replace the earlier results of another musclebrain command in --out",
    )
    demo.set_defaults(func=cmd_demo)
    tri = command(
        "trial",
        help="a virtual trial: arms of sampled people, effect sizes",
    )
    tri.add_argument("trial", help="trial YAML file (see scenarios/trials/)")
    tri.add_argument(
        "--n-per-arm",
        type=people,
        default=None,
        help="people per arm, 2 or more (default: the trial file's n_per_arm; at most "
        "100,000 unless MUSCLEBRAIN_MAX_PEOPLE_PER_ARM says more)",
    )
    tri.add_argument("--seed", type=seed, default=None, help="override the trial's seed")
    add_where(tri)
    add_outputs(tri, "outputs/<trial name>/", "the figures")
    tri.set_defaults(func=cmd_trial)

    swp = command(
        "sweep",
        help="run one scenario over a grid of doses or parameter values",
    )
    swp.add_argument("scenario", help="scenario YAML file, or a shipped scenario's name")
    swp.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="FIELD=START:STOP:STEP",
        help="a field to vary (a session field such as intensity_pct_1rm, duration_min or sets, "
        "a participant field, a dotted path such as blocks.0.weeks, or a model parameter), "
        "as START:STOP:STEP or A,B,C; give it twice for a two-way grid",
    )
    swp.add_argument(
        "--metric",
        default="reserve_final",
        help="the summary metric the figure shows (default reserve_final)",
    )
    add_where(swp)
    add_outputs(swp, "outputs/<scenario name>-sweep/", "the figure")
    swp.set_defaults(func=cmd_sweep)

    sen = command(
        "sensitivity",
        help="which parameters a result hinges on (SALib: Morris or Sobol)",
    )
    sen.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files or names")
    sen.add_argument("--method", choices=("morris", "sobol"), default="morris")
    sen.add_argument(
        "--metric",
        action="append",
        default=None,
        help="a summary metric (give it again for more; default reserve_final)",
    )
    sen.add_argument(
        "--params",
        default=None,
        help="comma-separated parameters to vary (default: every one for Morris, the "
        "illustrative ones for Sobol)",
    )
    sen.add_argument(
        "--n",
        type=people,
        default=None,
        help="Morris trajectories (default 4) or Sobol base samples, a power of 2 (default 64)",
    )
    sen.add_argument("--seed", type=seed, default=0, help="seed of the sampling (default 0)")
    add_where(sen)
    add_outputs(sen, "outputs/sensitivity/", "the figure")
    sen.set_defaults(func=cmd_sensitivity)

    sbml = command(
        "export-sbml",
        help="the model with a scenario's bouts as SBML Level 3 events",
        description="Write the whole model with the scenario's parameters, initial state and "
        "the bouts of its run (as SBML events) to an SBML Level 3 file, for COPASI, tellurium "
        "or libRoadRunner. Needs the extra: pip install 'musclebrain[sbml]'.",
    )
    sbml.add_argument("scenario", help="scenario YAML file")
    sbml.add_argument(
        "--out",
        required=True,
        metavar="FILE.xml",
        help="SBML file to write (missing folders are created)",
    )
    sbml.add_argument(
        "--seed", type=seed, default=None, help="override the scenario's seed (attendance)"
    )
    sbml.add_argument("--force", action="store_true", help="replace an existing file")
    sbml.set_defaults(func=cmd_export_sbml)

    exp = command(
        "explore",
        help="a live explorer in the browser: sliders, curves, side by side, claims tour",
        description="Serve the explorer on 127.0.0.1 (this computer only) and open it in the "
        "default browser. Needs the extra: pip install 'musclebrain[explore]'.",
    )
    exp.add_argument("--port", type=port, default=None, help="port (default: a free one)")
    exp.add_argument("--no-browser", action="store_true", help="print the address only")
    exp.add_argument("--scenario", default=None, help="shipped scenario to start from")
    exp.set_defaults(func=cmd_explore)

    lst = sub.add_parser(
        "scenarios",
        help="list the shipped scenarios and trials, each with its lesson",
        epilog=EPILOGS["scenarios"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lst.set_defaults(func=cmd_scenarios)
    return parser


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (130 on Ctrl-C, 143 on SIGTERM)."""
    try:
        with contextlib.suppress(ValueError):  # not the main thread: leave the signals alone
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, _on_sigterm)
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except MusclebrainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except Terminated:
        print("terminated; nothing was written", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (``musclebrain params | head``): end quietly, as a pipe does
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

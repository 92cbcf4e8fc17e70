"""Command-line interface: ``musclebrain`` (also ``python -m sim``).

Exit codes: 0 success, 2 bad input (one clear message on stderr, no traceback), 1 internal
error. Heavy modules (the solver, matplotlib) are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim import __version__
from sim.errors import InputError, MusclebrainError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got {text!r}") from None
    if not 1.0 <= value <= 1440.0:
        raise argparse.ArgumentTypeError(f"{value:g} is outside 1..1440 minutes")
    return value


def _people(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"{value} is invalid: use a whole number, 2 or more")
    return value


def _check_size(path: str, scenario: Any, sample_min: float | None) -> None:
    """Refuse, naming the file, a run too large for the row limit (before any work)."""
    from sim.input.limits import LimitError, check_run_size, max_rows

    max_rows()  # a badly set limit is the environment's fault, not the file's: said as such
    try:
        check_run_size(scenario, scenario.sample_min if sample_min is None else sample_min)
    except LimitError as exc:
        raise LimitError(f"{path}: {exc}") from None


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is invalid: use a whole number, 0 or more")
    return value


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario into an output folder."""
    from sim.input.scenario import load_scenario
    from sim.io.folders import OutputFolder
    from sim.io.report import write_report
    from sim.io.run import write_run, write_run_figures
    from sim.running.results import ILLUSTRATIVE
    from sim.running.simulation import simulate

    scenario = load_scenario(args.scenario)
    _check_size(args.scenario, scenario, args.sample_min)
    out = Path(args.out) if args.out else Path("outputs") / scenario.name
    folder = OutputFolder(out, "run", args.force, inputs=(args.scenario,))
    folder.check()  # fail before spending time on the run
    _print_notes(args.scenario, scenario)
    result = simulate(scenario, sample_min=args.sample_min, seed=args.seed)
    with folder.writing() as tmp:
        write_run(result, tmp)
        if not args.no_plots:
            write_run_figures(result, tmp)
        missing = write_report(
            tmp, f"{scenario.name}: one scenario", "musclebrain run", [(scenario.name, result)]
        )
    from sim.presentation.text.compare import show

    m = result.metrics
    print(
        f"{scenario.name}: {int(m['sessions_completed'])}/{int(m['sessions_planned'])} "
        f"sessions; strength {show('{:+.1f}', m['strength_change_pct'])} %, fitness "
        f"{show('{:+.1f}', m['fitness_change_pct'])} %, cognition "
        f"{show('{:+.3f}', m['cognition_z_final'])} SD -> {out}"
    )
    _print_report(out, missing)
    print(ILLUSTRATIVE)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files without running them."""
    from sim.input.scenario import load_scenario

    failed = 0
    for path in args.paths:
        try:
            scenario = load_scenario(path)
        except InputError as exc:
            failed += 1
            print(f"invalid: {exc}", file=sys.stderr)
        else:
            print(f"ok: {path} ({scenario.name})")
            _print_notes(path, scenario)
    return EXIT_INPUT if failed else EXIT_OK


def _print_notes(path: str, scenario: Any) -> None:
    """Things a valid scenario does that its author may not expect (on stderr)."""
    from sim.input.regimen import sessions_past_end

    for note in sessions_past_end(scenario):
        print(f"note: {path}: {note}", file=sys.stderr)


def cmd_params(args: argparse.Namespace) -> int:
    """Print the parameter table (optionally with a scenario's overrides applied)."""
    from sim.presentation.text.params import parameter_table

    overrides: dict[str, float] = {}
    if args.scenario:
        from sim.input.scenario import load_scenario

        overrides = dict(load_scenario(args.scenario).parameters)
    print(parameter_table(overrides, markdown=args.markdown))
    return EXIT_OK


def _progress(i: int, n: int, label: str) -> None:
    print(f"[{i}/{n}] simulating {label} ...", file=sys.stderr, flush=True)


def _print_report(out: Path, missing: str | None) -> None:
    """Where the report is, or (Jinja2 missing) how to get it."""
    if missing:
        print(missing, file=sys.stderr)
    else:
        print(f"Report: {out / 'report.html'} (open it in a browser)")


def _report_comparison(comparison: Any, out: Path, missing: str | None = None) -> int:
    """Print the table, the plain-English headlines and the failures; return the exit code."""
    from sim.presentation.text.compare import format_table, headlines
    from sim.running.results import ILLUSTRATIVE

    print(format_table(comparison))
    lines = headlines(comparison)
    if lines:
        print()
        print("\n".join(f"- {line}" for line in lines))
    print()
    print(f"Written to {out}")
    _print_report(out, missing)
    print(ILLUSTRATIVE)
    for label, error in comparison.failures:
        print(f"error: scenario {label!r} failed: {error}", file=sys.stderr)
    return EXIT_INTERNAL if comparison.failures else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """Run several scenarios into one comparison; exit 1 (after writing the rest) if one fails."""
    from sim.analyses.compare import compare, load_scenarios
    from sim.io.comparison import write_comparison
    from sim.io.folders import OutputFolder
    from sim.io.report import write_comparison_report

    scenarios = load_scenarios(args.scenarios)  # a missing or invalid file: nothing runs
    out = Path(args.out) if args.out else Path("outputs") / "compare"
    folder = OutputFolder(out, "compare", args.force, inputs=tuple(args.scenarios))
    folder.check()
    comparison = compare(scenarios, progress=_progress)
    with folder.writing() as tmp:
        write_comparison(comparison, tmp, plots=not args.no_plots)
        missing = write_comparison_report(tmp, comparison, "Comparison", "musclebrain compare")
    return _report_comparison(comparison, out, missing)


def cmd_demo(args: argparse.Namespace) -> int:
    """The shipped sedentary vs aerobic vs resistance vs combined comparison.

    An earlier demo's output folder (its manifest says it was written by ``demo``) is
    replaced without ``--force``: it is the program's own output. Only the files the demo
    wrote are replaced; files a user added there stay.
    """
    from sim.analyses.compare import compare, demo_paths, load_scenarios
    from sim.io.comparison import write_comparison
    from sim.io.folders import OutputFolder
    from sim.io.report import write_comparison_report
    from sim.presentation.text.compare import demo_heading

    out = Path(args.out) if args.out else Path("outputs") / "demo"
    folder = OutputFolder(out, "demo", args.force, replace_own=True)
    scenarios = load_scenarios(demo_paths())
    folder.check()
    comparison = compare(scenarios, progress=_progress)
    with folder.writing() as tmp:
        write_comparison(comparison, tmp, plots=True, command="demo")
        missing = write_comparison_report(
            tmp, comparison, "Demo: " + demo_heading(scenarios).rstrip(":"), "musclebrain demo"
        )
    print(demo_heading(scenarios) + "\n")
    return _report_comparison(comparison, out, missing)


def cmd_trial(args: argparse.Namespace) -> int:
    """Run a virtual trial into ``trial.json``, ``people.csv`` and figures."""
    from sim.analyses.trial.run import load_trial, run_trial
    from sim.io.folders import OutputFolder
    from sim.io.report import write_trial_report
    from sim.io.trial import write_trial
    from sim.presentation.text.trial import format_table
    from sim.running.results import ILLUSTRATIVE

    trial = load_trial(args.trial)
    out = Path(args.out) if args.out else Path("outputs") / trial.name
    folder = OutputFolder(out, "trial", args.force, inputs=(args.trial,))
    folder.check()  # fail before spending time on the run
    result = run_trial(trial, n_per_arm=args.n_per_arm, seed=args.seed, progress=_progress)
    with folder.writing() as tmp:
        write_trial(result, tmp, plots=not args.no_plots)
        missing = write_trial_report(tmp, result)
    s = result.summary
    print(
        f"{trial.name}: {s['outcome']} change at week {s['at_week']}, "
        f"{result.n_per_arm} per arm, seed {result.seed}, control {s['control']!r}\n"
    )
    print(format_table(s))
    print(f"\nWritten to {out}")
    _print_report(out, missing)
    print(ILLUSTRATIVE)
    return EXIT_OK


def cmd_export_sbml(args: argparse.Namespace) -> int:
    """Export a scenario's model, with its bouts as events, to an SBML Level 3 file.

    An existing file is replaced (atomically) only with ``--force``, like ``run``'s folder.
    A missing python-libsbml is bad input (exit 2): the message names the extra to install.
    """
    from sim.input.scenario import load_scenario
    from sim.io.sbml.export import export_sbml
    from sim.model.state import TIMESERIES_COLUMNS
    from sim.running.results import ILLUSTRATIVE

    scenario = load_scenario(args.scenario)
    _check_size(args.scenario, scenario, None)
    export = export_sbml(scenario, Path(args.out), seed=args.seed, overwrite=args.force)
    res, m = export.result, export.result.metrics
    print(f"{scenario.name}: SBML Level 3 Version 2 model -> {export.path}")
    print(
        f"  {export.n_events} drive events replay the {int(m['sessions_completed'])}/"
        f"{int(m['sessions_planned'])} sessions of seed {res.seed}; simulate from 0 to "
        f"{res.horizon_h:g} h (the model's time unit)"
    )
    print(
        f"  the {len(TIMESERIES_COLUMNS)} columns of timeseries.csv are ids of the same name "
        "(e.g. reserve, cognition_z); every parameter's notes give its unit and source"
    )
    for warning in export.warnings:
        print(f"libsbml: {warning}", file=sys.stderr)
    print(f"  libsbml consistency check: 0 errors, {len(export.warnings)} warnings")
    print(ILLUSTRATIVE)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of all subcommands."""
    parser = argparse.ArgumentParser(
        prog="musclebrain",
        description="Illustrative simulation of muscle-brain signalling under training "
        "regimens (teaching, not clinical).",
    )
    parser.add_argument("--version", action="version", version=f"musclebrain {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario file")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--out", help="output folder (default outputs/<scenario name>/)")
    run.add_argument(
        "--sample-min",
        type=_positive_float,
        default=None,
        help="output sampling in minutes (default: the scenario's, 60); a run of more than "
        "2,000,000 rows is refused unless MUSCLEBRAIN_MAX_ROWS says more",
    )
    run.add_argument("--seed", type=_seed, default=None, help="override the scenario's seed")
    run.add_argument(
        "--force",
        action="store_true",
        help="replace earlier musclebrain results in --out (only the files it wrote)",
    )
    run.add_argument("--no-plots", action="store_true", help="skip the figure")
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario files without running")
    val.add_argument("paths", nargs="+", help="scenario YAML files")
    val.set_defaults(func=cmd_validate)

    par = sub.add_parser("params", help="the parameter table with units, bounds and sources")
    par.add_argument("--scenario", help="show values with this scenario's overrides")
    par.add_argument("--markdown", action="store_true", help="print a Markdown table")
    par.set_defaults(func=cmd_params)

    cmp = sub.add_parser("compare", help="run several scenarios into one comparison")
    cmp.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files")
    cmp.add_argument("--out", help="output folder (default outputs/compare/)")
    cmp.add_argument(
        "--force",
        action="store_true",
        help="replace earlier musclebrain results in --out (only the files it wrote)",
    )
    cmp.add_argument("--no-plots", action="store_true", help="skip the figures")
    cmp.set_defaults(func=cmd_compare)

    demo = sub.add_parser(
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
    tri = sub.add_parser("trial", help="a virtual trial: arms of sampled people, effect sizes")
    tri.add_argument("trial", help="trial YAML file (see scenarios/trials/)")
    tri.add_argument("--out", help="output folder (default outputs/<trial name>/)")
    tri.add_argument(
        "--n-per-arm",
        type=_people,
        default=None,
        help="people per arm, 2 or more (default: the trial file's n_per_arm; at most "
        "100,000 unless MUSCLEBRAIN_MAX_PEOPLE_PER_ARM says more)",
    )
    tri.add_argument("--seed", type=_seed, default=None, help="override the trial's seed")
    tri.add_argument(
        "--force",
        action="store_true",
        help="replace earlier musclebrain results in --out (only the files it wrote)",
    )
    tri.add_argument("--no-plots", action="store_true", help="skip the figures")
    tri.set_defaults(func=cmd_trial)

    sbml = sub.add_parser(
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
        "--seed", type=_seed, default=None, help="override the scenario's seed (attendance)"
    )
    sbml.add_argument("--force", action="store_true", help="replace an existing file")
    sbml.set_defaults(func=cmd_export_sbml)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every clean-up on the way out runs the same way."""


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

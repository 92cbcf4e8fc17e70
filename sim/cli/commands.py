"""The subcommands: each loads its input, runs, writes through :mod:`sim.io` and prints.

Heavy modules (the solver, matplotlib) are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.cli.args import check_size
from sim.errors import InputError
from sim.input.shipped import other_kind, resolve_scenario, resolve_trial

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def load_scenario_checked(path: str) -> Any:
    """:func:`load_scenario`, saying so when the file is a trial file."""
    from sim.input.scenario import load_scenario

    try:
        return load_scenario(path)
    except InputError:
        hint = other_kind(path, "scenario")
        if hint:
            raise InputError(hint) from None
        raise


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario into an output folder."""
    from sim.io.folders import OutputFolder
    from sim.io.report import write_report
    from sim.io.run import write_run, write_run_figures
    from sim.running.results import ILLUSTRATIVE
    from sim.running.simulation import simulate

    args.scenario = resolve_scenario(args.scenario)
    scenario = load_scenario_checked(args.scenario)
    check_size(args.scenario, scenario, args.sample_min)
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

    failed = 0
    for path in args.paths:
        try:
            path = resolve_scenario(path)
            scenario = load_scenario_checked(path)
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
        overrides = dict(load_scenario_checked(resolve_scenario(args.scenario)).parameters)
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

    args.scenarios = [resolve_scenario(p) for p in args.scenarios]
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


@contextlib.contextmanager
def _runner(args: argparse.Namespace) -> Iterator[Any]:
    """Where an ensemble's chunks run: this process, or Dask (``--workers``/``--scheduler``)."""
    if args.workers is None and args.scheduler is None:
        yield None
        return
    from sim.running.distributed import dask_runner

    with dask_runner(args.workers, args.scheduler) as runner:
        yield runner


def cmd_trial(args: argparse.Namespace) -> int:
    """Run a virtual trial into ``trial.json``, ``people.csv`` and figures."""
    from sim.analyses.trial.run import load_trial, run_trial
    from sim.io.folders import OutputFolder
    from sim.io.report import write_trial_report
    from sim.io.trial import write_trial
    from sim.presentation.text.trial import format_table
    from sim.running.results import ILLUSTRATIVE

    args.trial = resolve_trial(args.trial)
    try:
        trial = load_trial(args.trial)
    except InputError:
        hint = other_kind(args.trial, "trial")
        if hint:
            raise InputError(hint) from None
        raise
    out = Path(args.out) if args.out else Path("outputs") / trial.name
    folder = OutputFolder(out, "trial", args.force, inputs=(args.trial,))
    folder.check()  # fail before spending time on the run
    with _runner(args) as runner:
        result = run_trial(
            trial, n_per_arm=args.n_per_arm, seed=args.seed, progress=_progress, runner=runner
        )
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


def check_metrics(scenario: Any, metrics: list[str]) -> None:
    """Refuse an unknown summary metric before a long run (the names from a 1-week run)."""
    from sim.running.simulation import simulate

    known = tuple(simulate(scenario.first_weeks(1)).metrics)  # ~20 ms
    for metric in metrics:
        if metric not in known:
            raise InputError(
                f"--metric {metric}: no such summary metric. Fix: use one of {', '.join(known)}."
            )


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run one scenario over a grid: ``sweep.csv``, invalid points and a figure."""
    from sim.analyses.sweep import parse_vary, sweep
    from sim.io.folders import OutputFolder
    from sim.io.report import write_sweep_report
    from sim.io.sweep import write_sweep
    from sim.running.results import ILLUSTRATIVE

    args.scenario = resolve_scenario(args.scenario)
    scenario = load_scenario_checked(args.scenario)
    if len(args.vary) > 2:
        raise InputError(
            f"--vary given {len(args.vary)} times: a sweep varies one or two fields. "
            "Fix: give --vary once (a dose-response curve) or twice (a heatmap)."
        )
    varies = [parse_vary(scenario, spec) for spec in args.vary]
    out = Path(args.out) if args.out else Path("outputs") / f"{scenario.name}-sweep"
    check_metrics(scenario, [args.metric])
    folder = OutputFolder(out, "sweep", args.force, inputs=(args.scenario,))
    folder.check()
    with _runner(args) as runner:
        result = sweep(scenario, varies, _progress, map if runner is None else runner.map)
    with folder.writing() as tmp:
        written = write_sweep(result, tmp, args.metric, plots=not args.no_plots)
        missing = write_sweep_report(tmp, result, args.metric, "musclebrain sweep")
        written += [] if missing else ["report.html"]
    print(f"{scenario.name}: {len(result.rows)} points run, {len(result.invalid)} refused")
    for values, message in result.invalid:
        shown = ", ".join(f"{v.name}={x:g}" for v, x in zip(varies, values, strict=True))
        print(f"  refused {shown}: {message}", file=sys.stderr)
    print(f"Written to {out} ({', '.join(written)})")
    _print_report(out, missing)
    print(ILLUSTRATIVE)
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Morris or Sobol indices of summary metrics: ``sensitivity.csv``/``.json`` and a figure."""
    from sim.analyses.compare import load_scenarios
    from sim.analyses.sensitivity import parameter_names, ranking, require_salib, sensitivity
    from sim.io.folders import OutputFolder
    from sim.io.sensitivity import write_sensitivity
    from sim.running.results import ILLUSTRATIVE

    paths = [resolve_scenario(p) for p in args.scenarios]
    scenarios = load_scenarios(paths)
    metrics = args.metric or ["reserve_final"]
    chosen = [p.strip() for p in args.params.split(",") if p.strip()] if args.params else None
    n = args.n or (4 if args.method == "morris" else 64)
    if args.method == "sobol" and n & (n - 1):
        raise InputError(f"--n {n}: Sobol needs a power of 2. Fix: use e.g. 32, 64 or 128.")
    parameter_names(args.method, chosen)  # unknown names: refused before anything runs
    require_salib()
    check_metrics(scenarios[0], metrics)
    out = Path(args.out) if args.out else Path("outputs") / "sensitivity"
    folder = OutputFolder(out, "sensitivity", args.force, inputs=tuple(paths))
    folder.check()
    with _runner(args) as runner:
        mapper = map if runner is None else runner.map
        result = sensitivity(
            scenarios, args.method, metrics, n, args.seed, chosen, _progress, mapper
        )
    with folder.writing() as tmp:
        written = write_sensitivity(result, tmp, plots=not args.no_plots)
    print(f"{args.method}: {len(result.names)} parameters, {result.runs} runs per scenario")
    for ix in result.indices:
        top = ", ".join(f"{name} {value:.3g}" for name, value, _ in ranking(ix, args.method)[:5])
        print(f"  {ix.scenario} / {ix.metric}: {top}")
    print(f"Written to {out} ({', '.join(written)})")
    print(ILLUSTRATIVE)
    return EXIT_OK


def cmd_export_sbml(args: argparse.Namespace) -> int:
    """Export a scenario's model, with its bouts as events, to an SBML Level 3 file.

    An existing file is replaced (atomically) only with ``--force``, like ``run``'s folder.
    A missing python-libsbml is bad input (exit 2): the message names the extra to install.
    """
    from sim.io.sbml.export import export_sbml
    from sim.model.state import TIMESERIES_COLUMNS
    from sim.running.results import ILLUSTRATIVE

    args.scenario = resolve_scenario(args.scenario)
    scenario = load_scenario_checked(args.scenario)
    check_size(args.scenario, scenario, None)
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


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the shipped scenarios and trials, each with the lesson it teaches."""
    import textwrap

    from sim.input.shipped import lesson, shipped_scenarios, shipped_trials
    from sim.input.yamlfile import read_yaml

    groups = (("scenarios", "run", shipped_scenarios()), ("trials", "trial", shipped_trials()))
    column = 4 + max(len(f.stem) for _, _, files in groups for f in files)  # lessons start here
    for title, command, files in groups:
        print(f"Shipped {title} (run one by name: musclebrain {command} NAME):")
        for f in files:
            data = read_yaml(f, InputError)
            text = lesson(data.get("description", "") if isinstance(data, dict) else "", 400)
            lines = textwrap.wrap(text[:1].upper() + text[1:] + ".", 100 - column)
            print(f"  {f.stem:<{column - 2}}{lines[0]}")
            for line in lines[1:]:
                print(" " * column + line)
        print()
    print("Illustrative teaching model, not clinical.")
    return EXIT_OK


def cmd_explore(args: argparse.Namespace) -> int:
    """Serve the explorer on 127.0.0.1 until Ctrl-C (exit 130)."""
    from sim.explore.serve import require_explore, serve

    require_explore()
    if args.scenario is not None:
        from sim.explore.controls import shipped_names

        if args.scenario not in shipped_names():
            raise InputError(
                f"--scenario {args.scenario!r}: not a shipped scenario. Fix: name one that "
                "`musclebrain scenarios` lists, e.g. --scenario combined."
            )
    try:
        serve(args.port, not args.no_browser, args.scenario)
    except KeyboardInterrupt:
        print("explorer stopped", file=sys.stderr)
        return 130
    return EXIT_OK

"""The end of each subcommand's ``--help``: what it writes, and examples to copy."""

from __future__ import annotations

EPILOGS = {
    "run": """writes (in --out, default outputs/<scenario name>/):
  timeseries.csv, bouts.csv, summary.json, report.html,
  and without --no-plots: overview.png, session.png, performance.png

examples:
  musclebrain run combined                       # a shipped scenario by name
  musclebrain run scenarios/aerobic.yaml --out outputs/aerobic --force
  musclebrain run my_plan.yaml --sample-min 5 --no-plots""",
    "validate": """writes nothing; prints ok or what is wrong (with the fix) for each file

examples:
  musclebrain validate my_plan.yaml
  musclebrain validate scenarios/*.yaml""",
    "params": """writes nothing; prints the table (name, value, unit, bounds, source)

examples:
  musclebrain params | less
  musclebrain params --scenario resistance_denervated    # with its overrides, marked *
  musclebrain params --markdown > parameters.md""",
    "compare": """writes (in --out, default outputs/compare/):
  comparison.csv, comparison.json, report.html,
  and without --no-plots: slow_states.png, final_bars.png, acute_response.png

examples:
  musclebrain compare aerobic resistance combined
  musclebrain compare scenarios/resistance_twice_weekly.yaml my_plan.yaml --out outputs/mine""",
    "demo": """writes (in --out, default outputs/demo/): comparison.csv, comparison.json,
  report.html, slow_states.png, final_bars.png, acute_response.png

examples:
  musclebrain demo
  musclebrain demo --out outputs/class""",
    "trial": """writes (in --out, default outputs/<trial name>/):
  trial.json, people.csv, report.html,
  and without --no-plots: effect_sizes.png, trajectories.png, responders.png

examples:
  musclebrain trial northey_modalities           # a shipped trial by name
  musclebrain trial scenarios/trials/smart.yaml --n-per-arm 500 --seed 7
  musclebrain trial smart --n-per-arm 20000 --workers 2   # a local Dask cluster, same results""",
    "sweep": """writes (in --out, default outputs/<scenario name>-sweep/):
  sweep.csv (one row per point: the varied values, then every summary metric),
  invalid_points.csv (points the scenario schema refused, with its message), report.html,
  and without --no-plots: dose_response.png (one --vary) or heatmap.png (two)

examples:
  musclebrain sweep resistance_twice_weekly --vary intensity_pct_1rm=50:90:10
  musclebrain sweep aerobic --vary duration_min=20:60:10 --vary age_years=60,70,80
  musclebrain sweep combined --vary reserve_weight_strength=0:2:0.5 --metric cognition_z_final
  musclebrain sweep resistance --vary sets=1:6:1 --vary intensity_pct_1rm=50:90:10 --workers 2""",
    "explore": """serves the explorer on http://127.0.0.1:PORT/ (this computer only) until Ctrl-C;
writes nothing unless you press a download button in the page.
needs Starlette and uvicorn: pip install 'musclebrain[explore]'

examples:
  musclebrain explore                           # a free port, opens the default browser
  musclebrain explore --port 8765 --no-browser  # print the address only
  musclebrain explore --scenario resistance     # start from a shipped scenario""",
    "sensitivity": """writes (in --out, default outputs/sensitivity/):
  sensitivity.csv (scenario, metric, parameter, rank and the indices with their confidence),
  sensitivity.json (the parameters' bounds, the runs and every index),
  and without --no-plots: sensitivity.png (the largest indices, ranked)
needs SALib: pip install 'musclebrain[sensitivity]'

examples:
  musclebrain sensitivity combined                       # Morris over every parameter
  musclebrain sensitivity aerobic resistance --metric reserve_final --metric cognition_z_final
  musclebrain sensitivity combined --method sobol --n 64 --params reserve_build_per_h,bdnf_synergy
  musclebrain sensitivity combined --method sobol --n 1024 --workers 2   # Dask, same results""",
    "export-sbml": """writes the SBML Level 3 file named by --out (needs the [sbml] extra)

examples:
  musclebrain export-sbml combined --out combined.xml
  musclebrain export-sbml scenarios/hiit.yaml --out hiit.xml --force""",
    "scenarios": """writes nothing; lists each shipped scenario and trial with its lesson

examples:
  musclebrain scenarios
  musclebrain run resistance_static_load         # then run one by its name""",
}
"""Per subcommand: the files it writes and examples."""

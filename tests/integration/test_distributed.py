"""Ensembles on a real Dask cluster give the bytes a serial run gives.

``LocalCluster`` with one and with two single-threaded worker processes on 127.0.0.1 (the
``[distributed]`` extra); the ensemble is chunked into whole blocks, each a task. The command
line's ``--workers`` gives the same ``trial.json`` as a run in this process, and blocks of
parameter sets (a sensitivity analysis) and a sweep's points give the same metrics on two
workers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.input.scenario import load_scenario
from sim.running.ensemble import Ensemble, run_ensemble
from tests.conftest import ROOT

distributed = pytest.importorskip("distributed")


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert np.array_equal(a.members, b.members)
    assert a.columns.keys() == b.columns.keys()
    for name in a.columns:
        assert a.columns[name].tobytes() == b.columns[name].tobytes(), name
    assert a.sessions_completed.tobytes() == b.sessions_completed.tobytes()
    for name in a.people.__dataclass_fields__:
        if name != "extra":
            assert np.array_equal(getattr(a.people, name), getattr(b.people, name)), name


def test_serial_one_worker_and_two_workers_give_identical_bytes() -> None:
    from sim.running.distributed import dask_runner

    ensemble = Ensemble(load_scenario("combined").first_weeks(8), 300, seed=5, block_size=100)
    serial = run_ensemble(ensemble)
    for workers in (1, 2):
        with dask_runner(workers=workers) as run:
            assert len(run.client.scheduler_info()["workers"]) == workers
            _same(serial, run(ensemble, 100))


def test_parameter_sets_on_two_workers_give_identical_bytes() -> None:
    # What sensitivity --workers does: blocks of parameter sets as tasks on the cluster.
    from sim.analyses.robustness import draws, illustrative_names
    from sim.running.distributed import dask_runner
    from sim.running.parameter_sets import run_parameter_sets

    scenario = load_scenario("combined").first_weeks(4)
    names = illustrative_names()
    rows = draws(12, 0, names)
    metrics = ["reserve_final", "bdnf_brain_auc", "fitness_change_pct"]
    serial = run_parameter_sets(scenario, names, rows, metrics, block_size=4)
    with dask_runner(workers=2) as run:
        spread = run_parameter_sets(scenario, names, rows, metrics, run.map, block_size=4)
    assert serial.tobytes() == spread.tobytes()


def test_a_sweep_on_two_workers_gives_the_same_rows() -> None:
    from sim.analyses.sweep import parse_vary, sweep
    from sim.running.distributed import dask_runner

    scenario = load_scenario("resistance").first_weeks(4)
    varies = [parse_vary(scenario, "sets=1,3"), parse_vary(scenario, "intensity_pct_1rm=60,80")]
    serial = sweep(scenario, varies)
    with dask_runner(workers=2) as run:
        spread = sweep(scenario, varies, mapper=run.map)
    assert spread.rows == serial.rows and spread.invalid == serial.invalid


def test_trial_on_workers_writes_the_same_trial_json(tmp_path: Path) -> None:
    def trial(out: Path, *extra: str) -> bytes:
        subprocess.run([sys.executable, "-m", "sim", "trial", "smart", "--n-per-arm", "30",
                        "--no-plots", "--out", str(out), *extra], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        return (out / "trial.json").read_bytes()

    assert trial(tmp_path / "here") == trial(tmp_path / "dask", "--workers", "2")


def test_missing_extra_and_bad_addresses_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sim.running.distributed import dask_runner

    both = subprocess.run([sys.executable, "-m", "sim", "trial", "smart", "--workers", "2",
                           "--scheduler", "tcp://127.0.0.1:1"], cwd=ROOT, capture_output=True,
                          text=True)  # fmt: skip
    assert both.returncode == 2 and "not allowed with" in both.stderr
    nobody = subprocess.run([sys.executable, "-m", "sim", "trial", "smart", "--n-per-arm", "10",
                             "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "t")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert nobody.returncode == 2 and "Traceback" not in nobody.stderr
    assert "no Dask scheduler answers there" in nobody.stderr and "Fix:" in nobody.stderr
    assert not (tmp_path / "t").exists()
    monkeypatch.setitem(sys.modules, "distributed", None)
    with (
        pytest.raises(InputError, match=r"pip install 'musclebrain\[distributed\]'"),
        dask_runner(workers=1),
    ):
        pass

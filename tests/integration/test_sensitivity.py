"""musclebrain sensitivity: Morris and Sobol indices (SALib) over the parameter table's bounds.

Checked against what must hold whatever the numbers: a metric that cannot depend on a
parameter gets an index of zero (strength in an aerobic-only programme does not move with
the strength gain per set), one that scales with it does not (fitness with the fitness gain
per hour); the files carry every index with its confidence; refusals exit 2 with one message.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from tests.conftest import minimal_scenario

pytest.importorskip("SALib")


@pytest.fixture
def walk(tmp_path: Path) -> str:
    path = tmp_path / "walk.yaml"
    path.write_text(yaml.safe_dump(minimal_scenario(name="walk")), encoding="utf-8")
    return str(path)


PARAMS = "strength_gain_per_set,fitness_gain_per_h,ctsb_clearance_per_h"


def test_morris_finds_what_a_metric_depends_on(walk: str, tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert main(["sensitivity", walk, "--params", PARAMS, "--n", "3", "--metric",
                 "strength_change_pct", "--metric", "fitness_change_pct", "--out", str(out)]) == 0  # fmt: skip
    data = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert data["method"] == "morris" and data["runs_per_scenario"] == 3 * (3 + 1)
    by_metric = {r["metric"]: r["indices"] for r in data["results"]}
    strength, fitness = by_metric["strength_change_pct"], by_metric["fitness_change_pct"]
    assert strength["strength_gain_per_set"]["mu_star"] == 0.0  # no resistance work at all
    assert fitness["fitness_gain_per_h"]["mu_star"] > 0.1  # percentage points
    assert fitness["ctsb_clearance_per_h"]["mu_star"] < 1e-9  # CTSB does not feed fitness
    rows = list(csv.DictReader((out / "sensitivity.csv").open(encoding="utf-8")))
    assert set(rows[0]) >= {"scenario", "metric", "parameter", "rank", "mu_star", "mu_star_conf"}
    first = [r for r in rows if r["metric"] == "fitness_change_pct" and r["rank"] == "1"]
    assert first[0]["parameter"] == "fitness_gain_per_h"
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"


def test_sobol_gives_first_and_total_order_indices(walk: str, tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert main(["sensitivity", walk, "--method", "sobol", "--n", "8", "--params",
                 "fitness_gain_per_h,ctsb_clearance_per_h", "--metric", "fitness_change_pct",
                 "--out", str(out), "--no-plots"]) == 0  # fmt: skip
    data = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert data["runs_per_scenario"] == 8 * (2 + 2)
    ix = data["results"][0]["indices"]
    assert ix["fitness_gain_per_h"]["ST"] > 0.5  # the only parameter fitness depends on
    assert abs(ix["ctsb_clearance_per_h"]["ST"]) < 0.05
    assert not (out / "sensitivity.png").exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--params", "nonsense"], "unknown model parameter"),
        (["--metric", "happiness"], "no such summary metric"),
        (["--method", "sobol", "--n", "6"], "power of 2"),
    ],
)
def test_bad_arguments_exit_2(
    walk: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], words: str
) -> None:
    assert main(["sensitivity", walk, *extra, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert words in err and "Fix" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_without_salib_the_message_names_the_extra(
    walk: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real = builtins.__import__

    def no_salib(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "SALib" or name.startswith("SALib."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_salib)
    assert main(["sensitivity", walk, "--out", str(tmp_path / "y")]) == 2
    assert "musclebrain[sensitivity]" in capsys.readouterr().err


def test_error_bars_stay_within_an_indexs_range() -> None:
    # mu* and Sobol indices are never negative and a Sobol index is at most 1: the drawn
    # interval value -+ half-width is cut there, otherwise it is symmetric.
    import numpy as np

    from sim.presentation.plots.sensitivity import error_bars

    bars = error_bars([0.05, 0.5, 2.0], [0.2, 0.1, 0.3], "morris")
    assert np.allclose(bars, [[0.05, 0.1, 0.3], [0.2, 0.1, 0.3]])
    bars = error_bars([0.95, -0.01, 0.4], [0.1, 0.05, 0.1], "sobol")
    assert np.allclose(bars, [[0.1, 0.0, 0.1], [0.05, 0.05, 0.1]])

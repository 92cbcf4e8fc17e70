"""The public Python API: ``import sim`` and what a notebook user does with it."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing

import matplotlib
import numpy as np
import pytest
from pydantic import ValidationError

import sim
from sim.errors import ScenarioError
from tests.conftest import SCENARIOS

DOCUMENTED = {
    "load_scenario", "simulate", "compare", "load_trial", "run_trial", "export_sbml",
    "Parameters", "Result", "Scenario", "Comparison", "TrialResult", "plot_run",
    "plot_session", "plot_performance", "plot_comparison", "plot_trial",
}  # fmt: skip


def test_the_namespace_holds_the_documented_api_with_docstrings() -> None:
    assert set(sim.__all__) >= DOCUMENTED
    assert set(dir(sim)) >= set(sim.__all__)
    for name in sim.__all__:
        obj = getattr(sim, name)
        if name != "__version__":
            assert (obj.__doc__ or "").strip(), f"sim.{name} has no docstring"
    for name in sim.__all__:
        obj = getattr(sim, name)
        if inspect.isfunction(obj):  # every public function: an example and resolvable types
            assert ">>>" in obj.__doc__, f"sim.{name} has no example"
            hints = typing.get_type_hints(obj)
            assert set(inspect.signature(obj).parameters) | {"return"} <= set(hints), name
        elif inspect.isclass(obj) and not issubclass(obj, Exception):
            assert ">>>" in (obj.__doc__ or ""), f"sim.{name} has no example"
    with pytest.raises(AttributeError, match="no attribute 'simulation'"):
        sim.simulation  # noqa: B018


def test_import_sim_stays_light() -> None:
    code = (
        "import sys, sim, sim.cli; "
        "print(sorted(m for m in ('numpy', 'scipy', 'matplotlib', 'pydantic', 'pandas') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_shipped_scenarios_and_trials_load_by_name_from_any_folder(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert sim.load_scenario("combined") == sim.load_scenario(SCENARIOS / "combined.yaml")
    assert sim.load_trial("smart").spec.name == "smart"
    with pytest.raises(ScenarioError, match="file not found"):
        sim.load_scenario("combind")  # no file and no shipped scenario of that name
    (tmp_path / "combined").write_text("name: mine\nduration_weeks: 2\n", encoding="utf-8")
    assert sim.load_scenario("combined").name == "mine"  # a file of that name comes first


def pd_read_csv(path, **options):  # type: ignore[no-untyped-def]
    """A written CSV file as pandas reads it (the test skips without pandas)."""
    return pytest.importorskip("pandas").read_csv(path, **options)


@pytest.fixture(scope="module")
def combined():  # type: ignore[no-untyped-def]
    return sim.load_scenario(SCENARIOS / "combined.yaml")


@pytest.fixture(scope="module")
def result(combined):  # type: ignore[no-untyped-def]
    return sim.simulate(combined)


def test_result_columns_by_name_and_as_a_frame(result, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert result["il6_pg_mL"] is result.columns["il6_pg_mL"]
    assert result["time_h"] is result.times_h
    with pytest.raises(KeyError, match="did you mean 'il6_pg_mL'"):
        result["il6_pg_ml"]
    frame = result.to_frame()
    assert list(frame.columns) == ["time_h", *result.column_names]
    assert len(frame) == len(result.times_h)
    np.testing.assert_array_equal(frame["reserve"].to_numpy(), result["reserve"])
    bouts = result.bouts_frame()
    assert len(bouts) == 120 and list(bouts.columns)[:2] == ["start_h", "end_h"]
    # the frames hold what the files hold: the same columns, the same values (to the files' digits)
    from sim.io.run import write_bouts, write_timeseries

    write_timeseries(result, tmp_path / "timeseries.csv")
    write_bouts(result, tmp_path / "bouts.csv")
    written = pd_read_csv(tmp_path / "timeseries.csv")
    assert list(written.columns) == list(frame.columns)
    np.testing.assert_allclose(written.to_numpy(), frame.to_numpy(), rtol=1e-9, atol=1e-12)
    assert list(pd_read_csv(tmp_path / "bouts.csv").columns) == list(bouts.columns)


def test_to_frame_without_pandas_says_how_to_install_it(result, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'musclebrain\[data\]'"):
        result.to_frame()


def test_with_changes_revalidates(combined) -> None:  # type: ignore[no-untyped-def]
    older = combined.with_changes({"participant.age_years": 75})
    assert older.participant.age_years == 75 and combined.participant.age_years == 65
    short = combined.with_changes(duration_weeks=12, **{"blocks.0.weeks": 12})
    assert short.duration_weeks == 12
    # the bug this replaces: a 12-week horizon silently running 24 weeks of blocks
    with pytest.raises(ScenarioError, match="block weeks add up to 24 but duration_weeks is 12"):
        combined.with_changes(duration_weeks=12)
    with pytest.raises(ScenarioError, match="block weeks add up to 24"):
        combined.model_copy(update={"duration_weeks": 12})
    with pytest.raises(ScenarioError, match=r"participant\.age_years: 200 is invalid"):
        combined.with_changes({"participant.age_years": 200})
    with pytest.raises(ScenarioError, match="no such field"):
        combined.with_changes({"nothing.here": 1})
    # a part copied with pydantic's model_copy is validated too, alone and inside a scenario
    with pytest.raises(ValidationError, match="age_years"):
        combined.participant.model_copy(update={"age_years": 200})
    unchecked = combined.participant.model_construct(
        **{**combined.participant.model_dump(), "age_years": 200}
    )
    with pytest.raises(ScenarioError, match=r"participant\.age_years: 200 is invalid"):
        combined.model_copy(update={"participant": unchecked})
    assert combined.first_weeks(4).duration_weeks == 4
    assert sum(b.weeks for b in combined.first_weeks(4).blocks) == 4


def test_plots_return_figures_and_leave_the_backend_alone(result, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    backend = matplotlib.get_backend()
    for plot in (sim.plot_run, sim.plot_session, sim.plot_performance):
        assert isinstance(plot(result), Figure)
    comparison = sim.compare(
        [sim.load_scenario(SCENARIOS / f"{n}.yaml") for n in ("aerobic", "sedentary")]
    )
    figs = sim.plot_comparison(comparison)
    assert set(figs) == {"slow_states.png", "final_bars.png", "acute_response.png"}
    assert not list(tmp_path.iterdir())  # nothing saved unless asked
    sim.plot_run(result, tmp_path / "o.png")
    assert (tmp_path / "o.png").is_file()
    (tmp_path / "o.png").unlink()
    assert matplotlib.get_backend() == backend
    frame = comparison.to_frame()
    assert list(frame.index) == ["aerobic", "sedentary"]
    from sim.io.comparison import write_comparison

    write_comparison(comparison, tmp_path, plots=False)
    written = pd_read_csv(tmp_path / "comparison.csv", index_col="scenario")
    assert [written.index.name, *written.columns] == [frame.index.name, *frame.columns]
    np.testing.assert_allclose(written.to_numpy(), frame.to_numpy(), rtol=1e-9)
    assert frame.loc["aerobic", "fitness_change_pct"] > 5.0


def test_trial_people_frame_has_the_people_csv_columns(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sim.io.trial import write_trial

    trial = sim.run_trial(sim.load_trial(SCENARIOS / "trials" / "agueda.yaml"), n_per_arm=5)
    frame = trial.people_frame()
    assert len(frame) == 5 * len(trial.arms)
    assert list(frame.columns)[:2] == ["arm", "id"]
    write_trial(trial, tmp_path, plots=False)
    written = pd_read_csv(tmp_path / "people.csv")
    assert list(written.columns) == list(frame.columns)
    numbers = frame.select_dtypes("number").columns
    np.testing.assert_allclose(
        written[numbers].to_numpy(float), frame[numbers].to_numpy(float), rtol=1e-5, atol=1e-6
    )
    assert sim.plot_trial(trial).keys() == {
        "effect_sizes.png",
        "trajectories.png",
        "responders.png",
    }


def test_the_readme_python_example_runs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)  # shipped scenarios by name: it runs from any folder
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md (Python API)", "exec"), namespace)
    assert namespace["why"].reserve_change == pytest.approx(  # type: ignore[attr-defined]
        namespace["result"]["reserve"][-1] - namespace["result"]["reserve"][0]  # type: ignore[index]
    )

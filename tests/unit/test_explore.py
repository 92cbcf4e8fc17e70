"""The explorer's server without a browser: controls, endpoints, limits and the command.

The page's settings become a scenario through the scenario schema (the same validation as a
file); the endpoints are called through Starlette's test client. What a person sees in a
real browser is checked in ``tests/browser/test_explorer_browser.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.errors import InputError, ScenarioError
from sim.explore import controls as ctl
from sim.explore import settings as st
from sim.input.scenario import load_scenario
from sim.running.simulation import simulate
from tests.conftest import ROOT

pytest.importorskip("starlette")
pytest.importorskip("starlette.testclient")


@pytest.fixture(scope="module")
def client() -> Any:
    from starlette.testclient import TestClient

    from sim.explore.app import create_app

    with TestClient(create_app()) as c:
        yield c


def _run(client: Any, changes: dict[str, Any], base: str = "combined", **extra: Any) -> Any:
    body = {"settings": {"base": base, "changes": changes}, "seq": 1, "page": "t", **extra}
    return client.post("/api/run", json=body)


# --- controls -------------------------------------------------------------------------


def test_control_ranges_are_the_schemas() -> None:
    assert (ctl.BY_KEY["age_years"].low, ctl.BY_KEY["age_years"].high) == (18.0, 100.0)
    assert (ctl.BY_KEY["attendance"].low, ctl.BY_KEY["attendance"].high) == (0.0, 1.0)
    assert ctl.BY_KEY["intensity_fidelity"].low == 0.5
    assert ctl.BY_KEY["resistance_pct_1rm"].low == 20.0
    assert ctl.BY_KEY["cognitive_status"].options == ("healthy", "subjective_decline", "mci")
    assert ctl.BY_KEY["resistance_movements"].options[0] == "compound"


def test_every_control_has_a_value_for_every_shipped_scenario() -> None:
    for name in ctl.shipped_names():
        values = ctl.controls_of(ctl.base_mapping(name))
        assert set(values) == set(ctl.BY_KEY), name


def test_an_untouched_base_is_the_shipped_scenario() -> None:
    built = st.build_scenario({"base": "detraining", "changes": {}})
    assert built.scenario == load_scenario("detraining")


def test_training_days_spread_over_the_week() -> None:
    assert st.spread_days(2) == ["mon", "thu"]
    assert st.spread_days(3) == ["mon", "wed", "fri"]
    assert st.spread_days(7) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert st.spread_days(0) == []


def test_regimen_controls_rebuild_the_week() -> None:
    built = st.build_scenario({"base": "combined", "changes": {"hiit_per_week": 2,
                                                                "resistance_sets": 5}})  # fmt: skip
    (block,) = built.scenario.blocks
    kinds = [s.modality for s in block.sessions]
    assert (kinds.count("aerobic"), kinds.count("hiit"), kinds.count("resistance")) == (3, 2, 2)
    assert all(s.sets == 5 for s in block.sessions if s.modality == "resistance")
    assert block.weeks == built.scenario.duration_weeks == 24


def test_length_change_fits_a_multi_block_scenario() -> None:
    base = load_scenario("detraining")
    assert len(base.blocks) >= 1
    built = st.build_scenario({"base": "detraining", "changes": {"duration_weeks": 10}})
    assert sum(b.weeks for b in built.scenario.blocks) == 10
    assert st.fit_blocks([{"weeks": 4}, {"weeks": 4}], 6) == [{"weeks": 4}, {"weeks": 2}]
    assert st.fit_blocks([{"weeks": 4}], 9) == [{"weeks": 9}]


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"base": "no_such", "changes": {}}, "not a shipped scenario"),
        ({"base": "../../pyproject", "changes": {}}, "not a shipped scenario"),
        ({"base": "combined", "changes": {"bogus": 1}}, "not a control"),
        ({"base": "combined", "changes": {"age_years": "old"}}, "not a number"),
        ({"base": "combined", "changes": {"sex": "other"}}, "not one of female, male"),
        ({"base": "combined", "changes": {"age_years": 130}}, "participant.age_years"),
        ({"base": "combined", "changes": {"hiit_per_week": 1, "hiit_intervals": 30}},
         "do not fit in duration_min"),
        ([], "not a mapping"),
    ],
)  # fmt: skip
def test_refused_settings_get_the_schemas_message(settings: Any, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        st.build_scenario(settings)
    assert words in str(info.value)
    assert "Fix:" in str(info.value)


def test_a_refusal_names_the_controls_behind_the_fields() -> None:
    with pytest.raises(ScenarioError) as info:
        st.build_scenario({"base": "combined", "changes": {"hiit_per_week": 1,
                                                            "hiit_intervals": 12}})  # fmt: skip
    assert str(info.value).endswith('In the explorer: "HIIT session minutes" and "HIIT intervals".')
    with pytest.raises(ScenarioError) as info:
        st.build_scenario({"base": "combined", "changes": {"age_years": 12}})
    assert str(info.value).endswith('In the explorer: "Age".')


def test_adherence_controls_reach_the_scenario() -> None:
    built = st.build_scenario(
        {"base": "supervised", "changes": {"attendance": 0.5, "intensity_fidelity": 0.7}}
    )
    assert built.scenario.adherence.attendance == 0.5
    assert built.scenario.adherence.intensity_fidelity == 0.7
    full = simulate(load_scenario("supervised")).metrics["strength_change_pct"]
    assert simulate(built.scenario).metrics["strength_change_pct"] < full


def test_downloaded_file_reproduces_the_run(tmp_path: Path) -> None:
    built = st.build_scenario({"base": "resistance", "changes": {"age_years": 72,
                                                                  "resistance_pct_1rm": 80}})  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(built.yaml_text())
    assert load_scenario(path) == built.scenario
    assert simulate(load_scenario(path)).metrics == simulate(built.scenario).metrics


# --- endpoints ------------------------------------------------------------------------


def test_page_and_its_files_carry_a_strict_policy(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Illustrative teaching model, not clinical" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert client.get("/static/explorer.js").status_code == 200
    assert client.get("/static/explorer.css").headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    "path",
    ["/static/index.html", "/static/..%2f..%2fpyproject.toml", "/static/app.py",
     "/../pyproject.toml", "/api/../../etc/passwd"],
)  # fmt: skip
def test_no_file_a_request_names_is_sent(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "[project]" not in response.text and "root:" not in response.text


def test_run_gives_headline_curves_and_control_values(client: Any) -> None:
    response = _run(client, {"age_years": 70})
    assert response.status_code == 200
    out = response.json()
    assert out["name"] == "combined_explored" and out["values"]["age_years"] == 70
    assert [h["key"] for h in out["headline"]][-2:] == ["reserve_final", "cognition_z_final"]
    expected = simulate(st.build_scenario({"base": "combined",
                                            "changes": {"age_years": 70}}).scenario)  # fmt: skip
    assert {h["key"]: h["value"] for h in out["headline"]} == {
        h["key"]: expected.metrics[h["key"]] for h in out["headline"]
    }
    assert len(out["slow"]) == 6 and len(out["performance"]["panels"]) == 4
    assert "not clinical" in out["note"]


def test_detail_gives_the_session_and_the_pathways(client: Any) -> None:
    body = {"settings": {"base": "hiit", "changes": {}}, "seq": 1, "page": "d"}
    only = client.post("/api/detail", json={**body, "views": ["why"]}).json()
    assert "why" in only and "session" not in only
    bad = client.post("/api/detail", json={**body, "views": ["../secrets"]})
    assert bad.status_code == 422
    out = client.post("/api/detail", json=body).json()
    titles = [p["title"] for p in out["session"]["panels"]]
    assert titles[:2] == ["Blood lactate", "Plasma IL-6"]
    lactate = out["session"]["panels"][0]["lines"][0]["y"]
    assert max(lactate) > 2 * lactate[0]  # HIIT raises lactate well above rest
    assert out["why"]["parts"][0] == "brain BDNF" and out["why"]["rows"][0]["arm"] == "hiit"


def test_refused_setting_answers_422_with_the_message(client: Any) -> None:
    response = _run(client, {"hiit_per_week": 1, "hiit_intervals": 30})
    assert response.status_code == 422
    assert "do not fit in duration_min" in response.json()["error"]


def test_request_sizes_are_bounded(client: Any) -> None:
    from sim.explore.app import MAX_BODY

    body = json.dumps({"settings": {"base": "combined", "changes": {}}, "pad": "x" * MAX_BODY})
    response = client.post("/api/run", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert client.post("/api/run", content=b"{not json").status_code == 422


def test_an_overtaken_request_is_dropped_without_running(client: Any) -> None:
    engine = client.app.state.engine
    runs = engine.runs
    engine.latest[("p", "run")] = 5
    response = _run(client, {"age_years": 51}, seq=3, page="p")
    assert response.status_code == 409 and engine.runs == runs
    assert _run(client, {"age_years": 51}, seq=6, page="p").status_code == 200
    assert engine.runs == runs + 1


def test_compare_up_to_four(client: Any) -> None:
    items = [{"base": n, "changes": {}} for n in ("aerobic", "resistance", "combined")]
    out = client.post("/api/compare", json={"items": items}).json()
    assert [r["label"] for r in out["rows"]] == ["1. aerobic", "2. resistance", "3. combined"]
    assert all(len(p["lines"]) == 3 for p in out["panels"])
    too_many = client.post("/api/compare", json={"items": items * 2})
    assert too_many.status_code == 422 and "1 to 4" in too_many.json()["error"]


def test_scenario_and_report_downloads(client: Any, tmp_path: Path) -> None:
    body = {"settings": {"base": "aerobic", "changes": {"aerobic_duration_min": 30}}}
    response = client.post("/api/scenario", json=body)
    assert response.headers["content-disposition"] == (
        'attachment; filename="aerobic_explored.yaml"'
    )
    data = yaml.safe_load(response.text)
    assert data["blocks"][0]["sessions"][0]["duration_min"] == 30
    report = client.post("/api/report", json=body)
    assert report.status_code == 200 and "Illustrative teaching model" in report.text
    assert report.text.count("data:image/png;base64,") == 3
    items = [{"base": n, "changes": {}} for n in ("aerobic", "resistance")]
    side = client.post("/api/report", json={"items": items})
    assert side.headers["content-disposition"] == 'attachment; filename="side_by_side.html"'
    assert "1. aerobic" in side.text and "2. resistance" in side.text
    assert side.text.count("data:image/png;base64,") == 3  # slow states, bars, acute


def test_claims_tour_rows_name_shipped_scenarios(client: Any) -> None:
    from sim.presentation.report.ledger import claim_rows

    claims = client.get("/api/catalogue").json()["claims"]
    names = set(ctl.shipped_names())
    assert len(claims) >= 20
    assert all(1 <= len(c["scenarios"]) <= 4 and set(c["scenarios"]) <= names for c in claims)
    assert {c["number"] for c in claims} <= {r.number for r in claim_rows()}
    assert all("<script" not in c["verdict"] for c in claims)
    c9 = next(c for c in claims if c["number"] == "C9")
    assert "combined &gt; aerobic" in c9["robustness"]


# --- the command ----------------------------------------------------------------------


def _explore(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", "explore", "--no-browser", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip


def test_unknown_start_scenario_exits_2() -> None:
    done = _explore("--scenario", "nope")
    assert done.returncode == 2 and "not a shipped scenario" in done.stderr
    assert "Traceback" not in done.stderr


def test_port_in_use_and_bad_port_exit_2() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        done = _explore("--port", str(s.getsockname()[1]))
    assert done.returncode == 2 and "in use" in done.stderr and "Fix:" in done.stderr
    assert _explore("--port", "80").returncode == 2


def test_server_binds_localhost_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from sim.explore import serve

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: seen.update(host=self.config.host))
    serve.serve(port=None, open_browser=False, announce=lambda _: None)
    assert seen["host"] == "127.0.0.1"


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.explore.serve import require_explore

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(InputError, match=r"pip install 'musclebrain\[explore\]'"):
        require_explore()

"""The tutorial notebook runs from top to bottom (nbclient), so it cannot rot."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


def test_tutorial_runs_without_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # a fresh working folder, as a user's: shipped scenarios are loaded by name, not by path
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure was shown"
    text = " ".join(str(o.get("text", "")) for o in outputs)
    assert "block weeks add up to 24 but duration_weeks is 12" in text


def test_tutorial_is_committed_without_outputs_and_says_illustrative() -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    prose = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "not clinical" in prose and "Illustrative" in prose

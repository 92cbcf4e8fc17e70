"""Every figure the claims ledger cites shows the quantity the claim is about.

The ledger (``docs/claims.md``) names, for each claim, the metric and the figures to look at.
Here each figure is drawn as the commands draw it, the text in it (titles, axis labels,
legend entries) is captured as it is saved, and for every quantity a row's metric names,
at least one of the row's figures must name that quantity.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib.figure
import pytest

from sim.cli import main
from sim.presentation.report.ledger import claim_rows
from tests.conftest import SCENARIOS

FIGURES = {
    "acute": "acute_response.png",
    "slow": "slow_states.png",
    "bars": "final_bars.png",
    "overview": "overview.png",
    "session": "session.png",
    "performance": "performance.png",
}
"""The ledger's figure keys and the files they name (its "How to see a row")."""

# A word of the metric cell -> the text a figure showing that quantity carries.
QUANTITY_WORDS = {
    r"\bIL-6\b": "il-6",
    r"\birisin\b": "irisin",
    r"\bCTSB\b|cathepsin": "cathepsin b",
    r"FGF-21": "fgf-21",
    r"\blactate\b": "lactate",
    r"serum BDNF|bdnf_serum": "serum bdnf",
    r"bdnf_brain|brain BDNF": "brain bdnf",
    r"\bstrength": "strength",
    r"\bfitness": "fitness",
    r"\breserve": "reserve",
    r"\bcognition": "cognition",
    r"IGF-1|igf1": "igf-1",
    r"\bfatigue\b": "fatigue",
    r"inflammation": "inflammation",
}


@pytest.fixture(scope="module")
def figure_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Lower-cased text of each figure file, captured when it is saved."""
    texts: dict[str, str] = {}
    original = matplotlib.figure.Figure.savefig

    def capture(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
        found = [t.get_text() for t in self.findobj(matplotlib.text.Text)]
        found += [ln.get_label() for ax in self.axes for ln in ax.get_lines()]
        texts[Path(str(fname)).name] = " ".join(found).lower()
        return original(self, fname, *args, **kwargs)

    out = tmp_path_factory.mktemp("figs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matplotlib.figure.Figure, "savefig", capture)
        assert main(["run", str(SCENARIOS / "hiit.yaml"), "--out", str(out / "run")]) == 0
        pair = [str(SCENARIOS / f"{n}.yaml") for n in ("aerobic", "resistance")]
        assert main(["compare", *pair, "--out", str(out / "cmp")]) == 0
    assert set(FIGURES.values()) <= set(texts), sorted(texts)
    return texts


ROWS = [r for r in claim_rows() if r.figure.strip() != "none"]


@pytest.mark.parametrize("row", ROWS, ids=[r.number for r in ROWS])
def test_cited_figures_show_the_claims_quantities(row, figure_texts) -> None:  # type: ignore[no-untyped-def]
    keys = re.findall(r"[a-z]+", re.sub(r"\(.*?\)", "", row.figure))
    unknown = [k for k in keys if k not in FIGURES]
    assert not unknown, f"{row.number} cites unknown figures {unknown}"
    shown = " ".join(figure_texts[FIGURES[k]] for k in keys)
    wanted = {text for word, text in QUANTITY_WORDS.items() if re.search(word, row.metric)}
    missing = sorted(t for t in wanted if t not in shown)
    assert not missing, f"{row.number}: {missing} not in any of {keys}"

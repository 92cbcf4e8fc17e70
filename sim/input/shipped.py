"""The shipped scenarios and trials, read from the installed package by name.

The top-level ``scenarios/`` folder of the repository is their one source; in the package it
is ``sim/scenarios`` (a link in a checkout, copies in a wheel), so a scenario runs by name
(``musclebrain run combined``) wherever musclebrain is installed.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any


@functools.cache
def scenario_dir() -> Path:
    """The folder of the shipped scenario files (``*.yaml``); trials are in ``trials/``."""
    from importlib import resources  # ~10 ms: only when a shipped file is wanted

    return Path(str(resources.files("sim") / "scenarios")).resolve()


def __getattr__(name: str) -> Any:
    """``SCENARIO_DIR`` and ``TRIAL_DIR``, found on first use (``import sim.cli`` stays fast)."""
    if name == "SCENARIO_DIR":
        return scenario_dir()
    if name == "TRIAL_DIR":
        return scenario_dir() / "trials"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def shipped_scenarios() -> list[Path]:
    """The shipped scenario files, sorted by name."""
    return sorted(scenario_dir().glob("*.yaml"))


def shipped_trials() -> list[Path]:
    """The shipped trial files, sorted by name."""
    return sorted((scenario_dir() / "trials").glob("*.yaml"))


def _is_path(text: str) -> bool:
    """Whether ``text`` is meant as a file path rather than a shipped file's name."""
    return Path(text).exists() or "/" in text or "\\" in text or text.endswith((".yaml", ".yml"))


def shipped_file(text: str, trial: bool = False) -> str | None:
    """The shipped scenario (or trial) file named ``text``; None for a path or an unknown name."""
    if _is_path(text):
        return None
    folder = scenario_dir() / "trials" if trial else scenario_dir()
    candidate = folder / f"{text.strip().replace('-', '_')}.yaml"
    return str(candidate) if candidate.is_file() else None


def _by_name(text: str, trial: bool, kind: str, listing: list[Path]) -> str:
    """``text`` itself if it names a file; else the shipped ``kind`` of that name."""
    from sim.errors import InputError

    if _is_path(text):
        return text
    found = shipped_file(text, trial)
    if found is not None:
        return found
    stem = text.strip().replace("-", "_")
    other, command = ("trial", "trial") if kind == "scenario" else ("scenario", "run")
    if shipped_file(stem, not trial) is not None:
        raise InputError(
            f"{text}: a shipped {other}, not a {kind}. "
            f"Fix: run it with `musclebrain {command} {stem}`."
        )
    import difflib

    names = [p.stem for p in listing]
    close = difflib.get_close_matches(stem, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}? " if close else ". "
    raise InputError(
        f"{text}: no such file, and no shipped {kind} of that name{hint}"
        "Fix: give a file path, or one of the names `musclebrain scenarios` lists."
    )


def resolve_scenario(text: str) -> str:
    """A scenario argument as a path: a file as given, or a shipped scenario by name."""
    return _by_name(text, False, "scenario", shipped_scenarios())


def resolve_trial(text: str) -> str:
    """A trial argument as a path: a file as given, or a shipped trial by name."""
    return _by_name(text, True, "trial", shipped_trials())


def lesson(description: str, width: int = 200) -> str:
    """The one-line lesson of a scenario: its "Teaches: ..." sentence, else its first sentence."""
    text = " ".join(str(description).split())
    if "Teaches:" in text:
        text = text.split("Teaches:", 1)[1].strip()
    sentence = text.split(". ", 1)[0].rstrip(".")
    return sentence if len(sentence) <= width else sentence[: width - 3].rstrip() + "..."


TRIAL_KEYS = frozenset({"arms", "control", "population", "outcome"})
SCENARIO_KEYS = frozenset({"blocks", "participant", "duration_weeks", "progression"})


def other_kind(path: str, expected: str) -> str | None:
    """If ``path`` is a trial file where a scenario was expected (or the reverse), the
    sentence that says which command it belongs to; else ``None``."""
    from sim.input.yamlfile import read_yaml

    try:
        data = read_yaml(path, ValueError)
    except Exception:
        return None
    if not isinstance(data, dict):
        return None
    keys = set(map(str, data))
    if expected == "scenario" and keys & TRIAL_KEYS >= {"arms"}:
        return (
            f"{path}: this is a trial file (it has arms:), not a scenario. "
            f"Fix: run it with `musclebrain trial {path}`."
        )
    if expected == "trial" and "arms" not in keys and keys & SCENARIO_KEYS:
        return (
            f"{path}: this is a scenario file, not a trial (it has no arms:). "
            f"Fix: run it with `musclebrain run {path}`, or check it with "
            f"`musclebrain validate {path}`."
        )
    return None

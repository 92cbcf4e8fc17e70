"""One exception hierarchy for musclebrain.

Every error a user can cause is an :class:`InputError` (exit code 2 at the CLI); the message
names the file, the field path, the bad value and the fix. Failures of the numerics are
:class:`SolverError` (exit code 1): they are the program's fault, not the user's.
"""

from __future__ import annotations


class MusclebrainError(Exception):
    """Base class of every error raised on purpose by musclebrain."""


class InputError(MusclebrainError):
    """Bad input from the user: a scenario, trial or parameter file, or a command-line value."""


class ScenarioError(InputError):
    """A scenario file that cannot be read or does not validate.

    Parameters
    ----------
    message
        The full, human-readable message (file, field path, value, fix).
    path
        The file the problem is in, when there is one.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class ParameterError(InputError):
    """An unknown model parameter name, or a value outside its bounds."""


class TrialError(InputError):
    """A trial file that cannot be read, does not validate, or whose arms do not fit it."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class LimitError(InputError):
    """A run or trial whose estimated size is beyond a limit (or a limit set badly)."""


class OutputError(InputError):
    """An output folder that exists and is not empty (without ``--force``), or cannot be written."""


class SolverError(MusclebrainError):
    """The ODE integration failed on a segment; names scenario, segment and the solver's message."""


class ReportUnavailable(InputError):
    """``report.html`` cannot be written: Jinja2 (the ``[report]`` extra) is not installed."""


class RequestTooLarge(InputError):
    """A request to the explorer's server with a body above its bound."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every clean-up on the way out runs the same way."""

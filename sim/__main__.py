"""The program's entry: ``python -m sim`` and the ``musclebrain`` console script.

Ctrl-C or SIGTERM while the program is still starting (importing the CLI) ends it quietly with
the usual exit code, before anything is written: this module installs those handlers first,
and :func:`sim.cli.main` takes over once it runs. Only the program's start imports this module.
"""

from __future__ import annotations

import signal
import sys


def _stopped_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write("interrupted; nothing was written\n")
    raise SystemExit(128 + signum)


signal.signal(signal.SIGINT, _stopped_while_starting)
signal.signal(signal.SIGTERM, _stopped_while_starting)


def main() -> int:
    """Run the command line (see :mod:`sim.cli`); returns the exit code."""
    from sim.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())

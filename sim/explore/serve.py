"""Serve the explorer on 127.0.0.1 with uvicorn: the ``musclebrain explore`` command's work."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable
from typing import Any

from sim.errors import InputError

INSTALL = "pip install 'musclebrain[explore]'"
HOST = "127.0.0.1"
"""The only address the explorer listens on: nobody else on the network can reach it."""


def require_explore() -> None:
    """Starlette and uvicorn, or an InputError naming the extra to install (exit 2)."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise InputError(
            f"the explorer needs Starlette and uvicorn, which are not installed. Fix: {INSTALL}"
        ) from None


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def check_port(port: int) -> None:
    """Refuse a port already in use, with the fix (exit 2), before the server starts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            raise InputError(
                f"--port {port}: the port is in use on {HOST}. Fix: leave out --port (a free "
                "one is chosen) or give another."
            ) from None


def serve(
    port: int | None = None,
    open_browser: bool = True,
    scenario: str | None = None,
    announce: Callable[[str], Any] = print,
) -> None:
    """Run the explorer until Ctrl-C (which reaches the caller as KeyboardInterrupt)."""
    import uvicorn

    from sim.explore.app import create_app

    if port is None:
        port = free_port()
    else:
        check_port(port)
    url = f"http://{HOST}:{port}/" + (f"?scenario={scenario}" if scenario else "")
    config = uvicorn.Config(create_app(), host=HOST, port=port, log_level="warning",
                            access_log=False, lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    announce(f"musclebrain explorer: {url}  (Ctrl-C stops it)")
    announce("Illustrative teaching model, not clinical.")
    if open_browser:
        webbrowser.open(url)
    server.run()

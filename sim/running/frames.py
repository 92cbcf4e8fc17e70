"""pandas for the ``to_frame()`` methods: an optional extra, imported only when asked for."""

from __future__ import annotations

from typing import Any

INSTALL_HINT = "pip install 'musclebrain[data]'"


def pandas() -> Any:
    """The pandas module, or an ImportError that says how to install it."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            f"to_frame() needs pandas, which is not installed. Fix: {INSTALL_HINT}"
        ) from None
    return pd

"""musclebrain: an illustrative simulation of muscle-brain signalling.

Illustrative, not clinical: the model teaches mechanisms and trade-offs between training
regimens; it predicts nobody's health.

``import sim`` stays light: matplotlib, the CLI and the plotting code are imported only where
they are used.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

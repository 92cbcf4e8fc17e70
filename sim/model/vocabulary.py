"""The words and units every part of musclebrain shares, each defined once.

Time is in hours throughout the model; days of the week, genotypes and cognitive statuses
are spelled as a scenario file spells them.
"""

from __future__ import annotations

HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0
HOURS_PER_YEAR = 8766.0  # 365.25 days

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Days of the week as a scenario names them; a week starts on Monday at 00:00."""

GENOTYPES = ("val/val", "val/met", "met/met")
"""BDNF Val66Met genotypes; a cohort stores a person's genotype as an index into this."""

COGNITIVE_STATUSES = ("healthy", "subjective_decline", "mci")
"""Cognitive statuses of a participant; a cohort stores an index into this."""

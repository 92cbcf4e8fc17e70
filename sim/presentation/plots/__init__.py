"""Figures (matplotlib): of a run, of a comparison and of a trial."""

"""Analyses built on runs: comparisons of scenarios and virtual trials."""

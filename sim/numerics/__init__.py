"""Numerics: the integrators of the model's ODEs, segment by segment between drive changes."""

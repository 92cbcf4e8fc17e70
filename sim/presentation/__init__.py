"""Presentation: figures and text tables for people (never imported by calculation)."""

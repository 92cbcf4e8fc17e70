"""Running: the SimPy schedule, simulate, the cohort engine and the results of a run."""

"""SBML Level 3 export of the model, with one run's bouts as events."""

"""Input/output at the edge: output folders written atomically, and the SBML export."""

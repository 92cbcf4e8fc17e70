"""Input: the scenario and trial schemas, YAML reading and the messages for bad input."""

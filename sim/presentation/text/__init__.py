"""Text for the terminal: comparison and trial tables, the parameter table."""

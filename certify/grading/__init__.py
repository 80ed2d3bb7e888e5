"""Grading: auto-marking, rubric marking, pass rules, results and their history."""

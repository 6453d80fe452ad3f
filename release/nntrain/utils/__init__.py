"""Helpers every notebook uses and students do not write: gradient checks, data, Solver, plots."""

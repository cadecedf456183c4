"""Copies of the demo's rule file and example data."""

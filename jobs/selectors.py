"""Reads of the jobs app, scoped to the user."""

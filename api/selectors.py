"""Reads of the api app, scoped to the user."""

"""Pages of the api app (no query here: reads go through selectors)."""

"""Pages of the jobs app (no query here: reads go through selectors)."""

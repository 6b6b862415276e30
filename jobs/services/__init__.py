"""Writes of the jobs app: each checks its actor (bianzhi.roles.authorize) and leaves an audit row."""

"""Writes of the api app: each checks its actor (bianzhi.roles.authorize) and leaves an audit row."""

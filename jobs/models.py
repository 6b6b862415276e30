"""Long work run by the task queue, with its progress and result (issue 17)."""

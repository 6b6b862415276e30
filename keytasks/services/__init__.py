"""Writes of the key-task ledger: the plan, its stages, progress entries, completion (filed into the
matching 独立档案). Office staff of the region (``edit_registry``); every write audited."""

from keytasks.services.tasks import (  # noqa: F401
    defaults_create,
    progress_add,
    stage_add,
    stage_done,
    task_complete,
    task_create,
    task_update,
)

"""Pages of the key-task ledger (重点工作台账)."""

from keytasks.views.tasks import (  # noqa: F401
    attachment_download,
    progress_add,
    stage_add,
    stage_done,
    task_complete,
    task_create,
    task_defaults,
    task_detail,
    task_edit,
    task_list,
    task_pdf,
)

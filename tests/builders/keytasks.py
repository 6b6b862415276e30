"""What the URL walk (tests/test_url_walk.py) needs from the `keytasks` app: the registry object each of
its ``pk`` URLs names (``URL_PK_KIND``: URL name → key of ``url_objects``), and one of each such object
belonging to unit A (``url_objects``); and ``make_task``, a key task built through the services."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

URL_PK_KIND: dict[str, str] = {
    "keytasks:task_detail": "key_task",
    "keytasks:task_edit": "key_task",
    "keytasks:stage_add": "key_task",
    "keytasks:progress_add": "key_task",
    "keytasks:task_complete": "key_task",
    "keytasks:task_pdf": "key_task",
    "keytasks:stage_done": "key_stage",
    "keytasks:attachment_download": "key_attachment",
}


def make_task(region, *, actor=None, name: str = "机构改革", kind: str = "机构改革", **kw):
    from keytasks.services import task_create

    kw.setdefault("stages", ["制定方案", "组织实施"])
    return task_create(
        region=region,
        kind=kind,
        name=name,
        goal=kw.pop("goal", "完成机构改革任务。"),
        lead=kw.pop("lead", "编办秘书股"),
        starts_on=kw.pop("starts_on", dt.date(2021, 1, 1)),
        due_on=kw.pop("due_on", dt.date(2021, 12, 31)),
        actor=actor,
        **kw,
    )


def url_objects(unit) -> dict:
    """One of each object the app's URLs name, of ``unit`` (unit A of the walk)."""
    from keytasks.services import progress_add

    task = make_task(unit.region)
    entry = progress_add(
        task=task,
        occurred_on=dt.date(2021, 3, 1),
        text="召开动员会。",
        actor=None,
        uploads=[SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4\n")],
    )
    return {"key_task": task, "key_stage": task.stages.first(), "key_attachment": entry.attachments.get()}

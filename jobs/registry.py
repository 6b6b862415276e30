"""Job kinds and their handlers.

Apps register handlers in their ``tasks.py`` (imported in every process at start-up, see
``jobs.apps``)::

    from jobs.registry import job

    @job("ledgers.table3_pdf", label="打印表三")
    def table3_pdf(job, progress):
        progress.stage("读取数据", total=n)
        ...
        return JobResult(file=pdf, filename="表三.pdf")

A handler gets the ``Job`` row (``job.owner`` is the actor, ``job.region``, ``job.params``) and a
``jobs.progress.Progress``; it returns a ``JobResult`` or None. It raises ``ValidationError`` or
``PermissionDenied`` with a Chinese message to fail the job with that reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    kind: str
    label: str
    func: Callable


HANDLERS: dict[str, Handler] = {}


def job(kind: str, *, label: str):
    """Register ``handler(job, progress) -> JobResult | None`` under ``kind`` (e.g. "ledgers.table3_pdf")
    with its Chinese label (e.g. "打印表三")."""

    def register(func: Callable) -> Callable:
        known = HANDLERS.get(kind)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job kind {kind!r} registered twice")
        HANDLERS[kind] = Handler(kind=kind, label=label, func=func)
        return func

    return register


def handler_for(kind: str) -> Handler | None:
    return HANDLERS.get(kind)


def label_of(kind: str) -> str:
    handler = HANDLERS.get(kind)
    return handler.label if handler else kind

"""What the jobs tests and the URL walk need: handlers of test kinds (registered on import; a worker
subprocess imports them with BIANZHI_JOBS_IMPORT=tests.builders.jobs), and one job of unit A's region."""

from __future__ import annotations

import threading
import time

from django.core.exceptions import ValidationError
from django.db import transaction

from bianzhi import audit
from jobs.models import Job, JobStatus
from jobs.registry import job
from jobs.results import JobResult

URL_PK_KIND: dict[str, str] = {
    "jobs:job_detail": "job",
    "jobs:job_download": "job",
    "jobs:job_cancel": "job",
}


@job("tests.count", label="测试计数")
def count(job, progress):
    """Counts ``params["rows"]`` rows in stages, writing one audit row per row inside one transaction
    (all-or-nothing); ``params["sleep"]`` seconds per row; ``params["fail_at"]`` raises a Chinese
    ValidationError at that row, ``params["crash_at"]`` a plain error."""
    rows = int(job.params.get("rows", 10))
    pause = float(job.params.get("sleep", 0))
    progress.stage("读取文件", total=rows)
    for _ in range(rows):
        progress.advance()
    progress.stage("写入结果", total=rows)
    with transaction.atomic():
        for i in range(rows):
            if job.params.get("fail_at") == i:
                raise ValidationError(f"第{i + 1}行：测试数据有误")
            if job.params.get("crash_at") == i:
                raise RuntimeError("boom")
            audit.record(actor=job.owner, action="测试.写入", region=job.region, target_repr=f"行{i}")
            if pause:
                time.sleep(pause)
            progress.advance()
    return JobResult(
        file=f"rows={rows}".encode(),
        filename="测试结果.txt",
        url="/jobs/",
        message=f"共写入 {rows} 行",
    )


@job("tests.cancel_inside", label="测试迟到的取消")
def cancel_inside(job, progress):
    """Writes one row; the owner asks to cancel while its transaction is open, after its last progress."""
    progress.stage("写入结果", total=1)
    with transaction.atomic():
        audit.record(actor=job.owner, action="测试.写入", region=job.region, target_repr="行0")
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    return JobResult(message="共写入 1 行")


@job("tests.authorized", label="测试权限")
def authorized(job, progress):
    from bianzhi.roles import authorize

    authorize(job.owner, "import", region=job.region)
    return JobResult(message="有权限")


def url_objects(unit) -> dict:
    """One finished job of unit A's region with a result file, owned by the system."""
    from django.core.files.base import ContentFile

    done = Job.objects.create(kind="tests.count", label="测试计数", region=unit.region, status=JobStatus.DONE)
    done.result_file.save("测试结果.txt", ContentFile(b"x"), save=False)
    done.result_name = "测试结果.txt"
    done.save()
    return {"job": done}


def off_the_main_thread(function, *args, **kwargs):
    """Runs ``function`` in a thread of its own and returns its result (or raises its error).

    procrastinate's worker and its ``open_async`` call ``asyncio.run``, which refuses a thread whose
    event loop is running — and the main thread of a pytest-xdist worker has one for the rest of the
    session once a browser test has started Playwright's sync API there."""
    outcome: dict = {}

    def call():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the caller
            outcome["error"] = error
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")

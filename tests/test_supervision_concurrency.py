"""整改通知书 and 举报 numbers under concurrent requests (PostgreSQL: real row locks, real threads): every
clerk gets a number, the numbers are unique and have no gaps."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from archives.models import DedicatedFile
from bianzhi import workdays
from bianzhi.roles import Role
from supervision import services
from supervision.models import Notice, Report
from tests.builders.registry import make_region, make_unit, make_user
from tests.builders.supervision import make_inspection, make_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock races need PostgreSQL (CI runs them there)"
    ),
]


def race(workers):
    barrier = threading.Barrier(len(workers))
    wins, crashes = [], []

    def run(fn):
        try:
            barrier.wait()
            wins.append(fn())
        except Exception as exc:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not crashes, crashes
    return wins


@pytest.fixture
def county(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workdays.seed_from_package(range(2021, dt.date.today().year + 1))
    DedicatedFile.objects.get_or_create(kind="监督检查", defaults={"name": "机构编制监督检查工作档案"})
    region = make_region()
    staff = [make_user(f"clerk{i}", Role.OFFICE_STAFF, regions=[region]) for i in range(4)]
    units = [make_unit(region, f"漳县测试局{i}") for i in range(4)]
    return region, staff, units


def test_concurrent_notices_get_consecutive_unique_numbers(county):
    region, staff, units = county
    inspection = make_inspection(region, units)
    for unit in units:
        services.finding_add(inspection=inspection, unit=unit, kind="其他", description="问题", actor=None)
    deadline = dt.date.today() + dt.timedelta(days=30)
    workers = [
        (
            lambda u=u, s=s: services.notice_issue(
                inspection=inspection, unit=u, deadline=deadline, requirements="整改", actor=s
            )
        )
        for u, s in zip(units, staff, strict=True)
    ]
    race(workers)
    seqs = sorted(Notice.objects.values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4]
    assert len(set(Notice.objects.values_list("number", flat=True))) == 4


def test_concurrent_reports_get_consecutive_unique_numbers(county):
    region, staff, _ = county
    race([(lambda s=s: make_report(region, actor=s)) for s in staff * 2])
    assert sorted(Report.objects.values_list("seq", flat=True)) == list(range(1, 9))

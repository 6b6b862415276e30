"""Benchmark: importing and exporting a 10,000-person staff workbook (SQLite and PostgreSQL).

    .venv/bin/python bench/bench_import_export.py [--people 10000] [--db sqlite|postgres|both]

SQLite uses a fresh file /tmp/bench_x.sqlite3. PostgreSQL uses the server of $DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/) with a database ``bench_imp`` created and dropped here. Each
database runs in its own process (Django is configured once per process). Printed per database:
wall time and peak memory (tracemalloc peak of a second, traced run; ru_maxrss of the process) of
``import_staff_file`` and ``staff_workbook``, against baselines measured in the same run: reading the
workbook with calamine and openpyxl, writing the same rows with openpyxl, and a raw bulk_create.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE = "/tmp/bench_x.sqlite3"
PG_NAME = "bench_imp"


def _pg_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url.rsplit("/", 1)[0]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_pg_url() + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def timed(label: str, fn, results: dict, *, trace: bool = False):
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - start
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    results[label] = (elapsed, peak)
    return value


def run_one(db: str, people: int) -> None:
    if db == "sqlite":
        Path(SQLITE).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _pg_admin(f"CREATE DATABASE {PG_NAME}")
        os.environ["DATABASE_URL"] = f"{_pg_url()}/{PG_NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bianzhi.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        _bench(db, people)
    finally:
        from django.db import connections

        connections.close_all()
        if db == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")


def _workbooks(people: int):
    import openpyxl

    from bianzhi.lib.idnumbers import make_credit_code, make_id
    from units.imports import STAFF_HEADERS, UNIT_HEADERS

    n_units = 300
    ub = openpyxl.Workbook(write_only=True)
    ws = ub.create_sheet("机构")
    ws.append(UNIT_HEADERS)
    per_unit = people // n_units + 1
    for i in range(n_units):
        nature = ("行政机关", "参公事业单位", "事业单位")[i % 3]
        etype = {"行政机关": "行政编制", "参公事业单位": "参公事业编制", "事业单位": "事业编制"}[nature]
        row = {
            "机构名称": f"漳县测试单位{i:03d}",
            "机构性质": nature,
            "系统类别": "政府",
            "经费形式": "全额拨款",
            "统一社会信用代码": make_credit_code(i + 1, "11621125"),
            "核定文号": "漳编发〔2021〕1号",
            etype: per_unit - (1 if i % 50 == 0 else 0),
            "单位领导正职职数": 1,
            "单位领导副职职数": 2,
        }
        if nature == "事业单位":
            row["事业单位类别"] = "公益一类"
        ws.append([row.get(h) for h in UNIT_HEADERS])
    units = io.BytesIO()
    ub.save(units)
    sb = openpyxl.Workbook(write_only=True)
    ws = sb.create_sheet("实有人员")
    ws.append(STAFF_HEADERS)
    rows = []
    for k in range(people):
        i = k % n_units
        nature = ("行政机关", "参公事业单位", "事业单位")[i % 3]
        etype = {"行政机关": "行政编制", "参公事业单位": "参公事业编制", "事业单位": "事业编制"}[nature]
        category = {"行政机关": "公务员", "参公事业单位": "参公人员", "事业单位": "专业技术人员"}[nature]
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=k // 400)
        sex = "男" if k % 2 else "女"
        row = {
            "单位名称": f"漳县测试单位{i:03d}",
            "姓名": f"测试{k}",
            "公民身份号码": make_id("621125", birth, (k % 400) // 2, sex),
            "性别": sex,
            "出生日期": birth,
            "民族": "汉族",
            "政治面貌": "中共党员",
            "学历": "大学",
            "职务": "科员",
            "编制类型": etype,
            "人员类别": category,
            "领导职务": "单位正职" if k < n_units else "无",
            "入编时间": dt.date(2010, 1, 1) + dt.timedelta(days=k % 3000),
            "入编文号": f"漳编使〔2010〕{k}号",
            "进入方式": "考录",
            "是否军转干部": "否",
            "参加工作时间": "2009-07-01",
            "在岗状态": "在岗",
        }
        values = [row.get(h) for h in STAFF_HEADERS]
        rows.append(values)
        ws.append(values)
    staff = io.BytesIO()
    sb.save(staff)
    return units.getvalue(), staff.getvalue(), rows


def _bench(db: str, people: int) -> None:
    import openpyxl
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from bianzhi.lib.idnumbers import id_info
    from tests.builders.registry import make_region
    from units.exports import staff_workbook
    from units.imports import STAFF_HEADERS, import_staff_file, import_units_file
    from units.models import Person, Unit

    region = make_region()
    results: dict[str, tuple[float, int]] = {}
    units_xlsx, staff_xlsx, rows = _workbooks(people)
    report = timed(
        "导入机构 import_units_file (300)",
        lambda: import_units_file(units_xlsx, filename="units.xlsx", region=region, actor=None),
        results,
    )
    assert report.exit_code == 0, report.errors[:5]
    # baselines
    timed(
        "基线 calamine 读取",
        lambda: CalamineWorkbook.from_filelike(io.BytesIO(staff_xlsx)).get_sheet_by_index(0).to_python(),
        results,
    )
    timed(
        "基线 openpyxl 只读读取",
        lambda: list(
            openpyxl.load_workbook(io.BytesIO(staff_xlsx), read_only=True).active.iter_rows(values_only=True)
        ),
        results,
    )

    def openpyxl_write():
        book = openpyxl.Workbook(write_only=True)
        ws = book.create_sheet("实有人员")
        ws.append(STAFF_HEADERS)
        for r in rows:
            ws.append(r)
        book.save(io.BytesIO())

    timed("基线 openpyxl 写出", openpyxl_write, results)
    units = {u.name: u.pk for u in Unit.objects.all()}

    def raw_bulk_create():
        objs = []
        for r in rows:
            info = id_info(r[3])
            objs.append(
                Person(
                    unit_id=units[r[0]],
                    name=r[2],
                    id_number=info.number,
                    sex=info.sex,
                    birth_date=info.birth_date,
                    establishment_type=r[11],
                    category=r[12],
                    entered_on=r[14],
                )
            )
        with transaction.atomic():
            Person.objects.bulk_create(objs, batch_size=1000)
            transaction.set_rollback(True)

    timed("基线 原始 bulk_create（回滚）", raw_bulk_create, results)
    # the real thing
    report = timed(
        "导入人员 import_staff_file",
        lambda: import_staff_file(staff_xlsx, filename="staff.xlsx", region=region, actor=None),
        results,
    )
    assert report.exit_code == 0 and report.created == people, (report.errors[:5], report.created)
    over = (len(report.over_quota), len(report.over_posts))
    timed(
        "导入人员 仅校验 dry_run（内存）",
        lambda: import_staff_file(staff_xlsx, filename="staff.xlsx", region=region, actor=None, dry_run=True),
        results,
        trace=True,
    )
    again = timed(
        "再次导入（无变化）",
        lambda: import_staff_file(staff_xlsx, filename="staff.xlsx", region=region, actor=None),
        results,
    )
    assert (again.created, again.updated) == (0, 0), (again.created, again.updated, again.errors[:3])
    data = timed("导出人员 staff_workbook", lambda: staff_workbook(Person.objects.all(), actor=None), results)
    timed("导出人员（内存）", lambda: staff_workbook(Person.objects.all(), actor=None), results, trace=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n== {db}: {people} 人, 300 单位; 超编 {over[0]} 条, 超职数 {over[1]} 条; 导出 {len(data) // 1024} KiB"
    )
    for label, (elapsed, peak) in results.items():
        mem = f"  tracemalloc 峰值 {peak / 1e6:7.1f} MB" if peak else ""
        print(f"  {label:<34} {elapsed:7.2f} s{mem}")
    print(f"  进程 ru_maxrss {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    if args.db == "both":
        for db in ("sqlite", "postgres"):
            subprocess.run([sys.executable, __file__, "--people", str(args.people), "--db", db], check=False)
        return
    run_one(args.db, args.people)


if __name__ == "__main__":
    main()

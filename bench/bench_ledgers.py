"""Ledger benchmarks (issue 4): what keeping the ledgers costs, and how long check_ledgers takes.

    .venv/bin/python bench/bench_ledgers.py            # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledg .venv/bin/python bench/bench_ledgers.py
                                                        # a throw-away test_<name> PostgreSQL database

Figures printed:
1. the staff workbook import (units.imports.staff, the real bulk path) of 10,000 people into 500 units,
   with the ledgers on and off (LEDGERS_ENABLED), best of N runs, each rolled back;
2. a loop of single 入编 services (make_person) with the ledgers on and off;
3. check_ledgers (and export_ledgers) at 500 units / 10,000 people and 5,000 units / 100,000 people,
   data built directly with bulk_create (this is a bench, not a load path) and the ledgers brought in
   step with ``rebuild.repair()`` first.
Options: --small (skip the 100,000-person size), --runs N, --loop N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench_ledgers_"))
os.environ.setdefault("BIANZHI_DATA_DIR", str(TMP))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bianzhi.lib.idnumbers import make_id  # noqa: E402
from bianzhi.roles import Role  # noqa: E402
from ledgers.models import EstablishmentRow, UnitLedgerEntry  # noqa: E402
from ledgers.services import rebuild  # noqa: E402
from tests.builders.registry import make_document, make_person, make_region, make_unit, make_user  # noqa: E402
from units.choices import EstablishmentType, Nature, PostCategory, UnitEventKind  # noqa: E402
from units.models import LeaderPostQuota, Person, Quota, Unit, UnitEvent  # noqa: E402

_id_seq = iter(range(10**9))


def unique_id(region, k: int) -> tuple[str, dt.date]:
    """A distinct valid ID number for each k (500 per birth date)."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=k // 500)
    return make_id(region.code, birth, k % 500), birth


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


# ---- data built directly (bench only) -------------------------------------------------------------------


def build_units(region, doc, n_units: int, per_unit_quota: int, prefix: str) -> list[Unit]:
    """n_units 法人 units alternating 行政机关 and 事业单位, each with a quota, posts and their change records."""
    units = []
    for i in range(n_units):
        organ = i % 2 == 0
        units.append(
            Unit(
                region=region,
                name=f"{prefix}{i:05d}",
                nature=Nature.ORGAN if organ else Nature.PUBLIC_INSTITUTION,
                system="政府",
                funding="全额拨款",
                institution_class="" if organ else "公益一类",
                founding_document=doc,
                founded_on=dt.date(2000, 1, 1),
                sort_order=i,
            )
        )
    Unit.objects.bulk_create(units, batch_size=2000)
    units = list(Unit.objects.filter(name__startswith=prefix).order_by("sort_order"))
    quotas, posts, events = [], [], []
    for u in units:
        etype = EstablishmentType.ADMIN if u.nature == Nature.ORGAN else EstablishmentType.PUBLIC
        quotas.append(Quota(unit=u, establishment_type=etype, approved=per_unit_quota))
        posts.append(LeaderPostQuota(unit=u, category=PostCategory.CHIEF, approved=1))
        events.append(
            UnitEvent(unit=u, kind=UnitEventKind.FOUNDED, occurred_on=dt.date(2000, 1, 1), document=doc)
        )
        events.append(
            UnitEvent(
                unit=u,
                kind=UnitEventKind.QUOTA,
                occurred_on=dt.date(2000, 1, 1),
                document=doc,
                establishment_type=etype,
                delta=per_unit_quota,
                balance=per_unit_quota,
            )
        )
        events.append(
            UnitEvent(
                unit=u,
                kind=UnitEventKind.POSTS,
                occurred_on=dt.date(2000, 1, 1),
                document=doc,
                post_category=PostCategory.CHIEF,
                delta=1,
                balance=1,
            )
        )
    Quota.objects.bulk_create(quotas, batch_size=2000)
    LeaderPostQuota.objects.bulk_create(posts, batch_size=2000)
    UnitEvent.objects.bulk_create(events, batch_size=2000)
    return units


def build_people(region, units: list[Unit], n_people: int) -> None:
    batch = []
    for k in range(n_people):
        u = units[k % len(units)]
        etype = EstablishmentType.ADMIN if u.nature == Nature.ORGAN else EstablishmentType.PUBLIC
        number, birth = unique_id(region, next(_id_seq))
        batch.append(
            Person(
                unit=u,
                name=f"人员{k}",
                id_number=number,
                sex="男",
                birth_date=birth,
                establishment_type=etype,
                category="公务员" if etype == EstablishmentType.ADMIN else "专业技术人员",
                leader_post="单位正职" if k < len(units) else "无",
                entered_on=dt.date(2010, 1, 1),
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)


# ---- 1. the staff import with ledgers on and off --------------------------------------------------------


def staff_workbook(path: Path, units: list[Unit], n: int, region) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("实有人员")
    ws.append(["单位名称", "姓名", "公民身份号码", "编制类型", "人员类别", "领导职务", "入编时间"])
    for k in range(n):
        u = units[k % len(units)]
        organ = u.nature == Nature.ORGAN
        ws.append(
            [
                u.name,
                f"导入{k}",
                unique_id(region, 5_000_000 + k)[0],
                "行政编制" if organ else "事业编制",
                "公务员" if organ else "专业技术人员",
                "",
                "2015-07-01",
            ]
        )
    book.save(path)
    return path


def import_once(path: Path, region, actor, enabled: bool) -> float:
    from units.imports.staff import import_staff_file

    with override_settings(LEDGERS_ENABLED=enabled):
        with transaction.atomic():
            seconds, report = timed(
                import_staff_file, str(path), filename=path.name, region=region, actor=actor
            )
            assert report.exit_code == 0, [str(e) for e in report.errors[:5]]
            assert report.created == bench_args.people
            transaction.set_rollback(True)
    return seconds


def bench_import(region, actor, doc) -> None:
    units = build_units(region, doc, 500, 30, "导入单位")
    rebuild.repair()
    path = staff_workbook(TMP / "staff.xlsx", units, bench_args.people, region)
    on, off = [], []
    for _ in range(bench_args.runs):
        off.append(import_once(path, region, actor, enabled=False))
        on.append(import_once(path, region, actor, enabled=True))
    best_on, best_off = min(on), min(off)
    print(
        f"1. 实有人员导入 {bench_args.people:,} 人 / 500 单位（最优/{bench_args.runs}次）："
        f"台账关 {best_off:.2f} s，台账开 {best_on:.2f} s，台账增加 {100 * (best_on / best_off - 1):+.1f}%"
        f"（目标 ≤ +20%）"
    )
    print(f"   各次：关 {', '.join(f'{s:.2f}' for s in off)}；开 {', '.join(f'{s:.2f}' for s in on)}")


# ---- 2. single 入编 services -----------------------------------------------------------------------------


def loop_once(region, actor, enabled: bool) -> float:
    with override_settings(LEDGERS_ENABLED=enabled):
        with transaction.atomic():
            unit = make_unit(
                region, f"循环单位{enabled}", quotas={"行政编制": bench_args.loop + 5}, posts={"单位正职": 1}
            )
            start = time.perf_counter()
            for _ in range(bench_args.loop):
                make_person(unit, actor=actor)
            seconds = time.perf_counter() - start
            transaction.set_rollback(True)
    return seconds


def bench_loop(region, actor) -> None:
    on, off = [], []
    for _ in range(bench_args.runs):
        off.append(loop_once(region, actor, False))
        on.append(loop_once(region, actor, True))
    n = bench_args.loop
    print(
        f"2. 逐人入编服务 {n} 次：台账关 {min(off):.2f} s（{1000 * min(off) / n:.1f} ms/人），"
        f"台账开 {min(on):.2f} s（{1000 * min(on) / n:.1f} ms/人），增加 {100 * (min(on) / min(off) - 1):+.1f}%"
    )


# ---- 3. check_ledgers at two sizes ---------------------------------------------------------------------


def bench_check(region, doc, n_units: int, n_people: int, label: str) -> None:
    with transaction.atomic():
        t_build, units = timed(
            build_units, region, doc, n_units, max(2, n_people // n_units + 2), f"核对{label}"
        )
        t_people, _ = timed(build_people, region, units, n_people)
    t_repair, _ = timed(lambda: transaction.atomic()(rebuild.repair)())
    t_check, _ = timed(call_command, "check_ledgers", "--quiet")
    check = rebuild.LedgerCheck.objects.latest()
    assert check.ok, check.differences[:5]
    line = (
        f"3. check_ledgers 于 {Unit.objects.exclude(nature=Nature.DIVISION).count():,} 单位 / "
        f"{Person.objects.filter(in_establishment=True).count():,} 人"
        f"（单位台账 {UnitLedgerEntry.objects.count():,} 条，表一 {EstablishmentRow.objects.count():,} 行）："
        f"{t_check:.2f} s；建数据 {t_build + t_people:.1f} s，补记台账(repair) {t_repair:.2f} s"
    )
    if not bench_args.no_export:
        t_export, _ = timed(call_command, "export_ledgers", "--out", str(TMP / f"out{label}"))
        line += f"；export_ledgers {t_export:.2f} s"
    print(line, flush=True)


def main() -> None:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(TMP / "bench.sqlite3")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"数据库：{engine}（{name}）", flush=True)
    try:
        region = make_region()
        actor = make_user("bench", Role.OFFICE_STAFF, regions=[region], full_name="基准测试")
        doc = make_document(region)
        bench_import(region, actor, doc)
        bench_loop(region, actor)
        bench_sizes(region, doc)  # the 500 import units are the first size's units
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def bench_sizes(region, doc) -> None:
    # Size 1: the 500 import units plus 10,000 people built directly.
    units = list(Unit.objects.filter(name__startswith="导入单位").order_by("sort_order"))
    with transaction.atomic():
        t_people, _ = timed(build_people, region, units, 10_000)
    transaction.atomic()(rebuild.repair)()
    t_check, _ = timed(call_command, "check_ledgers", "--quiet")
    assert rebuild.LedgerCheck.objects.latest().ok
    t_export, _ = timed(call_command, "export_ledgers", "--out", str(TMP / "out1"))
    print(
        f"3. check_ledgers 于 500 单位 / 10,000 人：{t_check:.2f} s；export_ledgers {t_export:.2f} s"
        f"（建人员 {t_people:.1f} s）",
        flush=True,
    )
    if bench_args.small:
        return
    # Size 2: 4,500 more units and 90,000 more people (5,000 units / 100,000 people in all).
    bench_check(region, doc, 4_500, 90_000, "2")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000, help="people in the import (default 10,000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--loop", type=int, default=300, help="single 入编 services per run (default 300)")
    parser.add_argument("--small", action="store_true", help="skip the 5,000-unit / 100,000-person size")
    parser.add_argument("--no-export", action="store_true")
    bench_args = parser.parse_args()
    main()

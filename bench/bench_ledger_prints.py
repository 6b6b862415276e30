"""Benchmark: the 电子台账 prints and workbooks (issue 15, point 5).

    .venv/bin/python bench/bench_ledger_prints.py [--db sqlite|postgres] [--units 400] [--people 10000]
        [--out DIR] [--weasyprint N]

Builds its own data in a fresh database (SQLite /tmp/bench_ledger_prints.sqlite3, or the PostgreSQL
database ``bench_ledger_prints`` on the server of $DATABASE_URL): a county of ``--units`` 法人 units (some
with long names, three 编制类型, leader posts) and ``--people`` people, built with bulk_create and the
ledgers brought in step with ``rebuild.repair()``; and a second county of one unit and one person, the
baseline measured in the same run. Printed for each: 表一 PDF and xlsx, 表三 PDF and xlsx, the time
(best of ``--runs``, each run in a forked child process) and the child's peak resident memory (VmHWM)
with how much the job raised it. Targets: 表一 of 400 units ≤ 2 s, 表三 of 10,000 people ≤ 10 s.

``--out DIR`` keeps the PDFs and workbooks (render with ``pdftoppm -r 50 -png``, check ``pdffonts``).
``--weasyprint N`` also times the old engine (weasyprint, minimal CSS: fixed table layout, no classes) on
the first N rows of 表三, the figure that made the prints move to fpdf2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LONG = "中共漳县县委机构编制委员会办公室机关后勤服务中心（县机构编制电子政务中心）"


def _status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child(fn, out) -> None:
    """In a forked child: the job's time, the peak resident memory (VmHWM, reset to the start first)
    and how much it rose over the child's resident memory at the start."""
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    start_rss = _status("VmRSS")
    t0 = time.perf_counter()
    data = fn()
    took = time.perf_counter() - t0
    peak = _status("VmHWM")
    out.write(f"{took} {peak} {peak - start_rss} {len(data)}\n".encode())
    return data


def measure(fn, runs: int, keep: Path | None = None) -> tuple[float, float, float, int]:
    """Best time, highest peak and highest rise over ``runs`` runs, each in a fresh forked child (the
    database connections are closed first so that parent and child each open their own)."""
    from django.db import connections

    best = peak = rise = 0.0
    size = 0
    for run in range(runs):
        connections.close_all()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read)
            code = 0
            try:
                with os.fdopen(write, "wb") as out:
                    data = _child(fn, out)
                if keep is not None and run == 0:
                    keep.write_bytes(data)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            line = pipe.read().decode().split()
        _, status = os.waitpid(pid, 0)
        if status or not line:
            raise SystemExit(f"the measured job failed (status {status})")
        took, mb, up, size = float(line[0]), float(line[1]), float(line[2]), int(line[3])
        best = took if run == 0 else min(best, took)
        peak, rise = max(peak, mb), max(rise, up)
    return best, peak, rise, size


def build(region, doc, n_units: int, n_people: int, prefix: str) -> None:
    from bianzhi.lib.idnumbers import make_id
    from units.choices import EstablishmentType, Nature, PostCategory
    from units.models import LeaderPostQuota, Person, Quota, Unit

    units = [
        Unit(
            region=region,
            name=(f"{prefix}{LONG}{i:04d}" if i % 7 == 0 else f"{prefix}单位{i:04d}"),
            nature=Nature.ORGAN if i % 2 == 0 else Nature.PUBLIC_INSTITUTION,
            system="政府",
            funding="全额拨款",
            institution_class="" if i % 2 == 0 else "公益一类",
            founding_document=doc,
            founded_on=dt.date(2000, 1, 1),
            sort_order=i,
        )
        for i in range(n_units)
    ]
    Unit.objects.bulk_create(units, batch_size=1000)
    units = list(Unit.objects.filter(region=region, name__startswith=prefix).order_by("sort_order"))
    quotas, posts = [], []
    for u in units:
        main = EstablishmentType.ADMIN if u.nature == Nature.ORGAN else EstablishmentType.PUBLIC
        quotas.append(Quota(unit=u, establishment_type=main, approved=25))
        quotas.append(Quota(unit=u, establishment_type=EstablishmentType.SUPPORT, approved=2))
        posts.append(LeaderPostQuota(unit=u, category=PostCategory.CHIEF, approved=1))
        posts.append(LeaderPostQuota(unit=u, category=PostCategory.DEPUTY, approved=3))
    Quota.objects.bulk_create(quotas, batch_size=2000)
    LeaderPostQuota.objects.bulk_create(posts, batch_size=2000)
    batch = []
    for k in range(n_people):
        u = units[k % len(units)]
        etype = EstablishmentType.ADMIN if u.nature == Nature.ORGAN else EstablishmentType.PUBLIC
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=k // 500)
        batch.append(
            Person(
                unit=u,
                name=f"人员{k}",
                id_number=make_id(region.code, birth, k % 500),
                sex="男" if k % 2 else "女",
                birth_date=birth,
                establishment_type=etype,
                category="公务员" if etype == EstablishmentType.ADMIN else "专业技术人员",
                leader_post="单位正职" if k < len(units) else "无",
                title="科员" if k % 3 else "办公室主任兼综合业务股负责人",
                entered_on=dt.date(2010, 1, 1),
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--out", default="")
    parser.add_argument("--weasyprint", type=int, default=0)
    args = parser.parse_args()

    from bench._database import fresh_database

    fresh_database("bench_ledger_prints", args.db)

    from django.db import transaction

    from bianzhi.roles import Role
    from ledgers import exports, prints, selectors
    from ledgers.services import rebuild
    from tests.builders.registry import make_document, make_region, make_user

    big_region = make_region("621125", "漳县")
    small_region = make_region("621126", "岷县")
    build(big_region, make_document(big_region), args.units, args.people, "漳县")
    build(small_region, make_document(small_region), 1, 1, "岷县")
    with transaction.atomic():
        rebuild.repair()
    big = make_user("bench_big", Role.OFFICE_STAFF, regions=[big_region], full_name="李编办")
    small = make_user("bench_small", Role.OFFICE_STAFF, regions=[small_region], full_name="王编办")
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    f = {"q": "", "nature": "", "type": "", "start": None, "end": None}

    def jobs(user):
        one = selectors.table(user, "one", f)
        three = selectors.table(user, "three", f)
        region = selectors.region_label(user)
        return {
            "表一 PDF": lambda: prints.table_pdf("one", one, "表一", masked=False, actor=user, region=region),
            "表一 xlsx": lambda: exports.table_one_workbook(
                one, region=region, as_of=dt.date.today(), exported_by="bench"
            ),
            "表三 PDF": lambda: prints.table_pdf(
                "three", three, "表三", masked=True, actor=user, region=region
            ),
            "表三 xlsx": lambda: exports.download_bytes(
                [exports.table_sheet("three", three, masked=True)], "表三", actor=user
            ),
        }

    print(f"database: {args.db}; each figure: best time and highest peak of {args.runs} runs, each run")
    print("in a forked child (peak = the child's VmHWM; +MB = how much the job raised it)")
    size = {
        "表一": (selectors.table(small, "one", f).count(), selectors.table(big, "one", f).count()),
        "表三": (selectors.table(small, "three", f).count(), selectors.table(big, "three", f).count()),
    }
    base_jobs, big_jobs = jobs(small), jobs(big)
    prints.warm()  # a worker process keeps the parsed font after its first print (ledgers.prints)
    for name in base_jobs:
        rows = size[name[:2]]
        ext = "pdf" if "PDF" in name else "xlsx"
        keep = out / f"{name.replace(' ', '_')}.{ext}" if out else None
        b_s, _, b_up, _ = measure(base_jobs[name], args.runs)
        s, mb, up, nbytes = measure(big_jobs[name], args.runs, keep)
        print(
            f"{name:9s} baseline {rows[0]:5d} rows: {b_s:6.2f} s {b_up:+5.0f} MB | "
            f"{rows[1]:5d} rows: {s:6.2f} s {up:+5.0f} MB (peak {mb:4.0f} MB) | {nbytes / 1024:5.0f} KiB"
        )
    if args.weasyprint:
        s, mb, up, _ = measure(lambda: weasy(selectors.table(big, "three", f), args.weasyprint), 1)
        print(
            f"weasyprint, minimal CSS (the old engine), 表三 first {args.weasyprint} rows: "
            f"{s:6.2f} s {up:+5.0f} MB (peak {mb:4.0f} MB)"
        )


def weasy(qs, n: int) -> bytes:
    from django.utils.html import escape
    from weasyprint import HTML

    from ledgers.prints import TABLE_THREE_COLUMNS, TABLE_THREE_FIELDS

    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(v if v is not None else '')}</td>" for v in values) + "</tr>"
        for values in qs.values_list(*TABLE_THREE_FIELDS)[:n]
    )
    head = "".join(f"<th>{c.label}</th>" for c in TABLE_THREE_COLUMNS[1:])
    html = (
        "<html><head><style>@page{size:A3 landscape;margin:12mm}"
        "html{font-family:'Noto Sans CJK SC';font-size:8pt}"
        "table{table-layout:fixed;width:100%;border-collapse:collapse}td,th{border:.5pt solid #333}"
        f"</style></head><body><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    return HTML(string=html).write_pdf()


if __name__ == "__main__":
    main()

"""Benchmark of the findings at province scale (issue 5): recording a run of ~140,000 findings, and the
findings pages (list with its filters, a deep page, detail, export) over them.

    .venv/bin/python bench/bench_findings.py [--db sqlite|postgres]                # 1,400 and 140,000 findings
    .venv/bin/python bench/bench_findings.py --db postgres --findings 14000        # quicker, while developing
    .venv/bin/python bench/bench_findings.py --db sqlite --findings 140000 --small 1400 --repeat 5

Uses a fresh SQLite file (/tmp/bench_findings.sqlite3) or a PostgreSQL database ``bench_findings`` on the
server of $DATABASE_URL (default postgres://postgres@127.0.0.1:5432; dropped and created here). A
province comparison (1,000,000 people, three partner files of 1,000,000 rows) finds about 140,000
problems; their shape here is synthetic (the 17 codes, a fixed mix, sources org/finance/si/register,
units of real Unit rows so townships resolve), the paths are the real ones:

1. ``verification.findings.services.comparison_record`` (the thing measured; units are bulk-inserted): a first
   run where every finding is new, then a second run where ~10% are gone and ~10% are new (before it,
   ~5% of the findings are 已说明 and ~3% closed, so the gone path skips closed ones).
2. ``verification:finding_list`` through Django's test Client as an office staff user: unfiltered, by
   code, source, status, township, unit name (the page's only text search), new/gone, combined, a deep
   page (page 2000 at 50 per page; at the small size the paginator falls back to the last page). The
   minimum wall time of ``--repeat`` requests and the number of SQL queries, at the small size and at
   the large size, side by side: the query counts must be the same.
3. ``verification:finding_detail``, and the 问题清单 export (the filtered list, and the whole list) as
   the export job ``verification.findings_export`` run by the real runner in this process (JOBS_EAGER:
   over JOBS_INLINE_MAX_ROWS the page ``verification:finding_export`` only offers the job): time
   (without tracemalloc) and, in a second run, the tracemalloc peak (Python allocations only) and the
   workbook's size.
4. The plans of the hot queries (first page, counts per code, townships, deep page, …) as the page
   requests sent them, at the large size: ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL — its first
   line, the rows read from the findings table, the query's own time; measured after ``VACUUM
   ANALYZE`` (the state once autovacuum has passed; the first line right after the runs is printed
   too) — and ``EXPLAIN QUERY PLAN`` on SQLite. A sequential scan of the findings table is flagged.
   Each is compared with the same query where any regions subquery (``region_id IN (SELECT …)``) is
   replaced by the region's id: the views resolve the user's region ids first (a subquery kept both
   databases from walking ``finding_list_order`` and made every page read and sort all findings), so
   the two lines agree unless that regresses.

The small size is measured in one region, the large in another (each with ``--units`` units), so the
small figures are those of a small table. ``--plans`` prints whole PostgreSQL plans. The load
average is printed before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
import tracemalloc
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "bench_findings"
SQLITE_PATH = Path("/tmp/bench_findings.sqlite3")
# a fixed mix of the 17 codes (per 100 findings) and the source each one comes from
MIX = {
    "REG_NOT_IN_FIN": (12, "finance"),
    "FIN_NOT_IN_REG": (10, "finance"),
    "FIN_UNIT_MISMATCH": (4, "finance"),
    "REG_NOT_IN_ORG": (10, "org"),
    "ORG_NOT_IN_REG": (10, "org"),
    "ORG_UNIT_MISMATCH": (5, "org"),
    "LEADER_POST_MISMATCH": (3, "org"),
    "CATEGORY_MISMATCH": (4, "org"),
    "REG_NOT_IN_SI": (12, "si"),
    "SI_NOT_IN_REG": (10, "si"),
    "SI_UNIT_MISMATCH": (5, "si"),
    "NAME_MISMATCH": (6, None),  # None: org / finance / si in turn
    "INVALID_ID": (3, None),
    "DUPLICATE_ID": (2, None),
    "OVER_QUOTA": (1, "register"),
    "OVER_LEADER_POSTS": (1, "register"),
    "UNIT_UNKNOWN": (2, None),
}
CYCLE = [code for code, (weight, _) in MIX.items() for _ in range(weight)]
CYCLE = [CYCLE[(k * 37) % len(CYCLE)] for k in range(len(CYCLE))]  # interleaved, not in runs
PER_PAGE = 50


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` columns, Chinese characters counting two."""
    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(0, width - cols)
    return fill + text if right else text + fill


def setup(db: str) -> str:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        import psycopg

        base = (os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres").rsplit(
            "/", 1
        )[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        url = f"{base}/{DB_NAME}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
    os.environ["BIANZHI_DATA_DIR"] = "/tmp/bench_findings_data"
    os.environ["BIANZHI_JOBS_EAGER"] = "1"  # an export job runs at once in this process (measure_export)
    Path("/tmp/bench_findings_data/staticfiles").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def fill(code: str, name: str, n_units: int, username: str):
    """A region with ``n_units`` units (every 4th in one of 10 townships, the rest 县直) and an office
    staff user of that region."""
    from bianzhi.roles import Role
    from tests.builders.registry import make_region, make_user
    from units.models import Unit

    region = make_region(code, name)
    natures = [("行政机关", "局"), ("参公事业单位", "中心"), ("事业单位", "中心")]
    units = Unit.objects.bulk_create(
        [
            Unit(
                region=region,
                name=f"第{u}号单位{natures[u % 3][1]}",
                nature=natures[u % 3][0],
                funding="全额拨款",
                system="政府",
                township="" if u % 4 else f"第{u % 40}镇",
                institution_class="公益一类" if natures[u % 3][0] == "事业单位" else "",
            )
            for u in range(1, n_units + 1)
        ],
        batch_size=2000,
    )
    user = make_user(username, Role.OFFICE_STAFF, regions=[region], full_name="压测编办")
    return region, units, user


def make_findings(units, indices):
    """Synthetic engine findings, one per index; distinct subjects, so distinct keys."""
    from bianzhi.lib.idnumbers import make_id
    from verification.compare.engine import Finding

    out = []
    partner = ("org", "finance", "si")
    for i in indices:
        code = CYCLE[i % len(CYCLE)]
        source = MIX[code][1] or partner[i % 3]
        unit = units[(i * 7) % len(units)]
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i // 1000)
        pid = make_id("621125", birth, (i % 1000) // 2, "男" if i % 2 else "女")
        name = f"压测人员{i}"
        reg_info = f"单位：{unit.name}；编制类型：行政编制；人员类别：公务员；领导职务：无；姓名：{name}"
        cmp_info = f"单位：{unit.name}；人员类别：公务员；领导职务：无；姓名：{name}"
        if code in ("OVER_QUOTA", "OVER_LEADER_POSTS"):
            f = Finding(code, source, unit.name, unit.id, category="行政编制", subject=f"unit{i}")
            f.reg_info, f.note = "核定 10 名，实有 12 名", "超出 2 名"
        elif code == "UNIT_UNKNOWN":
            written = f"外县单位{i % 37}"
            f = Finding(code, source, written, None, subject=f"{written}|{i}", note=f"{i % 50 + 1} 行")
        else:
            f = Finding(
                code,
                source,
                unit.name,
                unit.id,
                person_name=name,
                id_number=pid if code != "INVALID_ID" else pid[:17] + "Z",
                category="单位副职" if code == "LEADER_POST_MISMATCH" else "",
                reg_info="" if code.endswith("_NOT_IN_REG") else reg_info,
                cmp_info="" if code.startswith("REG_NOT_IN") else cmp_info,
                subject=pid if code != "INVALID_ID" else f"{pid[:17]}Z|{i}",
            )
        out.append(f)
    return out


class QueryCounter:
    """Counts queries without keeping their text (a bulk insert's SQL is big)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def record(region, findings, user) -> tuple[float, int, object]:
    from django.db import connection

    from verification.compare.engine import Result
    from verification.findings.services import comparison_record

    result = Result(findings=findings, register_people=1_000_000)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        run = comparison_record(
            region=region, result=result, sources=["org", "finance", "si"], cutoff=None, actor=user
        )
        elapsed = time.perf_counter() - start
    return elapsed, counter.n, run


def set_statuses(region) -> None:
    """Before the second run: ~5% 已说明, ~2% 已整改, ~1% 不属实 (not measured)."""
    from django.db.models.functions import Mod

    from verification.findings.models import Finding

    findings = Finding.objects.filter(region=region).alias(m20=Mod("id", 20), m50=Mod("id", 50))
    findings.filter(m20=1).update(status="已说明")
    findings.filter(m50=2).update(status="已整改")
    findings.alias(m100=Mod("id", 100)).filter(m100=3).update(status="不属实")


def populate(args, size: int, code: str, name: str, username: str) -> dict:
    """One region: units, user, two recorded runs; returns what the page measurements need."""
    region, units, user = fill(code, name, args.units, username)
    first = make_findings(units, range(size))
    t1, q1, run1 = record(region, first, user)
    del first
    set_statuses(region)
    second = make_findings(units, [i for i in range(size) if i % 10] + list(range(size, size + size // 10)))
    t2, q2, run2 = record(region, second, user)
    del second
    return {
        "size": size,
        "region": region,
        "user": user,
        "units": units,
        "record": [(t1, q1, run1), (t2, q2, run2)],
    }


def page_cases(units) -> list[tuple[str, dict]]:
    unit = units[7]  # 第8号单位… (the same name in both regions)
    return [
        ("第1页 不筛选", {}),
        ("按问题代码 FIN_NOT_IN_REG", {"code": "FIN_NOT_IN_REG"}),
        ("按数据来源 si", {"source": "si"}),
        ("按状态 已说明", {"status": "已说明"}),
        ("按乡镇 第8镇", {"township": "第8镇"}),
        ("按乡镇 县直", {"township": "县直"}),
        (f"按单位 {unit.name}", {"unit": unit.name}),
        ("单位名称搜索 第12", {"unit": "第12"}),
        ("本次新增", {"presence": "new"}),
        ("已消失", {"presence": "gone"}),
        ("代码+乡镇+状态", {"code": "REG_NOT_IN_SI", "township": "县直", "status": "待核实"}),
        ("深页 第2000页", {"page": 2000}),
        ("深页+代码 第100页", {"code": "REG_NOT_IN_FIN", "page": 100}),
    ]


def fetch(client, url: str, params: dict, repeat: int):
    """(queries, min wall time, the queries of the last request, response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, params, response.status_code)
    return len(ctx.captured_queries), min(times), ctx.captured_queries, response


def matched(user, params: dict) -> int:
    """How many findings the filters select (outside the timing)."""
    from django.test import RequestFactory

    from verification.findings import selectors
    from verification.findings.views import findings

    request = RequestFactory().get("/", {k: v for k, v in params.items() if k != "page"})
    request.user = user
    return findings._filtered(request, selectors.latest_runs())[0].count()


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def capture_once(user, units) -> dict:
    """The queries of each list page, one request each (for the plans before VACUUM ANALYZE)."""
    from django.urls import reverse

    client, url = logged_in(user), reverse("verification:finding_list")
    return {label: fetch(client, url, params, 1)[2] for label, params in page_cases(units)}


def measure_pages(data: dict, repeat: int) -> dict:
    from django.urls import reverse

    from verification.findings.models import Finding, FindingEvent

    client = logged_in(data["user"])
    url = reverse("verification:finding_list")
    pages, captured = {}, {}
    for label, params in page_cases(data["units"]):
        queries, best, sql, _ = fetch(client, url, params, repeat)
        pages[label] = (queries, best, matched(data["user"], params))
        captured[label] = sql
    region = data["region"]
    gone = FindingEvent.objects.filter(finding__region=region).values_list("finding_id", flat=True).first()
    new = Finding.objects.filter(region=region, first_run=data["record"][1][2]).values_list("pk", flat=True)
    detail = {}
    for label, pk in (("详情 已消失的问题", gone), ("详情 本次新增的问题", new.first())):
        queries, best, _, _ = fetch(client, reverse("verification:finding_detail", args=[pk]), {}, repeat)
        detail[label] = (queries, best, 1)
    return {"pages": pages, "detail": detail, "captured": captured, "client": client}


def measure_export(user, params: dict, repeat: int) -> tuple[int, float, int, int]:
    """(queries, min wall time without tracemalloc, tracemalloc peak in bytes, workbook bytes) of the
    问题清单 as users get it over ``JOBS_INLINE_MAX_ROWS`` findings: the export job
    (``verification.findings_export``) submitted and run by the real runner in this process (JOBS_EAGER,
    set in ``setup``), from the Job row to the stored workbook. A GET of ``verification:finding_export``
    over that size only answers the "在后台生成" offer page, which is not the thing to time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jobs.models import JobStatus
    from jobs.services import job_submit
    from verification.jobs import FINDINGS_KIND, query_of

    def run():
        job = job_submit(
            FINDINGS_KIND,
            actor=user,
            region=None,
            params={"query": query_of(params)},
            label="导出比对问题清单",
        )
        assert job.status == JobStatus.DONE, (job.status, job.error)
        return job

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            job = run()
            times.append(time.perf_counter() - start)
    size = job.result_file.size
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return len(ctx.captured_queries), min(times), peak, size


def hot_queries(captured: dict) -> list[tuple[str, str]]:
    """(name, SQL) of the findings queries worth a plan, taken from the requests themselves."""
    out = []

    def pick(label, name, test):
        for q in captured[label]:
            sql = q["sql"]
            if "verification_finding" in sql and test(sql):
                out.append((name, sql))
                return

    is_page = lambda s: "LIMIT" in s and "ORDER BY" in s  # noqa: E731
    is_counts = lambda s: "GROUP BY" in s and "COUNT(" in s  # noqa: E731
    is_townships = lambda s: "DISTINCT" in s and "township" in s  # noqa: E731
    pick("第1页 不筛选", "第1页（不筛选）", is_page)
    pick("第1页 不筛选", "各代码计数（不筛选）", is_counts)
    pick("第1页 不筛选", "乡镇列表 DISTINCT", is_townships)
    pick("按问题代码 FIN_NOT_IN_REG", "第1页（按代码）", is_page)
    pick("按状态 已说明", "各代码计数（按状态）", is_counts)
    pick("按乡镇 第8镇", "第1页（按乡镇）", is_page)
    pick("单位名称搜索 第12", "各代码计数（单位名称搜索）", is_counts)
    pick("已消失", "各代码计数（已消失）", is_counts)
    pick("深页 第2000页", "深页 第2000页", is_page)
    return out


def explain(db: str, sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "postgres":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def time_query(sql: str, repeat: int = 3) -> float:
    """Minimum time of running the query alone and fetching its rows."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append(time.perf_counter() - start)
    return min(times)


def seq_scan(db: str, plan: list[str]) -> bool:
    """A full scan of the findings table (not of an index)."""
    if db == "postgres":
        return any("Seq Scan on verification_finding" in line for line in plan)
    return any(
        line.startswith("SCAN") and "verification_finding" in line and "INDEX" not in line for line in plan
    )


def rows_read(plan: list[str]) -> int:
    """PostgreSQL: rows the scans of the findings table returned or filtered out (× loops)."""
    total, inside = 0, False
    for line in plan:
        if "->" in line or line is plan[0]:
            inside = bool(re.search(r"Scan .*on verification_finding(\s|$)", line))
            match = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", line)
            if inside and match:
                total += int(match[1]) * int(match[2])
        elif inside and (match := re.search(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", line)):
            total += int(match[1])
    return total


def literal_region(sql: str, region_id: int) -> str:
    """The query with ``region_id IN (SELECT … the user's regions)`` replaced by ``region_id = <id>``."""
    head = '"verification_finding"."region_id" IN ('
    start = sql.find(head)
    if start < 0:
        return sql
    depth, i = 1, start + len(head)
    while depth:
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        i += 1
    return f'{sql[:start]}"verification_finding"."region_id" = {region_id}{sql[i:]}'


def plan_summary(db: str, sql: str) -> tuple[str, list[str], bool]:
    """(one line: the plan's first line, rows read and time on PostgreSQL, the whole short plan on
    SQLite; the plan; whether it scans the findings table)."""
    plan = explain(db, sql)
    elapsed = time_query(sql)
    if db == "postgres":
        line = f"{plan[0].strip()}；读取问题表 {rows_read(plan):,} 行；单独执行 {elapsed * 1000:.1f}ms"
    else:
        line = f"{' / '.join(plan)}；单独执行 {elapsed * 1000:.1f}ms"
    return line, plan, seq_scan(db, plan)


def vacuum_analyze(db: str) -> None:
    """PostgreSQL: what autovacuum does soon after a run (statistics, visibility map, dead rows)."""
    if db == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def row(cells: list[tuple[str, int]]) -> str:
    """One table line: (text, width) cells, negative width = left-aligned."""
    return " ".join(pad(text, abs(w), right=w > 0) for text, w in cells)


def report(args, sizes) -> None:
    small, large = sizes
    print("\n1. 记录比对结果 comparison_record")
    widths = (9, -28, 9, 7, 8, 8, 9)
    heads = ("问题数", "批次", "耗时", "查询数", "新增", "消失", "本次问题")
    print(row(list(zip(heads, widths, strict=True))))
    for data in sizes:
        for k, (elapsed, queries, run) in enumerate(data["record"]):
            label = "第1次（全部新增）" if k == 0 else "第2次（约10%消失、10%新增）"
            cells = (f"{data['size']:,}", label, f"{elapsed:.2f}s", str(queries))
            cells += (f"{run.new_count:,}", f"{run.gone_count:,}", f"{run.finding_count:,}")
            print(row(list(zip(cells, widths, strict=True))))
    print(
        f"\n2. 问题页面（{small['size']:,} 条 vs {large['size']:,} 条；表中实有 "
        f"{small['size'] * 11 // 10:,} / {large['size'] * 11 // 10:,} 条，含已消失）"
    )
    widths = (-30, 10, 10, 10, 10, 10)
    heads = ("页面", "查询数(小)", "查询数(大)", "耗时(小)", "耗时(大)", "命中(大)")
    print(row(list(zip(heads, widths, strict=True))))
    same = True
    for group in ("pages", "detail"):
        for label, (q_small, t_small, _) in small[group].items():
            q_large, t_large, hits = large[group][label]
            same &= q_small == q_large
            cells = (label, str(q_small), str(q_large), f"{t_small * 1000:.1f}ms", f"{t_large * 1000:.1f}ms")
            cells += (f"{hits:,}",)
            print(row(list(zip(cells, widths, strict=True))) + ("" if q_small == q_large else "  ← 不同"))
    print("查询数不随行数增长" if same else "注意：查询数随行数变化")
    print(
        "\n3. 导出 问题清单：后台任务 verification.findings_export 由任务执行器在本进程运行（提交到结果文件保存；"
        "超过 JOBS_INLINE_MAX_ROWS 时页面只给出“在后台生成”，不计时页面）；耗时不含 tracemalloc，内存峰值取另一次运行"
    )
    widths = (9, -28, 9, 7, 9, 11, 10)
    heads = ("问题数", "导出", "行数", "查询数", "耗时", "内存峰值", "文件大小")
    print(row(list(zip(heads, widths, strict=True))))
    for data in sizes:
        for label, (rows, queries, elapsed, peak, size) in data["exports"].items():
            cells = (f"{data['size']:,}", label, f"{rows:,}", str(queries), f"{elapsed:.2f}s")
            cells += (f"{peak / 2**20:.1f}MiB", f"{size / 2**20:.1f}MiB")
            print(row(list(zip(cells, widths, strict=True))))
    how = (
        "EXPLAIN (ANALYZE, BUFFERS)，在 VACUUM ANALYZE 之后"
        if args.db == "postgres"
        else "EXPLAIN QUERY PLAN"
    )
    print(f"\n4. 查询计划（{large['size']:,} 条；{how}；取自上面的页面请求）")
    for name, sql in hot_queries(large["captured"]):
        line, plan, scans = plan_summary(args.db, sql)
        print(f"  {name}: {line}" + ("  ← 顺序扫描问题表" if scans else ""))
        if args.db == "postgres" and (args.plans or scans):
            for text in plan[1:]:
                print(f"        {text}")
        if name in large["plans_before"]:
            print(f"      VACUUM ANALYZE 之前: {large['plans_before'][name].strip()}")
        literal, _, scans = plan_summary(args.db, literal_region(sql, large["region"].pk))
        print(
            f"      对照 region_id = {large['region'].pk}（不用子查询）: {literal}"
            + ("  ← 顺序扫描" if scans else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--findings", type=int, default=140_000, help="findings of the large size")
    parser.add_argument("--small", type=int, default=1_400, help="findings of the small size")
    parser.add_argument("--units", type=int, default=300, help="units per region")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (the minimum is printed)")
    parser.add_argument("--plans", action="store_true", help="print the whole plans, not only first lines")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    url = setup(args.db)
    print(
        f"数据库 {args.db}（{url.split('@')[-1]}）；每个区划 {args.units} 个单位；每页 {PER_PAGE} 条；"
        f"每页请求 {args.repeat} 次取最小值；{os.cpu_count()} 核，开始时负载 "
        + " ".join(f"{x:.2f}" for x in load_before),
        flush=True,
    )
    sizes = []
    for size, code, name, username in (
        (args.small, "621125", "漳县", "bench_small"),
        (args.findings, "620000", "压测省", "bench_large"),
    ):
        data = populate(args, size, code, name, username)
        plans_before = {}
        if args.db == "postgres":  # the plans right after the run, before autovacuum has passed
            captured = capture_once(data["user"], data["units"])
            plans_before = {name: explain(args.db, sql)[0] for name, sql in hot_queries(captured)}
            vacuum_analyze(args.db)
        data.update(measure_pages(data, args.repeat))
        data["plans_before"] = plans_before
        data["exports"] = {
            label: (matched(data["user"], params), *measure_export(data["user"], params, 1))
            for label, params in (
                ("按代码 REG_NOT_IN_FIN", {"code": "REG_NOT_IN_FIN"}),
                ("全部（含已消失）", {}),
            )
        }
        sizes.append(data)
        print(f"  {size:,} 条规模测完（累计 {time.perf_counter() - started:.0f} s）", flush=True)
    report(args, sizes)
    print(
        f"总耗时 {time.perf_counter() - started:.0f} s；负载 开始 "
        + " ".join(f"{x:.2f}" for x in load_before)
        + " → 结束 "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + f"（{os.cpu_count()} 核）"
    )


if __name__ == "__main__":
    main()
